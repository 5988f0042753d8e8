"""The turn path a store may hand its hot work to: plain statements, beside the ORM.

The ORM's unit of work and its async session cost more per turn than the turn itself, so each
database has a direct path for the few statements a turn needs: SQLite (`SqliteTurns`, one
writer connection) and PostgreSQL (`PgTurns`, psycopg with prepared statements). Both write the
same rows the ORM writes, so every other reader sees the same data.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

import orjson

from proxycall.core.stores import EngineEventRecord, StoredConversation, TurnRecord


def json_text(value: Any) -> str:
    """JSON text as the ORM's readers read it back (None is JSON null).

    orjson, at a tenth of `json.dumps`'s cost; what it refuses (an integer beyond 64 bits, a
    key that is not a string) is written by `json`, as SQLAlchemy's JSON type would. (orjson
    writes a non-finite float as null; none reaches a store: the API refuses them.)
    """
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)


_LONG_DIGITS = re.compile(r"\d{19}")
_LONG_DIGITS_BYTES = re.compile(rb"\d{19}")


def json_value(text: str | bytes) -> Any:
    """The value of stored JSON text, as `json.loads` reads it.

    orjson, unless a run of 19 digits could be an integer beyond 64 bits (orjson reads one as a
    float); `json` too for what orjson refuses (NaN, a lone surrogate escaped).
    """
    long_number = (_LONG_DIGITS_BYTES.search(text) if isinstance(text, bytes)
                   else _LONG_DIGITS.search(text))
    if long_number is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


@dataclass(frozen=True)
class TurnWrite:
    """One turn to store: the conversation as loaded, its new state, the turn and its events."""

    conversation: StoredConversation
    state: dict[str, Any]
    status: str
    timezone: str
    record: TurnRecord
    now: datetime
    events: Sequence[EngineEventRecord]


class TurnPath(Protocol):
    """Loads and writes of the turn path, committed before they return."""

    async def load(self, user_id: str, client_id: str,
                   idempotency_key: str | None) -> StoredConversation | None:
        """The conversation and, given a key, the response already stored for it."""

    async def write_turn(self, write: TurnWrite) -> bool:
        """Store the turn (True) unless another request moved the conversation first (False)."""

    async def write_events(self, events: list[EngineEventRecord]) -> None:
        """Store engine events and count them."""

    async def request_counts(self, first_minute: datetime | None) -> list[tuple[Any, ...]]:
        """(agent, action, requests, llm, fallbacks, replays): all time, or from a minute on."""

    async def close(self) -> None:
        """Finish the queued writes and close the connections."""


Item = TurnWrite | list[EngineEventRecord]  # a turn, or events alone (a replay's)

GROWING_STEPS = 4  # the loop steps a round may wait while its group still grows (see _drain)

In = TypeVar("In")
Out = TypeVar("Out")
# one round for the items, in order: each item's result, or the error that is its alone
Round = Callable[[list[In]], Awaitable[list[Out | Exception]]]


class GroupCommit(Generic[In, Out]):
    """Items that arrive while a round runs are taken together by the next one.

    For writes a round is one transaction: nobody's item is answered before the transaction
    holding it has committed. For loads (PostgreSQL) it is one query for every load waiting.
    An item's error reaches only the request that submitted it.
    """

    def __init__(self, run: Round[In, Out], most_per_round: int, growing_steps: int = 0) -> None:
        self._run = run
        self._most = most_per_round
        self._growing_steps = growing_steps
        self._pending: list[tuple[In, asyncio.Future[Out]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def submit(self, item: In) -> Out:
        """Queue the item for the next round and wait for its result."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Out] = loop.create_future()
        self._pending.append((item, future))
        if self._drainer is None:
            self._drainer = loop.create_task(self._drain())
        return await future

    async def finish(self) -> None:
        """Wait until every queued item is taken."""
        if self._drainer is not None:
            await self._drainer

    async def _drain(self) -> None:
        """Run a round for what is queued, then for what queued meanwhile, until none is left.

        The first round starts one loop step after the first item: requests read in the same
        moment reach their `submit` a step apart (a wave of answered turns and a wave of new
        requests), and each round costs the same whether it holds one item or twenty (under
        load, rounds of 7 turns on average became 11 to 15).

        Given `growing_steps`, it waits another step for as long as the step before brought
        more items, up to that many: bigger rounds, fewer statements per item. That pays only
        where a sibling process takes the core while this one waits (two PostgreSQL workers on
        a fast day: 0.39 statements per turn became 0.31, the machine's CPU per turn -10%); a
        lone process left its core idle instead (a quarter fewer turns/s), so it is off there.
        """
        try:
            await asyncio.sleep(0)
            for _ in range(self._growing_steps):
                seen = len(self._pending)
                await asyncio.sleep(0)
                if len(self._pending) == seen:
                    break
            while self._pending:
                batch = self._pending[:self._most]
                del self._pending[:self._most]
                try:
                    results = await self._run([item for item, _ in batch])
                except Exception as exc:  # the whole round failed: each request hears why
                    results = [exc] * len(batch)
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self._drainer = None


async def together_or_alone(run: Callable[[list[In]], Awaitable[list[Out]]], items: list[In],
                            whole_group: Callable[[Exception], bool]) -> list[Out | Exception]:
    """Run the items together; when that fails for one item's sake, run each alone.

    So no item pays for another's. A failure of the database itself (`whole_group`) is every
    item's, and is not tried again item by item.
    """
    try:
        return list(await run(items))
    except Exception as failure:
        if len(items) == 1 or whole_group(failure):
            raise
    results: list[Out | Exception] = []
    for item in items:
        try:
            results.append((await run([item]))[0])
        except Exception as failure:  # this item's own answer
            results.append(failure)
    return results


class GroupedWrites:
    """The writes of a turn path that commits through a `GroupCommit` (set `_groups`)."""

    _groups: GroupCommit[Item, bool]

    async def write_turn(self, write: TurnWrite) -> bool:
        """Store the turn (True) unless another request moved the conversation first (False)."""
        return await self._groups.submit(write)

    async def write_events(self, events: list[EngineEventRecord]) -> None:
        """Store engine events (and count them) in the next commit."""
        if events:
            await self._groups.submit(events)


@dataclass(frozen=True)
class Tally:
    """Events' counter increments, one row per counter row they add to.

    `minutes`: (minute, kind, agent_type, action, requests, llm, fallbacks, replays);
    `totals`: the same without the minute. In key order, so two processes' writers take the
    counter rows' locks in the same order.
    """

    minutes: list[tuple[Any, ...]]
    totals: list[tuple[Any, ...]]


def counted_minute(at: datetime) -> datetime:
    """The minute row an event at `at` is counted in."""
    return at.replace(second=0, microsecond=0)


def tally(events: Iterable[EngineEventRecord]) -> Tally:
    """Add up the events' counts per minute and all time (one upsert per row, not per event)."""
    minutes: dict[tuple[Any, ...], list[int]] = {}
    totals: dict[tuple[Any, ...], list[int]] = {}
    for event in events:
        key = (event.kind, event.agent_type, event.action or "")
        counts = (1, int(event.ai_used), int(event.fallback), int(event.replay))
        minute = counted_minute(event.at)
        for row in (minutes.setdefault((minute, *key), [0, 0, 0, 0]),
                    totals.setdefault(key, [0, 0, 0, 0])):
            for i, count in enumerate(counts):
                row[i] += count
    return Tally([(*key, *c) for key, c in sorted(minutes.items())],
                 [(*key, *c) for key, c in sorted(totals.items())])
