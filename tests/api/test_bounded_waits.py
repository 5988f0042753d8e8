"""Every wait on the database is bounded: a locked store answers 503 database_busy quickly, /ready
says so, and both recover when the lock is released. SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from tests.conftest import postgres_url
from tests.support.server import LiveServer, live_server, scratch_postgres

BOUND_SECONDS = 5.0  # the contract's bound; the default timeout is 3 s


def turn(client: httpx.Client, cid: str, message: str = "") -> httpx.Response:
    return client.post("/v2/conversation/next", json={
        "conversationId": cid, "agentType": "SICK_CALLER", "userMessage": message})


@contextmanager
def sqlite_locked(data_dir: Path) -> Iterator[None]:
    holder = sqlite3.connect(str(data_dir / "proxycall.db"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@contextmanager
def postgres_locked(url: str) -> Iterator[None]:
    import psycopg

    holder = psycopg.connect(url.replace("+psycopg", ""))
    holder.execute("LOCK TABLE conversations, turns IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


def assert_busy_then_recovered(live: LiveServer, lock: object) -> None:
    with live.client() as client:
        assert turn(client, "busy-1").status_code == 200
        with lock:  # type: ignore[attr-defined]
            started = time.monotonic()
            busy = turn(client, "busy-1", "Bunnings")
            waited = time.monotonic() - started
            assert busy.status_code == 503, busy.text
            assert busy.json()["error"]["code"] == "database_busy"
            assert int(busy.headers["Retry-After"]) >= 1
            assert waited < BOUND_SECONDS, waited
            ready = client.get("/ready")
            assert ready.status_code == 503, ready.text
        assert turn(client, "busy-1", "Bunnings").status_code == 200
        assert client.get("/ready").status_code == 200


def test_a_locked_sqlite_file_answers_database_busy(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    with live_server(data_dir) as live:
        assert_busy_then_recovered(live, sqlite_locked(data_dir))


@pytest.mark.postgres
def test_locked_postgresql_tables_answer_database_busy(tmp_path: Path) -> None:
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL not configured: set PROXYCALL_TEST_DATABASE_URL")
    database = scratch_postgres(url.replace("postgresql://", "postgresql+psycopg://", 1),
                                "bounded_waits")
    with live_server(tmp_path / "d", database) as live:
        assert_busy_then_recovered(live, postgres_locked(database))
