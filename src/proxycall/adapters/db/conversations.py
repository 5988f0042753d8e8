"""Conversation storage: optimistic turns, idempotency records, engine events, users."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy import insert as sa_insert
from sqlalchemy import null as sa_null
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from proxycall.adapters.db.models import (
    Conversation,
    Credential,
    EngineEvent,
    EngineMinute,
    EngineTotal,
    Turn,
    User,
)
from proxycall.adapters.db.turn_path import TurnPath, TurnWrite, tally
from proxycall.core.stores import (
    NEW_CONVERSATION,
    EngineEventRecord,
    MinuteCounts,
    RequestCounts,
    StoredConversation,
    TurnRecord,
    UserRecord,
)

__all__ = ["NEW_CONVERSATION", "ConversationStore", "EventStore", "MinuteCounts", "RequestCounts",
           "StoredConversation", "TurnRecord", "UserRecord", "UserStore"]

ADMIN_USER_ID = "admin"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _stored(row: Conversation) -> StoredConversation:
    return StoredConversation(
        row.id, row.user_id, row.client_id, row.agent_type, dict(row.state), row.turn,
        row.status, row.timezone, row.last_response, row.updated_at,
    )


class ConversationStore:
    """Conversations and their turns; on SQLite all of a process's writes go one at a time."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 writer: TurnPath | None = None) -> None:
        self._sessions = sessions
        self._writer = writer  # SQLite: turns go through the process's one writer
        bind = sessions.kw.get("bind")
        sqlite = bind is not None and bind.dialect.name == "sqlite"
        # SQLite has one writer: queueing here is cheap, while writers racing for the file lock
        # sleep in its busy handler (the old one-second tail). Other processes still take turns
        # through the busy timeout.
        self._writes: asyncio.Lock | contextlib.nullcontext[None] = (
            asyncio.Lock() if sqlite else contextlib.nullcontext())

    async def load(self, user_id: str, client_id: str,
                   idempotency_key: str | None = None) -> StoredConversation | None:
        """The conversation and, given a key, the response already stored for it (one query)."""
        if self._writer is not None:
            return await self._writer.load(user_id, client_id, idempotency_key)
        c = Conversation.__table__.c
        replay = Turn.__table__.c.response if idempotency_key else None
        columns = [c.id, c.user_id, c.client_id, c.agent_type, c.state, c.turn, c.status,
                   c.timezone, c.last_response, c.updated_at]
        query = select(*columns, replay if replay is not None else sa_null())
        if idempotency_key:
            query = query.outerjoin(Turn, (Turn.conversation_id == c.id)
                                    & (Turn.idempotency_key == idempotency_key))
        query = query.where(c.user_id == user_id, c.client_id == client_id)
        async with self._sessions() as session:
            row = (await session.execute(query)).first()
        if row is None:
            return None
        pk, user, client, agent, state, turn, status, tz, last, updated, replayed = row
        if updated.tzinfo is None:  # SQLite: the UTC column type restores the offset
            updated = updated.replace(tzinfo=UTC)
        return StoredConversation(pk, user, client, agent, dict(state), turn, status, tz, last,
                                  updated, dict(replayed) if replayed is not None else None)

    async def create(
        self, user_id: str, client_id: str, agent_type: str, engine: str, timezone: str,
        state: dict[str, Any], now: datetime,
    ) -> StoredConversation:
        """Insert a conversation; if another request won the race, return theirs."""
        try:
            async with self._writes, self._sessions.begin() as session:
                pk = await session.scalar(sa_insert(Conversation).values(
                    user_id=user_id, client_id=client_id, agent_type=agent_type, engine=engine,
                    state=state, turn=0, status="ACTIVE", timezone=timezone,
                    created_at=now, updated_at=now,
                ).returning(Conversation.id))
                assert pk is not None  # RETURNING gives the new id
                return StoredConversation(int(pk), user_id, client_id, agent_type, state, 0,
                                          "ACTIVE", timezone, None, now)
        except IntegrityError:
            existing = await self.load(user_id, client_id)
            if existing is None:
                raise
            return existing

    async def replay(self, conversation_pk: int, key: str) -> dict[str, Any] | None:
        """The response stored for an idempotency key, if any."""
        async with self._sessions() as session:
            response = await session.scalar(
                select(Turn.response).where(
                    Turn.conversation_id == conversation_pk, Turn.idempotency_key == key
                )
            )
            return dict(response) if response is not None else None

    async def commit_turn(
        self, conversation: StoredConversation, state: dict[str, Any], status: str,
        timezone: str, record: TurnRecord, now: datetime, events: list[EngineEventRecord],
    ) -> bool:
        """Store the turn if nobody else moved the conversation meanwhile (optimistic)."""
        if self._writer is not None:
            return await self._writer.write_turn(TurnWrite(
                conversation, state, status, timezone, record, now, events))
        try:
            async with self._writes, self._sessions.begin() as session:
                values = {"state": state, "turn": record.turn, "status": status,
                          "timezone": timezone, "last_response": record.response,
                          "updated_at": now}
                if conversation.pk == NEW_CONVERSATION:  # first turn: insert both together
                    pk = await session.scalar(sa_insert(Conversation).values(
                        user_id=conversation.user_id, client_id=conversation.client_id,
                        agent_type=conversation.agent_type, engine=conversation.engine,
                        created_at=now, **values).returning(Conversation.id))
                else:
                    pk = conversation.pk
                    result = await session.execute(
                        update(Conversation)
                        .where(Conversation.id == pk, Conversation.turn == conversation.turn)
                        .values(**values))
                    if result.rowcount != 1:  # type: ignore[attr-defined]  # reason: CursorResult's
                        await session.rollback()
                        return False
                await session.execute(sa_insert(Turn).values(
                    conversation_id=pk, turn=record.turn,
                    idempotency_key=record.idempotency_key, request=record.request,
                    response=record.response, action=record.action, ai_used=record.ai_used,
                    fallback=record.fallback, duration_ms=record.duration_ms, created_at=now,
                ))
                await add_events(session, events)
        except IntegrityError:
            return False
        return True

    async def list_for_user(self, user_id: str, limit: int = 50) -> list[StoredConversation]:
        """The user's conversations, most recently changed first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Conversation).where(Conversation.user_id == user_id)
                .order_by(Conversation.updated_at.desc(), Conversation.id.desc()).limit(limit)
            )
            return [_stored(row) for row in rows]

    async def get_by_pk(self, pk: int) -> StoredConversation | None:
        """One conversation by its stored id."""
        async with self._sessions() as session:
            row = await session.get(Conversation, pk)
            return _stored(row) if row else None




class EventStore:
    """Engine events: one row per v2 request and per anomaly; the metrics are counted here."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 writer: TurnPath | None = None) -> None:
        self._sessions = sessions
        self._writer = writer

    async def add(self, events: list[EngineEventRecord]) -> None:
        """Store events and count them into their minute rows, in one transaction."""
        if self._writer is not None:
            await self._writer.write_events(events)
            return
        async with self._sessions.begin() as session:
            await add_events(session, events)

    async def minute_counts(self, first_minute: datetime) -> list[MinuteCounts]:
        """Requests per minute and agent from a whole minute on, oldest first (the counters)."""
        m = EngineMinute
        query = (select(m.minute, m.agent_type, func.sum(m.requests), func.sum(m.llm),
                        func.sum(m.fallbacks))
                 .where(m.kind == "request", m.minute >= first_minute)
                 .group_by(m.minute, m.agent_type).order_by(m.minute, m.agent_type))
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return [MinuteCounts(minute, agent, int(n or 0), int(llm or 0), int(fb or 0))
                for minute, agent, n, llm, fb in rows]

    async def request_counts(self, since: datetime | None) -> list[RequestCounts]:
        """Per agent and action: requests, LLM use, fallbacks, replays (from the minute rows)."""
        first = first_whole_minute(since) if since is not None else None
        if self._writer is not None:  # SQLite: a plain read beside the writer, no ORM session
            rows: Sequence[Any] = await self._writer.request_counts(first)
        else:
            m: Any = EngineMinute if first is not None else EngineTotal  # all time: a few rows
            query = select(m.agent_type, m.action, func.sum(m.requests), func.sum(m.llm),
                           func.sum(m.fallbacks), func.sum(m.replays)
                           ).where(m.kind == "request").group_by(m.agent_type, m.action)
            if first is not None:
                query = query.where(m.minute >= first)
            async with self._sessions() as session:
                rows = (await session.execute(query)).all()
        return [RequestCounts(agent, action or None, int(n or 0), int(llm or 0), int(fb or 0),
                              int(rp or 0))
                for agent, action, n, llm, fb, rp in rows]

    async def anomalies(self, since: datetime | None,
                        limit: int = 200) -> list[EngineEventRecord]:
        """The latest anomalies, newest first."""
        query = select(EngineEvent).where(EngineEvent.kind == "anomaly")
        if since is not None:
            query = query.where(EngineEvent.at >= since)
        async with self._sessions() as session:
            rows = await session.scalars(query.order_by(EngineEvent.id.desc()).limit(limit))
            return [_event_record(row) for row in rows]

    async def anomaly_counts(self, since: datetime | None) -> dict[str, int]:
        """Anomalies per agent since a moment (None: all time), from the counters."""
        m: Any = EngineMinute if since is not None else EngineTotal
        query = select(m.agent_type, func.sum(m.requests)).where(
            m.kind == "anomaly").group_by(m.agent_type)
        if since is not None:
            query = query.where(m.minute >= first_whole_minute(since))
        async with self._sessions() as session:
            return {agent: int(n or 0) for agent, n in (await session.execute(query)).all()}


COUNTERS = ("requests", "llm", "fallbacks", "replays")  # in the order `tally` gives them
_COUNTED_BY = ("kind", "agent_type", "action")


def first_whole_minute(since: datetime) -> datetime:
    """The first minute row inside a window starting at `since` (15 minutes: 15 rows)."""
    floor = since.replace(second=0, microsecond=0)
    return floor if floor == since else floor + timedelta(minutes=1)


EVENT_COLUMNS = tuple(c.key for c in EngineEvent.__table__.columns if c.key != "id")


def _event_row(event: EngineEventRecord) -> dict[str, Any]:
    return {key: getattr(event, key) for key in EVENT_COLUMNS}


def _event_record(row: EngineEvent) -> EngineEventRecord:
    return EngineEventRecord(**{key: getattr(row, key) for key in EVENT_COLUMNS})


async def add_events(session: AsyncSession, events: list[EngineEventRecord]) -> None:
    """Count the events into their minute and all-time rows, and insert those kept (Core)."""
    kept = [_event_row(e) for e in events if e.kept]
    if kept:
        await session.execute(sa_insert(EngineEvent), kept)
    await count_events(session, events)


async def count_events(session: AsyncSession, events: list[EngineEventRecord]) -> None:
    """Add the events to their minute and all-time rows (upserts, in the caller's transaction)."""
    counted = tally(events)
    if not counted.minutes:
        return
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    minute_keys, total_keys = ["minute", *_COUNTED_BY], list(_COUNTED_BY)
    for table, keys, rows in ((EngineMinute, minute_keys, counted.minutes),
                              (EngineTotal, total_keys, counted.totals)):
        statement = insert(table)
        await session.execute(statement.on_conflict_do_update(
            index_elements=keys,
            set_={name: getattr(table, name) + getattr(statement.excluded, name)
                  for name in COUNTERS}), [dict(zip((*keys, *COUNTERS), row, strict=True))
                                           for row in rows])


class UserStore:
    """Users and their credentials: tokens are stored hashed, several per user, each revocable."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def create(self, name: str, token: str, now: datetime, *, is_admin: bool = False,
                     user_id: str | None = None) -> UserRecord:
        """A new user holding `token`."""
        async with self._sessions.begin() as session:
            user = User(id=user_id or str(uuid.uuid4()), name=name, is_admin=is_admin,
                        created_at=now)
            session.add(user)
            await session.flush()
            session.add(Credential(token_hash=hash_token(token), user_id=user.id,
                                   created_at=now))
        return UserRecord(user.id, user.name, user.is_admin)

    async def by_token(self, token: str) -> UserRecord | None:
        """The user a live (not revoked) token belongs to."""
        query = (select(User.id, User.name, User.is_admin)
                 .join(Credential, Credential.user_id == User.id)
                 .where(Credential.token_hash == hash_token(token),
                        Credential.revoked_at.is_(None)))
        async with self._sessions() as session:
            row = (await session.execute(query)).first()
        return UserRecord(row[0], row[1], bool(row[2])) if row else None

    async def ensure_admin(self, token: str, now: datetime) -> UserRecord:
        """Add `token` as a credential of the admin user; other processes' tokens stay valid."""
        try:
            async with self._sessions.begin() as session:
                if await session.get(User, ADMIN_USER_ID) is None:
                    session.add(User(id=ADMIN_USER_ID, name="Admin", is_admin=True,
                                     created_at=now))
                    await session.flush()
                if await session.get(Credential, hash_token(token)) is None:
                    session.add(Credential(token_hash=hash_token(token),
                                           user_id=ADMIN_USER_ID, created_at=now))
        except IntegrityError:  # another process added the same user or token just now
            pass
        return UserRecord(ADMIN_USER_ID, "Admin", True)

    async def ensure_user(self, user_id: str, name: str, token: str,
                          now: datetime) -> UserRecord:
        """A regular user with this fixed id holding `token` (made once, kept after)."""
        try:
            async with self._sessions.begin() as session:
                if await session.get(User, user_id) is None:
                    session.add(User(id=user_id, name=name, is_admin=False, created_at=now))
                    await session.flush()
                if await session.get(Credential, hash_token(token)) is None:
                    session.add(Credential(token_hash=hash_token(token), user_id=user_id,
                                           created_at=now))
        except IntegrityError:  # another process made it just now
            pass
        return UserRecord(user_id, name, False)

    async def revoke(self, now: datetime, *, token: str | None = None,
                     user_id: str | None = None) -> int:
        """Revoke one token, or every token of a user; the number revoked."""
        query = update(Credential).where(Credential.revoked_at.is_(None))
        if token is not None:
            query = query.where(Credential.token_hash == hash_token(token))
        elif user_id is not None:
            query = query.where(Credential.user_id == user_id)
        else:
            return 0
        async with self._sessions.begin() as session:
            result = await session.execute(query.values(revoked_at=now))
        return int(getattr(result, "rowcount", 0) or 0)
