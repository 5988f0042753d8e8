"""The sick call end to end over real HTTP: brief, start, status until terminal, zero LLM calls."""

from __future__ import annotations

import re

from tests.integration.calls.conftest import (
    ACKNOWLEDGES,
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
