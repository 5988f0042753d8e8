"""Shared fixtures: a live server per database (SQLite always; PostgreSQL when configured)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.server import LiveServer, live_server

PG_ENV = "PROXYCALL_TEST_DATABASE_URL"


def postgres_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI") == "true":
        pytest.fail(f"{PG_ENV} must be set in CI: PostgreSQL tests may not skip there")
    return None


def database_params() -> list[object]:
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]


@pytest.fixture(scope="session", params=database_params())
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[LiveServer]:
    """A started server (lifespan running) on SQLite, and again on PostgreSQL."""
    url = None
    if request.param == "postgres":
        url = postgres_url()
        if url is None:
            pytest.skip(f"PostgreSQL not configured: set {PG_ENV} (make test does)")
    with live_server(tmp_path_factory.mktemp(f"srv-{request.param}"), url) as live:
        yield live


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A started server on SQLite only, for tests whose subject is not the database."""
    with live_server(tmp_path_factory.mktemp("srv-sqlite-only")) as live:
        yield live
