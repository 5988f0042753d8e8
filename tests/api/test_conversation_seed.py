"""The seed's SICK_CALLER and rejection scenarios over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.support.server import LiveServer

from proxycall.logs import mask_phone

SICK_TURNS = [
    ("Call in sick to Bunnings", "employer_name", "Bunnings"),
    ("+61412345678", "employer_phone", "+61412345678"),
    ("Richard", "caller_name", "Richard"),
    ("tomorrow", "shift_date", None),
    ("9am", "shift_start_time", "09:00"),
    ("SICK", "reason_category", "SICK"),
]


def turn(client, cid: str, agent: str = "SICK_CALLER", **fields):
    body = {"conversationId": cid, "agentType": agent, **fields}
    return client.post("/v2/conversation/next", json=body)


def fill_sick_call(client, cid: str, timezone: str = "Australia/Brisbane") -> dict:
    last: dict = {}
    for message, _slot, _value in SICK_TURNS:
        response = turn(client, cid, userMessage=message, timezone=timezone)
        assert response.status_code == 200, response.text
        last = response.json()
    return last


def test_sick_caller_seed_path_fills_one_slot_per_turn(server: LiveServer) -> None:
    cid = f"seed-sick-{uuid.uuid4().hex[:8]}"
    tomorrow = (datetime.now(ZoneInfo("Australia/Brisbane")) + timedelta(days=1)).date()
    seen: dict = {}
    with server.client() as client:
        for index, (message, slot, value) in enumerate(SICK_TURNS, start=1):
            response = turn(client, cid, userMessage=message, debug=True)
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["turn"] == index
            assert body["engineVersion"] == "v2"
            expected = value if value is not None else tomorrow.isoformat()
            assert body["extractedData"][slot] == expected
            assert set(seen) <= set(body["extractedData"]), "extractedData lost a key"
            seen = body["extractedData"]
            assert body["agentMeta"]["phoneSource"] == "DIRECT_SLOT"
            assert body["agentMeta"]["directPhoneSlot"] == "employer_phone"
            assert body["aiCallMade"] is False
            assert body["aiModel"] == "deterministic"
            summary = body["debugPayload"]["summaryLine"]
            # a long run of digits in an id is masked like a phone number would be
            assert summary.startswith(f"[V2-SUMMARY] id={mask_phone(cid)} agent=SICK_CALLER")
            assert "Richard" not in summary and "0412" not in summary
        assert body["nextAction"] == "CONFIRM"
        card = body["confirmationCard"]
        assert len(card["lines"]) == 4 and "Richard" in card["lines"][1]
        assert "9 am" in card["lines"][2] and "{" not in " ".join(card["lines"])
        done = turn(client, cid, clientAction="CONFIRM").json()
        assert done["nextAction"] == "COMPLETE"
        assert done["extractedData"] == seen
        again = turn(client, cid, userMessage="actually 10am")
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "conversation_complete"


def test_questions_follow_the_declared_order(server: LiveServer) -> None:
    cid = f"order-{uuid.uuid4().hex[:8]}"
    with server.client() as client:
        asked = []
        for message, _slot, _value in SICK_TURNS:
            body = turn(client, cid, userMessage=message).json()
            asked.append((body["question"] or {}).get("field"))
    assert asked == ["employer_phone", "caller_name", "shift_date", "shift_start_time",
                     "reason_category", None]


def test_reject_returns_to_first_slot_keeping_every_value(server: LiveServer) -> None:
    cid = f"reject-{uuid.uuid4().hex[:8]}"
    with server.client() as client:
        card = fill_sick_call(client, cid)
        assert card["nextAction"] == "CONFIRM"
        rejected = turn(client, cid, clientAction="REJECT").json()
        assert rejected["nextAction"] == "ASK_QUESTION"
        assert rejected["question"]["field"] == "employer_name"
        assert rejected["extractedData"] == card["extractedData"]
        assert any(reply.startswith("Keep") and "Bunnings" in reply
                   for reply in rejected["question"]["quickReplies"])
        done = turn(client, cid, clientAction="CONFIRM").json()
        assert done["nextAction"] == "COMPLETE"


def test_reject_then_change_one_value_shows_a_new_card(server: LiveServer) -> None:
    cid = f"change-{uuid.uuid4().hex[:8]}"
    with server.client() as client:
        first = fill_sick_call(client, cid)
        turn(client, cid, clientAction="REJECT")
        changed = turn(client, cid, userMessage="change the time to 10am").json()
        assert changed["extractedData"]["shift_start_time"] == "10:00"
        body = changed
        for _ in range(8):
            if body["nextAction"] == "CONFIRM":
                break
            body = turn(client, cid, userMessage="No other changes").json()
        assert body["nextAction"] == "CONFIRM"
        assert any("10 am" in line for line in body["confirmationCard"]["lines"])
        assert body["confirmationCard"]["cardId"] != first["confirmationCard"]["cardId"]


def test_confirm_before_every_slot_is_known_asks_for_the_next_one(server: LiveServer) -> None:
    cid = f"early-{uuid.uuid4().hex[:8]}"
    with server.client() as client:
        turn(client, cid, userMessage="Call in sick to Bunnings")
        body = turn(client, cid, clientAction="CONFIRM").json()
    assert body["nextAction"] == "ASK_QUESTION"
    assert body["question"]["field"] == "employer_phone"


def test_multi_slot_opener(server: LiveServer) -> None:
    cid = f"opener-{uuid.uuid4().hex[:8]}"
    message = "Call Bunnings on 0412 345 678, I'm sick and can't make my 9am shift tomorrow"
    with server.client() as client:
        body = turn(client, cid, userMessage=message).json()
    data = body["extractedData"]
    assert data["employer_name"] == "Bunnings"
    assert data["employer_phone"] == "+61412345678"
    assert data["shift_start_time"] == "09:00"
    assert data["reason_category"] == "SICK"
    assert body["question"]["field"] == "caller_name"


def test_tomorrow_is_resolved_in_the_conversations_timezone(server: LiveServer) -> None:
    with server.client() as client:
        for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Australia/Perth"):
            cid = f"tz-{uuid.uuid4().hex[:8]}"
            turn(client, cid, userMessage="Call in sick to Bunnings", timezone=zone)
            turn(client, cid, userMessage="0412345678")
            turn(client, cid, userMessage="Richard")
            body = turn(client, cid, userMessage="tomorrow").json()
            expected = (datetime.now(ZoneInfo(zone)) + timedelta(days=1)).date().isoformat()
            assert body["extractedData"]["shift_date"] == expected, zone
