"""Real `proxycall serve` processes: turns survive SIGKILL; the Redis rate limit spans processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from tests.conftest import postgres_url
from tests.support.server import free_port, scratch_postgres

pytestmark = [pytest.mark.slow]
TOKEN = "serve-process-admin-token"
START_TIMEOUT_SECONDS = 30
REDIS_URL = os.environ.get("PROXYCALL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
BURST = 40


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PROXYCALL_DATA_DIR": str(data_dir), "PROXYCALL_ADMIN_TOKEN": TOKEN,
            "PROXYCALL_SIMULATOR_PACE": "0", "PROXYCALL_RATE_LIMIT": "10000/minute", **extra}


def _wait_ready(base_url: str, process: subprocess.Popen[bytes]) -> None:
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


@contextmanager
def _serve(env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "proxycall.cli.main", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base_url, process)
        yield base_url, process
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=20)


def _turn(base_url: str, n: int) -> int:
    response = httpx.post(f"{base_url}/v2/conversation/next", timeout=20,
                          headers={"Authorization": f"Bearer {TOKEN}"},
                          json={"conversationId": f"durable-{n}", "agentType": "SICK_CALLER",
                                "userMessage": "Call in sick to Bunnings"})
    return response.status_code


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_every_answered_turn_is_stored_after_sigkill(tmp_path: Path, store: str) -> None:
    """Each store's turn path commits in groups: no turn is answered before its commit."""
    env = _env(tmp_path)
    if store == "postgresql":
        url = postgres_url()
        if url is None:
            pytest.skip("PostgreSQL not configured: set PROXYCALL_TEST_DATABASE_URL")
        env["PROXYCALL_DATABASE_URL"] = scratch_postgres(
            url.replace("postgresql://", "postgresql+psycopg://", 1), "sigkill")
    with _serve(env) as (base_url, process):
        with ThreadPoolExecutor(max_workers=10) as pool:
            codes = list(pool.map(lambda n: _turn(base_url, n), range(BURST)))
        process.send_signal(signal.SIGKILL)  # no shutdown: only what was committed survives
        process.wait(timeout=20)
    assert codes == [200] * BURST
    with _serve(env) as (base_url, _process), httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {TOKEN}"}) as admin:
        stored = [admin.get(f"/v2/conversations/durable-{n}") for n in range(BURST)]
    assert [r.status_code for r in stored] == [200] * BURST
    assert all(r.json()["turn"] == 1 for r in stored), stored[0].json()


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def test_the_rate_limit_holds_across_two_processes_with_redis(tmp_path: Path) -> None:
    if not _redis_up():
        pytest.skip("Redis not reachable: set PROXYCALL_TEST_REDIS_URL")
    limit = 6
    env = _env(tmp_path, PROXYCALL_RATE_LIMIT=f"{limit}/minute", PROXYCALL_REDIS_URL=REDIS_URL,
               PROXYCALL_REDIS_PREFIX=f"h11-test-{uuid.uuid4().hex[:8]}")
    with _serve(env) as (first, _a), _serve(env) as (second, _b):
        created = httpx.post(f"{first}/admin/users", json={"name": "Speedy"},
                             headers={"Authorization": f"Bearer {TOKEN}"})
        assert created.status_code == 201, created.text
        user = {"Authorization": f"Bearer {created.json()['token']}"}
        codes = [httpx.get(f"{base}/me", headers=user).status_code
                 for base in [first, second] * limit]
    assert codes[:limit] == [200] * limit
    assert set(codes[limit:]) == {429}
