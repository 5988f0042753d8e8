"""Migrations: up, down and up again, and several processes migrating one database at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, inspect
from tests.conftest import postgres_url
from tests.support.server import scratch_postgres

from proxycall.adapters.db import migrate

TABLES = {"users", "conversations", "turns", "engine_events", "calls", "call_events",
          "runtime_switches", "rollout_records", "engine_minutes",
          "engine_totals"}


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


def test_concurrent_upgrades_on_one_database(tmp_path: Path) -> None:
    """Four processes starting at once: one migrates, the others find it done."""
    (tmp_path / "race").mkdir()
    for url in _urls(tmp_path / "race"):
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda _, u=url: migrate.upgrade(u), range(4)))
        assert _tables(url) == TABLES
