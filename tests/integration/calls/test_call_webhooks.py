"""The /twilio/* webhooks over real HTTP: signatures, duplicates, late and stale callbacks."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urlencode

import httpx
from tests.integration.calls.conftest import CallServer, confirm_sick_call

from proxycall.adapters.db.calls import CallStore, StoredCall, StoredEvent
from proxycall.adapters.db.conversations import ConversationStore
from proxycall.adapters.db.database import create_engine, session_factory
from proxycall.adapters.telephony.signature import SIGNATURE_HEADER, sign

T = TypeVar("T")


def _with_store(server: CallServer, work: Callable[[CallStore, ConversationStore],
                                                    Awaitable[T]]) -> T:
    """Run `work` against the server's database from the test's own engine and loop."""
    async def run() -> T:
        engine = create_engine(server.database_url)
        try:
            sessions = session_factory(engine)
            return await work(CallStore(sessions, engine.dialect.name),
                              ConversationStore(sessions))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _in_flight_call(server: CallServer, client: httpx.Client, token_user: str) -> StoredCall:
    """A confirmed task with a call the provider has just started ringing (no simulator)."""
    cid = confirm_sick_call(client)

    async def insert(calls: CallStore, conversations: ConversationStore) -> StoredCall:
        stored = await conversations.load(token_user, cid)
        assert stored is not None
        now = datetime.now(UTC)
        row = StoredCall(
            id=f"call_{uuid.uuid4().hex}", conversation_pk=stored.pk, user_id=token_user,
            attempt=1, agent_type="SICK_CALLER", status="initiated", to_number="+61491570006",
            callee_timezone="Australia/Brisbane", provider="simulator",
            provider_sid="CA" + uuid.uuid4().hex, scheduled_for=None, claimed_by=None,
            answered_by=None, end_reason=None, flow_state=None,
            values=dict(stored.state["values"]), outcome=None, llm_calls=0,
            duration_seconds=None, cost=None, cost_currency=None, last_provider_event_at=now,
            created_at=now, updated_at=now)
        call, created = await calls.create(row)
        assert created
        return call

    return _with_store(server, insert)


def _events(server: CallServer, call_id: str) -> list[StoredEvent]:
    return _with_store(server, lambda calls, _c: calls.events(call_id))


def _post(server: CallServer, path: str, call: StoredCall, fields: dict[str, str], *,
          token: str | None = None) -> httpx.Response:
    url = f"{server.base_url}{path}?{urlencode({'callId': call.id})}"
    form = {"CallSid": call.provider_sid or "", "AccountSid": "AC" + "51" * 16, **fields}
    signature = sign(token or server.signing_token, url, form)
    return httpx.post(url, data=form, headers={SIGNATURE_HEADER: signature}, timeout=10)


def _me(client: httpx.Client) -> str:
    return str(client.get("/me").json()["userId"])


def test_unsigned_or_wrongly_signed_webhooks_are_refused(sqlite_calls_server: CallServer) -> None:
    server = sqlite_calls_server
    with server.client(server.new_user()) as client:
        call = _in_flight_call(server, client, _me(client))
        forged = _post(server, "/twilio/status", call, {"CallStatus": "completed"},
                       token="not-the-token")
        url = f"{server.base_url}/twilio/status?callId={call.id}"
        unsigned = httpx.post(url, data={"CallStatus": "completed"}, timeout=10)
        voice = _post(server, "/twilio/voice", call, {"CallStatus": "in-progress"},
                      token="not-the-token")
        status = client.get(f"/call/status/{call.id}").json()
    assert [forged.status_code, unsigned.status_code, voice.status_code] == [403, 403, 403]
    assert status["status"] == "initiated" and status["transcript"] == []
    assert [e.kind for e in _events(server, call.id)] == []


def test_same_callback_twice_changes_the_status_once(calls_server: CallServer) -> None:
    server = calls_server
    with server.client(server.new_user()) as client:
        call = _in_flight_call(server, client, _me(client))
        first = _post(server, "/twilio/status", call, {"CallStatus": "ringing"})
        second = _post(server, "/twilio/status", call, {"CallStatus": "ringing"})
        status = client.get(f"/call/status/{call.id}").json()
    assert (first.status_code, second.status_code) == (204, 204)
    assert status["status"] == "ringing"
    reports = [(e.status, e.applied) for e in _events(server, call.id) if e.kind == "status"]
    assert reports == [("ringing", True), ("ringing", False)]


def test_late_callbacks_never_move_a_call_backwards(calls_server: CallServer) -> None:
    server = calls_server
    with server.client(server.new_user()) as client:
        call = _in_flight_call(server, client, _me(client))
        for word in ("completed", "ringing", "in-progress", "initiated"):
            fields = {"CallStatus": word, "CallDuration": "42", "Price": "-0.0130",
                      "PriceUnit": "USD"} if word == "completed" else {"CallStatus": word}
            assert _post(server, "/twilio/status", call, fields).status_code == 204
        status = client.get(f"/call/status/{call.id}").json()
    assert status["status"] == "completed" and status["terminal"] is True
    assert status["durationSeconds"] == 42
    assert status["cost"] == 0.013 and status["costCurrency"] == "USD"
    reports = [(e.status, e.applied) for e in _events(server, call.id) if e.kind == "status"]
    assert reports == [("completed", True), ("ringing", False), ("in-progress", False),
                       ("initiated", False)]


def test_voice_after_the_end_hangs_up_and_says_nothing(sqlite_calls_server: CallServer) -> None:
    server = sqlite_calls_server
    with server.client(server.new_user()) as client:
        call = _in_flight_call(server, client, _me(client))
        _post(server, "/twilio/status", call, {"CallStatus": "canceled"})
        voice = _post(server, "/twilio/voice", call, {"CallStatus": "in-progress",
                                                      "AnsweredBy": "human"})
        status = client.get(f"/call/status/{call.id}").json()
    assert voice.status_code == 200
    assert voice.headers["content-type"].startswith("application/xml")
    assert "<Hangup" in voice.text and "<Say" not in voice.text
    assert status["status"] == "canceled" and status["transcript"] == []


def test_voice_and_gather_drive_the_script(sqlite_calls_server: CallServer) -> None:
    """Playing Twilio by hand: the script opens, a repeat request is answered, then it closes."""
    server = sqlite_calls_server
    with server.client(server.new_user()) as client:
        call = _in_flight_call(server, client, _me(client))
        voice = _post(server, "/twilio/voice", call, {"CallStatus": "in-progress",
                                                      "AnsweredBy": "human"})
        again = _post(server, "/twilio/gather", call, {"CallStatus": "in-progress",
                                                       "SpeechResult": "sorry, say that again?",
                                                       "Confidence": "0.9"})
        done = _post(server, "/twilio/gather", call, {"CallStatus": "in-progress",
                                                      "SpeechResult": "no worries, thanks"})
        _post(server, "/twilio/status", call, {"CallStatus": "completed"})
        status = client.get(f"/call/status/{call.id}").json()
    assert voice.status_code == 200 and "<Gather" in voice.text and "Richard" in voice.text
    assert f"/twilio/gather?callId={call.id}" in voice.text
    assert again.status_code == 200 and "<Gather" in again.text
    assert done.status_code == 200 and "<Hangup" in done.text
    heard = [t["text"] for t in status["transcript"] if t["speaker"] == "callee"]
    assert heard == ["sorry, say that again?", "no worries, thanks"]
    assert status["outcome"]["taskResult"] == "SUCCESS" and status["llmCalls"] == 0


def test_a_callee_hanging_up_mid_flow_ends_the_flow(sqlite_calls_server: CallServer) -> None:
    server = sqlite_calls_server
    with server.client(server.new_user()) as client:
        call = _in_flight_call(server, client, _me(client))
        _post(server, "/twilio/voice", call, {"CallStatus": "in-progress", "AnsweredBy": "human"})
        _post(server, "/twilio/status", call, {"CallStatus": "completed", "CallDuration": "9"})
        late = _post(server, "/twilio/gather", call, {"CallStatus": "completed",
                                                      "SpeechResult": "hello?"})
        status = client.get(f"/call/status/{call.id}").json()
    assert status["status"] == "completed" and status["endReason"] == "callee_hung_up"
    assert status["reachedHuman"] is True
    assert late.status_code == 200 and "<Hangup" in late.text
    assert status["transcript"][-1] == {**status["transcript"][-1], "speaker": "callee",
                                        "text": "hello?"}
    stored = _with_store(server, lambda calls, _c: calls.get(call.id))
    assert stored is not None and stored.flow_state is not None
    assert stored.flow_state["finished"] is True
    assert stored.flow_state["end_reason"] == "callee_hung_up"


def test_out_of_range_callback_fields_are_recorded_as_unknown(calls_server: CallServer) -> None:
    """A signed callback is never a 500: the status applies, unreadable fields become unknown."""
    server = calls_server
    with server.client(server.new_user()) as client:
        call = _in_flight_call(server, client, _me(client))
        response = _post(server, "/twilio/status", call, {
            "CallStatus": "completed", "CallDuration": "9" * 30, "Price": "-" + "9" * 40,
            "PriceUnit": "X" * 50})
        assert response.status_code < 300, response.text
        status = client.get(f"/call/status/{call.id}").json()
    assert status["status"] == "completed"
    assert status["durationSeconds"] is None and status["cost"] is None
    assert status["costCurrency"] is None
    notes = [e.payload for e in _events(server, call.id) if e.kind == "note" and e.payload]
    assert {"unreadableFields": ["CallDuration", "Price", "PriceUnit"]} in notes


def test_ordinary_callback_fields_are_kept(calls_server: CallServer) -> None:
    server = calls_server
    with server.client(server.new_user()) as client:
        call = _in_flight_call(server, client, _me(client))
        response = _post(server, "/twilio/status", call, {
            "CallStatus": "completed", "CallDuration": "42", "Price": "-0.0130",
            "PriceUnit": "usd"})
        assert response.status_code < 300, response.text
        status = client.get(f"/call/status/{call.id}").json()
    assert (status["durationSeconds"], status["cost"], status["costCurrency"]) == (
        42, 0.013, "USD")
