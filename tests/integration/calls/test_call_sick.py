"""The sick call end to end over real HTTP: brief, start, status until terminal, zero LLM calls."""

from __future__ import annotations

import re

import pytest
from tests.integration.calls.conftest import (
    ACKNOWLEDGES,
    BUSY,
    HANGS_UP,
    NEVER_CLEAR,
    NO_ANSWER,
    REPEAT_ASKER,
    REPEAT_PRESSER,
    VOICEMAIL,
    CallServer,
    confirm_sick_call,
    start_call,
    wait_terminal,
)


def test_sick_call_end_to_end(calls_server: CallServer) -> None:
    token = calls_server.new_user()
    with calls_server.client(token) as client:
        cid = confirm_sick_call(client, ACKNOWLEDGES)
        brief = client.post("/call/brief", json={"conversationId": cid})
        assert brief.status_code == 200, brief.text
        body = brief.json()
        assert body["normalizedPhoneE164"] == "+61491570006"
        assert body["phoneFlowMode"] == "DETERMINISTIC_SCRIPT"
        assert body["requiredFieldsMissing"] == [] and body["aiCallMade"] is False
        assert "Richard" in body["objective"] and "9 am" in body["objective"]
        assert not any("{" in line for line in body["scriptPreview"])
        script = " ".join(body["scriptPreview"])
        assert "Richard is unwell" in script and "I'm sick" not in script

        started = start_call(client, cid)
        assert started.status_code == 200, started.text
        call_id = started.json()["callId"]
        status = wait_terminal(client, call_id)

    assert status["status"] == "completed"
    assert status["reachedHuman"] is True
    assert status["llmCalls"] == 0
    assert status["outcome"]["taskResult"] == "SUCCESS"
    assert status["endReason"] == "completed"
    speakers = {line["speaker"] for line in status["transcript"]}
    assert speakers == {"assistant", "callee"}
    said = " ".join(line["text"] for line in status["transcript"])
    assert "automated assistant" in said and "Richard" in said
    assert not re.search(r"\d{4}-\d{2}-\d{2}", said), "dates are spoken, never ISO"


SICK_CALLEES = [
    # (number, status, answeredBy, reachedHuman, taskResult, endReason)
    (ACKNOWLEDGES, "completed", "human", True, "SUCCESS", "completed"),
    (REPEAT_ASKER, "completed", "human", True, "SUCCESS", "completed"),
    (REPEAT_PRESSER, "completed", "human", True, "SUCCESS", "completed"),
    (VOICEMAIL, "completed", "machine", False, "SUCCESS", "voicemail_left"),
    (BUSY, "busy", None, False, "FAILED", "busy"),
    (NO_ANSWER, "no-answer", None, False, "FAILED", "no_answer"),
]


@pytest.mark.parametrize(("number", "status", "answered_by", "human", "result", "reason"),
                         SICK_CALLEES, ids=lambda value: str(value))
def test_sick_call_against_each_callee(sqlite_calls_server: CallServer, number: str,
                                       status: str, answered_by: str | None, human: bool,
                                       result: str, reason: str) -> None:
    token = sqlite_calls_server.new_user()
    with sqlite_calls_server.client(token) as client:
        cid = confirm_sick_call(client, number)
        started = start_call(client, cid)
        assert started.status_code == 200, started.text
        body = wait_terminal(client, started.json()["callId"])
    assert body["status"] == status
    assert body["answeredBy"] == answered_by
    assert body["reachedHuman"] is human
    assert body["outcome"]["taskResult"] == result
    assert body["endReason"] == reason
    assert body["llmCalls"] == 0


def test_sick_call_makes_no_llm_call_whatever_the_callee_says(
        sqlite_calls_server: CallServer) -> None:
    """Every scripted callee, including the ones that never answer clearly: llmCalls stays 0."""
    numbers = [ACKNOWLEDGES, REPEAT_ASKER, REPEAT_PRESSER, VOICEMAIL, HANGS_UP, NEVER_CLEAR,
               "(07) 7010 1234", "0491 572 549"]
    token = sqlite_calls_server.new_user()
    with sqlite_calls_server.client(token) as client:
        results = []
        for number in numbers:
            cid = confirm_sick_call(client, number)
            started = start_call(client, cid)
            assert started.status_code == 200, started.text
            results.append(wait_terminal(client, started.json()["callId"]))
    assert [r["llmCalls"] for r in results] == [0] * len(numbers)
    assert all(r["terminal"] and r["endReason"] for r in results)
    heard = [r for r in results if any(t["speaker"] == "callee" for t in r["transcript"])]
    assert len(heard) >= 5, "most callees said something that reached the transcript"


def test_a_go_ahead_to_the_repeat_offer_repeats_the_message(
        sqlite_calls_server: CallServer) -> None:
    """"sure, go ahead" after "If you'd like me to repeat that…" is a yes to the offer."""
    with sqlite_calls_server.client(sqlite_calls_server.new_user()) as client:
        cid = confirm_sick_call(client, "0491 577 426")
        body = wait_terminal(client, start_call(client, cid).json()["callId"])
    said = [line["text"] for line in body["transcript"] if line["speaker"] == "assistant"]
    heard = [line["text"] for line in body["transcript"] if line["speaker"] == "callee"]
    assert heard == ["sure, go ahead", "okay, got it, thanks"]
    tellings = [text for text in said if "Richard is unwell" in text]
    assert len(tellings) == 2, said  # told, then told again after the go-ahead
    assert body["outcome"]["facts"]["acknowledged"] == "YES"
    assert body["outcome"]["taskResult"] == "SUCCESS"


def test_the_duration_is_answer_to_hang_up_as_the_provider_reports_it(
        sqlite_calls_server: CallServer) -> None:
    with sqlite_calls_server.client(sqlite_calls_server.new_user()) as client:
        cid = confirm_sick_call(client, "0491 577 426")
        body = wait_terminal(client, start_call(client, cid).json()["callId"])
    simulated = sqlite_calls_server.simulator.calls_to("+61491577426")[-1]
    assert simulated.duration_seconds is not None and simulated.duration_seconds > 0
    assert body["durationSeconds"] == simulated.duration_seconds
