"""Conversation storage: optimistic turns, idempotency records, engine events, users."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, cast, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from proxycall.adapters.db.models import Conversation, Credential, EngineEvent, Turn, User


@dataclass(frozen=True)
class StoredConversation:
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


@dataclass(frozen=True)
class TurnRecord:
    turn: int
    idempotency_key: str | None
    request: dict[str, Any]
    response: dict[str, Any]
    action: str
    ai_used: bool
    fallback: bool
    duration_ms: float


@dataclass(frozen=True)
class RequestCounts:
    agent_type: str
    action: str | None
    requests: int
    llm: int
    fallbacks: int
    replays: int


@dataclass(frozen=True)
class UserRecord:
    id: str
    name: str
    is_admin: bool


ADMIN_USER_ID = "admin"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _stored(row: Conversation) -> StoredConversation:
    return StoredConversation(
        row.id, row.user_id, row.client_id, row.agent_type, dict(row.state), row.turn,
        row.status, row.timezone, row.last_response, row.updated_at,
    )


class ConversationStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def load(self, user_id: str, client_id: str) -> StoredConversation | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(Conversation).where(
                    Conversation.user_id == user_id, Conversation.client_id == client_id
                )
            )
            return _stored(row) if row else None

    async def create(
        self, user_id: str, client_id: str, agent_type: str, engine: str, timezone: str,
        state: dict[str, Any], now: datetime,
    ) -> StoredConversation:
        """Insert a conversation; if another request won the race, return theirs."""
        try:
            async with self._sessions.begin() as session:
                row = Conversation(
                    user_id=user_id, client_id=client_id, agent_type=agent_type, engine=engine,
                    state=state, turn=0, status="ACTIVE", timezone=timezone,
                    created_at=now, updated_at=now,
                )
                session.add(row)
                await session.flush()
                return _stored(row)
        except IntegrityError:
            existing = await self.load(user_id, client_id)
            if existing is None:
                raise
            return existing

    async def replay(self, conversation_pk: int, key: str) -> dict[str, Any] | None:
        async with self._sessions() as session:
            response = await session.scalar(
                select(Turn.response).where(
                    Turn.conversation_id == conversation_pk, Turn.idempotency_key == key
                )
            )
            return dict(response) if response is not None else None

    async def commit_turn(
        self, conversation: StoredConversation, state: dict[str, Any], status: str,
        timezone: str, record: TurnRecord, now: datetime, events: list[EngineEvent],
    ) -> bool:
        """Store the turn if nobody else moved the conversation meanwhile (optimistic)."""
        try:
            async with self._sessions.begin() as session:
                result = await session.execute(
                    update(Conversation)
                    .where(Conversation.id == conversation.pk,
                           Conversation.turn == conversation.turn)
                    .values(state=state, turn=record.turn, status=status, timezone=timezone,
                            last_response=record.response, updated_at=now)
                )
                if result.rowcount != 1:  # type: ignore[attr-defined]
                    await session.rollback()
                    return False
                session.add(Turn(
                    conversation_id=conversation.pk, turn=record.turn,
                    idempotency_key=record.idempotency_key, request=record.request,
                    response=record.response, action=record.action, ai_used=record.ai_used,
                    fallback=record.fallback, duration_ms=record.duration_ms, created_at=now,
                ))
                session.add_all(events)
        except IntegrityError:
            return False
        return True

    async def list_for_user(self, user_id: str, limit: int = 50) -> list[StoredConversation]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Conversation).where(Conversation.user_id == user_id)
                .order_by(Conversation.updated_at.desc(), Conversation.id.desc()).limit(limit)
            )
            return [_stored(row) for row in rows]

    async def get_by_pk(self, pk: int) -> StoredConversation | None:
        async with self._sessions() as session:
            row = await session.get(Conversation, pk)
            return _stored(row) if row else None


@dataclass(frozen=True)
class TimelineEvent:
    """One engine event as the operator's charts need it (no personal data)."""

    at: datetime
    kind: str  # request | anomaly
    agent: str
    ai_used: bool
    fallback: bool
    anomaly: str
    conversation_id: str


class EventStore:
    """Engine events: one row per v2 request and per anomaly; the metrics are counted here."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(self, events: list[EngineEvent]) -> None:
        async with self._sessions.begin() as session:
            session.add_all(events)

    async def timeline(self, since: datetime, limit: int) -> list[TimelineEvent]:
        """Requests and anomalies since `since`, oldest first, at most `limit` (for charts)."""
        query = (select(EngineEvent.at, EngineEvent.kind, EngineEvent.agent_type,
                        EngineEvent.ai_used, EngineEvent.fallback, EngineEvent.detail,
                        EngineEvent.conversation_id)
                 .where(EngineEvent.at >= since).order_by(EngineEvent.at).limit(limit))
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return [TimelineEvent(at, kind, agent, bool(ai), bool(fb),
                              str((detail or {}).get("kind") or ""), cid)
                for at, kind, agent, ai, fb, detail, cid in rows]

    async def request_counts(self, since: datetime | None) -> list[RequestCounts]:
        """Per agent and action: requests, LLM use, fallbacks, replays (counted in SQL)."""
        as_int = Integer()
        query = select(
            EngineEvent.agent_type, EngineEvent.action, func.count(EngineEvent.id),
            func.sum(cast(EngineEvent.ai_used, as_int)),
            func.sum(cast(EngineEvent.fallback, as_int)),
            func.sum(cast(EngineEvent.replay, as_int)),
        ).where(EngineEvent.kind == "request").group_by(EngineEvent.agent_type,
                                                       EngineEvent.action)
        if since is not None:
            query = query.where(EngineEvent.at >= since)
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return [RequestCounts(agent, action, int(n), int(llm or 0), int(fb or 0), int(rp or 0))
                for agent, action, n, llm, fb, rp in rows]

    async def anomalies(self, since: datetime | None, limit: int = 200) -> list[EngineEvent]:
        query = select(EngineEvent).where(EngineEvent.kind == "anomaly")
        if since is not None:
            query = query.where(EngineEvent.at >= since)
        async with self._sessions() as session:
            return list(await session.scalars(query.order_by(EngineEvent.id.desc())
                                              .limit(limit)))

    async def anomaly_counts(self, since: datetime | None) -> dict[str, int]:
        query = select(EngineEvent.agent_type, func.count(EngineEvent.id)).where(
            EngineEvent.kind == "anomaly").group_by(EngineEvent.agent_type)
        if since is not None:
            query = query.where(EngineEvent.at >= since)
        async with self._sessions() as session:
            return {agent: int(n) for agent, n in (await session.execute(query)).all()}

    async def count(self) -> int:
        async with self._sessions() as session:
            return int(await session.scalar(select(func.count(EngineEvent.id))) or 0)


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
