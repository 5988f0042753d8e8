"""The seed's curl style, its rollback check with the env kill switch, and the person's clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.api.test_conversation_seed import SICK_TURNS
from tests.support.server import LiveServer, live_server


@pytest.mark.parametrize("carry_slots", [False, True], ids=["slots-empty", "slots-full"])
def test_seed_scenario_2_whether_or_not_the_client_carries_state(server: LiveServer,
                                                                  carry_slots: bool) -> None:
    cid = f"curl-{uuid.uuid4().hex[:8]}"
    slots: dict = {}
    with server.client() as client:
        for message, slot, _value in SICK_TURNS:
            response = client.post("/v2/conversation/next", json={
                "conversationId": cid, "agentType": "SICK_CALLER", "userMessage": message,
                "slots": slots if carry_slots else {}})
            assert response.status_code == 200, response.text
            body = response.json()
            assert slot in body["extractedData"]
            assert body["validationError"] is None
            slots = dict(body["extractedData"])
        assert body["nextAction"] == "CONFIRM"
        done = client.post("/v2/conversation/next", json={
            "conversationId": cid, "agentType": "SICK_CALLER", "clientAction": "CONFIRM",
            "slots": slots if carry_slots else {}}).json()
    assert done["nextAction"] == "COMPLETE"
    assert done["engineVersion"] == "v2"
    assert done["agentMeta"]["phoneSource"] == "DIRECT_SLOT"
    assert done["agentMeta"]["directPhoneSlot"] == "employer_phone"


def test_env_kill_switch_routes_v2_to_v1_and_says_so(tmp_path: Path) -> None:
    log_file = tmp_path / "app.log"
    with live_server(tmp_path / "data", CONVERSATION_ENGINE_KILL_SWITCH="true",
                     PROXYCALL_LOG_FILE=log_file) as live, live.client() as client:
        response = client.post("/v2/conversation/next", json={
            "conversationId": "rollback-test", "agentType": "STOCK_CHECKER",
            "userMessage": "test", "slots": {}})
    assert response.status_code == 200
    assert response.json()["engineVersion"] == "v1"
    text = log_file.read_text()
    assert "[STARTUP] Conversation engine: v2" in text
    assert "[STARTUP] Kill switch active: True" in text
    assert "[KILL_SWITCH] Routing /v2 request to v1 for conversationId=rollback-test" in text


@pytest.mark.parametrize(
    ("utc_now", "expected"),
    [
        (datetime(2026, 11, 27, 13, 0, tzinfo=UTC), "2026-11-28"),  # 11 pm Friday in Brisbane
        (datetime(2026, 11, 27, 21, 30, tzinfo=UTC), "2026-11-29"),  # 7:30 am Saturday there
    ],
)
def test_tomorrow_is_the_persons_tomorrow_not_the_servers(tmp_path: Path, utc_now: datetime,
                                                         expected: str) -> None:
    with live_server(tmp_path, clock=lambda: utc_now) as live, live.client() as client:
        cid = "tz-check"
        for message in ("Call in sick to Bunnings", "0412 345 678", "Richard"):
            client.post("/v2/conversation/next", json={
                "conversationId": cid, "agentType": "SICK_CALLER", "userMessage": message})
        body = client.post("/v2/conversation/next", json={
            "conversationId": cid, "agentType": "SICK_CALLER", "userMessage": "Tomorrow!"}).json()
    assert body["extractedData"]["shift_date"] == expected
