"""What the sick call says, and what it claims afterwards, against each kind of callee.

Over real HTTP on the simulator at pace 0: the disclosure, the shift spoken naturally ("Saturday
the 28th of November, starting at 9 am" for a shift asked as "tomorrow at 9am"), the discreet
reason, never an ISO date, zero LLM calls; and an outcome that only says the message was
acknowledged when the callee clearly took it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tests.integration.calls.conftest import (
    ACKNOWLEDGES,
    HANGS_UP,
    NEVER_CLEAR,
    REPEAT_PRESSER,
    VOICEMAIL,
    CallServer,
    confirm_sick_call,
    start_call,
    wait_terminal,
)
from tests.integration.calls.test_call_dialogs import ISO_DATE, ISO_TIME, as_heard, simulated

from proxycall.core.render import display_date, spoken_date

# The simulator's repeat-asker (personas.py); conftest's REPEAT_ASKER number is a bundled
# barber's, which answers as a clinic.
REPEAT_ASKER = "0491 571 804"
ZONE = ZoneInfo("Australia/Brisbane")
DISCLOSURE = "Hi, this is an automated assistant calling on behalf of Richard."
REASON = "Richard is unwell"
ACKNOWLEDGED_WORDING = "and they acknowledged it"


@dataclass(frozen=True)
class Callee:
    """A sick-call callee and what the call must come to."""

    name: str
    number: str
    persona: str
    end_reason: str
    human: bool
    delivered_to: str
    acknowledged: str | None  # None: not a fact (a machine cannot acknowledge)
    messages: int  # how many times the message is said


CALLEES = [
    Callee("acknowledging", ACKNOWLEDGES, "manager-acknowledges", "completed", True, "person",
           "YES", 1),
    Callee("repeat-asking", REPEAT_ASKER, "repeat-asker", "completed", True, "person", "YES", 2),
    Callee("repeat-presser", REPEAT_PRESSER, "repeat-presser", "completed", True, "person",
           "YES", 2),
    Callee("voicemail", VOICEMAIL, "voicemail", "voicemail_left", False, "voicemail", None, 1),
    Callee("never-clear", NEVER_CLEAR, "never-clear", "max_misunderstandings", True, "person",
           "NO", 3),
    Callee("hangs-up", HANGS_UP, "hangs-up", "callee_hung_up", True, "person", "NO", 2),
]


def _sick_call(server: CallServer, number: str) -> tuple[dict[str, Any], Any, str]:
    """Confirm and make a sick call (shift tomorrow at 9am); status, far end, the shift date."""
    tomorrow = (server.clock().astimezone(ZONE) + timedelta(days=1)).date().isoformat()
    token = server.new_user()
    with server.client(token) as client:
        cid = confirm_sick_call(client, number)
        started = start_call(client, cid)
        assert started.status_code == 200, started.text
        status = wait_terminal(client, started.json()["callId"])
    return status, simulated(server, status["callId"]), tomorrow


@pytest.mark.parametrize("callee", CALLEES, ids=lambda callee: callee.name)
def test_the_sick_call_says_it_right(sqlite_calls_server: CallServer, callee: Callee) -> None:
    status, far_end, shift = _sick_call(sqlite_calls_server, callee.number)
    assert far_end.persona.key == callee.persona
    said = [line["text"] for line in status["transcript"] if line["speaker"] == "assistant"]
    spoken = " ".join(said)

    assert said[0] == DISCLOSURE
    natural = f"on {spoken_date(shift)}, starting at 9 am"
    assert spoken.count(natural) == callee.messages, spoken
    assert spoken.count(REASON) == callee.messages
    assert "SICK" not in spoken and "I'm sick" not in spoken
    assert not ISO_DATE.search(spoken) and not ISO_TIME.search(spoken), spoken
    assert status["llmCalls"] == 0
    heard = [line["text"] for line in status["transcript"] if line["speaker"] == "callee"]
    assert heard == [as_heard(text) for text in far_end.said_by("callee")]
    assert said == far_end.said_by("agent")


@pytest.mark.parametrize("callee", CALLEES, ids=lambda callee: callee.name)
def test_the_sick_call_claims_only_what_happened(sqlite_calls_server: CallServer,
                                                 callee: Callee) -> None:
    status, far_end, shift = _sick_call(sqlite_calls_server, callee.number)
    outcome = status["outcome"]
    facts = outcome["facts"]

    assert status["status"] == "completed"
    assert status["endReason"] == callee.end_reason
    assert status["reachedHuman"] is callee.human
    # A sick call's job is to leave the message: played in full to a person or a machine.
    assert outcome["taskResult"] == "SUCCESS"
    assert facts["message_delivered"] == "YES"
    assert facts["delivered_to"] == callee.delivered_to
    assert facts.get("acknowledged") == callee.acknowledged
    summary = outcome["summary"]
    assert (ACKNOWLEDGED_WORDING in summary) is (callee.acknowledged == "YES"), summary
    assert display_date(shift) in summary and "9 am" in summary
    assert not ISO_DATE.search(summary)
    hung_up = "the callee hung up" in far_end.said_by("event")
    assert hung_up is (callee.persona == "hangs-up")


def test_the_unclear_callee_hears_the_message_again_not_a_goodbye_on_a_yeah(
        sqlite_calls_server: CallServer) -> None:
    status, _far_end, _shift = _sick_call(sqlite_calls_server, NEVER_CLEAR)
    lines = [(line["speaker"], line["text"]) for line in status["transcript"]]
    hedge = lines.index(("callee", "mm… yeah… not sure, maybe"))
    answer = lines[hedge + 1]
    assert answer[0] == "assistant" and "Goodbye" not in answer[1]
    assert re.search(r"repeat that", " ".join(text for _, text in lines[hedge + 1:hedge + 3]))


def test_what_is_this_about_is_answered_before_the_callee_hangs_up(
        sqlite_calls_server: CallServer) -> None:
    status, far_end, _shift = _sick_call(sqlite_calls_server, HANGS_UP)
    lines = [(line["speaker"], line["text"]) for line in status["transcript"]]
    asked = lines.index(("callee", "yeah, what's this about?"))
    after = [text for _, text in lines[asked + 1:]]
    assert after[0] == "I'm an automated assistant calling on behalf of Richard."
    assert any(REASON in text for text in after)
    assert far_end.said_by("event")[-1] == "the callee hung up"


@pytest.mark.parametrize("callee", [c for c in CALLEES if c.human], ids=lambda c: c.name)
def test_the_result_card_says_acknowledged_only_when_it_was(sqlite_calls_server: CallServer,
                                                            callee: Callee) -> None:
    token = sqlite_calls_server.new_user()
    with sqlite_calls_server.client(token) as client:
        started = start_call(client, confirm_sick_call(client, callee.number))
        assert started.status_code == 200, started.text
        call_id = wait_terminal(client, started.json()["callId"])["callId"]
        response = client.post("/call/result/format", json={"callId": call_id})
    assert response.status_code == 200, response.text
    card = response.json()
    taken = callee.acknowledged == "YES"
    assert (ACKNOWLEDGED_WORDING in card["summary"]) is taken
    assert f"Acknowledged: {'Yes' if taken else 'No'}" in card["bullets"]
    assert card["aiCallMade"] is False
    assert not ISO_DATE.search(card["summary"] + " ".join(card["bullets"]))
