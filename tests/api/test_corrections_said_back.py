"""Corrections are said back (`changes` and the message), and REJECT sent with the client's whole
slot map is a REJECT: the seed's scenario 3 as the earlier Android client sent it. Both stores."""

from __future__ import annotations

import uuid

from tests.api.test_conversation_seed import fill_sick_call, turn
from tests.support.server import LiveServer


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_reject_with_the_full_slot_map_asks_the_first_slot(server: LiveServer) -> None:
    cid = new_id("s3-slots")
    with server.client() as client:
        card = fill_sick_call(client, cid)
        assert card["nextAction"] == "CONFIRM"
        slots = dict(card["extractedData"])
        rejected = turn(client, cid, clientAction="REJECT", slots=slots).json()
        assert rejected["nextAction"] == "ASK_QUESTION", rejected
        assert rejected["question"]["field"] == "employer_name"
        assert rejected["extractedData"] == slots
        assert rejected["changes"] == []
        changed = turn(client, cid, userMessage="change the time to 10am", slots=slots).json()
    assert changed["nextAction"] == "CONFIRM", changed
    assert changed["extractedData"]["shift_start_time"] == "10:00"
    assert changed["changes"] == [{"slot": "shift_start_time", "old": "09:00", "new": "10:00"}]
    assert changed["assistantMessage"].startswith("Changed Shift starts from 9 am to 10 am.")
    assert any("10 am" in line for line in changed["confirmationCard"]["lines"])


def test_reject_with_a_changed_slot_applies_it_then_reviews(server: LiveServer) -> None:
    cid = new_id("s3-edit")
    with server.client() as client:
        card = fill_sick_call(client, cid)
        slots = {**card["extractedData"], "caller_name": "Kate"}
        rejected = turn(client, cid, clientAction="REJECT", slots=slots).json()
    assert rejected["nextAction"] == "ASK_QUESTION"
    assert rejected["question"]["field"] == "employer_name"
    assert rejected["extractedData"]["caller_name"] == "Kate"
    assert rejected["changes"] == [{"slot": "caller_name", "old": "Richard", "new": "Kate"}]
    assert "Changed Your name from Richard to Kate." in rejected["assistantMessage"]


def test_a_reply_correcting_an_earlier_slot_says_so(server: LiveServer) -> None:
    cid = new_id("reply-fix")
    with server.client() as client:
        for message in ("Call in sick to Bunnings", "0491 570 006", "Richard", "tomorrow",
                        "9am"):
            assert turn(client, cid, userMessage=message).json()["changes"] == []
        fixed = turn(client, cid, userMessage="actually make it 10am").json()
    assert fixed["changes"] == [{"slot": "shift_start_time", "old": "09:00", "new": "10:00"}]
    assert fixed["assistantMessage"].startswith("Changed Shift starts from 9 am to 10 am.")
    assert fixed["question"]["field"] == "reason_category"  # and the next question follows


def test_a_client_slot_correcting_a_value_says_so(server: LiveServer) -> None:
    cid = new_id("slot-fix")
    with server.client() as client:
        card = fill_sick_call(client, cid)
        fixed = turn(client, cid, slots={"shift_start_time": "10:30"}).json()
    assert card["nextAction"] == "CONFIRM"
    assert fixed["changes"] == [{"slot": "shift_start_time", "old": "09:00", "new": "10:30"}]
    assert fixed["nextAction"] == "CONFIRM"
    assert fixed["assistantMessage"].startswith("Changed Shift starts from 9 am to 10:30 am.")


def test_a_correction_at_the_card_is_said_before_the_new_card(server: LiveServer) -> None:
    cid = new_id("card-fix")
    with server.client() as client:
        fill_sick_call(client, cid)
        fixed = turn(client, cid, userMessage="change my name to Kate").json()
    assert fixed["nextAction"] == "CONFIRM"
    assert fixed["changes"] == [{"slot": "caller_name", "old": "Richard", "new": "Kate"}]
    assert fixed["assistantMessage"].startswith("Changed Your name from Richard to Kate.")


def test_v1_answers_carry_an_empty_changes_list(server: LiveServer) -> None:
    with server.client() as client:
        body = client.post("/conversation/next", json={
            "conversationId": new_id("v1"), "agentType": "SICK_CALLER",
            "userMessage": "Bunnings"}).json()
    assert body["engineVersion"] == "v1" and body["changes"] == []
