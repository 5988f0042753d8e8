"""Tables: users, conversations, turns, calls and their events, runtime switches, records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite has no BIGINT autoincrement; keep integer ids portable.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; SQLite drops offsets, so they are restored on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Store a datetime as naive UTC (refusing a naive one)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Read a stored datetime back as aware UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The declarative base of every table."""

    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    """A person or the admin; tokens are in credentials, hashed."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Credential(Base):
    """A bearer token (hashed) of a user; a user may hold several, each revoked on its own."""

    __tablename__ = "credentials"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class Conversation(Base):
    """One conversation: its state as JSON, its turn counter and last answer."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("user_id", "client_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))  # the unique index leads with it
    client_id: Mapped[str] = mapped_column(String(128))
    agent_type: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(8))
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    turn: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="ACTIVE")
    timezone: Mapped[str] = mapped_column(String(64))
    last_response: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Turn(Base):
    """One row per request that changed a conversation; doubles as the idempotency record."""

    __tablename__ = "turns"
    __table_args__ = (
        UniqueConstraint("conversation_id", "turn"),
        UniqueConstraint("conversation_id", "idempotency_key"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))  # leads both
    turn: Mapped[int] = mapped_column(Integer)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), nullable=True)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    action: Mapped[str] = mapped_column(String(16))
    ai_used: Mapped[bool] = mapped_column(Boolean, default=False)
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    duration_ms: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EngineEvent(Base):
    """Every v2 request (new turn or replay) and every anomaly: the metrics are counted here."""

    __tablename__ = "engine_events"
    __table_args__ = (Index("ix_engine_events_kind_at", "kind", "at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # request | anomaly
    engine: Mapped[str] = mapped_column(String(8))
    agent_type: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[str] = mapped_column(String(128))
    action: Mapped[str | None] = mapped_column(String(16), nullable=True)
    ai_used: Mapped[bool] = mapped_column(Boolean, default=False)
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    replay: Mapped[bool] = mapped_column(Boolean, default=False)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class EngineMinute(Base):
    """Per-minute counters of engine events, kept up to date in each turn's transaction."""

    __tablename__ = "engine_minutes"
    minute: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # request | anomaly
    agent_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    action: Mapped[str] = mapped_column(String(16), primary_key=True)  # "" when none
    requests: Mapped[int] = mapped_column(Integer, default=0)
    llm: Mapped[int] = mapped_column(Integer, default=0)
    fallbacks: Mapped[int] = mapped_column(Integer, default=0)
    replays: Mapped[int] = mapped_column(Integer, default=0)


class EngineTotal(Base):
    """All-time counters of engine events (the minute rows summed as they are written)."""

    __tablename__ = "engine_totals"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    agent_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    action: Mapped[str] = mapped_column(String(16), primary_key=True)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    llm: Mapped[int] = mapped_column(Integer, default=0)
    fallbacks: Mapped[int] = mapped_column(Integer, default=0)
    replays: Mapped[int] = mapped_column(Integer, default=0)


class Call(Base):
    """One call attempt: the exactly-once guard, its lease, status and outcome."""

    __tablename__ = "calls"
    __table_args__ = (UniqueConstraint("conversation_id", "attempt"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    agent_type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    to_number: Mapped[str] = mapped_column(String(32))
    callee_timezone: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(16))
    provider_sid: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    scheduled_for: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    answered_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    flow_state: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    llm_calls: Mapped[int] = mapped_column(Integer, default=0)
    duration_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cost: Mapped[str | None] = mapped_column(String(16), nullable=True)
    cost_currency: Mapped[str | None] = mapped_column(String(8), nullable=True)
    last_provider_event_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The process in `claimed_by` owns a dialed call while this is in the future (it renews it).
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # The last useful moment to dial (the agent's deadline): never dialled after it.
    deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class CallEvent(Base):
    """Audit trail and transcript of a call, in one table."""

    __tablename__ = "call_events"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(24))  # status | said | heard | note
    status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    speaker: Mapped[str | None] = mapped_column(String(16), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    applied: Mapped[bool] = mapped_column(Boolean, default=True)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class RuntimeSwitch(Base):
    """Operator switches every process reads: the kill switch, calls paused."""

    __tablename__ = "runtime_switches"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class RolloutRecord(Base):
    """A rollout step recorded for the report (smoke run, watch, switch reason)."""

    __tablename__ = "rollout_records"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


def utcnow() -> datetime:
    """The wall clock in UTC."""
    return datetime.now(UTC)
