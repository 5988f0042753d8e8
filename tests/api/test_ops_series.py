"""The operator console's series (/admin/metrics/series) over HTTP: counts from the counters."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.support.server import LiveServer, live_server

from proxycall.adapters.llm.fake_openai import FakeMode, run_fake_openai

WINDOWS = {"15m": (15, 60), "1h": (60, 120), "24h": (24 * 60, 1800)}


def _turn(client: httpx.Client, agent: str, message: str, cid: str | None = None,
          key: str | None = None) -> None:
    headers = {"Idempotency-Key": key} if key else {}
    response = client.post("/v2/conversation/next", headers=headers, json={
        "conversationId": cid or f"series-{uuid.uuid4().hex[:8]}", "agentType": agent,
        "userMessage": message})
    assert response.status_code == 200, response.text


def _series(client: httpx.Client, window: str = "15m") -> dict[str, Any]:
    response = client.get("/admin/metrics/series", params={"window": window})
    assert response.status_code == 200, response.text
    return response.json()


def _totals(series: dict[str, Any]) -> tuple[int, dict[str, int]]:
    per_agent: dict[str, int] = {}
    for bucket in series["buckets"]:
        for agent, n in bucket["requests"].items():
            per_agent[agent] = per_agent.get(agent, 0) + n
    return sum(b["total"] for b in series["buckets"]), per_agent


@pytest.mark.parametrize("window", sorted(WINDOWS))
def test_buckets_start_on_whole_minutes_and_end_with_the_current_one(
        server: LiveServer, window: str) -> None:
    minutes, size = WINDOWS[window]
    with server.client() as client:
        series = _series(client, window)
    starts = [datetime.fromisoformat(b["at"]) for b in series["buckets"]]
    assert len(starts) == minutes * 60 // size
    assert all(s.second == 0 and s.microsecond == 0 for s in starts)
    assert all((b - a).total_seconds() == size for a, b in itertools.pairwise(starts))
    now = datetime.fromisoformat(series["to"])
    assert 0 <= (now - starts[-1]).total_seconds() < size + 60


def test_every_turn_and_replay_is_counted_once_in_its_agent(server: LiveServer) -> None:
    with server.client() as client:
        before_total, before = _totals(_series(client))
        for message in ("Bunnings", "JB Hi-Fi", "Officeworks"):
            _turn(client, "STOCK_CHECKER", message)
        cid = f"series-{uuid.uuid4().hex[:8]}"
        _turn(client, "SICK_CALLER", "call in sick", cid=cid, key=f"k-{cid}")
        _turn(client, "SICK_CALLER", "call in sick", cid=cid, key=f"k-{cid}")  # a replay
        after_total, after = _totals(_series(client))
    assert after_total - before_total == 5
    assert after.get("STOCK_CHECKER", 0) - before.get("STOCK_CHECKER", 0) == 3
    assert after.get("SICK_CALLER", 0) - before.get("SICK_CALLER", 0) == 2


def test_anomalies_are_drawn_in_their_bucket_and_listed_newest_first(tmp_path: Path) -> None:
    with run_fake_openai() as llm, live_server(
        tmp_path / "d", OPENAI_API_KEY=llm.api_key, OPENAI_BASE_URL=llm.base_url,
    ) as live, live.client() as client:
        llm.fake.mode = FakeMode.SERVER_ERROR
        cid = f"series-{uuid.uuid4().hex[:8]}"
        _turn(client, "SICK_CALLER", "Call in sick to Bunnings", cid=cid)
        for _ in range(3):
            _turn(client, "SICK_CALLER", "the usual number mate", cid=cid)
        series = _series(client)
    drawn: dict[str, int] = {}
    for bucket in series["buckets"]:
        for kind, n in bucket["anomalies"].items():
            drawn[kind] = drawn.get(kind, 0) + n
    assert drawn["llm_failure"] == 3 and drawn["consecutive_fallbacks"] == 1
    listed = series["recentAnomalies"]
    assert len(listed) == sum(drawn.values()) and {a["conversationId"] for a in listed} == {cid}
    assert [a["at"] for a in listed] == sorted((a["at"] for a in listed), reverse=True)
    total, per_agent = _totals(series)
    assert total == 4 and per_agent == {"SICK_CALLER": 4}
    assert series["buckets"][-1]["fallbacks"] + series["buckets"][-2]["fallbacks"] == 3
