"""SQLite's turn path: every turn of this process written on the event loop's own connection.

SQLite takes one writer at a time. Writers racing for the file lock sleep in its busy handler
(the old one-second tail), and each statement through the ORM and aiosqlite costs a thread hop
and a compile. So a process keeps one plain `sqlite3` connection for its turns, used on the
event loop itself:

- a turn's write is a handful of prepared statements (the conversation, the turn row, its
  events), in a SAVEPOINT of its own; the minute and all-time counters of the turns stored are
  added once per transaction, one upsert per counter row;
- turns that arrive while a write is running wait for the next one, and each write commits all
  of them in one transaction started `BEGIN IMMEDIATE` (group commit); a request is answered
  only after the transaction holding its turn has committed;
- why the loop and not a writer thread: under load the loop holds the GIL, and a writer thread
  waited for it after every statement (a batch of ten turns took 3.4 ms, almost all of it
  waiting; a turn's answer waited for two batches). On the loop a batch runs straight through;
  in WAL mode with `synchronous=NORMAL` a commit does not sync the file;
- the connection never waits for the file lock (busy timeout 0): while another connection or
  process holds it, the group waits asynchronously, with the pauses of SQLite's own busy handler,
  up to the busy timeout (then DatabaseBusy, 503), and the loop goes on serving.

Checkpoints (copying the WAL's pages back into the database file, with two syncs) run on a
thread of their own, at most every CHECKPOINT_EVERY_SECONDS while turns are committed: inside a
COMMIT on the loop they took half of a group's commit and stalled every request meanwhile.
SQLite does that work without the GIL. Such a checkpoint, running beside the writes, seldom
reaches the WAL's last frame, so the WAL would not start over by itself: the loop's connection
still checkpoints past `BACKSTOP_PAGES`, finds nearly every frame copied, and the WAL starts over
(it stays under ~41 MB under full load).

A conversation is loaded (with the response stored for the request's idempotency key) by one
indexed query on the same connection, cheaper than a hop to a thread: in WAL mode reads do not
wait for writers. The loads that arrive together share one read transaction (as PostgreSQL's
share one query): taking and giving back the WAL's read lock cost more than the lookup. In the
rare moment a read would wait (a WAL being recovered), that connection says so at once and a
reader thread takes the loads and waits instead.

The rows are written as SQLAlchemy reads them (JSON text, compact where orjson writes it;
"YYYY-MM-DD HH:MM:SS.ffffff" UTC timestamps; 0/1 booleans), so every other reader sees the same
data.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from proxycall import logs
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
)

MAX_TURNS_PER_COMMIT = 64  # a bound on one transaction (and on the wait of its first turn)
MAX_LOADS_PER_READ = 64  # a bound on one read transaction (and on the wait of its first load)
READERS = 2  # reader threads (each with its own connection), for the reads that may wait
CHECKPOINT_EVERY_SECONDS = 0.05  # the checkpoint thread's pace while turns are committed
BACKSTOP_PAGES = 10_000  # the loop's connection checkpoints itself past this many WAL pages

_LOAD = (
    "SELECT c.id, c.user_id, c.client_id, c.agent_type, c.state, c.turn, c.status, c.timezone, "
    "c.last_response, c.updated_at, t.response FROM conversations AS c LEFT OUTER JOIN turns AS t "
    "ON t.conversation_id = c.id AND t.idempotency_key = ? WHERE c.user_id = ? AND c.client_id = ?")

_COUNTED = "SUM(requests), SUM(llm), SUM(fallbacks), SUM(replays)"
_REQUEST_TOTALS = (f"SELECT agent_type, action, {_COUNTED} FROM engine_totals "
                   "WHERE kind = 'request' GROUP BY agent_type, action")
_REQUEST_MINUTES = (f"SELECT agent_type, action, {_COUNTED} FROM engine_minutes "
                    "WHERE kind = 'request' AND minute >= ? GROUP BY agent_type, action")

_INSERT_CONVERSATION = (
    "INSERT INTO conversations (user_id, client_id, agent_type, engine, state, turn, status, "
    "timezone, last_response, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_UPDATE_CONVERSATION = (
    "UPDATE conversations SET state = ?, turn = ?, status = ?, timezone = ?, last_response = ?, "
    "updated_at = ? WHERE id = ? AND turn = ?")
_INSERT_TURN = (
    "INSERT INTO turns (conversation_id, turn, idempotency_key, request, response, action, "
    "ai_used, fallback, duration_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_EVENT = (
    "INSERT INTO engine_events (at, kind, engine, agent_type, conversation_id, action, ai_used, "
    "fallback, replay, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_COUNT = ("requests = requests + excluded.requests, llm = llm + excluded.llm, "
          "fallbacks = fallbacks + excluded.fallbacks, replays = replays + excluded.replays")
_COUNT_MINUTE = (
    "INSERT INTO engine_minutes (minute, kind, agent_type, action, requests, llm, fallbacks, "
    "replays) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    f"ON CONFLICT (minute, kind, agent_type, action) DO UPDATE SET {_COUNT}")
_COUNT_TOTAL = (
    "INSERT INTO engine_totals (kind, agent_type, action, requests, llm, fallbacks, replays) "
    f"VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, agent_type, action) DO UPDATE SET {_COUNT}")


class _Conflict(Exception):
    """Another request moved the conversation first: this turn is not stored."""


class SqliteTurns(GroupedWrites):
    """Turns and engine events written in order on the event loop's connection; loads too."""

    def __init__(self, path: str, busy_timeout_seconds: float,
                 on_checkpoint: Callable[[tuple[int, int, int]], None] | None = None, *,
                 growing_steps: int = 0) -> None:
        """A turn path on the SQLite file at `path`.

        `on_checkpoint` hears each background checkpoint's (busy, WAL pages, pages copied);
        `growing_steps`: how long a round may wait for its group to grow (`GroupCommit`).
        """
        self._path = path
        self._busy_ms = int(busy_timeout_seconds * 1000)
        self._readers = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="sqlite-reader")
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._here: sqlite3.Connection | None = None  # the event loop's: loads and commits
        self._groups = GroupCommit(self._commit_group, MAX_TURNS_PER_COMMIT, growing_steps)
        self._loads = GroupCommit(self._load_group, MAX_LOADS_PER_READ, growing_steps)
        self._checkpoints = Checkpoints(path, self._busy_ms, on_checkpoint)

    async def load(self, user_id: str, client_id: str,
                   idempotency_key: str | None) -> StoredConversation | None:
        """The conversation and, given a key, the response already stored for it.

        Loads that arrive together are read in one read transaction: its start and end (the
        WAL's read lock taken and given back) cost more than the indexed lookup itself.
        """
        row = await self._loads.submit((idempotency_key, user_id, client_id))
        if row is None:
            return None
        pk, user, client, agent, state, turn, status, tz, last, updated, replayed = row
        return StoredConversation(
            pk, user, client, agent, json_value(state), turn, status, tz,
            json_value(last) if last is not None else None, _moment(updated),
            json_value(replayed) if replayed is not None else None)

    async def request_counts(self, first_minute: datetime | None) -> list[tuple[Any, ...]]:
        """The request counter rows per agent and action: all time, or from a minute on."""
        query, args = ((_REQUEST_TOTALS, ()) if first_minute is None
                       else (_REQUEST_MINUTES, (_timestamp(first_minute),)))
        return list((await self._query(query, [args], many=True))[0])

    async def _load_group(self, keys: list[tuple[Any, ...]]) -> list[Any]:
        """The loads together, or each on its own when they failed for one load's sake."""
        return await together_or_alone(self._read_loads, keys, _whole_group)

    async def _read_loads(self, keys: list[tuple[Any, ...]]) -> list[Any]:
        return await self._query(_LOAD, keys)

    async def close(self) -> None:
        """Finish the queued loads and writes and close the connections."""
        await self._loads.finish()
        await self._groups.finish()
        self._readers.shutdown(wait=True)
        await asyncio.to_thread(self._checkpoints.stop)
        for connection in self._opened:
            connection.close()

    async def _commit_group(self, items: list[Item]) -> list[bool | Exception]:
        """Commit on the loop's own connection; while another holds the file lock, wait.

        The wait is SQLite's own busy handler, made asynchronous: the same growing pauses, up
        to the busy timeout, while the loop goes on serving (the next group gathers meanwhile).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._busy_ms / 1000
        pauses = _busy_pauses()
        while True:
            try:
                return self._commit(self._loop_connection(), items)
            except sqlite3.OperationalError as exc:
                pause = next(pauses)
                if not _would_wait(exc) or loop.time() + pause > deadline:
                    return [_translated(exc)] * len(items)
            await asyncio.sleep(pause)

    async def _query(self, query: str, each: list[tuple[Any, ...]], *,
                     many: bool = False) -> list[Any]:
        """The query's answer for each of its arguments, read together.

        On the loop's own connection; when that would wait for a lock, on a reader thread's.
        """
        try:
            result = self._read_here(query, each, many)
            if result is None:
                loop = asyncio.get_running_loop()
                result = await loop.run_in_executor(self._readers, self._read_there, query,
                                                    each, many)
        except sqlite3.OperationalError as exc:
            raise _translated(exc) from exc
        return result

    # --- the statements (on the loop's connection, or a reader thread's) ---

    def _read_here(self, query: str, each: list[tuple[Any, ...]],
                   many: bool) -> list[Any] | None:
        """A read on the event loop's own connection, or None when it would wait.

        An indexed lookup (or the few counter rows) costs less than handing it to a thread; in
        WAL mode it waits only in rare moments (a WAL being recovered), and this connection
        never waits: it says so.
        """
        try:
            return _fetch(self._loop_connection(), query, each, many)
        except sqlite3.OperationalError as exc:
            if _would_wait(exc):
                return None
            raise

    def _loop_connection(self) -> sqlite3.Connection:
        """The event loop's connection: it never waits for a lock (busy timeout 0)."""
        if self._here is None:
            self._here = self._open(busy_ms=0)
            self._here.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")
        return self._here

    def _read_there(self, query: str, each: list[tuple[Any, ...]], many: bool) -> list[Any]:
        return _fetch(self._connection(), query, each, many)

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._open(self._busy_ms)
        return connection

    def _open(self, busy_ms: int) -> sqlite3.Connection:
        connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            connection.execute(f"PRAGMA busy_timeout = {busy_ms}")
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error:
            connection.close()
            raise
        self._opened.append(connection)
        return connection

    def _commit(self, connection: sqlite3.Connection,
                items: list[Item]) -> list[bool | Exception]:
        cursor = connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            results = [self._apply(cursor, item) for item in items]
            _count(cursor, [event for item, stored in zip(items, results, strict=True)
                            if stored is True for event in _events_of(item)])
            cursor.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                cursor.execute("ROLLBACK")
            raise
        self._checkpoints.due()
        return results

    def _apply(self, cursor: sqlite3.Cursor, item: Item) -> bool | Exception:
        cursor.execute("SAVEPOINT turn")
        try:
            if isinstance(item, TurnWrite):
                _write_turn(cursor, item)
            else:
                _write_events(cursor, item)
        except (_Conflict, sqlite3.IntegrityError):
            cursor.execute("ROLLBACK TO turn")
            cursor.execute("RELEASE turn")
            return False
        except sqlite3.OperationalError:
            raise  # the database itself (a lock wait that ran out): the whole group fails
        except Exception as exc:  # this turn alone cannot be written: the others still are
            cursor.execute("ROLLBACK TO turn")
            cursor.execute("RELEASE turn")
            return exc
        cursor.execute("RELEASE turn")
        return True


class Checkpoints:
    """A thread that checkpoints the WAL (PASSIVE: it never waits for readers or writers).

    `due()` after a commit wakes it; it checkpoints at most every CHECKPOINT_EVERY_SECONDS.
    """

    def __init__(self, path: str, busy_ms: int,
                 on_checkpoint: Callable[[tuple[int, int, int]], None] | None = None) -> None:
        self._path = path
        self._busy_ms = busy_ms
        self._on_checkpoint = on_checkpoint
        self._due = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def due(self) -> None:
        """Commits were made: checkpoint soon (the thread starts with the first)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sqlite-checkpoints",
                                            daemon=True)
            self._thread.start()
        if not self._due.is_set():
            self._due.set()

    def stop(self) -> None:
        """Stop the thread after the checkpoint it may be running."""
        self._stopping.set()
        self._due.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        connection = sqlite3.connect(self._path, isolation_level=None)
        try:
            connection.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
            while not self._stopping.is_set():
                self._due.wait()
                self._due.clear()
                if self._stopping.is_set():
                    break
                try:
                    busy, pages, copied = connection.execute(
                        "PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as exc:  # the next commit asks again; the backstop holds
                    logs.warning("sqlite_checkpoint_failed", error=type(exc).__name__)
                else:
                    if self._on_checkpoint is not None:
                        self._on_checkpoint((busy, pages, copied))
                self._stopping.wait(CHECKPOINT_EVERY_SECONDS)
        finally:
            connection.close()


def _write_turn(cursor: sqlite3.Cursor, write: TurnWrite) -> None:
    conversation, record, now = write.conversation, write.record, _timestamp(write.now)
    state, last = json_text(write.state), record.response_json or json_text(record.response)
    if conversation.pk == NEW_CONVERSATION:  # first turn: the conversation and its turn together
        cursor.execute(_INSERT_CONVERSATION, (
            conversation.user_id, conversation.client_id, conversation.agent_type,
            conversation.engine, state, record.turn, write.status, write.timezone, last, now,
            now))
        pk = cursor.lastrowid
    else:
        pk = conversation.pk
        cursor.execute(_UPDATE_CONVERSATION, (state, record.turn, write.status, write.timezone,
                                              last, now, pk, conversation.turn))
        if cursor.rowcount != 1:
            raise _Conflict
    cursor.execute(_INSERT_TURN, (
        pk, record.turn, record.idempotency_key, json_text(record.request), last, record.action,
        int(record.ai_used), int(record.fallback), record.duration_ms, now))
    _write_events(cursor, write.events)


def _write_events(cursor: sqlite3.Cursor, events: Sequence[EngineEventRecord]) -> None:
    """The rows of the events kept; all are counted once for the whole group (`_count`)."""
    kept = [(_timestamp(e.at), e.kind, e.engine, e.agent_type, e.conversation_id, e.action,
             int(e.ai_used), int(e.fallback), int(e.replay), json_text(e.detail))
            for e in events if e.kept]
    if kept:
        cursor.executemany(_INSERT_EVENT, kept)


def _events_of(item: Item) -> Sequence[EngineEventRecord]:
    return item.events if isinstance(item, TurnWrite) else item


def _count(cursor: sqlite3.Cursor, events: list[EngineEventRecord]) -> None:
    """The stored events' minute and all-time counters, one upsert per counter row."""
    counted = tally(events)
    cursor.executemany(_COUNT_MINUTE, [(_timestamp(minute), *rest)
                                       for minute, *rest in counted.minutes])
    cursor.executemany(_COUNT_TOTAL, counted.totals)


def _timestamp(moment: datetime) -> str:
    """A UTC moment as SQLAlchemy's SQLite DateTime stores it."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _moment(stored: str) -> datetime:
    """A stored UTC timestamp as an aware datetime."""
    return datetime.fromisoformat(stored).replace(tzinfo=UTC)


def _fetch(connection: sqlite3.Connection, query: str, each: list[tuple[Any, ...]],
           many: bool) -> list[Any]:
    """The query's rows (or first row) for each of its arguments, in one read transaction."""
    if len(each) == 1:
        return [_rows(connection.execute(query, each[0]), many)]
    connection.execute("BEGIN")
    try:
        return [_rows(connection.execute(query, args), many) for args in each]
    finally:
        connection.execute("COMMIT")  # ends the read; nothing was written


def _rows(cursor: sqlite3.Cursor, many: bool) -> Any:
    return cursor.fetchall() if many else cursor.fetchone()


def _busy_pauses() -> Iterator[float]:
    """The pauses of SQLite's own busy handler (sqliteDefaultBusyCallback), the last repeated."""
    yield from (ms / 1000 for ms in (1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50))
    while True:
        yield 0.1


def _whole_group(failure: Exception) -> bool:
    """True when a group's read failed for the database's sake (busy, locked, I/O), not a load's."""
    return isinstance(failure, (sqlite3.OperationalError, DatabaseBusy))


def _would_wait(exc: sqlite3.OperationalError) -> bool:
    """Whether the statement met a lock it would have to wait for (busy or locked).

    The primary code decides: SQLITE_BUSY_RECOVERY and the other extended codes wait too.
    """
    return (exc.sqlite_errorcode & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _translated(exc: Exception) -> Exception:
    """A wait for the file lock that ran out is DatabaseBusy (503 with Retry-After)."""
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc).lower():
        return DatabaseBusy("The database is busy; try again shortly.")
    return exc
