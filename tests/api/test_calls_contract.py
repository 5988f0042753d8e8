"""The call endpoints' wire shapes, as contract.md lists them, on the standard test server."""

from __future__ import annotations

import time
import uuid

from tests.support.server import LiveServer

STATUS_KEYS = {"callId", "conversationId", "status", "terminal", "endReason", "answeredBy",
               "reachedHuman", "outcome", "transcript", "durationSeconds", "cost",
               "costCurrency", "llmCalls", "createdAt", "updatedAt"}
BRIEF_KEYS = {"objective", "scriptPreview", "confirmationChecklist", "normalizedPhoneE164",
              "requiredFieldsMissing", "phoneFlowMode", "aiCallMade"}
CARD_KEYS = {"title", "summary", "bullets", "extractedFacts", "nextSteps", "formattedTranscript"}
SEED_SLOTS = {"employer_name": "Bunnings", "employer_phone": "+61412345678",
              "caller_name": "Richard", "shift_date": "tomorrow", "shift_start_time": "9am",
              "reason_category": "SICK"}


def _confirmed(client, cid: str) -> None:
    body = {"conversationId": cid, "agentType": "SICK_CALLER", "slots": SEED_SLOTS}
    assert client.post("/v2/conversation/next", json=body).json()["nextAction"] == "CONFIRM"
    confirm = {"conversationId": cid, "agentType": "SICK_CALLER", "clientAction": "CONFIRM"}
    assert client.post("/v2/conversation/next", json=confirm).json()["nextAction"] == "COMPLETE"


def test_brief_start_status_and_result_shapes(sqlite_server: LiveServer) -> None:
    cid = f"contract-{uuid.uuid4().hex[:8]}"
    with sqlite_server.client(sqlite_server.new_user()) as client:
        _confirmed(client, cid)
        brief = client.post("/call/brief", json={"conversationId": cid,
                                                 "disclosure": {"nameShare": True}})
        assert brief.status_code == 200, brief.text
        assert set(brief.json()) >= BRIEF_KEYS
        started = client.post("/call/start", json={"conversationId": cid})
        assert started.status_code == 200, started.text
        assert {"callId", "status"} <= set(started.json())
        call_id = started.json()["callId"]
        deadline = time.monotonic() + 20
        while not (status := client.get(f"/call/status/{call_id}").json())["terminal"]:
            assert time.monotonic() < deadline, status["status"]
            time.sleep(0.05)  # polling a condition, bounded by the deadline
        card = client.post("/call/result/format", json={"callId": call_id})
        listed = client.get("/calls")
    assert set(status) >= STATUS_KEYS
    assert set(status["outcome"]) == {"taskResult", "facts", "summary"}
    assert all(set(line) == {"speaker", "text", "at"} for line in status["transcript"])
    assert status["status"] == "completed" and status["llmCalls"] == 0
    assert card.status_code == 200 and set(card.json()) >= CARD_KEYS
    assert listed.status_code == 200
    row = next(r for r in listed.json()["calls"] if r["callId"] == call_id)
    assert {"callId", "conversationId", "agentType", "status", "terminal", "taskResult",
            "summary", "createdAt"} <= set(row)
    assert row["conversationId"] == cid
