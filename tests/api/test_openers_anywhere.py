"""A whole request typed as the answer to the first question reads the way it does as the first
message: for every opener in the eval corpora, over HTTP, after an empty greeting turn (the first
question pending), the conversation holds the same slots as when the opener came first."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
import yaml
from tests.support.server import LiveServer

EVAL = Path(__file__).resolve().parents[1] / "data" / "eval"


def openers() -> list[tuple[str, str]]:
    found = []
    for corpus in sorted(EVAL.glob("*.yaml")):
        data = yaml.safe_load(corpus.read_text("utf-8")) or {}
        entries = data if isinstance(data, list) else data.get("conversations") or []
        for entry in entries:
            if not entry.get("asked") and entry.get("message"):
                found.append((entry["agent"], entry["message"]))
    return sorted(set(found))


OPENERS = openers()


def turn(client: httpx.Client, cid: str, agent: str, message: str) -> dict:
    response = client.post("/v2/conversation/next", json={
        "conversationId": cid, "agentType": agent, "userMessage": message,
        "timezone": "Australia/Brisbane"})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_the_corpora_hold_openers_for_every_agent() -> None:
    assert {agent for agent, _ in OPENERS} == {"SICK_CALLER", "STOCK_CHECKER",
                                               "RESTAURANT_RESERVATION", "CANCEL_APPOINTMENT"}
    assert len(OPENERS) >= 40


def test_an_opener_after_the_greeting_reads_as_when_sent_first(server: LiveServer) -> None:
    differ = []
    with server.client() as client:
        for agent, message in OPENERS:
            first = turn(client, f"first-{uuid.uuid4().hex[:8]}", agent, message)
            later_id = f"later-{uuid.uuid4().hex[:8]}"
            greeting = turn(client, later_id, agent, "")
            assert greeting["nextAction"] == "ASK_QUESTION", greeting
            later = turn(client, later_id, agent, message)
            if later["extractedData"] != first["extractedData"]:
                differ.append((agent, message, first["extractedData"], later["extractedData"]))
    assert differ == [], f"{len(differ)} of {len(OPENERS)} differ, e.g. {differ[:3]}"


@pytest.mark.parametrize(("agent", "message"), [
    ("CANCEL_APPOINTMENT", "i need to cancel my dentist appt thursday 2.30, its at carindale "
                           "dental"),
    ("RESTAURANT_RESERVATION", "table for 4 at lucky dragon in camp hill tmrw night at 7 pls"),
])
def test_the_reported_requests_no_longer_become_a_business_name(
        sqlite_server: LiveServer, agent: str, message: str) -> None:
    with sqlite_server.client() as client:
        cid = f"rep-{uuid.uuid4().hex[:8]}"
        turn(client, cid, agent, "")
        body = turn(client, cid, agent, message)
    names = [v for k, v in body["extractedData"].items() if k.endswith("_name")]
    assert not any(" " in str(v) and len(str(v).split()) > 3 for v in names), body
    assert body["question"]["field"] in ("business_name", "restaurant_name")
