"""PostgreSQL's turn path: psycopg statements on a few connections, turns committed in groups.

Through the async ORM a turn cost about 6 ms of CPU (unit-of-work flushes, statement compiles
and cache keys, a greenlet hop per statement). Here:

- the loads waiting together are one prepared query (each conversation with the response
  stored for its idempotency key) on a reader connection in autocommit;
- the process's turns go through one writer connection: those that arrive while a commit is
  running are stored together in the next transaction. Each turn is one statement (the
  conversation inserted or moved on from the turn it was loaded at, and its turn row, in one
  CTE), and the batch's statements are pipelined (all sent, then the answers read: one round
  trip, not one per turn); the batch's events are inserted, and their minute and all-time
  counters added, once.
  A request is answered only after the transaction holding its turn has committed;
- a conversation another request (or process) moved first is not stored (False), as with the
  ORM; if a batch fails for any other reason each of its turns is tried again on its own, so
  one bad turn never costs the others theirs.

The rows are the ORM's rows (JSON, timestamptz), so every other reader sees the same data.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Json, set_json_dumps, set_json_loads

from proxycall.adapters.db.database import PG_TIMEOUT_CODES, pg_timeouts
from proxycall.adapters.db.turn_path import (
    GroupCommit,
    GroupedWrites,
    Item,
    TurnWrite,
    json_text,
    json_value,
    tally,
    together_or_alone,
)
from proxycall.core.errors import DatabaseBusy
from proxycall.core.stores import (
    NEW_CONVERSATION,
    EngineEventRecord,
    StoredConversation,
    TurnRecord,
)

MAX_TURNS_PER_COMMIT = 64  # a bound on one transaction (and on the wait of its first turn)
READERS = 3  # reader connections: the grouped loads' and the counters' reads

MAX_LOADS_PER_QUERY = 64  # a bound on one load query (and on the wait of its first load)
_LoadKey = tuple[str, str, str | None]  # user, conversation (the client's id), idempotency key
_Row = tuple[Any, ...]
# every load waiting, in one query: row n answers the n-th (user, conversation, key); no row, none
_LOAD_MANY = (
    "SELECT q.n, c.id, c.user_id, c.client_id, c.agent_type, c.state, c.turn, c.status, "
    "c.timezone, c.last_response, c.updated_at, t.response "
    "FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY "
    "AS q(user_id, client_id, idempotency_key, n) "
    "JOIN conversations AS c ON c.user_id = q.user_id AND c.client_id = q.client_id "
    "LEFT OUTER JOIN turns AS t "
    "ON t.conversation_id = c.id AND t.idempotency_key = q.idempotency_key")

_TURN_COLUMNS = ("(conversation_id, turn, idempotency_key, request, response, action, ai_used, "
                 "fallback, duration_ms, created_at)")
_TURN_VALUES = "SELECT id, %s, %s, %s, %s, %s, %s, %s, %s, %s FROM moved"
# the conversation's row and its turn's row in one statement: no row back means not stored
_INSERT_FIRST_TURN = (
    "WITH moved AS (INSERT INTO conversations (user_id, client_id, agent_type, engine, state, "
    "turn, status, timezone, last_response, created_at, updated_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (user_id, client_id) DO NOTHING RETURNING id) "
    f"INSERT INTO turns {_TURN_COLUMNS} {_TURN_VALUES} RETURNING conversation_id")
_INSERT_NEXT_TURN = (
    "WITH moved AS (UPDATE conversations SET state = %s, turn = %s, status = %s, timezone = %s, "
    "last_response = %s, updated_at = %s WHERE id = %s AND turn = %s RETURNING id) "
    f"INSERT INTO turns {_TURN_COLUMNS} {_TURN_VALUES} RETURNING conversation_id")
_INSERT_EVENT = (
    "INSERT INTO engine_events (at, kind, engine, agent_type, conversation_id, action, ai_used, "
    "fallback, replay, detail) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
_COUNT = ("requests = t.requests + excluded.requests, llm = t.llm + excluded.llm, "
          "fallbacks = t.fallbacks + excluded.fallbacks, replays = t.replays + excluded.replays")
_COUNT_MINUTE = (
    "INSERT INTO engine_minutes AS t (minute, kind, agent_type, action, requests, llm, "
    "fallbacks, replays) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
    f"ON CONFLICT (minute, kind, agent_type, action) DO UPDATE SET {_COUNT}")
_COUNT_TOTAL = (
    "INSERT INTO engine_totals AS t (kind, agent_type, action, requests, llm, fallbacks, "
    "replays) VALUES (%s, %s, %s, %s, %s, %s, %s) "
    f"ON CONFLICT (kind, agent_type, action) DO UPDATE SET {_COUNT}")
_COUNTED = "SUM(requests), SUM(llm), SUM(fallbacks), SUM(replays)"
_REQUEST_TOTALS = (f"SELECT agent_type, action, {_COUNTED} FROM engine_totals "
                   "WHERE kind = 'request' GROUP BY agent_type, action")
_REQUEST_MINUTES = (f"SELECT agent_type, action, {_COUNTED} FROM engine_minutes "
                    "WHERE kind = 'request' AND minute >= %s GROUP BY agent_type, action")


class PgTurns(GroupedWrites):
    """Turns and engine events written through one connection in groups; loads beside them."""

    def __init__(self, conninfo: str, connect_timeout_seconds: float) -> None:
        self._conninfo = conninfo
        self._timeout = connect_timeout_seconds
        # READERS slots, each an open connection or None (opened when next taken)
        self._readers: asyncio.Queue[psycopg.AsyncConnection[Any] | None] = asyncio.Queue()
        for _ in range(READERS):
            self._readers.put_nowait(None)
        self._opened: list[psycopg.AsyncConnection[Any]] = []
        self._writer: psycopg.AsyncConnection[Any] | None = None
        self._groups = GroupCommit(self._commit_group, MAX_TURNS_PER_COMMIT)
        self._loads = GroupCommit(self._load_group, MAX_LOADS_PER_QUERY)

    async def load(self, user_id: str, client_id: str,
                   idempotency_key: str | None) -> StoredConversation | None:
        """The conversation and, given a key, the response already stored for it.

        Loads that arrive while a load query runs are answered together by the next one: a
        query's cost in psycopg is mostly per statement, not per row.
        """
        row = await self._loads.submit((user_id, client_id, idempotency_key))
        if row is None:
            return None
        pk, user, client, agent, state, turn, status, tz, last, updated, replayed = row
        return StoredConversation(pk, user, client, agent, state, turn, status, tz, last,
                                  updated.astimezone(UTC), replayed)

    async def _load_group(self, keys: list[_LoadKey]) -> list[_Row | Exception | None]:
        """One query for the group, or each load on its own when it failed for one load's sake.

        So no load pays for another's, as with the writes.
        """
        return await together_or_alone(self._load_all, keys, _whole_group)

    async def _load_all(self, keys: list[_LoadKey]) -> list[_Row | None]:
        users, clients, idempotency_keys = (list(column) for column in zip(*keys, strict=True))
        rows = await self._read(_LOAD_MANY, (users, clients, idempotency_keys))
        found = {row[0]: row[1:] for row in rows}
        return [found.get(n) for n in range(1, len(keys) + 1)]

    async def request_counts(self, first_minute: datetime | None) -> list[tuple[Any, ...]]:
        """The request counter rows per agent and action: all time, or from a minute on."""
        if first_minute is None:
            return await self._read(_REQUEST_TOTALS, ())
        return await self._read(_REQUEST_MINUTES, (first_minute,))

    async def close(self) -> None:
        """Finish the queued loads and writes and close the connections."""
        await self._loads.finish()
        await self._groups.finish()
        for connection in list(self._opened):
            await connection.close()

    # --- reads ---

    async def _read(self, query: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        connection = await self._reader()
        try:
            cursor = await connection.execute(query, args)
            return await cursor.fetchall()
        except psycopg.Error as exc:
            raise _translated(exc) from exc
        finally:
            self._give_back(connection)

    async def _reader(self) -> psycopg.AsyncConnection[Any]:
        """A reader connection; an empty slot (never opened, or lost) is opened here."""
        held = await self._readers.get()
        if held is not None and not (held.closed or held.broken):
            return held
        if held is not None:
            self._opened.remove(held)
        try:
            return await self._connect()
        except BaseException:
            self._readers.put_nowait(None)  # the slot stays, for the next read to try again
            raise

    def _give_back(self, connection: psycopg.AsyncConnection[Any]) -> None:
        lost = connection.closed or connection.broken
        if lost:
            self._opened.remove(connection)
        self._readers.put_nowait(None if lost else connection)

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        connection = await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, connect_timeout=max(1, round(self._timeout)),
            options=pg_timeouts(self._timeout))
        set_json_dumps(json_text, connection)  # orjson: json.dumps was 1.4% of a turn
        set_json_loads(json_value, connection)
        self._opened.append(connection)
        return connection

    # --- writes: one connection, groups of turns per transaction ---

    async def _commit_group(self, items: list[Item]) -> list[bool | Exception]:
        try:
            return list(await self._commit(items))
        except Exception as exc:
            failure = _translated(exc)
            if _whole_group(failure):  # the database, not one turn: not again for each turn
                return [failure] * len(items)
            return await self._commit_one_by_one(items)

    async def _commit_one_by_one(self, items: list[Item]) -> list[bool | Exception]:
        results: list[bool | Exception] = []
        for item in items:
            try:
                results.append((await self._commit([item]))[0])
            except psycopg.errors.IntegrityError:
                results.append(False)  # raced by another process: not stored
            except Exception as exc:
                results.append(_translated(exc))
        return results

    async def _commit(self, items: Sequence[Item]) -> list[bool]:
        connection = await self._writing_connection()
        stored = [False] * len(items)
        async with connection.pipeline(), connection.transaction():
            # in key order, so two processes' writers take the conversations' locks in the
            # same order (opposite orders deadlock, and PostgreSQL takes a second to say so);
            # pipelined: every turn's statement is sent before the first answer is read
            sent = [(index, await _write(connection, items[index]))
                    for index in sorted(range(len(items)), key=lambda i: _lock_order(items[i]))]
            for index, sent_cursor in sent:
                stored[index] = await _stored(sent_cursor)
            events = [event for item, kept in zip(items, stored, strict=True) if kept
                      for event in (item.events if isinstance(item, TurnWrite) else item)]
            async with connection.cursor() as cursor:
                await _write_events(cursor, events)
        return stored

    async def _writing_connection(self) -> psycopg.AsyncConnection[Any]:
        if self._writer is None or self._writer.closed or self._writer.broken:
            self._writer = await self._connect()
        return self._writer


def _lock_order(item: Item) -> tuple[str, str]:
    if isinstance(item, TurnWrite):
        return item.conversation.user_id, item.conversation.client_id
    return "", ""


async def _write(connection: psycopg.AsyncConnection[Any],
                 item: Item) -> psycopg.AsyncCursor[Any] | None:
    """Send the turn's statement; its cursor yields a row when it was stored (None: events)."""
    if not isinstance(item, TurnWrite):
        return None  # events only: written with the batch's
    cursor = connection.cursor()
    conversation, record, now = item.conversation, item.record, item.now
    state, last = Json(item.state), _as_sent(record)
    turn = (record.turn, record.idempotency_key, Json(record.request), last, record.action,
            record.ai_used, record.fallback, record.duration_ms, now)
    if conversation.pk == NEW_CONVERSATION:
        await cursor.execute(_INSERT_FIRST_TURN, (
            conversation.user_id, conversation.client_id, conversation.agent_type,
            conversation.engine, state, record.turn, item.status, item.timezone, last, now, now,
            *turn))
    else:
        await cursor.execute(_INSERT_NEXT_TURN, (
            state, record.turn, item.status, item.timezone, last, now, conversation.pk,
            conversation.turn, *turn))
    return cursor


async def _stored(cursor: psycopg.AsyncCursor[Any] | None) -> bool:
    """Whether the sent statement stored its turn (a row back); events alone always are."""
    if cursor is None:
        return True
    async with cursor:
        return await cursor.fetchone() is not None


def _as_sent(record: TurnRecord) -> Json:
    """The response for its JSON column: the text the service already wrote, when it did."""
    text = record.response_json
    return Json(record.response, dumps=lambda _value: text) if text else Json(record.response)


async def _write_events(cursor: psycopg.AsyncCursor[Any],
                        events: list[EngineEventRecord]) -> None:
    if not events:
        return
    kept = [(e.at, e.kind, e.engine, e.agent_type, e.conversation_id, e.action, e.ai_used,
             e.fallback, e.replay, Json(e.detail) if e.detail is not None else None)
            for e in events if e.kept]
    if kept:
        await cursor.executemany(_INSERT_EVENT, kept)
    counted = tally(events)
    await cursor.executemany(_COUNT_MINUTE, counted.minutes)
    await cursor.executemany(_COUNT_TOTAL, counted.totals)


def _translated(exc: Exception) -> Exception:
    """A statement or lock wait that ran out is DatabaseBusy (503 with Retry-After)."""
    if isinstance(exc, psycopg.Error) and exc.sqlstate in PG_TIMEOUT_CODES:
        return DatabaseBusy("The database is busy; try again shortly.")
    return exc


def _whole_group(failure: Exception) -> bool:
    """True when a failed group failed for the database's sake (busy, connection lost).

    A deadlock or serialization failure, or a turn that cannot be written, is tried again
    turn by turn.
    """
    if isinstance(failure, DatabaseBusy):
        return True
    return (isinstance(failure, psycopg.OperationalError)
            and not isinstance(failure, psycopg.errors.TransactionRollback))

