"""Runtime switches and rollout records in the database, shared by every process."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from proxycall.adapters.db.models import RolloutRecord, RuntimeSwitch
from proxycall.core.stores import SwitchValue

__all__ = ["RecordStore", "SwitchStore", "SwitchValue"]



class SwitchStore:
    """Runtime switches in the database, shared by every process."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get(self, name: str) -> SwitchValue:
        """A switch's stored value (off when never set)."""
        async with self._sessions() as session:
            row = await session.get(RuntimeSwitch, name)
            return SwitchValue(row.active, row.updated_at) if row else SwitchValue(False, None)

    async def set(self, name: str, active: bool, by: str, now: datetime) -> SwitchValue:
        """Turn a switch on or off, recording who did it."""
        async with self._sessions.begin() as session:
            row = await session.get(RuntimeSwitch, name, with_for_update=True)
            if row is None:
                session.add(RuntimeSwitch(name=name, active=active, updated_at=now,
                                          updated_by=by))
            else:
                row.active, row.updated_at, row.updated_by = active, now, by
        return SwitchValue(active, now)


class RecordStore:
    """Rollout records in the database."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(self, kind: str, data: dict[str, Any], now: datetime) -> dict[str, Any]:
        """Store a record; returns it as the API shows it."""
        async with self._sessions.begin() as session:
            row = RolloutRecord(kind=kind, data=data, created_at=now)
            session.add(row)
            await session.flush()
            return _record(row)

    async def list(self, kind: str | None) -> list[dict[str, Any]]:
        """Records of one kind (None: all), newest first."""
        async with self._sessions() as session:
            query = select(RolloutRecord).order_by(RolloutRecord.id.desc())
            if kind:
                query = query.where(RolloutRecord.kind == kind)
            return [_record(row) for row in await session.scalars(query)]


def _record(row: RolloutRecord) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "createdAt": row.created_at.isoformat(),
            "data": row.data}
