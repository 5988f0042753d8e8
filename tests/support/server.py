"""A real proxycall server for tests: uvicorn on a free loopback port, lifespan running."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from proxycall.adapters.db import migrate
from proxycall.api.http_protocol import HeadWithBodyProtocol
from proxycall.app import create_app
from proxycall.config import load_settings

STARTUP_TIMEOUT_SECONDS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    admin_token: str
    app: Any
    data_dir: Path

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token or self.admin_token}"}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def new_user(self, name: str = "Tester") -> str:
        with self.client() as admin:
            response = admin.post("/admin/users", json={"name": name})
            assert response.status_code == 201, response.text
            return str(response.json()["token"])

    @property
    def container(self) -> Any:
        return self.app.state.container


def reset_database(url: str) -> None:
    """Drop everything and migrate again, so a PostgreSQL test run starts empty."""
    migrate.downgrade(url, "base")
    migrate.upgrade(url)


@contextmanager
def live_server(data_dir: Path, database_url: str | None = None, *,
                clock: Callable[[], datetime] | None = None, places: Any = None,
                **env: Any) -> Iterator[LiveServer]:
    token = "test-admin-token-" + data_dir.name
    overrides: dict[str, Any] = {
        "PROXYCALL_DATA_DIR": data_dir, "PROXYCALL_ADMIN_TOKEN": token,
        "PROXYCALL_SIMULATOR_PACE": 0, "PROXYCALL_RATE_LIMIT": "10000/minute",
        "PROXYCALL_WORKER_INTERVAL_SECONDS": 0.05,
        **env,
    }
    if database_url:
        overrides["PROXYCALL_DATABASE_URL"] = database_url
    settings = load_settings(**overrides)
    if database_url:
        reset_database(settings.sqlalchemy_url)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    extra: dict[str, Any] = {"clock": clock} if clock is not None else {}
    if places is not None:
        extra["places"] = places
    app = create_app(settings, base_url=base_url, print_login_link=False, **extra)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on", http=HeadWithBodyProtocol)  # as `serve` runs it
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(base_url, token, app, data_dir)
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)


def scratch_postgres(url: str, name: str) -> str:
    """A separate, empty PostgreSQL database beside the test one (the shared test database is
    in use by session-wide servers, so tests that drop or race on a schema get their own)."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(url.replace("+psycopg", ""))
    # beside its own test database, so parallel test runs never collide
    name = f"{base.database}_{name}"[:63]
    admin = base.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return make_url(url).set(database=name).render_as_string(hide_password=False)
