"""The REST side over real HTTP: credentials, errors, hang-up, pacing, bounds and bad webhooks."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest
from tests.integration.telephony.harness import (
    AUTH_TOKEN,
    Env,
    GatedSleeper,
    ask_in_turn,
    environment,
    questions,
)

from proxycall.adapters.telephony.simulator.engine import MAX_REAL_WAIT_SECONDS, MAX_TWIML_REQUESTS
from proxycall.adapters.telephony.twilio_client import TwilioTelephony
from proxycall.core.calls import CallStatus
from proxycall.core.telephony import CallNotFound, TelephonyError, TelephonyUnavailable
from proxycall.core.voice import Hangup, Listen, Say

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _calls_url(env: Env) -> str:
    return f"{env.simulator_base}/2010-04-01/Accounts/{env.simulator.account_sid}/Calls.json"


async def test_wrong_credentials_are_refused_with_401(env: Env) -> None:
    wrong = TwilioTelephony(env.simulator.account_sid, "not-the-token", base_url=env.simulator_base)

    with pytest.raises(TelephonyError) as caught:
        await wrong.place_call(env.request("in-stock"))

    assert not isinstance(caught.value, TelephonyUnavailable)
    assert caught.value.http_status == 401
    assert caught.value.provider_code == 20003
    assert caught.value.__cause__ is not None  # the SDK's exception, chained
    assert env.simulator.calls_to(env.request("in-stock").to) == []


async def test_raw_401_is_twilio_shaped(env: Env) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(_calls_url(env), data={"To": "+61370100001"})

    assert response.status_code == 401
    assert response.json() == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"From": "+61755500000", "Url": "http://127.0.0.1/v"}, 21201),
        ({"To": "+61370100001", "Url": "http://127.0.0.1/v"}, 21603),
        ({"To": "+61370100001", "From": "+61755500000"}, 21205),
        ({"To": "0370100001", "From": "+61755500000", "Url": "http://127.0.0.1/v"}, 21211),
        ({"To": "+61370100001", "From": "+61755500000", "Url": "not a url"}, 21205),
        ({"To": "+61370100001", "From": "+61755500000", "Url": "http://127.0.0.1/v",
          "Timeout": "0"}, 20001),
    ],
)
async def test_bad_create_requests_get_400_with_twilio_error_json(
    env: Env, form: dict[str, str], code: int
) -> None:
    auth = (env.simulator.account_sid, AUTH_TOKEN)
    async with httpx.AsyncClient(auth=auth) as client:
        response = await client.post(_calls_url(env), data=form)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["status"] == 400
    assert body["more_info"].endswith(str(code))
    assert body["message"]


async def test_invalid_number_through_the_sdk_is_a_telephony_error(env: Env) -> None:
    with pytest.raises(TelephonyError) as caught:
        await env.telephony.place_call(env.request("in-stock", to="+1"))

    assert caught.value.provider_code == 21211
    assert caught.value.http_status == 400
    assert "+1" not in str(caught.value)  # no numbers in our messages


async def test_fetch_of_an_unknown_call_is_call_not_found(env: Env) -> None:
    with pytest.raises(CallNotFound) as caught:
        await env.telephony.fetch_call("CA" + "0" * 32)

    assert caught.value.http_status == 404


async def test_unreachable_provider_is_unavailable() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    telephony = TwilioTelephony("AC" + "1" * 32, "token", base_url=f"http://127.0.0.1:{port}",
                                timeout_seconds=2)

    with pytest.raises(TelephonyUnavailable) as caught:
        await telephony.fetch_call("CA" + "0" * 32)

    assert caught.value.__cause__ is not None


async def test_hang_up_through_the_sdk_mid_call(env: Env) -> None:
    env.hooks.gate = asyncio.Event()  # the first gather waits until we have hung up
    env.hooks.script = questions("Do you have any in stock?", "How many do you have?")
    placed = await env.telephony.place_call(env.request("in-stock"))
    await asyncio.wait_for(env.hooks.gather_arrived.wait(), 5)

    ended = await env.telephony.hang_up(placed.sid)
    env.hooks.gate.set()
    call = await env.simulator.wait_until_done(placed.sid)

    assert ended.status is CallStatus.COMPLETED
    assert call.status == "completed"
    assert call.status_callbacks() == ["initiated", "ringing", "in-progress", "completed"]
    assert "How many do you have?" not in call.said_by("agent")  # nothing played after it
    assert "hung up through the REST API" in call.said_by("event")
    fetched = await env.telephony.fetch_call(placed.sid)
    assert fetched.status is CallStatus.COMPLETED


async def test_hang_up_while_ringing_cancels_the_call() -> None:
    sleeper = GatedSleeper()
    async with environment(pace=1.0, sleeper=sleeper) as env:
        placed = await env.telephony.place_call(env.request("in-stock"))
        await asyncio.wait_for(sleeper.waiting.wait(), 5)  # the engine is mid-ring

        ended = await env.telephony.hang_up(placed.sid)
        sleeper.gate.set()
        call = await env.simulator.wait_until_done(placed.sid)

    assert ended.status is CallStatus.CANCELED
    assert call.status == "canceled"
    assert call.status_callbacks()[-1] == "canceled"
    assert env.hooks.of_kind("voice") == []


async def test_hang_up_after_the_end_changes_nothing(env: Env) -> None:
    call = await env.call("busy")

    ended = await env.telephony.hang_up(call.sid)

    assert ended.status is CallStatus.BUSY
    assert call.status_callbacks() == ["initiated", "ringing", "busy"]


async def test_pace_scales_waits_through_the_sleeper_and_caps_each() -> None:
    async with environment(pace=0.5) as env:
        env.hooks.script = questions("Do you have any in stock?")
        call = await env.call("hold-then-yes", timeout_seconds=30)

    waits = env.sleeper.waits
    assert waits, "a paced call waits through the sleeper"
    assert max(waits) <= MAX_REAL_WAIT_SECONDS
    assert sum(waits) <= call.elapsed * 0.5 + 1e-9
    assert sum(waits) > 0


async def test_webhooks_signed_with_another_token_are_refused_and_the_call_ends() -> None:
    async with environment(simulator_token="a-different-token") as env:
        call = await env.call("in-stock")

    assert [r.signature_ok for r in env.hooks.received] and not any(
        r.signature_ok for r in env.hooks.received
    )
    assert {r.status_code for r in call.requests} == {403}
    assert call.status == "completed"
    assert any("application error" in text for text in call.said_by("event"))


async def test_a_failing_webhook_ends_the_call_like_an_application_error(env: Env) -> None:
    env.hooks.fail_with = 500

    call = await env.call("in-stock")

    assert call.status == "completed"
    assert "application error: the voice webhook gave HTTP 500" in call.said_by("event")
    assert call.status_callbacks()[-1] == "completed"


async def test_unparseable_twiml_ends_the_call(env: Env) -> None:
    env.hooks.raw_twiml.append("<Response><Say>unclosed</Response>")

    call = await env.call("in-stock")

    assert call.status == "completed"
    assert any("could not be parsed" in text for text in call.said_by("event"))


async def test_time_limit_ends_a_call_that_never_ends(env: Env) -> None:
    env.hooks.script = ask_in_turn(*([[Listen(prompt=("Sorry, could you repeat that?",))]] * 50))

    call = await env.call("never-clear", time_limit_seconds=30)

    assert call.status == "completed"
    assert any("time limit of 30 s" in text for text in call.said_by("event"))
    assert 30 <= call.duration_seconds <= 40


async def test_a_redirect_loop_is_bounded(env: Env) -> None:
    loop = ('<?xml version="1.0" encoding="UTF-8"?><Response>'
            '<Redirect>/twilio/voice?callId=test-call</Redirect></Response>')
    env.hooks.raw_twiml.extend([loop] * (MAX_TWIML_REQUESTS + 5))

    call = await env.call("in-stock")

    assert call.status == "completed"
    assert len([r for r in call.requests if r.kind != "status"]) == MAX_TWIML_REQUESTS
    assert any("TwiML requests" in text for text in call.said_by("event"))


async def test_patience_ends_a_call_that_keeps_asking(env: Env) -> None:
    env.hooks.script = ask_in_turn(*([[Listen(prompt=("Anything else?",))]] * 20),
                                   [Say("Bye."), Hangup()])

    call = await env.call("acknowledger")

    assert call.status == "completed"
    assert "the callee hung up" in call.said_by("event")
    assert len(call.said_by("callee")) == 8


async def test_transcript_endpoint_shows_both_sides(env: Env) -> None:
    call = await env.call("clinic-cancels")

    async with httpx.AsyncClient(auth=(env.simulator.account_sid, AUTH_TOKEN)) as client:
        response = await client.get(f"{env.simulator_base}/_simulator/calls/{call.sid}")
        anonymous = await client.get(f"{env.simulator_base}/_simulator/calls/{call.sid}",
                                     auth=("x", "y"))

    assert response.status_code == 200
    body = response.json()
    assert body["persona"] == "clinic-cancels"
    assert {line["speaker"] for line in body["transcript"]} >= {"agent", "callee"}
    assert [w["call_status"] for w in body["webhooks"] if w["kind"] == "status"] == [
        "initiated", "ringing", "in-progress", "completed"
    ]
    assert anonymous.status_code == 401
