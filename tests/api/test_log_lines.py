"""Log-file grep patterns: [V2-METRICS] every N requests, [V2-ANOMALY] kinds."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.server import live_server

from proxycall.adapters.llm.fake_openai import FakeMode, run_fake_openai

METRICS = re.compile(
    r"\[V2-METRICS\] total=(\d+) llm_rate=\d+\.\d% fallback_rate=\d+\.\d% idempotency_hits=\d+ "
    r"actions=\{ASK_QUESTION=\d+, FIND_PLACE=\d+, CONFIRM=\d+, COMPLETE=\d+\}"
    r"( llm_rate\[[A-Z_]+\]=\d+\.\d%)+")


def send(client, cid: str, message: str, agent: str = "SICK_CALLER") -> dict:
    response = client.post("/v2/conversation/next", json={
        "conversationId": cid, "agentType": agent, "userMessage": message})
    assert response.status_code == 200, response.text
    return response.json()


def test_metrics_line_every_n_requests_and_repeated_question(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    with live_server(tmp_path / "d", PROXYCALL_METRICS_EVERY=2,
                     PROXYCALL_LOG_FILE=log) as live, live.client() as client:
        send(client, "m1", "Call in sick to Bunnings")
        for _ in range(3):
            send(client, "m1", "12")
    text = log.read_text()
    totals = [int(m.group(1)) for m in METRICS.finditer(text)]
    assert totals == [2, 4]
    assert re.search(r"\[V2-ANOMALY\] kind=repeated_question id=m1 agent=SICK_CALLER "
                     r"question=employer_phone", text)
    assert "Bunnings" not in "\n".join(line for line in text.splitlines()
                                       if "[V2-" in line)


def test_three_llm_failures_in_a_row_are_consecutive_fallbacks(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    with run_fake_openai() as llm, live_server(
        tmp_path / "d", OPENAI_API_KEY=llm.api_key, OPENAI_BASE_URL=llm.base_url,
        PROXYCALL_LOG_FILE=log,
    ) as live, live.client() as client:
        llm.fake.mode = FakeMode.SERVER_ERROR
        send(client, "f1", "Call in sick to Bunnings")
        for _ in range(3):
            send(client, "f1", "the usual number mate")
        figures = client.get("/admin/metrics").json()
    text = log.read_text()
    assert text.count("[V2-ANOMALY] kind=llm_failure") == 3
    assert "[V2-ANOMALY] kind=consecutive_fallbacks" in text
    assert figures["overall"]["fallbackRate"] == 75.0
    kinds = {a["kind"] for a in figures["anomalies"]}
    assert {"llm_failure", "consecutive_fallbacks"} <= kinds
