"""The storage port: the records the services keep and the repositories that keep them.

The services depend on these protocols and plain dataclasses only; `adapters/db` implements them
over SQLAlchemy (no ORM object leaves the adapter). Each repository is small: the reads and the
atomic writes one use case needs, nothing generic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

NEW_CONVERSATION = 0  # the pk of a conversation not stored yet (commit_turn inserts it)


@dataclass(frozen=True)
class StoredConversation:
    """A conversation as stored: its state as JSON, its turn counter and last answer."""

    pk: int
    user_id: str
    client_id: str
    agent_type: str
    state: dict[str, Any]
    turn: int
    status: str
    timezone: str
    last_response: dict[str, Any] | None
    updated_at: datetime
    replay: dict[str, Any] | None = None  # the stored response for the request's key, if any
    engine: str = "v2"  # the engine a NEW_CONVERSATION is created with


@dataclass(frozen=True)
class TurnRecord:
    """One answered turn: what was asked, what was answered, and how it was decided."""

    turn: int
    idempotency_key: str | None
    request: dict[str, Any]
    response: dict[str, Any]
    action: str
    ai_used: bool
    fallback: bool
    duration_ms: float
    response_json: str = ""  # the response as sent, written once by the service ("": not given)


@dataclass(frozen=True)
class EngineEventRecord:
    """One v2 request (new turn or replay) or one anomaly, as the metrics count it."""

    at: datetime
    kind: str  # request | anomaly
    engine: str
    agent_type: str
    conversation_id: str
    action: str | None = None
    ai_used: bool = False
    fallback: bool = False
    replay: bool = False
    detail: dict[str, Any] | None = None

    @property
    def kept(self) -> bool:
        """Whether the event is stored as a row as well as counted.

        An anomaly is (the console lists them, with their conversation); a request is only
        counted, into its minute and all-time rows: every figure about requests reads those,
        and a row per turn cost each turn an insert and two index updates.
        """
        return self.kind != "request"

    @property
    def anomaly_kind(self) -> str:
        """An anomaly's kind ("lost_keys", "llm_failure", …); "" for any other event."""
        return str((self.detail or {}).get("kind") or "")


@dataclass(frozen=True)
class RequestCounts:
    """Per agent and action: requests, LLM use, fallbacks and replays in a window."""

    agent_type: str
    action: str | None
    requests: int
    llm: int
    fallbacks: int
    replays: int


@dataclass(frozen=True)
class MinuteCounts:
    """One minute's requests of one agent, as the operator's charts need them."""

    minute: datetime
    agent_type: str
    requests: int
    llm: int
    fallbacks: int


@dataclass(frozen=True)
class UserRecord:
    """A signed-in user: who they are and whether their token is the admin's."""

    id: str
    name: str
    is_admin: bool


@dataclass(frozen=True)
class SwitchValue:
    """A runtime switch as stored: on or off, and when it last changed (None: never set)."""

    active: bool
    updated_at: datetime | None


@dataclass(frozen=True)
class StoredCall:
    """A call attempt as the services see it: one row per attempt, the exactly-once guard."""

    id: str
    conversation_pk: int
    user_id: str
    attempt: int
    agent_type: str
    status: str
    to_number: str
    callee_timezone: str
    provider: str
    provider_sid: str | None
    scheduled_for: datetime | None
    claimed_by: str | None
    answered_by: str | None
    end_reason: str | None
    flow_state: dict[str, Any] | None
    values: dict[str, Any]
    outcome: dict[str, Any] | None
    llm_calls: int
    duration_seconds: int | None
    cost: str | None
    cost_currency: str | None
    last_provider_event_at: datetime | None
    created_at: datetime
    updated_at: datetime
    lease_expires_at: datetime | None = None
    deadline_at: datetime | None = None


@dataclass(frozen=True)
class NewEvent:
    """One event row to append: a status report, a line said or heard, or a note."""

    kind: str  # status | said | heard | note
    at: datetime
    status: str | None = None
    speaker: str | None = None
    text: str | None = None
    applied: bool = True
    payload: dict[str, Any] | None = None


@dataclass(frozen=True)
class StoredEvent:
    """One event of a call's log, as stored."""

    id: int
    kind: str
    at: datetime
    status: str | None
    speaker: str | None
    text: str | None
    applied: bool
    payload: dict[str, Any] | None


@dataclass
class Change:
    """What a mutation writes: column values (by attribute name) and events to append."""

    values: dict[str, Any] = field(default_factory=dict)
    events: list[NewEvent] = field(default_factory=list)


Mutation = Callable[[StoredCall], Change | None]


class ConversationRepository(Protocol):
    """Conversations and their turns, each turn committed with its events or not at all."""

    async def load(self, user_id: str, client_id: str,
                   idempotency_key: str | None = None) -> StoredConversation | None:
        """The conversation and, given a key, the response already stored for it."""

    async def commit_turn(
        self, conversation: StoredConversation, state: dict[str, Any], status: str,
        timezone: str, record: TurnRecord, now: datetime, events: list[EngineEventRecord],
    ) -> bool:
        """Store the turn unless another request moved the conversation first (False)."""

    async def list_for_user(self, user_id: str, limit: int = 50) -> list[StoredConversation]:
        """The user's conversations, most recently changed first."""

    async def get_by_pk(self, pk: int) -> StoredConversation | None:
        """One conversation by its stored id."""


class EventRepository(Protocol):
    """Engine events and the per-minute counters kept as they are written."""

    async def add(self, events: list[EngineEventRecord]) -> None:
        """Store events (and count them) in one transaction."""

    async def minute_counts(self, first_minute: datetime) -> list[MinuteCounts]:
        """Requests per minute and agent from a whole minute on, oldest first (the counters)."""

    async def request_counts(self, since: datetime | None) -> list[RequestCounts]:
        """Counts per agent and action since a moment (None: all time), from the counters."""

    async def anomalies(self, since: datetime | None,
                        limit: int = 200) -> list[EngineEventRecord]:
        """The latest anomalies, newest first."""

    async def anomaly_counts(self, since: datetime | None) -> dict[str, int]:
        """Anomalies per agent since a moment (None: all time), from the counters."""


class UserRepository(Protocol):
    """Users and their tokens (only a token's hash is stored)."""

    async def by_token(self, token: str) -> UserRecord | None:
        """The user a token belongs to, or None when it is unknown or revoked."""

    async def create(self, name: str, token: str, now: datetime, *, is_admin: bool = False,
                     user_id: str | None = None) -> UserRecord:
        """A new user signed in by `token`."""


class SwitchRepository(Protocol):
    """Runtime switches shared by every process."""

    async def get(self, name: str) -> SwitchValue:
        """A switch's stored value (off when never set)."""

    async def set(self, name: str, active: bool, by: str, now: datetime) -> SwitchValue:
        """Turn a switch on or off, recording who did it."""


class RecordRepository(Protocol):
    """Rollout records: smoke runs, watch summaries, switch reasons."""

    async def add(self, kind: str, data: dict[str, Any], now: datetime) -> dict[str, Any]:
        """Store a record; returns it as the API shows it."""

    async def list(self, kind: str | None) -> list[dict[str, Any]]:
        """Records of one kind (None: all), newest first."""


class CallRepository(Protocol):
    """Call attempts and their event logs; every change locks the call's row first."""

    async def create(self, row: StoredCall,
                     events: Iterable[NewEvent] = ()) -> tuple[StoredCall, bool]:
        """Insert an attempt; (the existing one, False) when that attempt already exists."""

    async def get(self, call_id: str) -> StoredCall | None:
        """One call by id."""

    async def attempt(self, conversation_pk: int, attempt: int) -> StoredCall | None:
        """A conversation's call attempt by number."""

    async def latest(self, conversation_pk: int) -> StoredCall | None:
        """A conversation's latest call attempt."""

    async def list_for_user(self, user_id: str, limit: int = 50) -> list[StoredCall]:
        """The user's calls, newest first."""

    async def renew_leases(self, owner: str, until: datetime) -> None:
        """Extend the lease of every in-flight call this worker owns."""

    async def recent(self, limit: int, *, scheduled_only: bool = False) -> list[StoredCall]:
        """The latest calls (or only the scheduled ones), newest first."""

    async def scheduled_past(self, now: datetime, limit: int) -> list[StoredCall]:
        """Scheduled calls whose time has come."""

    async def in_flight(self) -> list[StoredCall]:
        """Calls handed to the provider that have not ended."""

    async def events(self, call_id: str) -> list[StoredEvent]:
        """A call's event log, oldest first."""

    async def claim_due(self, worker: str, now: datetime, limit: int) -> list[StoredCall]:
        """Atomically take up to `limit` due scheduled calls for this worker."""

    async def mutate(self, call_id: str, mutation: Mutation) -> StoredCall | None:
        """Apply a mutation under the call's row lock; None when there is no such call."""
