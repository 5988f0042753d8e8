"""POST /call/start and friends: exactly once, the policy at dial time, ownership, retries."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.integration.calls.conftest import (
    ACKNOWLEDGES,
    BUSY,
    CallServer,
    confirm_sick_call,
    start_call,
    turn,
    wait_terminal,
)

CONCURRENT_STARTS = 10


def test_concurrent_starts_make_exactly_one_call(calls_server: CallServer) -> None:
    token = calls_server.new_user()
    number = "0491 572 665"  # a number no other test dials: the simulator counts its calls
    with calls_server.client(token) as client:
        cid = confirm_sick_call(client, number)

    def start(_index: int) -> tuple[int, str]:
        with calls_server.client(token) as own:
            response = start_call(own, cid)
            return response.status_code, response.json().get("callId", "")

    with ThreadPoolExecutor(CONCURRENT_STARTS) as pool:
        results = list(pool.map(start, range(CONCURRENT_STARTS)))
    assert [code for code, _ in results] == [200] * CONCURRENT_STARTS
    call_ids = {call_id for _, call_id in results}
    assert len(call_ids) == 1
    with calls_server.client(token) as client:
        wait_terminal(client, call_ids.pop())
        again = start_call(client, cid, idempotencyKey="another-key")
        assert again.status_code == 200
        assert again.json()["callId"] in {call_id for _, call_id in results}
    dialed = calls_server.simulator.calls_to("+61491572665")
    assert len(dialed) == 1


def test_retry_after_busy_is_a_new_numbered_attempt(sqlite_calls_server: CallServer) -> None:
    token = sqlite_calls_server.new_user()
    with sqlite_calls_server.client(token) as client:
        cid = confirm_sick_call(client, BUSY)
        first = start_call(client, cid).json()
        assert wait_terminal(client, first["callId"])["status"] == "busy"
        same = start_call(client, cid).json()
        assert same["callId"] == first["callId"]
        retried = start_call(client, cid, retry=True, idempotencyKey="retry-1")
        assert retried.status_code == 200, retried.text
        second = retried.json()
        assert second["callId"] != first["callId"] and second["attempt"] == 2
        replay = start_call(client, cid, retry=True, idempotencyKey="retry-1").json()
        assert replay["callId"] == second["callId"]
        assert wait_terminal(client, second["callId"])["status"] == "busy"


def test_retry_of_a_completed_call_is_refused(sqlite_calls_server: CallServer) -> None:
    token = sqlite_calls_server.new_user()
    with sqlite_calls_server.client(token) as client:
        cid = confirm_sick_call(client, ACKNOWLEDGES)
        call_id = start_call(client, cid).json()["callId"]
        assert wait_terminal(client, call_id)["status"] == "completed"
        refused = start_call(client, cid, retry=True)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "retry_not_allowed"


def test_unconfirmed_conversation_cannot_be_briefed_or_started(
        sqlite_calls_server: CallServer) -> None:
    token = sqlite_calls_server.new_user()
    cid = f"half-{uuid.uuid4().hex[:8]}"
    with sqlite_calls_server.client(token) as client:
        turn(client, cid, "SICK_CALLER", userMessage="Call in sick to Bunnings")
        brief = client.post("/call/brief", json={"conversationId": cid})
        start = start_call(client, cid)
    assert brief.status_code == 409
    error = brief.json()["error"]
    assert error["code"] == "not_confirmed"
    assert "employer_phone" in error["details"]["requiredFieldsMissing"]
    assert "employer_name" not in error["details"]["requiredFieldsMissing"]
    assert brief.json()["requiredFieldsMissing"] == error["details"]["requiredFieldsMissing"]
    assert start.status_code == 409


def test_another_users_call_is_not_found(sqlite_calls_server: CallServer) -> None:
    owner, stranger = sqlite_calls_server.new_user("Owner"), sqlite_calls_server.new_user("X")
    with sqlite_calls_server.client(owner) as client:
        cid = confirm_sick_call(client)
        call_id = start_call(client, cid).json()["callId"]
        wait_terminal(client, call_id)
        mine = client.get("/calls").json()["calls"]
    assert call_id in {row["callId"] for row in mine}
    with sqlite_calls_server.client(stranger) as other:
        assert other.get(f"/call/status/{call_id}").status_code == 404
        assert other.post("/call/result/format", json={"callId": call_id}).status_code == 404
        assert other.post("/call/brief", json={"conversationId": cid}).status_code == 404
        assert other.post("/call/start", json={"conversationId": cid}).status_code == 404
        assert other.get("/calls").json()["calls"] == []
    with sqlite_calls_server.client(owner) as client:
        assert client.get("/call/status/call_doesnotexist").status_code == 404


def test_calls_need_a_token(sqlite_calls_server: CallServer) -> None:
    with sqlite_calls_server.client("not-a-token") as client:
        assert client.get("/calls").status_code == 401
        assert client.post("/call/start", json={"conversationId": "x"}).status_code == 401


@pytest.mark.parametrize(("number", "reason"), [
    ("+1 212 555 0100", "country_not_allowed"),
    ("+44 20 7946 0958", "country_not_allowed"),
    ("(07) 5550 1234", "own_number"),  # the simulator's caller id is ours
    ("1900 123 456", "premium_number"),
])
def test_blocked_destination_is_refused(sqlite_calls_server: CallServer, number: str,
                                        reason: str) -> None:
    token = sqlite_calls_server.new_user()
    with sqlite_calls_server.client(token) as client:
        cid = confirm_sick_call(client, number)
        refused = start_call(client, cid)
        calls = client.get("/calls").json()["calls"]
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "destination_blocked"
    assert refused.json()["error"]["details"]["reason"] == reason
    assert calls == []


def test_calls_paused_by_an_operator(sqlite_calls_server: CallServer) -> None:
    token = sqlite_calls_server.new_user()
    with sqlite_calls_server.client() as admin:
        assert admin.put("/admin/calls-paused", json={"paused": True}).status_code == 200
    try:
        with sqlite_calls_server.client(token) as client:
            cid = confirm_sick_call(client)
            paused = start_call(client, cid)
            assert paused.status_code == 503
            assert paused.json()["error"]["code"] == "calls_paused"
            assert client.get("/calls").json()["calls"] == []
    finally:
        with sqlite_calls_server.client() as admin:
            assert admin.put("/admin/calls-paused", json={"paused": False}).status_code == 200
    with sqlite_calls_server.client(token) as client:
        resumed = start_call(client, cid)
        assert resumed.status_code == 200, resumed.text
        assert wait_terminal(client, resumed.json()["callId"])["status"] == "completed"


def test_bad_request_bodies_are_422(sqlite_calls_server: CallServer) -> None:
    token = sqlite_calls_server.new_user()
    with sqlite_calls_server.client(token) as client:
        bad_id = client.post("/call/start", json={"conversationId": "has spaces"})
        no_id = client.post("/call/brief", json={})
        bad_time = client.post("/call/start", json={"conversationId": "x",
                                                    "scheduledFor": "soonish"})
    assert [r.status_code for r in (bad_id, no_id, bad_time)] == [422, 422, 422]
    assert bad_id.json()["error"]["code"] == "invalid_request"


def test_the_card_warns_about_a_number_that_will_not_be_dialed(
        sqlite_calls_server: CallServer) -> None:
    token = sqlite_calls_server.new_user()
    cid = f"warn-{uuid.uuid4().hex[:8]}"
    with sqlite_calls_server.client(token) as client:
        body = {}
        for message in ("Call in sick to Bunnings", "1900 123 456", "Richard", "tomorrow",
                        "9am", "SICK"):
            body = turn(client, cid, "SICK_CALLER", userMessage=message)
    assert body["nextAction"] == "CONFIRM"
    assert body["destinationWarning"]["reason"] == "premium_number"
    assert "won't be able to call" in body["assistantMessage"]
