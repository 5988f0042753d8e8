"""The kill switch and the calls-paused switch: env OR runtime, seen by every process in 2 s."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from proxycall import logs
from proxycall.core.stores import RecordRepository, SwitchRepository, SwitchValue
from proxycall.services.fresh import FreshCache

KILL_SWITCH = "kill_switch"
CALLS_PAUSED = "calls_paused"
CACHE_SECONDS = 1.0  # every process re-reads at least this often: changes show within 2 s


class Switches:
    """The kill switch and calls-paused: env OR runtime, read through a 1-second `FreshCache`."""

    def __init__(self, store: SwitchRepository, env_kill_switch: bool,
                 clock: Callable[[], datetime], records: RecordRepository | None = None) -> None:
        self._store = store
        self._records = records
        self.env_kill_switch = env_kill_switch
        self._clock = clock
        self._cache: FreshCache[str, SwitchValue] = FreshCache(CACHE_SECONDS)

    async def _read(self, name: str) -> SwitchValue:
        return await self._cache.get(name, lambda: self._store.get(name))

    async def kill_switch(self) -> dict[str, object]:
        """The kill switch as the API shows it: env, runtime, effective, last change."""
        runtime = await self._read(KILL_SWITCH)
        return {
            "env": self.env_kill_switch,
            "runtime": runtime.active,
            "effective": self.env_kill_switch or runtime.active,
            "updatedAt": runtime.updated_at.isoformat() if runtime.updated_at else None,
        }

    async def kill_switch_active(self) -> bool:
        """True when v1 answers every /v2 request (env or runtime)."""
        return self.env_kill_switch or (await self._read(KILL_SWITCH)).active

    async def set_kill_switch(self, active: bool, by: str,
                              reason: str | None = None) -> dict[str, object]:
        """Flip the runtime switch; the flip (with who and why) is recorded for the report."""
        now = self._clock()
        await self._store.set(KILL_SWITCH, active, by, now)
        self._cache.forget(KILL_SWITCH)
        logs.kill_switch_changed(active, by)
        if self._records is not None:  # the rollout report reads flips from the records
            await self._records.add("note", {"event": "kill_switch", "active": active,
                                             "by": by, "at": now.isoformat(),
                                             "reason": reason}, now)
        return await self.kill_switch()

    async def calls_paused(self) -> dict[str, object]:
        """Calls-paused as the API shows it: paused, last change, why."""
        value = await self._read(CALLS_PAUSED)
        return {"paused": value.active,
                "updatedAt": value.updated_at.isoformat() if value.updated_at else None}

    async def calls_paused_active(self) -> bool:
        """True when no call may be dialled."""
        return (await self._read(CALLS_PAUSED)).active

    async def set_calls_paused(self, paused: bool, by: str,
                               reason: str | None = None) -> dict[str, object]:
        """Pause or resume dialling; the change (with who and why) is recorded for the report."""
        now = self._clock()
        await self._store.set(CALLS_PAUSED, paused, by, now)
        self._cache.forget(CALLS_PAUSED)
        logs.warning("calls_paused_changed", paused=paused, by=by)
        if self._records is not None:
            await self._records.add("note", {"event": "calls_paused", "paused": paused,
                                             "by": by, "at": now.isoformat(),
                                             "reason": reason}, now)
        return await self.calls_paused()
