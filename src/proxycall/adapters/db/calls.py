"""Call storage: one row per attempt (the exactly-once guard), its event log, atomic claims.

Every change to a call runs in one transaction that first locks the call's row: `SELECT ... FOR
UPDATE` on PostgreSQL; on SQLite a no-op UPDATE, which takes the database's single write lock
before anything is read, so the read-modify-write cannot interleave with another writer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from proxycall.adapters.db.models import Call, CallEvent
from proxycall.core.stores import Change, Mutation, NewEvent, StoredCall, StoredEvent

__all__ = ["CallStore", "Change", "NewEvent", "StoredCall", "StoredEvent"]

# Statuses of a call that was handed to the provider and has not ended.
DIALED_STATUSES = ("queued", "initiated", "ringing", "in-progress")

_PG_CLAIM = text(
    "UPDATE calls SET claimed_by = :me, status = 'queued', updated_at = :now "
    "WHERE id = (SELECT id FROM calls WHERE status = 'scheduled' AND scheduled_for <= :now "
    "ORDER BY scheduled_for FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id"
)



_COLUMNS = tuple(StoredCall.__dataclass_fields__)


def _stored(row: Call) -> StoredCall:
    return StoredCall(
        id=row.id, conversation_pk=row.conversation_id, user_id=row.user_id,
        attempt=row.attempt, agent_type=row.agent_type, status=row.status,
        to_number=row.to_number, callee_timezone=row.callee_timezone, provider=row.provider,
        provider_sid=row.provider_sid, scheduled_for=row.scheduled_for,
        claimed_by=row.claimed_by, answered_by=row.answered_by, end_reason=row.end_reason,
        flow_state=dict(row.flow_state) if row.flow_state is not None else None,
        values=dict(row.values), outcome=dict(row.outcome) if row.outcome else None,
        llm_calls=row.llm_calls, duration_seconds=row.duration_seconds, cost=row.cost,
        cost_currency=row.cost_currency, last_provider_event_at=row.last_provider_event_at,
        created_at=row.created_at, updated_at=row.updated_at,
        lease_expires_at=row.lease_expires_at, deadline_at=row.deadline_at,
    )


def _event_row(call_id: str, event: NewEvent) -> CallEvent:
    return CallEvent(
        call_id=call_id, at=event.at, kind=event.kind, status=event.status,
        speaker=event.speaker, text=event.text, applied=event.applied, payload=event.payload,
    )


class CallStore:
    """Calls and their events in the database; safe across processes and machines."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], dialect: str) -> None:
        self._sessions = sessions
        self._postgres = dialect.startswith("postgres")

    async def create(self, row: StoredCall, events: Iterable[NewEvent] = ()) -> tuple[
        StoredCall, bool
    ]:
        """Insert a call; if (conversation, attempt) exists, return that one and False."""
        try:
            async with self._sessions.begin() as session:
                call = Call(**{
                    name: getattr(row, name) for name in _COLUMNS if name != "conversation_pk"
                }, conversation_id=row.conversation_pk)
                session.add(call)
                await session.flush()
                session.add_all(_event_row(row.id, event) for event in events)
                return _stored(call), True
        except IntegrityError:
            existing = await self.attempt(row.conversation_pk, row.attempt)
            if existing is None:
                raise
            return existing, False

    async def get(self, call_id: str) -> StoredCall | None:
        """One call by id."""
        async with self._sessions() as session:
            row = await session.get(Call, call_id)
            return _stored(row) if row else None

    async def attempt(self, conversation_pk: int, attempt: int) -> StoredCall | None:
        """The call for one attempt of a conversation, if any."""
        async with self._sessions() as session:
            row = await session.scalar(select(Call).where(
                Call.conversation_id == conversation_pk, Call.attempt == attempt))
            return _stored(row) if row else None

    async def latest(self, conversation_pk: int) -> StoredCall | None:
        """The conversation's highest attempt."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(Call).where(Call.conversation_id == conversation_pk)
                .order_by(Call.attempt.desc()).limit(1))
            return _stored(row) if row else None

    async def list_for_user(self, user_id: str, limit: int = 50) -> list[StoredCall]:
        """The user's calls, newest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Call).where(Call.user_id == user_id)
                .order_by(Call.created_at.desc(), Call.id.desc()).limit(limit))
            return [_stored(row) for row in rows]

    async def renew_leases(self, owner: str, until: datetime) -> None:
        """Extend the lease of every call in flight that `owner` holds (one statement).

        Asked first whether it holds any: on SQLite even an UPDATE of no rows takes the file's
        write lock, and an idle worker would take it every second from the turns.
        """
        held = (Call.claimed_by == owner, Call.status.in_(DIALED_STATUSES))
        async with self._sessions() as session:
            if await session.scalar(select(Call.id).where(*held).limit(1)) is None:
                return
        async with self._sessions.begin() as session:
            await session.execute(update(Call).where(*held).values(lease_expires_at=until)
                                  .execution_options(synchronize_session=False))

    async def recent(self, limit: int, *, scheduled_only: bool = False) -> list[StoredCall]:
        """Every user's calls, newest first (the operator's list)."""
        query = select(Call).order_by(Call.created_at.desc(), Call.id.desc()).limit(limit)
        if scheduled_only:
            query = query.where(Call.status == "scheduled")
        async with self._sessions() as session:
            return [_stored(row) for row in await session.scalars(query)]

    async def scheduled_past(self, now: datetime, limit: int) -> list[StoredCall]:
        """Scheduled (not yet dialled) calls whose deadline has come."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Call).where(Call.status == "scheduled", Call.deadline_at <= now)
                .order_by(Call.deadline_at).limit(limit))
            return [_stored(row) for row in rows]

    async def in_flight(self) -> list[StoredCall]:
        """Calls handed to the provider that have not reached a terminal status."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Call).where(Call.status.in_(DIALED_STATUSES)).order_by(Call.created_at))
            return [_stored(row) for row in rows]

    async def events(self, call_id: str) -> list[StoredEvent]:
        """The call's events in the order they were recorded."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(CallEvent).where(CallEvent.call_id == call_id).order_by(CallEvent.id))
            return [
                StoredEvent(r.id, r.kind, r.at, r.status, r.speaker, r.text, r.applied,
                            dict(r.payload) if r.payload else None)
                for r in rows
            ]

    async def claim_due(self, worker: str, now: datetime, limit: int) -> list[StoredCall]:
        """Atomically take up to `limit` due scheduled calls (status becomes queued)."""
        claimed: list[StoredCall] = []
        for _ in range(limit):
            call = await (self._claim_pg(worker, now) if self._postgres
                          else self._claim_sqlite(worker, now))
            if call is None:
                break
            claimed.append(call)
        return claimed

    async def _claim_pg(self, worker: str, now: datetime) -> StoredCall | None:
        async with self._sessions.begin() as session:
            call_id = await session.scalar(_PG_CLAIM, {"me": worker, "now": now})
        return await self.get(call_id) if call_id else None

    async def _claim_sqlite(self, worker: str, now: datetime) -> StoredCall | None:
        async with self._sessions() as session:
            candidates = list(await session.scalars(
                select(Call.id).where(Call.status == "scheduled", Call.scheduled_for <= now)
                .order_by(Call.scheduled_for).limit(5)))
        for call_id in candidates:
            async with self._sessions.begin() as session:
                won = await session.scalar(
                    update(Call).where(Call.id == call_id, Call.status == "scheduled")
                    .values(status="queued", claimed_by=worker, updated_at=now)
                    .returning(Call.id))
            if won:
                return await self.get(call_id)
        return None

    async def mutate(self, call_id: str, mutation: Mutation) -> StoredCall | None:
        """Lock the call, compute a change from its current row, write it; None if no call."""
        async with self._sessions.begin() as session:
            row = await self._locked(session, call_id)
            if row is None:
                return None
            change = mutation(_stored(row))
            if change is not None:
                for name, value in change.values.items():
                    setattr(row, name, value)
                session.add_all(_event_row(call_id, event) for event in change.events)
                await session.flush()
            return _stored(row)

    async def _locked(self, session: AsyncSession, call_id: str) -> Call | None:
        if self._postgres:
            return await session.scalar(
                select(Call).where(Call.id == call_id).with_for_update())
        # SQLite: a write first takes the database write lock, then the read sees the latest row.
        await session.execute(
            update(Call).where(Call.id == call_id).values(updated_at=Call.updated_at)
            .execution_options(synchronize_session=False))
        return await session.get(Call, call_id, populate_existing=True)
