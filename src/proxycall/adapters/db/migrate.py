"""Apply Alembic migrations (used at start-up and by `proxycall db upgrade`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def sync_url(async_url: str) -> str:
    """Migrations run on the synchronous driver: pysqlite, or psycopg in sync mode."""
    return async_url.replace("sqlite+aiosqlite", "sqlite")


def alembic_config(async_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", sync_url(async_url))
    return config


def upgrade(async_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(async_url), revision)


def downgrade(async_url: str, revision: str) -> None:
    command.downgrade(alembic_config(async_url), revision)
