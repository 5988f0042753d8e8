"""Every business agent against every callee it can meet, end to end over real HTTP.

The task is confirmed through the conversation API with a bundled place whose number reaches
the persona (see the simulator's personas table), the call runs on the simulator at pace 0, and
the status is read back: outcome facts, task result, end reason, whether a person was reached,
zero LLM calls (none is configured), natural dates, and no callee speech lost — what the
simulator's callee said is, line for line, what our transcript heard.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from tests.integration.calls.conftest import CallServer, start_call, turn, wait_terminal

from proxycall.adapters.telephony.simulator.records import SimulatedCall
from proxycall.core.render import display_date, spoken_date

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ISO_TIME = re.compile(r"\b\d{2}:\d{2}(?::\d{2})?\b")
ZONE = ZoneInfo("Australia/Brisbane")

SLOTS: dict[str, dict[str, Any]] = {
    "STOCK_CHECKER": {"retailer_name": "JB Hi-Fi", "product_name": "Sony WH-1000XM5 headphones",
                      "product_details": "black", "quantity": 1},
    "RESTAURANT_RESERVATION": {"restaurant_name": "the restaurant", "party_size": 4,
                               "date": "tomorrow", "time": "7pm", "booking_name": "Richard"},
    "CANCEL_APPOINTMENT": {"business_name": "the clinic", "appointment_day": "tomorrow",
                           "appointment_time": "10am", "customer_name": "Priya"},
}
# The confirmed date each agent says aloud (asked as "tomorrow"), if it says one.
DATE_SLOT = {"RESTAURANT_RESERVATION": "date", "CANCEL_APPOINTMENT": "appointment_day"}


@dataclass(frozen=True)
class Case:
    """One agent against one callee, and what the call must come to."""

    agent: str
    place_id: str
    persona: str
    status: str
    end_reason: str
    human: bool
    result: str
    facts: dict[str, Any] = field(default_factory=dict)
    said: tuple[str, ...] = ()  # phrases the assistant must say
    heard: tuple[str, ...] = ()  # phrases the callee must be heard saying

    @property
    def id(self) -> str:
        return f"{self.agent}-{self.persona}"


STOCK = "STOCK_CHECKER"
TABLE = "RESTAURANT_RESERVATION"
CANCEL = "CANCEL_APPOINTMENT"
CASES = [
    Case(STOCK, "bundled:jb-hifi-chermside", "in-stock", "completed", "completed", True,
         "SUCCESS", {"in_stock": "YES", "quantity_available": 5, "price": "249.00"},
         said=("automated assistant calling on behalf of a customer",
               "Sony WH-1000XM5 headphones")),
    Case(STOCK, "bundled:jb-hifi-carindale", "out-of-stock", "completed", "completed", True,
         "SUCCESS", {"in_stock": "NO"}, heard=("should be back Tuesday week",)),
    Case(STOCK, "bundled:jb-hifi-indooroopilly", "hold-then-yes", "completed", "completed",
         True, "SUCCESS", {"in_stock": "YES", "quantity_available": 2, "price": "249.00"},
         heard=("one sec, let me check", "sorry about the wait")),
    Case(STOCK, "bundled:jb-hifi-brisbane-city", "which-model", "completed", "completed", True,
         "SUCCESS", {"in_stock": "YES", "quantity_available": 3, "price": "249.00"},
         said=("It's Sony WH-1000XM5 headphones, black.",), heard=("which model?",)),
    Case(STOCK, "bundled:harvey-norman-capalaba", "voicemail", "completed", "voicemail_skipped",
         False, "FAILED"),
    Case(STOCK, "bundled:big-w-capalaba", "busy", "busy", "busy", False, "FAILED"),
    Case(STOCK, "bundled:kmart-capalaba", "no-answer", "no-answer", "no_answer", False,
         "FAILED"),
    Case(STOCK, "bundled:officeworks-capalaba", "hangs-up", "completed", "callee_hung_up",
         True, "UNKNOWN", said=("I'm an automated assistant calling on behalf of a customer.",),
         heard=("yeah, what's this about?",)),
    Case(STOCK, "bundled:the-good-guys-capalaba", "never-clear", "completed",
         "max_misunderstandings", True, "UNKNOWN", heard=("mm… yeah… not sure, maybe",)),
    Case(TABLE, "bundled:nandos-chermside", "restaurant-books", "completed", "completed", True,
         "SUCCESS", {"booked": "YES"}, said=("table for 4", "at 7 pm, under the name Richard")),
    Case(TABLE, "bundled:bella-napoli-pizzeria-fortitude-valley", "restaurant-offers-later",
         "completed", "completed", True, "PARTIAL", {"booked": "NO", "booked_time": "19:30"},
         said=("I'll pass 7:30 pm on to Richard.",),
         heard=("we can't do 7, but we can do 7:30",)),
    Case(TABLE, "bundled:pizza-paradiso-sydney", "hangs-up", "completed", "callee_hung_up",
         True, "UNKNOWN"),
    Case(TABLE, "bundled:spice-route-indian-capalaba", "never-clear", "completed",
         "max_misunderstandings", True, "UNKNOWN"),
    Case(TABLE, "bundled:little-saigon-pho-box-hill", "voicemail", "completed",
         "voicemail_skipped", False, "FAILED"),
    Case(CANCEL, "bundled:smile-dental-chermside", "clinic-cancels", "completed", "completed",
         True, "SUCCESS", {"cancelled": "YES", "fee_mentioned": "0.00"},
         said=("on behalf of Priya", "at 10 am under the name Priya")),
    Case(CANCEL, "bundled:box-hill-physiotherapy", "hangs-up", "completed", "callee_hung_up",
         True, "UNKNOWN"),
    Case(CANCEL, "bundled:collins-street-medical-centre-melbourne", "never-clear", "completed",
         "max_misunderstandings", True, "UNKNOWN"),
    Case(CANCEL, "bundled:carindale-physio-sports-injury", "voicemail", "completed",
         "voicemail_skipped", False, "FAILED"),
]


def confirm_place_task(client: httpx.Client, agent: str, place_id: str) -> str:
    """A confirmed task for `agent` at a bundled place; returns its conversationId."""
    cid = f"dialog-{uuid.uuid4().hex[:10]}"
    body = turn(client, cid, agent, userMessage="", slots=SLOTS[agent],
                timezone="Australia/Brisbane")
    assert body["nextAction"] == "FIND_PLACE", body
    body = turn(client, cid, agent, slots={"place_id": place_id})
    assert body["nextAction"] == "CONFIRM", body
    done = turn(client, cid, agent, clientAction="CONFIRM")
    assert done["nextAction"] == "COMPLETE", done
    return cid


def simulated(server: CallServer, call_id: str) -> SimulatedCall:
    """The simulator's own record of our call (its voice URL carries our callId)."""
    found = [call for call in server.simulator.calls if f"callId={call_id}" in call.url]
    assert len(found) == 1, f"the simulator dialed {len(found)} calls for {call_id}"
    return found[0]


def as_heard(line: str) -> str:
    """A simulator callee line as our transcript writes it ("[pressed 1]" → "(pressed 1)")."""
    pressed = re.fullmatch(r"\[pressed (\d+)\]", line)
    return f"(pressed {pressed.group(1)})" if pressed else line


def run_case(server: CallServer, case: Case) -> tuple[dict[str, Any], SimulatedCall, date]:
    """Confirm the task, make the call, wait for its end; the status and the simulator's view."""
    tomorrow = (server.clock().astimezone(ZONE) + timedelta(days=1)).date()
    token = server.new_user()
    with server.client(token) as client:
        cid = confirm_place_task(client, case.agent, case.place_id)
        started = start_call(client, cid)
        assert started.status_code == 200, started.text
        status = wait_terminal(client, started.json()["callId"])
    far_end = simulated(server, status["callId"])
    assert far_end.persona.key == case.persona, "the place reaches the persona the case names"
    return status, far_end, tomorrow


def lines(status: dict[str, Any], speaker: str) -> list[str]:
    return [line["text"] for line in status["transcript"] if line["speaker"] == speaker]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_business_call_against_each_callee(sqlite_calls_server: CallServer, case: Case) -> None:
    status, far_end, tomorrow = run_case(sqlite_calls_server, case)
    outcome = status["outcome"]

    assert status["terminal"] is True
    assert status["status"] == case.status
    assert status["endReason"] == case.end_reason
    assert status["reachedHuman"] is case.human
    assert outcome["taskResult"] == case.result
    assert {k: v for k, v in outcome["facts"].items() if k in case.facts} == case.facts
    if not case.facts:
        assert outcome["facts"] == {}, "nothing was learned, so no fact may be claimed"
    assert status["llmCalls"] == 0

    # Nothing the callee said is lost, and nothing we said goes unrecorded.
    assert lines(status, "callee") == [as_heard(text) for text in far_end.said_by("callee")]
    assert lines(status, "assistant") == far_end.said_by("agent")
    said, heard = " ".join(lines(status, "assistant")), " ".join(lines(status, "callee"))
    for phrase in case.said:
        assert phrase in said
    for phrase in case.heard:
        assert phrase in heard

    # Dates and times are spoken and summarised for people, never as ISO.
    for text in (said, outcome["summary"]):
        assert not ISO_DATE.search(text) and not ISO_TIME.search(text), text
    if case.agent in DATE_SLOT and said:
        assert spoken_date(tomorrow.isoformat()) in said
    if "restock_date" in outcome["facts"]:
        restock = outcome["facts"]["restock_date"]
        assert date.fromisoformat(restock).weekday() == 1, "'Tuesday week' is a Tuesday"
        assert display_date(restock) in outcome["summary"]


def test_a_business_voicemail_is_never_a_success(sqlite_calls_server: CallServer) -> None:
    machines = [case for case in CASES if case.persona == "voicemail"]
    assert {case.agent for case in machines} == {STOCK, TABLE, CANCEL}
    for case in machines:
        status, far_end, _ = run_case(sqlite_calls_server, case)
        assert status["answeredBy"] == "machine"
        assert status["outcome"]["taskResult"] != "SUCCESS"
        assert status["transcript"] == [] and far_end.said_by("callee") == []


def test_a_hang_up_mid_call_is_recorded_as_the_callees(sqlite_calls_server: CallServer) -> None:
    case = next(c for c in CASES if c.persona == "hangs-up" and c.agent == STOCK)
    status, far_end, _ = run_case(sqlite_calls_server, case)
    assert "the callee hung up" in far_end.said_by("event")
    assert "we hung up" not in far_end.said_by("event")
    assert status["endReason"] == "callee_hung_up"
    assert "hung up" in status["outcome"]["summary"]
