"""Prepared statements run on a psycopg connection's libpq handle, without a cursor.

The turn path runs two statements thousands of times a second, each with one JSON text
parameter. Through `AsyncConnection.execute` a statement cost ~80 µs of client CPU here (a
cursor and its transformer each time, the prepared-statement bookkeeping, the connection's
lock); sent on the handle with the connection's one transformer it costs ~40 µs (both timed
with a one-row statement on this machine). Results are loaded by psycopg's own loaders (the
connection's adapters: JSON through orjson, timestamptz as aware datetimes), and a statement's
error is psycopg's exception for its SQLSTATE, so callers see what the cursor would give them.

A connection handed to `Prepared` is used only through it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg import pq
from psycopg.adapt import Transformer
from psycopg.errors import error_from_result
from psycopg.pq.abc import PGresult

_Watch = Callable[..., object]
_FAILED = (pq.ExecStatus.FATAL_ERROR, pq.ExecStatus.BAD_RESPONSE)


class Prepared:
    """Named statements prepared once on one connection and run with text parameters."""

    def __init__(self, connection: psycopg.AsyncConnection[Any]) -> None:
        self.connection = connection
        self._pgconn = connection.pgconn
        self._pgconn.nonblocking = 1
        self._loader = Transformer(connection)
        self._names: set[bytes] = set()

    async def rows(self, name: bytes, sql: str,
                   params: Sequence[str | None]) -> list[tuple[Any, ...]]:
        """The rows of the statement `name` (`sql` with `$1`, `$2`… prepared on first use).

        A statement cut short (the task cancelled, the socket lost) closes the connection:
        whether its statement ran is not known, and nothing else may be sent on it.
        """
        if name not in self._names:
            _raise_failed(await self._sent(lambda: self._pgconn.send_prepare(name, sql.encode())))
            self._names.add(name)
        encoded = [None if p is None else p.encode() for p in params]
        results = await self._sent(lambda: self._pgconn.send_query_prepared(name, encoded))
        _raise_failed(results)
        return self._loaded(results[-1]) if results else []

    def _loaded(self, result: PGresult) -> list[tuple[Any, ...]]:
        self._loader.set_pgresult(result)
        return self._loader.load_rows(0, result.ntuples, tuple)

    async def _sent(self, send: Callable[[], None]) -> list[PGresult]:
        """Every result of what `send` queues; on any failure to get them the connection closes.

        A statement's own error comes back as a result, after which the connection is idle
        again; anything else (the task cancelled, the socket lost) leaves it mid-statement.
        """
        try:
            send()
            return await self._results()
        except BaseException:
            self._pgconn.finish()
            raise

    async def _results(self) -> list[PGresult]:
        """Send what is queued and read every result of it."""
        pgconn = self._pgconn
        loop = asyncio.get_running_loop()
        while pgconn.flush():
            await _ready(loop.add_writer, loop.remove_writer, pgconn.socket)
        results: list[PGresult] = []
        while True:
            while pgconn.is_busy():
                await _ready(loop.add_reader, loop.remove_reader, pgconn.socket)
                pgconn.consume_input()
            result = pgconn.get_result()
            if result is None:
                break
            results.append(result)
        return results


def _raise_failed(results: list[PGresult]) -> None:
    for result in results:
        if result.status in _FAILED:
            raise error_from_result(result, encoding="utf-8")


async def _ready(add: _Watch, remove: _Watch, fd: int) -> None:
    """Until the socket is readable (or writable, by the pair of watch functions given)."""
    ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    add(fd, _resolve, ready)
    try:
        await ready
    finally:
        remove(fd)


def _resolve(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)
