"""The direct turn paths (SQLite's one writer, psycopg on PostgreSQL) against real databases.

Each store's path is driven as the conversation store drives it: loads, turns written in groups
(several submitted at once land in one commit), a conversation moved by another request is not
stored, one turn that cannot be written never costs the others theirs, and the counters add up.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import postgres_url
from tests.support.server import scratch_postgres

from proxycall.adapters.db import migrate
from proxycall.adapters.db.conversations import UserStore
from proxycall.adapters.db.database import create_engine, session_factory
from proxycall.adapters.db.pg_turns import READERS, PgTurns
from proxycall.adapters.db.sqlite_turns import BACKSTOP_PAGES, SqliteTurns
from proxycall.adapters.db.turn_path import TurnPath, TurnWrite
from proxycall.core.errors import DatabaseBusy
from proxycall.core.stores import (
    NEW_CONVERSATION,
    EngineEventRecord,
    StoredConversation,
    TurnRecord,
)

NOW = datetime(2026, 12, 7, 9, 30, 15, tzinfo=UTC)
USER = "turn-path-user"


@pytest.fixture(params=["sqlite", "postgresql"])
async def path(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[TurnPath]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}"
    else:
        base = postgres_url()
        if base is None:
            pytest.skip("PostgreSQL not configured: set PROXYCALL_TEST_DATABASE_URL")
        url = scratch_postgres(base.replace("postgresql://", "postgresql+psycopg://", 1),
                               "turn_paths")
    migrate.upgrade(url)
    engine = create_engine(url)
    await UserStore(session_factory(engine)).ensure_user(USER, "Path", "turn-path-token", NOW)
    await engine.dispose()
    turns: TurnPath
    if request.param == "sqlite":
        turns = SqliteTurns(str(tmp_path / "turns.db"), 3.0)
    else:
        turns = PgTurns(url.replace("+psycopg", ""), 3.0)
    yield turns
    await turns.close()


def _new(client_id: str) -> StoredConversation:
    return StoredConversation(NEW_CONVERSATION, USER, client_id, "SICK_CALLER", {}, 0, "ACTIVE",
                              "Australia/Brisbane", None, NOW)


def _write(conversation: StoredConversation, key: str | None, state: dict[str, Any],
           action: str = "ASK_QUESTION") -> TurnWrite:
    turn = conversation.turn + 1
    response = {"nextAction": action, "turn": turn, "assistantMessage": "Who do you work for?"}
    record = TurnRecord(turn, key, {"messageLength": 4}, response, action, False, False, 1.5)
    event = EngineEventRecord(at=NOW, kind="request", engine="v2", agent_type="SICK_CALLER",
                              conversation_id=conversation.client_id, action=action)
    return TurnWrite(conversation, state, "ACTIVE", "Australia/Brisbane", record, NOW, [event])


async def test_a_turn_is_loaded_back_with_its_replay(path: TurnPath) -> None:
    assert await path.write_turn(_write(_new("c1"), "key-1", {"values": {"caller": "Ana"}}))
    loaded = await path.load(USER, "c1", "key-1")
    assert loaded is not None
    assert (loaded.turn, loaded.state, loaded.updated_at) == (1, {"values": {"caller": "Ana"}},
                                                               NOW)
    assert loaded.replay == {"nextAction": "ASK_QUESTION", "turn": 1,
                             "assistantMessage": "Who do you work for?"}
    assert loaded.last_response == loaded.replay
    assert (await path.load(USER, "c1", "another-key")).replay is None  # type: ignore[union-attr]
    assert await path.load(USER, "nobody", None) is None


async def test_two_turns_from_the_same_loaded_turn_store_one(path: TurnPath) -> None:
    first = [_write(_new("race"), None, {"n": n}) for n in range(2)]
    # sent together, so written in one group: the first one sent is the one stored
    assert await asyncio.gather(*(path.write_turn(w) for w in first)) == [True, False]
    loaded = await path.load(USER, "race", None)
    assert loaded is not None and loaded.turn == 1
    moved = [_write(loaded, None, {"n": n}) for n in range(3)]
    assert await asyncio.gather(*(path.write_turn(w) for w in moved)) == [True, False, False]
    again = await path.load(USER, "race", None)
    assert again is not None and (again.turn, again.state) == (2, {"n": 0})


async def test_a_turn_that_cannot_be_written_costs_no_other_its_own(path: TurnPath) -> None:
    good = _write(_new("good"), None, {"ok": True})
    bad = _write(_new("bad"), None, {"not json": {1, 2}})  # a set: no JSON for it
    outcomes = await asyncio.gather(path.write_turn(good), path.write_turn(bad),
                                    return_exceptions=True)
    assert outcomes[0] is True
    assert isinstance(outcomes[1], TypeError)
    assert await path.load(USER, "good", None) is not None
    assert await path.load(USER, "bad", None) is None


async def test_a_group_with_a_turn_that_fails_counts_the_others_once(path: TurnPath) -> None:
    writes = [_write(_new(f"g{n}"), None, {"n": n}) for n in range(4)]
    writes.insert(2, _write(_new("g-bad"), None, {"not json": {1, 2}}))
    taken = _write(_new("g0"), None, {"first": True})  # g0 is stored by another request first
    assert await path.write_turn(taken)
    outcomes = await asyncio.gather(*(path.write_turn(w) for w in writes),
                                    return_exceptions=True)
    assert outcomes[0] is False and isinstance(outcomes[2], TypeError)
    assert [outcomes[n] for n in (1, 3, 4)] == [True, True, True]
    assert [tuple(row) for row in await path.request_counts(None)] == [
        ("SICK_CALLER", "ASK_QUESTION", 4, 0, 0, 0)]
    for client_id, state in (("g0", {"first": True}), ("g1", {"n": 1}), ("g3", {"n": 3})):
        loaded = await path.load(USER, client_id, None)
        assert loaded is not None and (loaded.turn, loaded.state) == (1, state)


async def test_the_counters_add_up_what_was_stored(path: TurnPath) -> None:
    writes = [_write(_new(f"n{n}"), None, {}, action) for n, action in
              enumerate(["ASK_QUESTION", "ASK_QUESTION", "CONFIRM"])]
    assert await asyncio.gather(*(path.write_turn(w) for w in writes)) == [True] * 3
    replay = EngineEventRecord(at=NOW, kind="request", engine="v2", agent_type="SICK_CALLER",
                               conversation_id="n0", action="ASK_QUESTION", replay=True)
    await path.write_events([replay])
    totals = sorted(await path.request_counts(None))
    assert [tuple(row) for row in totals] == [("SICK_CALLER", "ASK_QUESTION", 3, 0, 0, 1),
                                              ("SICK_CALLER", "CONFIRM", 1, 0, 0, 0)]
    window = await path.request_counts(NOW.replace(second=0))
    assert sorted(tuple(row) for row in window) == [tuple(row) for row in totals]
    assert await path.request_counts(NOW.replace(minute=31, second=0)) == []


async def test_postgresql_connections_lost_are_opened_again(path: TurnPath) -> None:
    if not isinstance(path, PgTurns):
        pytest.skip("PostgreSQL's connections only")
    assert await path.write_turn(_write(_new("before"), None, {}))
    assert await path.load(USER, "before", None) is not None
    import psycopg

    dsn = path._conninfo  # the database this path writes to
    with psycopg.connect(dsn, autocommit=True) as admin:
        ended = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()
    assert ended is not None and ended[0] >= 2  # a reader and the writer
    stored, loaded = False, None
    for attempt in range(READERS + 1):  # each lost connection fails its one request, at most
        try:
            stored = await path.write_turn(_write(_new(f"after-{attempt}"), None, {}))
            loaded = await path.load(USER, f"after-{attempt}", None)
        except psycopg.OperationalError:
            continue
        break
    assert stored and loaded is not None and attempt <= READERS


async def test_loads_arriving_together_each_get_their_own_answer(path: TurnPath) -> None:
    """Many loads at once (PostgreSQL answers them in one query): stored or not, with or without
    a key, the same conversation asked twice; each gets what a load on its own would."""
    for n in range(6):
        assert await path.write_turn(_write(_new(f"many-{n}"), f"key-{n}", {"n": n}))
    asked = [(f"many-{n % 8}", key) for n in range(24)
             for key in (None, f"key-{n % 8}", "key-other")]
    loaded = await asyncio.gather(*(path.load(USER, cid, key) for cid, key in asked))
    alone = [await path.load(USER, cid, key) for cid, key in asked]
    assert loaded == alone
    for (cid, key), got in zip(asked, loaded, strict=True):
        n = int(cid.split("-")[1])
        if n >= 6:
            assert got is None
            continue
        assert got is not None and got.client_id == cid and got.state == {"n": n}
        assert (got.replay is not None) == (key == f"key-{n}")
    assert await path.load("someone-else", "many-1", "key-1") is None


async def test_a_load_that_cannot_be_asked_costs_no_other_its_answer(path: TurnPath) -> None:
    """A key the database refuses fails that load only (the API never lets one through).

    NUL: PostgreSQL refuses it, SQLite compares it. A lone surrogate: neither can encode it.
    """
    import psycopg

    assert await path.write_turn(_write(_new("fine-1"), None, {"n": 1}))
    results = await asyncio.gather(
        path.load(USER, "fine-1", None), path.load(USER, "bad\x00id", None),
        path.load(USER, "absent", None), path.load(USER, "bad\udc80id", None),
        return_exceptions=True)
    assert isinstance(results[0], StoredConversation) and results[0].state == {"n": 1}
    if isinstance(path, PgTurns):
        assert isinstance(results[1], psycopg.DataError)
    else:  # SQLite stores and compares such text: simply not found
        assert results[1] is None
    assert results[2] is None
    assert isinstance(results[3], UnicodeEncodeError | TypeError)  # refused before it is sent


@pytest.mark.parametrize("seeded", [0, 20_000])
async def test_postgresql_turn_statements_read_through_the_indexes(path: TurnPath,
                                                                   seeded: int) -> None:
    """On the turn path's own connections, the prepared (generic) plans of the grouped load and
    the group write look each conversation up by index, never scanning the table: neither on a
    new, empty table (the plan a statement is first given is the one it keeps) nor with many
    conversations stored and analysed."""
    if not isinstance(path, PgTurns):
        pytest.skip("PostgreSQL's plan only")
    from proxycall.adapters.db.pg_turns import _LOAD_MANY, _WRITE_GROUP

    connection = await path._connect()
    await connection.execute(
        "INSERT INTO conversations (user_id, client_id, agent_type, engine, state, turn, "
        "status, timezone, created_at, updated_at) SELECT %s, 'seeded-' || n, 'SICK_CALLER', "
        "'v2', '{}', 1, 'ACTIVE', 'UTC', now(), now() FROM generate_series(1, %s) AS n",
        (USER, seeded))
    await connection.execute("ANALYZE conversations")
    await connection.execute("SET plan_cache_mode = force_generic_plan")
    await connection.execute(f"PREPARE grouped(json) AS {_LOAD_MANY}")
    await connection.execute(f"PREPARE written(json, json) AS {_WRITE_GROUP}")
    plans = {}
    for name, run in (("load", """grouped('[["a", "x", null], ["b", "y", "k"]]')"""),
                      ("write", """written('[{"n": 0, "pk": 5, "at_turn": 1}]', '[]')""")):
        cursor = await connection.execute(f"EXPLAIN EXECUTE {run}")
        plans[name] = "\n".join(row[0] for row in await cursor.fetchall())
    assert "Seq Scan" not in plans["load"] + plans["write"], plans
    assert "Hash Join" not in plans["load"] + plans["write"], plans  # no hashing a whole table
    assert "Index Cond: (((user_id)::text = (q.key ->> 0))" in plans["load"], plans["load"]
    # the replay: among that conversation's turns only
    assert "Index Cond: ((conversation_id = conversations.id)" in plans["load"] \
        or "Index Cond: (conversation_id = conversations.id)" in plans["load"], plans["load"]
    assert "Index Cond: (id = ANY ($" in plans["write"], plans["write"]


async def test_the_response_is_stored_as_the_service_wrote_it(path: TurnPath) -> None:
    """The service writes the answer's JSON once; the path stores that text, not a new dump."""
    write = _write(_new("as-sent"), "key-sent", {})
    sent = TurnRecord(**{**write.record.__dict__, "response_json": '{"sent":"as written"}'})
    assert await path.write_turn(TurnWrite(write.conversation, write.state, write.status,
                                           write.timezone, sent, write.now, write.events))
    loaded = await path.load(USER, "as-sent", "key-sent")
    assert loaded is not None
    assert loaded.replay == loaded.last_response == {"sent": "as written"}


async def test_a_sqlite_load_that_would_wait_is_taken_by_a_reader_thread(
    tmp_path: Path,
) -> None:
    """The event loop's own read never waits for a lock; a reader thread waits instead."""
    file = tmp_path / "turns.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{file}")
    engine = create_engine(f"sqlite+aiosqlite:///{file}")
    await UserStore(session_factory(engine)).ensure_user(USER, "Path", "turn-path-token", NOW)
    await engine.dispose()
    first = SqliteTurns(str(file), 3.0)
    assert await first.write_turn(_write(_new("locked"), None, {"n": 1}))
    await first.close()
    holder = sqlite3.connect(file, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")  # in WAL mode, the one way to keep a reader out
    turns = SqliteTurns(str(file), 30.0)
    try:
        load = asyncio.ensure_future(turns.load(USER, "locked", None))
        await _steps()  # the loop's read met the lock: a thread waits
        assert not load.done()
        holder.execute("COMMIT")
        holder.close()  # an exclusive connection lets go of the file when it closes
        loaded = await asyncio.wait_for(load, timeout=30)
        assert loaded is not None and loaded.state == {"n": 1}
    finally:
        holder.close()
        await turns.close()


async def _sqlite_turns(file: Path, busy_seconds: float,
                        on_checkpoint: Callable[[tuple[int, int, int]], None] | None = None,
                        ) -> SqliteTurns:
    url = f"sqlite+aiosqlite:///{file}"
    migrate.upgrade(url)
    engine = create_engine(url)
    await UserStore(session_factory(engine)).ensure_user(USER, "Path", "turn-path-token", NOW)
    await engine.dispose()
    return SqliteTurns(str(file), busy_seconds, on_checkpoint)


async def _steps(count: int = 5) -> None:
    """Let the tasks started so far run up to their next wait (no time passes)."""
    for _ in range(count):
        await asyncio.sleep(0)


async def test_a_sqlite_commit_waits_for_the_file_lock_while_the_loop_serves(
    tmp_path: Path,
) -> None:
    """The loop's connection never blocks on the lock: its group waits, loads still answer."""
    file = tmp_path / "turns.db"
    turns = await _sqlite_turns(file, 30.0)
    holder = sqlite3.connect(file, isolation_level=None)
    try:
        assert await turns.write_turn(_write(_new("before"), None, {"n": 1}))
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the file's write lock
        write = asyncio.ensure_future(turns.write_turn(_write(_new("during"), None, {"n": 2})))
        await _steps()
        assert not write.done()  # met the lock, and waits instead of failing
        loaded = await turns.load(USER, "before", None)  # the loop is not held up
        assert loaded is not None and loaded.state == {"n": 1}
        holder.execute("COMMIT")
        assert await asyncio.wait_for(write, timeout=30) is True
        stored = await turns.load(USER, "during", None)
        assert stored is not None and stored.state == {"n": 2}
    finally:
        holder.close()
        await turns.close()


async def test_a_sqlite_commit_gives_up_at_the_busy_timeout(tmp_path: Path) -> None:
    """A lock held past the busy timeout answers DatabaseBusy (a 503), nothing stored."""
    file = tmp_path / "turns.db"
    turns = await _sqlite_turns(file, 0.2)
    holder = sqlite3.connect(file, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseBusy):
            await asyncio.wait_for(turns.write_turn(_write(_new("late"), None, {})), timeout=30)
        holder.execute("ROLLBACK")
        assert await turns.load(USER, "late", None) is None
        assert await turns.write_turn(_write(_new("late"), None, {}))  # and works once free
    finally:
        holder.close()
        await turns.close()


async def test_sqlite_checkpoints_run_on_their_own_thread_not_in_the_commit(
    tmp_path: Path,
) -> None:
    """After commits the checkpoint thread copies the WAL back; the loop's connection only
    checkpoints itself past the backstop."""
    heard: queue.Queue[tuple[int, int, int]] = queue.Queue()
    file = tmp_path / "turns.db"
    turns = await _sqlite_turns(file, 3.0, on_checkpoint=heard.put)
    try:
        writes = [_write(_new(f"ck-{n}"), None, {"n": n}) for n in range(20)]
        assert all(await asyncio.gather(*(turns.write_turn(w) for w in writes)))
        busy, pages, copied = await asyncio.to_thread(heard.get, timeout=30)
        assert busy == 0 and pages > 0 and copied == pages  # every page of the WAL copied
        reader = sqlite3.connect(file)
        try:
            assert reader.execute("SELECT count(*) FROM conversations").fetchone()[0] == 20
        finally:
            reader.close()
        automatic = turns._loop_connection().execute("PRAGMA wal_autocheckpoint").fetchone()
        assert automatic == (BACKSTOP_PAGES,)
    finally:
        await turns.close()
