"""Processes on one PostgreSQL never harm each other: tokens add up, calls in flight belong to the
process that placed them (a lease), a dead owner's call is reconciled, and a call lost to a crash
can be tried again exactly once. Real `proxycall serve` processes, killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from tests.conftest import postgres_url
from tests.support.server import free_port, scratch_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
START_TIMEOUT_SECONDS = 30
LEASE_SECONDS = 2.0
LOST_CONTACT_SECONDS = 3.0
SICK_CALL = ["Call in sick to Bunnings", "0491 570 006", "Richard", "tomorrow", "9am", "SICK"]


@pytest.fixture()
def database(tmp_path: Path) -> str:
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL not configured: set PROXYCALL_TEST_DATABASE_URL")
    return scratch_postgres(url.replace("postgresql://", "postgresql+psycopg://", 1),
                            "process_safety")


class Server:
    """One `proxycall serve` process."""

    def __init__(self, data_dir: Path, database: str, token: str, pace: float, *,
                 workers: int = 1, env: dict[str, str] | None = None) -> None:
        self.token = token
        self.base_url = f"http://127.0.0.1:{free_port()}"
        env = {**os.environ, "PROXYCALL_DATA_DIR": str(data_dir),
               "PROXYCALL_DATABASE_URL": database, "PROXYCALL_ADMIN_TOKEN": token,
               "PROXYCALL_SIMULATOR_PACE": str(pace), "PROXYCALL_RATE_LIMIT": "10000/minute",
               "PROXYCALL_WORKER_INTERVAL_SECONDS": "0.2",
               "PROXYCALL_CALL_LEASE_SECONDS": str(LEASE_SECONDS),
               "PROXYCALL_LOST_CONTACT_SECONDS": str(LOST_CONTACT_SECONDS), **(env or {})}
        port = self.base_url.rsplit(":", 1)[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "proxycall.cli.main", "serve", "--port", port,
             "--workers", str(workers)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "server exited during start-up"
            try:
                if httpx.get(f"{self.base_url}/ready", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not become ready")

    def client(self, token: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=20,
                            headers={"Authorization": f"Bearer {token or self.token}"})

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@contextmanager
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        yield started
    finally:
        for server in started:
            server.stop()


def confirmed_sick_call(client: httpx.Client, cid: str) -> None:
    for message in SICK_CALL:
        response = client.post("/v2/conversation/next", json={
            "conversationId": cid, "agentType": "SICK_CALLER", "userMessage": message})
        assert response.status_code == 200, response.text
    done = client.post("/v2/conversation/next", json={
        "conversationId": cid, "agentType": "SICK_CALLER", "clientAction": "CONFIRM"})
    assert done.json()["nextAction"] == "COMPLETE", done.text


def status_of(client: httpx.Client, call_id: str) -> dict:
    response = client.get(f"/call/status/{call_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def wait_for(client: httpx.Client, call_id: str, statuses: set[str], seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = status_of(client, call_id)
        if body["status"] in statuses:
            return body
        time.sleep(0.1)
    raise AssertionError(f"call never reached {statuses}: {status_of(client, call_id)}")


def test_each_process_adds_its_admin_token_and_none_replaces_another(
        tmp_path: Path, database: str) -> None:
    with servers() as started:
        started.append(Server(tmp_path / "a", database, "token-of-a", pace=0))
        started.append(Server(tmp_path / "b", database, "token-of-b", pace=0))
        for server in started:
            for token in ("token-of-a", "token-of-b"):
                with server.client(token) as client:
                    me = client.get("/me")
                    assert me.status_code == 200, (server.base_url, token, me.text)
                    assert me.json()["isAdmin"] is True


def test_a_second_process_starting_leaves_the_first_ones_call_alone(
        tmp_path: Path, database: str) -> None:
    with servers() as started:
        first = Server(tmp_path / "a", database, "shared-token", pace=0.6)
        started.append(first)
        with first.client() as client:
            confirmed_sick_call(client, "in-flight")
            call_id = client.post("/call/start", json={"conversationId": "in-flight"}
                                  ).json()["callId"]
            wait_for(client, call_id, {"in-progress"}, 20)
            started.append(Server(tmp_path / "b", database, "shared-token", pace=0))
            assert status_of(client, call_id)["terminal"] is False  # still talking
            final = wait_for(client, call_id, {"completed", "failed", "busy", "no-answer"}, 60)
    assert final["status"] == "completed", final
    assert final["endReason"] != "lost_contact"
    assert final["outcome"]["taskResult"] == "SUCCESS"


def test_a_dead_owners_call_is_reconciled_by_the_survivor(tmp_path: Path, database: str) -> None:
    with servers() as started:
        first = Server(tmp_path / "a", database, "shared-token", pace=0.6)
        second = Server(tmp_path / "b", database, "shared-token", pace=0)
        started += [first, second]
        with first.client() as client:
            confirmed_sick_call(client, "orphan")
            call_id = client.post("/call/start", json={"conversationId": "orphan"}
                                  ).json()["callId"]
            wait_for(client, call_id, {"in-progress"}, 20)
        first.kill()
        killed = time.monotonic()
        with second.client() as client:
            final = wait_for(client, call_id, {"completed", "failed"}, 30)
        waited = time.monotonic() - killed
    assert final["terminal"] is True
    assert final["status"] == "failed" and final["endReason"] == "lost_contact", final
    bound = LEASE_SECONDS + LOST_CONTACT_SECONDS + 5  # lease, watchdog, a few worker rounds
    assert waited <= bound, waited


def test_after_a_crash_while_ringing_a_retry_places_exactly_one_new_attempt(
        tmp_path: Path, database: str) -> None:
    with servers() as started:
        first = Server(tmp_path / "a", database, "shared-token", pace=1.5)
        started.append(first)
        with first.client() as client:
            confirmed_sick_call(client, "crashed")
            call_id = client.post("/call/start", json={"conversationId": "crashed"}
                                  ).json()["callId"]
            wait_for(client, call_id, {"ringing"}, 20)
        first.kill()
        again = Server(tmp_path / "a", database, "shared-token", pace=0)
        started.append(again)
        with again.client() as client:
            lost = wait_for(client, call_id, {"failed"}, 30)
            assert lost["endReason"] == "lost_contact"

            def retry(n: int) -> str:
                response = client.post("/call/start", json={
                    "conversationId": "crashed", "retry": True, "idempotencyKey": f"r-{n}"})
                assert response.status_code == 200, response.text
                return str(response.json()["callId"])

            with ThreadPoolExecutor(max_workers=6) as pool:
                retried = set(pool.map(retry, range(6)))
            calls = [c for c in client.get("/calls").json()["calls"]
                     if c["conversationId"] == "crashed"]
    assert len(retried) == 1 and call_id not in retried
    assert sorted(c["attempt"] for c in calls) == [1, 2]
