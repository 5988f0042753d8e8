"""Values read from the store and used for a bounded time, without making requests wait.

The bearer tokens and the switches are read on nearly every request. Remembering them for a few
seconds saves the lookups; but when the remembered value expires, every request that arrives
before the new one is read would look it up again, and each would wait for the store: under
load that is a stall of every request in flight, once per expiry. So:

- one lookup at a time per key: whoever arrives while it runs waits for that same lookup;
- from half its time to live on, a value is still used, and a lookup refreshes it in the
  background: steady traffic never waits;
- a value is never used once its time to live has passed (counted from when its lookup
  started), so a change in the store shows within that time, as before.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from proxycall import logs

Key = TypeVar("Key")
Value = TypeVar("Value")


class FreshCache(Generic[Key, Value]):
    """Values by key, each used for at most `ttl` seconds after its lookup started."""

    def __init__(self, ttl: float, *, most: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._most = most
        self._clock = clock
        self._values: dict[Key, tuple[float, Value]] = {}
        self._lookups: dict[Key, asyncio.Task[Value]] = {}

    async def get(self, key: Key, lookup: Callable[[], Awaitable[Value]]) -> Value:
        """The key's value: remembered while fresh, else from the lookup (one at a time)."""
        remembered = self._values.get(key)
        if remembered is not None:
            age = self._clock() - remembered[0]
            if age < self._ttl:
                if age >= self._ttl / 2:
                    self._lookup(key, lookup)  # refreshed in the background
                return remembered[1]
        # shielded: a request that goes away must not cancel the lookup others wait for
        return await asyncio.shield(self._lookup(key, lookup))

    def forget(self, key: Key) -> None:
        """Drop the key's value; a lookup already running for it is not remembered either."""
        self._values.pop(key, None)
        self._lookups.pop(key, None)

    def forget_all(self) -> None:
        """Drop every value (and the lookups running)."""
        self._values.clear()
        self._lookups.clear()

    def _lookup(self, key: Key, lookup: Callable[[], Awaitable[Value]]) -> asyncio.Task[Value]:
        running = self._lookups.get(key)
        if running is None:
            running = self._lookups[key] = asyncio.ensure_future(self._read(key, lookup))
            running.add_done_callback(_seen)
        return running

    async def _read(self, key: Key, lookup: Callable[[], Awaitable[Value]]) -> Value:
        started = self._clock()
        try:
            value = await lookup()
        finally:
            mine = self._lookups.get(key) is asyncio.current_task()
            if mine:
                del self._lookups[key]
        if mine:  # not forgotten meanwhile: a value read before a change is not kept after it
            if len(self._values) >= self._most and key not in self._values:
                self._values.clear()  # crude but bounded: a miss costs one lookup
            self._values[key] = (started, value)
        return value


def _seen(task: asyncio.Task[object]) -> None:
    """A failed lookup is logged: a background one has nobody else to tell."""
    error = None if task.cancelled() else task.exception()
    if error is not None:
        logs.warning("lookup_failed", error=type(error).__name__)
