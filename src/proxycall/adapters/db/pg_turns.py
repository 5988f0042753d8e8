"""PostgreSQL's turn path: psycopg statements on a few connections, turns committed in groups.

Through the async ORM a turn cost about 6 ms of CPU (unit-of-work flushes, statement compiles
and cache keys, a greenlet hop per statement). Here:

- the loads waiting together are one prepared query (each conversation with the response
  stored for its idempotency key) on a reader connection in autocommit;
- the process's turns go through one writer connection: those that arrive while a write is
  running are stored together by the next one, a single statement (`_WRITE_GROUP`): each turn's
  conversation inserted or moved on from the turn it was loaded at, its turn row, the group's
  events and their minute and all-time counters. In autocommit one statement is one transaction
  and one round trip; a request is answered only after it has committed;
- each statement takes the group as one JSON document (`json_to_recordset`), which psycopg
  sends as one value: per-column arrays were escaped element by element in Python, and a
  pipeline of a statement per turn cost a loop step per statement (py-spy: the group's write
  37% of a worker's samples, 10% after);
- the statements run through `pg_wire.Prepared`, on each connection's libpq handle: psycopg's
  cursor cost twice the client CPU per statement (one worker's CPU per turn 277 -> 248 µs);
- a conversation another request (or process) moved first is not stored (False), as with the
  ORM; if a group fails for any other reason each of its turns is tried again on its own, so
  one bad turn never costs the others theirs.

The rows are the ORM's rows (JSON, timestamptz), so every other reader sees the same data.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
import psycopg
from psycopg.types.json import set_json_dumps, set_json_loads

from proxycall.adapters.db.database import PG_TIMEOUT_CODES, pg_timeouts
from proxycall.adapters.db.pg_wire import Prepared
from proxycall.adapters.db.turn_path import (
    GroupCommit,
    GroupedWrites,
    Item,
    TurnWrite,
    counted_minute,
    json_text,
    json_value,
    together_or_alone,
)
from proxycall.core.errors import DatabaseBusy
from proxycall.core.stores import (
    NEW_CONVERSATION,
    EngineEventRecord,
    StoredConversation,
)

MAX_TURNS_PER_COMMIT = 64  # a bound on one transaction (and on the wait of its first turn)
READERS = 3  # reader connections: the grouped loads' and the counters' reads

MAX_LOADS_PER_QUERY = 64  # a bound on one load query (and on the wait of its first load)
# Every statement here finds its rows by key, one lookup per key. Prepared, a statement keeps the
# generic plan it was first given, which on a new (still small) table scans it, or hashes all of
# it, and goes on doing so as it grows to millions of rows until an analyze (measured: loads that
# read every conversation, 3x the CPU per turn). Without scans or hash and merge joins, the plan
# left is an index lookup per key, whatever the table's size when it was planned.
_BY_KEY_ONLY = "-c enable_seqscan=off -c enable_hashjoin=off -c enable_mergejoin=off"
_LoadKey = tuple[str, str, str | None]  # user, conversation (the client's id), idempotency key
_Row = tuple[Any, ...]
# every load waiting, in one query: row n answers the n-th (user, conversation, key); no row, none
_LOAD_MANY = (
    "SELECT q.n, c.id, c.user_id, c.client_id, c.agent_type, c.state, c.turn, c.status, "
    "c.timezone, c.last_response, c.updated_at, t.response "
    "FROM json_array_elements($1::json) WITH ORDINALITY AS q(key, n) "
    "CROSS JOIN LATERAL (SELECT * FROM conversations "
    "WHERE user_id = q.key->>0 AND client_id = q.key->>1 LIMIT 1) AS c "
    "LEFT JOIN LATERAL (SELECT response FROM turns "
    "WHERE conversation_id = c.id AND idempotency_key = q.key->>2 LIMIT 1) AS t ON true")

_COUNT = ("requests = t.requests + excluded.requests, llm = t.llm + excluded.llm, "
          "fallbacks = t.fallbacks + excluded.fallbacks, replays = t.replays + excluded.replays")
# A group's turns, their events and counts: one statement, so one round trip and one
# transaction (the connection is in autocommit). Each turn's conversation is inserted, or moved on
# from the turn it was loaded at; a turn whose conversation another request (or process) moved or
# made first is not stored, nor are its events. Two turns of one conversation in a group: the
# first is stored (DISTINCT ON … n). An item of events alone (a replay's) has n = -1: always kept.
_WRITE_GROUP = f"""
WITH q AS (
  SELECT * FROM json_to_recordset($1::json) AS q(
    n int, pk bigint, at_turn int, user_id text, client_id text, agent_type text, engine text,
    state json, turn int, status text, timezone text, response json, at timestamptz,
    idempotency_key text, request json, action text, ai_used bool, fallback bool,
    duration_ms float8)),
firsts AS (
  SELECT DISTINCT ON (user_id, client_id) * FROM q WHERE pk IS NULL
  ORDER BY user_id, client_id, n),
nexts AS (SELECT DISTINCT ON (pk) * FROM q WHERE pk IS NOT NULL ORDER BY pk, n),
inserted AS (
  INSERT INTO conversations (user_id, client_id, agent_type, engine, state, turn, status,
    timezone, last_response, created_at, updated_at)
  SELECT user_id, client_id, agent_type, engine, state, turn, status, timezone, response, at, at
  FROM firsts ORDER BY user_id, client_id
  ON CONFLICT (user_id, client_id) DO NOTHING RETURNING id, user_id, client_id),
moved AS (
  UPDATE conversations AS c SET state = x.state, turn = x.turn, status = x.status,
    timezone = x.timezone, last_response = x.response, updated_at = x.at
  FROM nexts AS x WHERE c.id = ANY (ARRAY(SELECT pk FROM nexts)) AND c.id = x.pk
    AND c.turn = x.at_turn RETURNING c.id),
stored AS (
  SELECT f.n, i.id FROM firsts AS f JOIN inserted AS i USING (user_id, client_id)
  UNION ALL SELECT x.n, m.id FROM nexts AS x JOIN moved AS m ON m.id = x.pk),
turn_rows AS (
  INSERT INTO turns (conversation_id, turn, idempotency_key, request, response, action,
    ai_used, fallback, duration_ms, created_at)
  SELECT s.id, q.turn, q.idempotency_key, q.request, q.response, q.action, q.ai_used,
    q.fallback, q.duration_ms, q.at FROM stored AS s JOIN q USING (n)),
e AS (
  SELECT * FROM json_to_recordset($2::json) AS e(
    n int, at timestamptz, minute timestamptz, kind text, engine text, agent_type text,
    conversation_id text, action text, ai_used bool, fallback bool, replay bool, detail json,
    kept bool)
  WHERE e.n < 0 OR e.n IN (SELECT n FROM stored)),
event_rows AS (
  INSERT INTO engine_events (at, kind, engine, agent_type, conversation_id, action, ai_used,
    fallback, replay, detail)
  SELECT at, kind, engine, agent_type, conversation_id, action, ai_used, fallback, replay, detail
  FROM e WHERE kept),
minute_counts AS (
  INSERT INTO engine_minutes AS t (minute, kind, agent_type, action, requests, llm, fallbacks,
    replays)
  SELECT minute, kind, agent_type, coalesce(action, ''), count(*), count(*) FILTER (WHERE ai_used),
    count(*) FILTER (WHERE fallback), count(*) FILTER (WHERE replay)
  FROM e GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (minute, kind, agent_type, action) DO UPDATE SET {_COUNT}),
total_counts AS (
  INSERT INTO engine_totals AS t (kind, agent_type, action, requests, llm, fallbacks, replays)
  SELECT kind, agent_type, coalesce(action, ''), count(*), count(*) FILTER (WHERE ai_used),
    count(*) FILTER (WHERE fallback), count(*) FILTER (WHERE replay)
  FROM e GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (kind, agent_type, action) DO UPDATE SET {_COUNT})
SELECT n FROM stored
"""
_COUNTED = "SUM(requests), SUM(llm), SUM(fallbacks), SUM(replays)"
_REQUEST_TOTALS = (f"SELECT agent_type, action, {_COUNTED} FROM engine_totals "
                   "WHERE kind = 'request' GROUP BY agent_type, action")
_REQUEST_MINUTES = (f"SELECT agent_type, action, {_COUNTED} FROM engine_minutes "
                    "WHERE kind = 'request' AND minute >= $1::timestamptz "
                    "GROUP BY agent_type, action")


class PgTurns(GroupedWrites):
    """Turns and engine events written through one connection in groups; loads beside them."""

    def __init__(self, conninfo: str, connect_timeout_seconds: float, *,
                 growing_steps: int = 0) -> None:
        """`growing_steps`: how long a round may wait for its group to grow (`GroupCommit`)."""
        self._conninfo = conninfo
        self._timeout = connect_timeout_seconds
        # READERS slots, each an open connection or None (opened when next taken)
        self._readers: asyncio.Queue[Prepared | None] = asyncio.Queue()
        for _ in range(READERS):
            self._readers.put_nowait(None)
        self._opened: list[psycopg.AsyncConnection[Any]] = []
        self._writer: Prepared | None = None
        self._groups = GroupCommit(self._commit_group, MAX_TURNS_PER_COMMIT, growing_steps)
        self._loads = GroupCommit(self._load_group, MAX_LOADS_PER_QUERY, growing_steps)

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
        rows = await self._read(b"load_many", _LOAD_MANY, orjson.dumps(keys).decode())
        found = {row[0]: row[1:] for row in rows}
        return [found.get(n) for n in range(1, len(keys) + 1)]

    async def request_counts(self, first_minute: datetime | None) -> list[tuple[Any, ...]]:
        """The request counter rows per agent and action: all time, or from a minute on."""
        if first_minute is None:
            return await self._read(b"request_totals", _REQUEST_TOTALS)
        return await self._read(b"request_minutes", _REQUEST_MINUTES, first_minute.isoformat())

    async def close(self) -> None:
        """Finish the queued loads and writes and close the connections."""
        await self._loads.finish()
        await self._groups.finish()
        for connection in list(self._opened):
            await connection.close()

    # --- reads ---

    async def _read(self, name: bytes, query: str, *args: str) -> list[tuple[Any, ...]]:
        reader = await self._reader()
        try:
            return await reader.rows(name, query, args)
        except psycopg.Error as exc:
            raise _translated(exc) from exc
        finally:
            self._give_back(reader)

    async def _reader(self) -> Prepared:
        """A reader connection; an empty slot (never opened, or lost) is opened here."""
        held = await self._readers.get()
        if held is not None and not _lost(held):
            return held
        if held is not None:
            self._opened.remove(held.connection)
        try:
            return Prepared(await self._connect())
        except BaseException:
            self._readers.put_nowait(None)  # the slot stays, for the next read to try again
            raise

    def _give_back(self, reader: Prepared) -> None:
        lost = _lost(reader)
        if lost:
            self._opened.remove(reader.connection)
        self._readers.put_nowait(None if lost else reader)

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        connection = await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, connect_timeout=max(1, round(self._timeout)),
            options=f"{pg_timeouts(self._timeout)} {_BY_KEY_ONLY}")
        set_json_dumps(json_text, connection)  # orjson: json.dumps was 1.4% of a turn
        set_json_loads(json_value, connection)
        self._opened.append(connection)
        return connection

    # --- writes: one connection, a group of turns per statement ---

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
        writer = await self._writing_connection()
        turns, events = _group_documents(items)
        stored = {n for (n,) in await writer.rows(b"write_group", _WRITE_GROUP, (turns, events))}
        return [n in stored or not isinstance(item, TurnWrite) for n, item in enumerate(items)]

    async def _writing_connection(self) -> Prepared:
        if self._writer is None or _lost(self._writer):
            if self._writer is not None:
                self._opened.remove(self._writer.connection)
            self._writer = Prepared(await self._connect())
        return self._writer


def _group_documents(items: Sequence[Item]) -> tuple[str, str]:
    """The group's turns and events as the two JSON documents `_WRITE_GROUP` reads.

    One JSON text each: psycopg adapts it as one value, where arrays of every column were
    escaped element by element in Python. The JSON the turn already has (its response as sent)
    goes in as it is.
    """
    turns: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        if isinstance(item, TurnWrite):
            turns.append(_turn_fields(n, item))
            events.extend(_event_fields(n, event) for event in item.events)
        else:
            events.extend(_event_fields(-1, event) for event in item)
    return orjson.dumps(turns).decode(), orjson.dumps(events).decode()


def _turn_fields(n: int, item: TurnWrite) -> dict[str, Any]:
    conversation, record = item.conversation, item.record
    new = conversation.pk == NEW_CONVERSATION
    return {
        "n": n, "pk": None if new else conversation.pk, "at_turn": conversation.turn,
        "user_id": conversation.user_id, "client_id": conversation.client_id,
        "agent_type": conversation.agent_type, "engine": conversation.engine,
        "state": orjson.Fragment(json_text(item.state)), "turn": record.turn,
        "status": item.status, "timezone": item.timezone,
        "response": orjson.Fragment(record.response_json or json_text(record.response)),
        "at": item.now, "idempotency_key": record.idempotency_key,
        "request": orjson.Fragment(json_text(record.request)), "action": record.action,
        "ai_used": record.ai_used, "fallback": record.fallback,
        "duration_ms": record.duration_ms}


def _event_fields(n: int, event: EngineEventRecord) -> dict[str, Any]:
    return {
        "n": n, "at": event.at, "minute": counted_minute(event.at),
        "kind": event.kind, "engine": event.engine, "agent_type": event.agent_type,
        "conversation_id": event.conversation_id, "action": event.action,
        "ai_used": event.ai_used, "fallback": event.fallback, "replay": event.replay,
        "detail": None if event.detail is None else orjson.Fragment(json_text(event.detail)),
        "kept": event.kept}


def _lost(prepared: Prepared) -> bool:
    return prepared.connection.closed or prepared.connection.broken


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

