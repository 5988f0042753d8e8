"""The async engine and session factory, with a deadline on every wait for the database.

SQLite gets WAL mode and a busy timeout; PostgreSQL a statement and lock timeout; both a pool
checkout timeout. A wait that runs out is translated to DatabaseBusy (503 with Retry-After), so
a locked database answers quickly instead of holding a request for half a minute.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from proxycall.core.errors import DatabaseBusy

DEFAULT_TIMEOUT_SECONDS = 3.0
READY_WRITE_SECONDS = 1.0

# PostgreSQL: query_canceled (statement_timeout), lock_not_available (lock_timeout).
PG_TIMEOUT_CODES = frozenset({"57014", "55P03"})
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def create_engine(url: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> AsyncEngine:
    """An engine whose every wait (lock, statement, pool checkout) ends after `timeout_seconds`."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": timeout_seconds})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    options = pg_timeouts(timeout_seconds)
    return create_async_engine(
        url, pool_size=10, max_overflow=10, pool_pre_ping=True, pool_timeout=timeout_seconds,
        connect_args={"options": options, "connect_timeout": max(1, round(timeout_seconds))},
    )


def pg_timeouts(timeout_seconds: float) -> str:
    """PostgreSQL connection options that end a statement or a lock wait after the timeout."""
    millis = int(timeout_seconds * 1000)
    return f"-c statement_timeout={millis} -c lock_timeout={millis}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    """Sessions that keep loaded values after commit (rows are read, then answered)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def busy_error(exc: BaseException) -> DatabaseBusy | None:
    """DatabaseBusy when `exc` is a database wait that ran out, else None."""
    if isinstance(exc, PoolTimeout):
        return DatabaseBusy("The database is busy; try again shortly.")
    if not isinstance(exc, DBAPIError):
        return None
    original = exc.orig
    if getattr(original, "sqlstate", None) in PG_TIMEOUT_CODES:
        return DatabaseBusy("The database is busy; try again shortly.")
    if any(phrase in str(original).lower() for phrase in _SQLITE_BUSY):
        return DatabaseBusy("The database is busy; try again shortly.")
    return None


async def can_write(engine: AsyncEngine, seconds: float = READY_WRITE_SECONDS,
                    usual_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> bool:
    """True when a write lock could be taken within `seconds` (nothing is changed)."""
    try:
        async with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                raw = await connection.get_raw_connection()
                await _sqlite_write_probe(raw, seconds, usual_seconds)
            else:
                await _postgres_write_probe(connection, seconds)
    except (SQLAlchemyError, sqlite3.Error, OSError, TimeoutError):
        return False
    return True


async def _sqlite_write_probe(raw: Any, seconds: float, usual_seconds: float) -> None:
    driver = raw.driver_connection  # aiosqlite: BEGIN IMMEDIATE takes the write lock
    await driver.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    try:
        await driver.execute("BEGIN IMMEDIATE")
        await driver.execute("ROLLBACK")
    finally:
        await driver.execute(f"PRAGMA busy_timeout = {int(usual_seconds * 1000)}")


async def _postgres_write_probe(connection: Any, seconds: float) -> None:
    millis = int(seconds * 1000)
    async with connection.begin():
        await connection.execute(text(f"SET LOCAL lock_timeout = {millis}"))
        await connection.execute(text(f"SET LOCAL statement_timeout = {millis}"))
        # ROW EXCLUSIVE is what every writer takes: it waits only on a table locked against writes.
        await connection.execute(text(
            "LOCK TABLE conversations, turns, calls IN ROW EXCLUSIVE MODE"))
