"""Seed a store with many turns fast (the store's own tables and minute counters, no HTTP).

`python bench/seed_turns.py DATABASE_URL N` adds N turns: conversations of five turns each, one
request event per turn, and the per-minute counters those events add, spread over 30 days.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, func, insert, select

from proxycall.adapters.db.conversations import EventStore, count_events
from proxycall.adapters.db.database import create_engine as create_async
from proxycall.adapters.db.database import session_factory
from proxycall.adapters.db.migrate import sync_url
from proxycall.adapters.db.models import Conversation, EngineEvent, Turn
from proxycall.config import Settings
from proxycall.container import Stoppable
from proxycall.core.stores import EngineEventRecord
from proxycall.services.telemetry import metrics_line, summarise
from proxycall.wiring import build_turn_path

TURNS_PER_CONVERSATION = 5
BATCH_CONVERSATIONS = 4000
TIMEOUT_SECONDS: float = Settings.model_fields["db_timeout_seconds"].default  # the server's
SPREAD = timedelta(days=30)
RESPONSE = {"nextAction": "ASK_QUESTION", "engineVersion": "v2", "turn": 1,
            "question": {"field": "shift_start_time", "text": "What time does your shift start?"}}


def _batch(first: int, count: int, now: datetime, total: int) -> tuple[list[dict[str, Any]],
                                                                     list[EngineEventRecord]]:
    conversations: list[dict[str, Any]] = []
    events: list[EngineEventRecord] = []
    for n in range(first, first + count):
        at = now - SPREAD * (1 - n / max(total, 1))
        conversations.append({
            "user_id": "admin", "client_id": f"seed-{n}", "agent_type": "SICK_CALLER",
            "engine": "v2", "state": {"agent_type": "SICK_CALLER"}, "turn": TURNS_PER_CONVERSATION,
            "status": "ACTIVE", "timezone": "Australia/Brisbane", "last_response": RESPONSE,
            "created_at": at, "updated_at": at})
        events.extend(EngineEventRecord(at=at, kind="request", engine="v2",
                                        agent_type="SICK_CALLER", conversation_id=f"seed-{n}",
                                        action="ASK_QUESTION")
                      for _ in range(TURNS_PER_CONVERSATION))
    return conversations, events


def seed(url: str, turns: int, now: datetime | None = None) -> int:
    """Add `turns` turns to the store at `url` (migrated, with its admin user); return the count."""
    now = now or datetime.now(UTC)
    total = turns // TURNS_PER_CONVERSATION
    engine = create_engine(sync_url(url))
    with engine.begin() as connection:
        start = int(connection.scalar(select(func.coalesce(func.max(Conversation.id), 0))) or 0)
    async_engine = create_async(url)
    sessions = session_factory(async_engine)
    for first in range(0, total, BATCH_CONVERSATIONS):
        count = min(BATCH_CONVERSATIONS, total - first)
        conversations, events = _batch(first, count, now, total)
        with engine.begin() as connection:
            connection.execute(insert(Conversation), conversations)
            turn_rows = [{"conversation_id": start + first + i + 1, "turn": t,
                          "idempotency_key": None, "request": {"agentType": "SICK_CALLER"},
                          "response": RESPONSE, "action": "ASK_QUESTION", "ai_used": False,
                          "fallback": False, "duration_ms": 1.0,
                          "created_at": conversations[i]["created_at"]}
                         for i in range(count) for t in range(1, TURNS_PER_CONVERSATION + 1)]
            connection.execute(insert(Turn), turn_rows)
            connection.execute(insert(EngineEvent), [asdict(e) for e in events])
        asyncio.run(_count(sessions, events))
    asyncio.run(async_engine.dispose())
    engine.dispose()
    return total * TURNS_PER_CONVERSATION


async def _count(sessions: Any, events: list[EngineEventRecord]) -> None:
    async with sessions.begin() as session:
        await count_events(session, events)


def metrics_line_ms(url: str, runs: int = 20) -> float:
    """Median time to compute one [V2-METRICS] line (the all-time counter rows it reads).

    Through the store the server builds: its direct turn path (psycopg, or SQLite's own
    connections), not the ORM session the store falls back to without one.
    """

    async def measure() -> float:
        engine = create_async(url)
        background: list[Stoppable] = []
        store = EventStore(session_factory(engine),
                           build_turn_path(engine, TIMEOUT_SECONDS, background))
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            metrics_line(summarise(await store.request_counts(None), {}, []))
            timings.append((time.perf_counter() - started) * 1000)
        for task in background:
            await task.stop()
        await engine.dispose()
        return statistics.median(timings)

    return asyncio.run(measure())


if __name__ == "__main__":
    print(seed(sys.argv[1], int(sys.argv[2])))
