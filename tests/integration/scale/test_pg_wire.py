"""Prepared statements on a psycopg connection's handle (`pg_wire.Prepared`), on real PostgreSQL.

What the turn path relies on: rows loaded as psycopg's cursor loads them, a statement's error as
psycopg's exception with the connection still usable, each statement prepared once, a parameter
larger than the socket's buffers sent whole, and a connection left mid-statement closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from tests.conftest import postgres_url

from proxycall.adapters.db.pg_wire import Prepared


def _libpq_url() -> str:
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL not configured: set PROXYCALL_TEST_DATABASE_URL")
    return url.replace("+psycopg", "", 1)


@pytest.fixture
async def connection() -> AsyncIterator[psycopg.AsyncConnection[Any]]:
    opened = await psycopg.AsyncConnection.connect(_libpq_url(), autocommit=True)
    yield opened
    await opened.close()


async def test_rows_are_loaded_as_the_cursor_loads_them(
        connection: psycopg.AsyncConnection[Any]) -> None:
    query = ("SELECT $1::json, $2::timestamptz, 2::numeric, NULL::text, n "
             "FROM generate_series(1, 3) n")
    args = ('{"a": [1, "b"]}', "2026-12-07T09:30:00+10:00")
    expected = await (await connection.execute(query.replace("$1", "%s").replace("$2", "%s"),
                                               args)).fetchall()
    rows = await Prepared(connection).rows(b"typed", query, args)
    assert rows == expected
    assert rows[0][0] == {"a": [1, "b"]} and isinstance(rows[0][2], Decimal)
    assert isinstance(rows[0][1], datetime) and rows[0][1].utcoffset() is not None
    assert [row[4] for row in rows] == [1, 2, 3] and rows[0][3] is None


async def test_a_statement_error_is_psycopgs_and_the_connection_goes_on(
        connection: psycopg.AsyncConnection[Any]) -> None:
    prepared = Prepared(connection)
    with pytest.raises(psycopg.errors.DivisionByZero):
        await prepared.rows(b"divide", "SELECT 10 / $1::int", ("0",))
    with pytest.raises(psycopg.errors.UndefinedTable):
        await prepared.rows(b"missing", "SELECT * FROM no_such_table", ())
    assert await prepared.rows(b"divide", "SELECT 10 / $1::int", ("5",)) == [(2,)]
    assert not connection.closed


async def test_each_statement_is_prepared_once(connection: psycopg.AsyncConnection[Any]) -> None:
    prepared = Prepared(connection)
    for n in range(3):
        assert await prepared.rows(b"echo", "SELECT $1::int", (str(n),)) == [(n,)]
    count = "SELECT count(*) FROM pg_prepared_statements WHERE name = 'echo'"
    assert await prepared.rows(b"count", count, ()) == [(1,)]


async def test_a_parameter_larger_than_the_socket_buffers_is_sent_whole(
        connection: psycopg.AsyncConnection[Any]) -> None:
    document = '{"big": "' + "x" * 8_000_000 + '"}'
    rows = await Prepared(connection).rows(b"size", "SELECT length($1::json::text)", (document,))
    assert rows == [(len(document),)]


async def test_a_statement_cut_short_closes_the_connection(
        connection: psycopg.AsyncConnection[Any]) -> None:
    prepared = Prepared(connection)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(prepared.rows(b"sleep", "SELECT pg_sleep(5)", ()), 0.2)
    assert connection.closed  # what it was doing is not known: nothing more is sent on it


async def test_a_lost_connection_is_psycopgs_operational_error(
        connection: psycopg.AsyncConnection[Any]) -> None:
    prepared = Prepared(connection)
    (pid,), = await prepared.rows(b"pid", "SELECT pg_backend_pid()", ())
    async with await psycopg.AsyncConnection.connect(_libpq_url(), autocommit=True) as admin:
        await admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(psycopg.OperationalError):
        await prepared.rows(b"pid", "SELECT pg_backend_pid()", ())
    assert connection.closed
