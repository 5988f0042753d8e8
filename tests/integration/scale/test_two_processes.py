"""Two `proxycall serve` processes on one PostgreSQL: a shared kill switch, one call per task."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from tests.conftest import postgres_url
from tests.support.server import free_port, scratch_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
TOKEN = "two-process-admin-token"
START_TIMEOUT_SECONDS = 30
SWITCH_SECONDS = 2.0


def _env(data_dir: Path, url: str) -> dict[str, str]:
    return {**os.environ, "PROXYCALL_DATA_DIR": str(data_dir), "PROXYCALL_DATABASE_URL": url,
            "PROXYCALL_ADMIN_TOKEN": TOKEN, "PROXYCALL_SIMULATOR_PACE": "0",
            "PROXYCALL_WORKER_INTERVAL_SECONDS": "0.1", "PROXYCALL_RATE_LIMIT": "10000/minute"}


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "server exited during start-up"
        try:
            if httpx.get(f"{base_url}/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("server did not become ready")


@pytest.fixture()
def two_servers(tmp_path: Path) -> Iterator[tuple[str, str, dict[str, str]]]:
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL not configured: set PROXYCALL_TEST_DATABASE_URL")
    url = scratch_postgres(url.replace("postgresql://", "postgresql+psycopg://", 1),
                           "proxycall_test_two_processes")
    processes, urls = [], []
    for name in ("a", "b"):
        port = free_port()
        env = _env(tmp_path / name, url)
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "proxycall.cli.main", "serve", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for base_url, process in zip(urls, processes, strict=True):
            _wait_healthy(base_url, process)
        yield urls[0], urls[1], _env(tmp_path / "cli", url)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def _engine(base_url: str, n: int) -> str:
    response = httpx.post(f"{base_url}/v2/conversation/next", timeout=10,
                          headers={"Authorization": f"Bearer {TOKEN}"},
                          json={"conversationId": f"ks-{n}", "agentType": "STOCK_CHECKER",
                                "userMessage": "test", "slots": {}})
    assert response.status_code == 200, response.text
    return str(response.json()["engineVersion"])


def test_kill_switch_command_reaches_both_processes_within_2_seconds(two_servers) -> None:
    first, second, env = two_servers
    assert _engine(first, 0) == "v2" and _engine(second, 1) == "v2"
    subprocess.run([sys.executable, "-m", "proxycall.cli.main", "killswitch", "on"], env=env,
                   check=True, capture_output=True, timeout=60)
    flipped = time.monotonic()
    seen: dict[str, float] = {}
    n = 2
    while len(seen) < 2 and time.monotonic() - flipped < SWITCH_SECONDS + 1:
        for base_url in (first, second):
            if base_url not in seen and _engine(base_url, n) == "v1":
                seen[base_url] = time.monotonic() - flipped
            n += 1
    assert set(seen) == {first, second}
    assert max(seen.values()) <= SWITCH_SECONDS


def test_one_call_per_task_across_two_processes(two_servers) -> None:
    first, second, _env_cli = two_servers
    headers = {"Authorization": f"Bearer {TOKEN}"}
    turns = ["Call in sick to Bunnings", "0491 570 006", "Richard", "tomorrow", "9am", "SICK"]
    with httpx.Client(base_url=first, headers=headers, timeout=10) as client:
        for message in turns:
            client.post("/v2/conversation/next", json={
                "conversationId": "twice", "agentType": "SICK_CALLER", "userMessage": message})
        done = client.post("/v2/conversation/next", json={
            "conversationId": "twice", "agentType": "SICK_CALLER", "clientAction": "CONFIRM"})
        assert done.json()["nextAction"] == "COMPLETE"

    def start(base_url: str) -> str:
        response = httpx.post(f"{base_url}/call/start", headers=headers, timeout=20,
                              json={"conversationId": "twice"})
        assert response.status_code in (200, 201), response.text
        return str(response.json()["callId"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(start, [first, second] * 6))
    assert len(ids) == 1
    with httpx.Client(base_url=second, headers=headers, timeout=10) as client:
        calls = client.get("/calls").json()["calls"]
    assert [c["callId"] for c in calls if c["conversationId"] == "twice"] == list(ids)
