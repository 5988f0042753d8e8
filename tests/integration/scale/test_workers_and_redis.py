"""`proxycall serve --workers 2` on one PostgreSQL, and the per-user rate limit shared by two
processes through Redis (PROXYCALL_REDIS_URL). Real processes over real HTTP."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import httpx
import pytest
from tests.conftest import postgres_url
from tests.integration.scale.test_process_safety import Server, confirmed_sick_call, servers
from tests.support.server import scratch_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
REDIS_ENV = "PROXYCALL_TEST_REDIS_URL"
SWITCH_SECONDS = 2.0  # the contract: every process sees the kill switch within 2 seconds


def redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    if url:
        return url
    if os.environ.get("CI") == "true":
        pytest.fail(f"{REDIS_ENV} must be set in CI (make test starts Redis)")
    pytest.skip(f"Redis not configured: set {REDIS_ENV} (make test does)")


@pytest.fixture()
def database() -> str:
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL not configured: set PROXYCALL_TEST_DATABASE_URL")
    return scratch_postgres(url.replace("postgresql://", "postgresql+psycopg://", 1),
                            "workers_redis")


def turn(client: httpx.Client, cid: str, message: str = "", **fields: object) -> httpx.Response:
    return client.post("/v2/conversation/next", json={
        "conversationId": cid, "agentType": "SICK_CALLER", "userMessage": message, **fields})


def test_two_workers_serve_turns_calls_and_the_kill_switch(tmp_path: Path, database: str) -> None:
    with servers() as started:
        server = Server(tmp_path / "w", database, "workers-token", pace=0, workers=2)
        started.append(server)
        pid = server.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        serving = [c for c in children  # multiprocessing also starts a resource tracker
                   if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]
        assert len(serving) == 2, children
        with server.client() as client:
            for n in range(20):  # new connections are spread over both processes
                with server.client() as fresh:
                    assert turn(fresh, f"w-{n}", "Call in sick to Bunnings").status_code == 200
            first = turn(client, "idem", "Call in sick to Bunnings", idempotencyKey="k1")
            again = turn(client, "idem", "Call in sick to Bunnings", idempotencyKey="k1")
            assert first.status_code == again.status_code == 200
            assert first.json() == again.json()
            confirmed_sick_call(client, "two-workers")
            call_id = client.post("/call/start", json={"conversationId": "two-workers"}
                                  ).json()["callId"]
            assert client.put("/admin/kill-switch", json={"active": True}).status_code == 200
            flipped = time.monotonic()
            # every process sees the switch within 2 s: then 8 answers in a row, on fresh
            # connections spread over both workers, are all v1
            in_a_row, n = 0, 0
            while in_a_row < 8 and time.monotonic() - flipped < SWITCH_SECONDS + 1:
                with server.client() as fresh:
                    engine = turn(fresh, f"ks-{n}", "test").json()["engineVersion"]
                in_a_row = in_a_row + 1 if engine == "v1" else 0
                n += 1
            assert in_a_row >= 8, f"still v2 {time.monotonic() - flipped:.1f} s after the flip"
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                status = client.get(f"/call/status/{call_id}").json()
                if status["terminal"]:
                    break
                time.sleep(0.1)
    assert status["status"] == "completed", status


def test_the_rate_limit_holds_across_two_processes_with_redis(
        tmp_path: Path, database: str) -> None:
    redis = redis_url()
    env = {"PROXYCALL_REDIS_URL": redis, "PROXYCALL_RATE_LIMIT": "10/minute"}
    with servers() as started:
        first = Server(tmp_path / "a", database, "redis-token", pace=0, env=env)
        second = Server(tmp_path / "b", database, "redis-token", pace=0, env=env)
        started += [first, second]
        with first.client() as admin:
            user = admin.post("/admin/users", json={"name": f"r-{uuid.uuid4().hex[:6]}"})
            token = user.json()["token"]
        codes = []
        for n in range(16):
            with (first if n % 2 else second).client(token) as client:
                codes.append(client.get("/me").status_code)
    assert codes.count(200) == 10, codes
    assert codes.count(429) == 6, codes
