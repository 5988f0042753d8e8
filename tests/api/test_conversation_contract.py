"""Contract rules of /v2/conversation/next: auth, ownership, errors, idempotency, client slots."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from tests.support.server import LiveServer

from proxycall.logs import mask_phone


def body(cid: str, **fields) -> dict:
    return {"conversationId": cid, "agentType": "SICK_CALLER", **fields}


def test_missing_and_wrong_tokens_are_401(sqlite_server: LiveServer) -> None:
    with httpx.Client(base_url=sqlite_server.base_url) as anonymous:
        missing = anonymous.post("/v2/conversation/next", json=body("a"))
        wrong = anonymous.post("/v2/conversation/next", json=body("a"),
                               headers={"Authorization": "Bearer nope"})
        health = anonymous.get("/health")
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "unauthorized"
    assert wrong.status_code == 401
    assert health.status_code == 200


def test_same_conversation_id_for_two_users_is_two_conversations(server: LiveServer) -> None:
    cid = f"shared-{uuid.uuid4().hex[:8]}"
    alice, bob = server.new_user("Alice"), server.new_user("Bob")
    with server.client(alice) as a, server.client(bob) as b:
        a.post("/v2/conversation/next", json=body(cid, userMessage="Call in sick to Bunnings"))
        first_bob = b.post("/v2/conversation/next", json=body(cid, userMessage=""))
        assert first_bob.json()["extractedData"] == {}
        assert first_bob.json()["turn"] == 1
        assert a.get(f"/v2/conversations/{cid}").json()["extractedData"] == {
            "employer_name": "Bunnings"}
        carol = server.new_user("Carol")
        with server.client(carol) as c:
            assert c.get(f"/v2/conversations/{cid}").status_code == 404


def test_non_admin_cannot_use_admin_routes(sqlite_server: LiveServer) -> None:
    token = sqlite_server.new_user()
    with sqlite_server.client(token) as user:
        assert user.get("/admin/kill-switch").status_code == 403
        assert user.get("/metrics").status_code == 403


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"agentType": "SICK_CALLER"}, "conversationId"),
        ({"conversationId": "bad id with spaces", "agentType": "SICK_CALLER"}, "conversationId"),
        ({"conversationId": "x", "agentType": "SICK_CALLER", "userMessage": 5}, "userMessage"),
        ({"conversationId": "x", "agentType": "SICK_CALLER", "userMessage": "a" * 2001},
         "userMessage"),
        ({"conversationId": "x", "agentType": "SICK_CALLER", "clientAction": "MAYBE"},
         "clientAction"),
        ({"conversationId": "x", "agentType": "SICK_CALLER", "timezone": "Mars/Olympus"},
         "timezone"),
    ],
)
def test_wrong_types_are_422_naming_the_field(sqlite_server: LiveServer, payload: dict,
                                              field: str) -> None:
    with sqlite_server.client() as client:
        response = client.post("/v2/conversation/next", json=payload)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert field in error["message"]


def test_unknown_agent_lists_the_valid_ones(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        response = client.post("/v2/conversation/next",
                               json={"conversationId": "x", "agentType": "PIZZA"})
    assert response.status_code == 422
    assert "SICK_CALLER" in response.json()["error"]["details"]["validValues"]


def test_malformed_json_and_huge_bodies(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        broken = client.post("/v2/conversation/next", content=b"{not json",
                             headers={"content-type": "application/json"})
        huge = client.post("/v2/conversation/next", content=b"x" * (65 * 1024),
                           headers={"content-type": "application/json"})
    assert broken.status_code == 422
    assert broken.json()["error"]["code"] == "invalid_request"
    assert huge.status_code == 413


def test_replay_returns_the_identical_response_and_changes_nothing(server: LiveServer) -> None:
    cid = f"idem-{uuid.uuid4().hex[:8]}"
    with server.client() as client:
        first = client.post("/v2/conversation/next",
                            json=body(cid, userMessage="Call in sick to Bunnings",
                                      idempotencyKey="k1"))
        again = client.post("/v2/conversation/next",
                            json=body(cid, userMessage="Call in sick to Bunnings",
                                      idempotencyKey="k1"))
        header = client.post("/v2/conversation/next",
                             json=body(cid, userMessage="Call in sick to Bunnings"),
                             headers={"Idempotency-Key": "k1"})
        new_key = client.post("/v2/conversation/next",
                              json=body(cid, userMessage="0412 345 678", idempotencyKey="k2"))
    assert first.json() == again.json() == header.json()
    assert new_key.json()["turn"] == 2


def test_concurrent_requests_with_one_key_make_one_turn(server: LiveServer) -> None:
    cid = f"race-{uuid.uuid4().hex[:8]}"
    payload = body(cid, userMessage="Call in sick to Bunnings", idempotencyKey="same")

    def send(_: int) -> dict:
        with server.client() as client:
            response = client.post("/v2/conversation/next", json=payload)
            assert response.status_code == 200, response.text
            return response.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(16)))
    assert all(answer == answers[0] for answer in answers)
    with server.client() as client:
        nxt = client.post("/v2/conversation/next", json=body(cid, userMessage="0412345678"))
    assert nxt.json()["turn"] == 2, "the racing requests must have made exactly one turn"


def test_client_slots_are_parsed_and_server_owned_ones_ignored(server: LiveServer) -> None:
    cid = f"slots-{uuid.uuid4().hex[:8]}"
    with server.client() as client:
        good = client.post("/v2/conversation/next", json=body(
            cid, slots={"employer_name": "Bunnings", "employer_phone": "0412 345 678",
                        "place_phone": "+61491570006", "favourite_colour": "blue"})).json()
        bad = client.post("/v2/conversation/next", json=body(
            cid, slots={"employer_phone": "12"})).json()
    assert good["extractedData"]["employer_phone"] == "+61412345678"
    assert "place_phone" not in good["extractedData"]
    assert good["ignoredSlots"] == ["favourite_colour", "place_phone"]
    assert bad["validationError"]["field"] == "employer_phone"
    assert bad["extractedData"]["employer_phone"] == "+61412345678"


def test_an_unreadable_reply_is_asked_again_in_other_words(sqlite_server: LiveServer) -> None:
    cid = f"reask-{uuid.uuid4().hex[:8]}"
    with sqlite_server.client() as client:
        asked = client.post("/v2/conversation/next",
                            json=body(cid, userMessage="Call in sick to Bunnings")).json()
        again = client.post("/v2/conversation/next", json=body(cid, userMessage="12")).json()
    assert again["nextAction"] == "ASK_QUESTION"
    assert again["question"]["field"] == "employer_phone"
    assert again["validationError"]["field"] == "employer_phone"
    assert again["question"]["text"] != asked["question"]["text"]


def test_every_v2_request_logs_a_summary_line(server: LiveServer,
                                              caplog: pytest.LogCaptureFixture) -> None:
    cid = f"log-{uuid.uuid4().hex[:8]}"
    caplog.set_level("INFO", logger="proxycall")
    import logging

    logging.getLogger("proxycall").addHandler(caplog.handler)
    try:
        with server.client() as client:
            client.post("/v2/conversation/next", json=body(cid, userMessage="Call in sick to "
                                                            "Bunnings", idempotencyKey="a"))
            client.post("/v2/conversation/next", json=body(cid, userMessage="Call in sick to "
                                                            "Bunnings", idempotencyKey="a"))
            client.post("/v2/conversation/next", json=body(cid, clientAction="REJECT"))
    finally:
        logging.getLogger("proxycall").removeHandler(caplog.handler)
    # a random id with a long run of digits is masked in logs, like a phone number would be
    lines = [r.getMessage() for r in caplog.records
             if f"id={mask_phone(cid)} " in r.getMessage()]
    summaries = [line for line in lines if line.startswith("[V2-SUMMARY]")]
    assert len(summaries) == 3
    assert "replay=true" in summaries[1]
    assert all("Bunnings" not in line for line in summaries)


def test_json_error_body_shape_for_404(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        response = client.get("/no/such/route")
    assert response.status_code == 404
    assert set(json.loads(response.text)["error"]) == {"code", "message", "details"}


def test_a_debug_replay_is_identical_including_the_summary_line(server: LiveServer) -> None:
    cid = f"dbg-{uuid.uuid4().hex[:8]}"
    payload = body(cid, userMessage="Call in sick to Bunnings", idempotencyKey="d", debug=True)
    with server.client() as client:
        first = client.post("/v2/conversation/next", json=payload).json()
        again = client.post("/v2/conversation/next", json=payload).json()
    assert first["debugPayload"]["summaryLine"].startswith("[V2-SUMMARY]")
    assert again == first


def test_null_slots_and_json_numbers_are_accepted(sqlite_server: LiveServer) -> None:
    cid = f"json-{uuid.uuid4().hex[:8]}"
    with sqlite_server.client() as client:
        first = client.post("/v2/conversation/next", json={
            "conversationId": cid, "agentType": "STOCK_CHECKER", "userMessage": None,
            "slots": None, "clientAction": None})
        numbers = client.post("/v2/conversation/next", json={
            "conversationId": cid, "agentType": "STOCK_CHECKER",
            "slots": {"retailer_name": "JB Hi-Fi", "product_name": "Sony headphones",
                      "quantity": 3.0}})
    assert first.status_code == 200 and first.json()["question"]["field"] == "retailer_name"
    assert numbers.json()["extractedData"]["quantity"] == 3
