"""Apply Alembic migrations (used at start-up and by `proxycall db upgrade`).

Several processes may start at once on one database; the migration runs under a lock (a
PostgreSQL advisory lock, or a file lock beside a SQLite file) so exactly one applies it and the
others find it done.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).parent / "migrations"
ADVISORY_LOCK_ID = 7_212_020_261  # any constant shared by every proxycall process


def sync_url(async_url: str) -> str:
    """Migrations run on the synchronous driver: pysqlite, or psycopg in sync mode."""
    return async_url.replace("sqlite+aiosqlite", "sqlite")


def alembic_config(async_url: str) -> Config:
    """Alembic's configuration for this database (the async URL made synchronous)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Alembic's options are configparser values, where "%" starts an interpolation: a URL's
    # percent-escapes (a Unix socket's `host=%2Fvar%2Frun%2Fpostgresql`, a password with "@")
    # stopped start-up with "invalid interpolation syntax"
    config.set_main_option("sqlalchemy.url", sync_url(async_url).replace("%", "%%"))
    return config


def upgrade(async_url: str, revision: str = "head") -> None:
    """Migrate the database up to `revision` (the newest by default)."""
    with _locked(async_url) as (config, connection):
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(async_url: str, revision: str) -> None:
    """Migrate the database down to `revision`."""
    with _locked(async_url) as (config, connection):
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@contextmanager
def _locked(async_url: str) -> Iterator[tuple[Config, Connection]]:
    config = alembic_config(async_url)
    url = sync_url(async_url)
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        if url.startswith("sqlite"):
            with _file_lock(url), engine.connect() as connection:
                yield config, connection
                connection.commit()
            return
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": ADVISORY_LOCK_ID})
            connection.commit()
            try:
                yield config, connection
                connection.commit()
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"),
                                   {"id": ADVISORY_LOCK_ID})
                connection.commit()
    finally:
        engine.dispose()


@contextmanager
def _file_lock(sqlite_url: str) -> Iterator[None]:
    path = sqlite_url.split(":///", 1)[-1]
    if not path or path == ":memory:":
        yield
        return
    with open(f"{path}.migrate.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
        yield
