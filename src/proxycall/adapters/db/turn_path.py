"""The turn path a store may hand its hot work to: plain statements, beside the ORM.

The ORM's unit of work and its async session cost more per turn than the turn itself, so each
database has a direct path for the few statements a turn needs: SQLite (`SqliteTurns`, one
writer connection) and PostgreSQL (`PgTurns`, psycopg with prepared statements). Both write the
same rows the ORM writes, so every other reader sees the same data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from proxycall.core.stores import EngineEventRecord, StoredConversation, TurnRecord


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
