"""Migrations: up, down and up again, and several processes migrating one database at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from tests.conftest import postgres_url
from tests.support.server import scratch_postgres

from proxycall.adapters.db import migrate
from proxycall.adapters.db.models import Base

TABLES = {"users", "credentials", "conversations", "turns", "engine_events", "calls",
          "call_events", "runtime_switches", "rollout_records", "engine_minutes", "engine_totals"}


def _tables(async_url: str) -> set[str]:
    engine = create_engine(migrate.sync_url(async_url))
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _urls(tmp_path: Path) -> list[str]:
    urls = [f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"]
    pg = postgres_url()
    if pg:
        urls.append(scratch_postgres(pg, "proxycall_test_migrations"))
    return urls


def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    for url in _urls(tmp_path):
        migrate.upgrade(url)
        assert _tables(url) == TABLES
        migrate.downgrade(url, "base")
        assert _tables(url) == set()
        migrate.upgrade(url)
        assert _tables(url) == TABLES


def test_migrated_schema_is_the_models_schema(tmp_path: Path) -> None:
    """What the migrations build is what the models declare: no index or column missing or extra."""
    for url in _urls(tmp_path):
        migrate.upgrade(url)
        engine = create_engine(migrate.sync_url(url))
        try:
            with engine.connect() as connection:
                assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        finally:
            engine.dispose()


def test_concurrent_upgrades_on_one_database(tmp_path: Path) -> None:
    """Four processes starting at once: one migrates, the others find it done."""
    (tmp_path / "race").mkdir()
    for url in _urls(tmp_path / "race"):
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda _, u=url: migrate.upgrade(u), range(4)))
        assert _tables(url) == TABLES


def test_tokens_move_to_credentials_and_back(tmp_path: Path) -> None:
    """0002 moves each user's token hash to the credentials table; its downgrade restores it."""
    from sqlalchemy import text

    for url in _urls(tmp_path):
        migrate.downgrade(url, "base")
        migrate.upgrade(url, "0001")
        engine = create_engine(migrate.sync_url(url))
        try:
            with engine.begin() as connection:
                connection.execute(text(
                    "INSERT INTO users (id, name, token_hash, is_admin, created_at) "
                    "VALUES ('u1', 'A', 'hash-1', false, '2026-12-05 00:00:00+00:00')"))
            migrate.upgrade(url)
            with engine.connect() as connection:
                rows = connection.execute(text(
                    "SELECT user_id, token_hash FROM credentials")).all()
            assert [tuple(row) for row in rows] == [("u1", "hash-1")]
            migrate.downgrade(url, "0001")
            with engine.connect() as connection:
                restored = connection.execute(text("SELECT token_hash FROM users")).scalar()
            assert restored == "hash-1"
        finally:
            engine.dispose()
        migrate.upgrade(url)


def test_a_url_with_percent_escapes_migrates() -> None:
    """A URL's percent-escapes (a Unix socket's host, a password's "@") reach the driver as they
    are: Alembic's configparser read "%2F" as an interpolation and start-up failed."""
    pg = postgres_url()
    if pg is None:
        pytest.skip("PostgreSQL not configured: set PROXYCALL_TEST_DATABASE_URL")
    url = scratch_postgres(pg, "proxycall_test_escapes") + "?application_name=proxycall%20migrate"
    migrate.upgrade(url)
    assert _tables(url) == TABLES
