"""Operations over HTTP: health, ready, runtime kill switch, calls paused, metrics, records."""

from __future__ import annotations

import time
import uuid

import httpx
from tests.support.server import LiveServer

SWITCH_VISIBLE_WITHIN_SECONDS = 2.0


def poll_engine(client: httpx.Client, cid: str, want: str) -> tuple[str, float]:
    """Send turns until the engine we want answers; bounded by the contract's 2 s (+ slack)."""
    started = time.monotonic()
    version = ""
    while time.monotonic() - started < SWITCH_VISIBLE_WITHIN_SECONDS + 1:
        response = client.post("/v2/conversation/next", json={
            "conversationId": f"{cid}-{uuid.uuid4().hex[:6]}", "agentType": "STOCK_CHECKER",
            "userMessage": "test", "slots": {}})
        version = response.json()["engineVersion"]
        if version == want:
            break
    return version, time.monotonic() - started


def test_health_and_ready(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url) as anonymous:
        health = anonymous.get("/health").json()
        ready = anonymous.get("/ready")
    assert health["status"] == "ok"
    assert health["engineVersion"] == "v2"
    assert health["killSwitch"] is False
    assert health["llm"] == "none" and health["places"] == "bundled"
    assert ready.status_code == 200


def test_runtime_kill_switch_reroutes_v2_to_v1_without_restart(server: LiveServer) -> None:
    with server.client() as client:
        try:
            put = client.put("/admin/kill-switch", json={"active": True})
            assert put.status_code == 200 and put.json()["effective"] is True
            version, _elapsed = poll_engine(client, "ks-on", "v1")
            assert version == "v1"
            assert client.get("/health").json()["killSwitch"] is True
        finally:
            client.put("/admin/kill-switch", json={"active": False})
        version, _elapsed = poll_engine(client, "ks-off", "v2")
        assert version == "v2"


def test_v1_endpoint_answers_with_v1(server: LiveServer) -> None:
    with server.client() as client:
        body = client.post("/conversation/next", json={
            "conversationId": f"v1-{uuid.uuid4().hex[:6]}", "agentType": "SICK_CALLER",
            "userMessage": ""}).json()
    assert body["engineVersion"] == "v1"
    assert body["question"]["field"] == "employer_name"


def test_calls_paused_switch_round_trips(server: LiveServer) -> None:
    with server.client() as client:
        try:
            paused = client.put("/admin/calls-paused",
                                json={"paused": True, "reason": "carrier outage drill"})
            assert paused.json()["paused"] is True
            assert client.get("/admin/calls-paused").json()["paused"] is True
            notes = client.get("/admin/rollout/records", params={"kind": "note"}).json()
            assert any(r["data"].get("event") == "calls_paused"
                       and r["data"].get("reason") == "carrier outage drill"
                       for r in notes["records"])
        finally:
            client.put("/admin/calls-paused", json={"paused": False})


def test_admin_metrics_count_requests_llm_and_actions(server: LiveServer) -> None:
    with server.client() as client:
        before = client.get("/admin/metrics").json()["overall"]
        cid = f"metrics-{uuid.uuid4().hex[:6]}"
        for message in ("Call in sick to Bunnings", "Call in sick to Bunnings"):
            client.post("/v2/conversation/next", json={
                "conversationId": cid, "agentType": "SICK_CALLER", "userMessage": message,
                "idempotencyKey": "m1"})
        after = client.get("/admin/metrics", params={"windowMinutes": 15}).json()
    assert after["overall"]["total"] >= before["total"] + 2
    assert after["overall"]["idempotencyHits"] >= before["idempotencyHits"] + 1
    assert after["agents"]["SICK_CALLER"]["llmRate"] == 0.0
    assert after["window"]["minutes"] == 15
    assert set(after["overall"]["actions"]) == {"ASK_QUESTION", "FIND_PLACE", "CONFIRM",
                                                "COMPLETE"}


def test_rollout_records_and_startup_lines(server: LiveServer) -> None:
    with server.client() as client:
        created = client.post("/admin/rollout/records",
                              json={"kind": "note", "data": {"text": "hello"}})
        listed = client.get("/admin/rollout/records", params={"kind": "note"}).json()
        startup = client.get("/admin/startup").json()
    assert created.status_code == 201
    assert listed["records"][0]["data"] == {"text": "hello"}
    assert "[STARTUP] Conversation engine: v2" in startup["lines"]
    assert "[STARTUP] Kill switch active: False" in startup["lines"]


def test_prometheus_metrics_need_admin_and_expose_counters(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url) as anonymous:
        assert anonymous.get("/metrics").status_code == 401
    with server.client() as client:
        text = client.get("/metrics").text
    assert "proxycall_v2_requests_total" in text
    assert "proxycall_v2_turn_seconds_bucket" in text


def test_users_created_by_admin_can_call_the_api(server: LiveServer) -> None:
    token = server.new_user("Dana")
    with server.client(token) as client:
        me = client.get("/me")
    assert me.status_code == 200
    assert me.json()["name"] == "Dana" and me.json()["isAdmin"] is False


def test_history_lists_conversations_with_their_call(server: LiveServer) -> None:
    token = server.new_user("Historian")
    with server.client(token) as client:
        cid = "history-1"
        for message in ("Call in sick to Bunnings", "0491 570 006", "Richard", "tomorrow",
                        "9am", "SICK"):
            client.post("/v2/conversation/next", json={
                "conversationId": cid, "agentType": "SICK_CALLER", "userMessage": message})
        client.post("/v2/conversation/next", json={
            "conversationId": cid, "agentType": "SICK_CALLER", "clientAction": "CONFIRM"})
        call_id = client.post("/call/start", json={"conversationId": cid}).json()["callId"]
        client.post("/v2/conversation/next", json={
            "conversationId": "history-2", "agentType": "STOCK_CHECKER", "userMessage": ""})
        listed = client.get("/v2/conversations").json()["conversations"]
    by_id = {item["conversationId"]: item for item in listed}
    assert by_id["history-1"]["callId"] == call_id
    assert by_id["history-1"]["status"] == "COMPLETE"
    assert by_id["history-2"]["callId"] is None
    assert listed[0]["conversationId"] == "history-2"


def test_docs_explain_every_route(server: LiveServer) -> None:
    """Every operation in /openapi.json has a summary and a description (so /docs explains it)."""
    spec = httpx.get(f"{server.base_url}/openapi.json", timeout=10).json()
    bare = [f"{method.upper()} {path}" for path, operations in spec["paths"].items()
            for method, operation in operations.items()
            if not operation.get("summary") or not operation.get("description")]
    assert bare == []
    assert httpx.get(f"{server.base_url}/docs", timeout=10).status_code == 200
