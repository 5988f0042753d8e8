"""Business calls through the place picker: facts from what the store said, the result card."""

from __future__ import annotations

from tests.integration.calls.conftest import (
    CallServer,
    confirm_stock_check,
    start_call,
    wait_terminal,
)


def _call(server: CallServer, place_id: str) -> tuple[dict, dict]:
    token = server.new_user()
    with server.client(token) as client:
        cid = confirm_stock_check(client, place_id)
        brief = client.post("/call/brief", json={"conversationId": cid})
        assert brief.status_code == 200, brief.text
        assert brief.json()["phoneFlowMode"] == "DIALOG"
        started = start_call(client, cid)
        assert started.status_code == 200, started.text
        status = wait_terminal(client, started.json()["callId"])
        card = client.post("/call/result/format", json={"callId": status["callId"]})
        assert card.status_code == 200, card.text
        return status, card.json()


def test_store_with_stock_says_how_many(calls_server: CallServer) -> None:
    status, card = _call(calls_server, "bundled:jb-hifi-chermside")
    assert status["status"] == "completed"
    assert status["reachedHuman"] is True
    facts = status["outcome"]["facts"]
    assert facts["in_stock"] == "YES"
    assert facts["quantity_available"] == 5
    assert status["outcome"]["taskResult"] == "SUCCESS"
    assert card["summary"] == "JB Hi-Fi Chermside has 5 in stock. They're $249.00 each."
    assert card["nextSteps"] == ["Head to JB Hi-Fi Chermside soon: stock can change."]
    assert card["title"] == "Stock check: JB Hi-Fi Chermside"
    assert "Quantity available: 5" in card["bullets"]
    assert {row["field"] for row in card["extractedFacts"]} >= {"in_stock", "quantity_available"}
    assert "Them:" in card["formattedTranscript"]


def test_store_out_of_stock_gives_a_restock_date(sqlite_calls_server: CallServer) -> None:
    status, card = _call(sqlite_calls_server, "bundled:jb-hifi-carindale")
    facts = status["outcome"]["facts"]
    assert facts["in_stock"] == "NO"
    assert "restock_date" in facts
    assert status["outcome"]["taskResult"] == "SUCCESS"  # the check got its answer (issue 12)
    assert card["resultLabel"] == "Not in stock"
    assert card["nextSteps"][0] == "Try another store."
    assert card["nextSteps"][1].startswith("Ask me to check again after ")
    assert card["summary"].startswith("JB Hi-Fi Carindale doesn't have Sony WH-1000XM5 "
                                      "headphones in stock. More are expected on ")
    assert "-" not in card["summary"].split("expected on ")[1], "an ISO date leaked"


def test_store_that_puts_you_on_hold_first(sqlite_calls_server: CallServer) -> None:
    status, _card = _call(sqlite_calls_server, "bundled:jb-hifi-indooroopilly")
    assert status["outcome"]["facts"]["in_stock"] == "YES"
    assert status["outcome"]["facts"]["quantity_available"] == 2
    assert status["reachedHuman"] is True


def test_store_voicemail_is_never_a_success(sqlite_calls_server: CallServer) -> None:
    status, card = _call(sqlite_calls_server, "bundled:harvey-norman-capalaba")
    assert status["answeredBy"] == "machine"
    assert status["reachedHuman"] is False
    assert status["outcome"]["taskResult"] == "FAILED"
    assert card["nextSteps"] == ["Try again later, when someone can answer"]
