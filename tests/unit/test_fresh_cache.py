"""FreshCache: one lookup at a time, refreshed in the background, never used past its time."""

from __future__ import annotations

import asyncio
from functools import partial

import pytest

from proxycall.services.fresh import FreshCache

TTL = 10.0


class Store:
    """A lookup that counts its calls and, when `gate` is set, waits for it to open."""

    def __init__(self) -> None:
        self.value = "v1"
        self.lookups = 0
        self.gate: asyncio.Event | None = None
        self.error: Exception | None = None

    async def read(self) -> str:
        self.lookups += 1
        value = self.value  # read when the lookup starts, as a database read would be
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        return value


async def _steps() -> None:
    """Let the tasks started so far run up to their next wait."""
    for _ in range(3):
        await asyncio.sleep(0)


def _cache() -> tuple[FreshCache[str, str], Store, list[float]]:
    now = [100.0]
    return FreshCache(TTL, clock=lambda: now[0]), Store(), now


async def test_requests_that_arrive_during_a_lookup_share_it() -> None:
    cache, store, _ = _cache()
    store.gate = asyncio.Event()
    waiting = [asyncio.ensure_future(cache.get("k", store.read)) for _ in range(20)]
    await _steps()
    store.gate.set()
    assert await asyncio.gather(*waiting) == ["v1"] * 20
    assert store.lookups == 1


async def test_a_value_younger_than_half_its_time_is_used_without_a_lookup() -> None:
    cache, store, now = _cache()
    assert await cache.get("k", store.read) == "v1"
    store.value = "v2"
    now[0] += TTL / 2 - 0.01
    assert await cache.get("k", store.read) == "v1"
    await _steps()
    assert store.lookups == 1


async def test_from_half_its_time_a_value_is_used_and_refreshed_in_the_background() -> None:
    cache, store, now = _cache()
    await cache.get("k", store.read)
    store.value, store.gate = "v2", asyncio.Event()
    now[0] += TTL / 2
    assert await cache.get("k", store.read) == "v1"  # answered at once, not after the lookup
    assert await cache.get("k", store.read) == "v1"
    store.gate.set()
    for _ in range(3):
        await _steps()
    assert await cache.get("k", store.read) == "v2"
    assert store.lookups == 2


async def test_a_value_is_never_used_once_its_time_has_passed() -> None:
    cache, store, now = _cache()
    await cache.get("k", store.read)
    store.value = "v2"
    now[0] += TTL
    assert await cache.get("k", store.read) == "v2"


async def test_a_values_time_counts_from_when_its_lookup_started() -> None:
    cache, store, now = _cache()
    store.gate = asyncio.Event()
    first = asyncio.ensure_future(cache.get("k", store.read))
    await _steps()
    now[0] += TTL  # the lookup took the whole ttl: what it read is already too old
    store.gate.set()
    assert await first == "v1"
    store.value, store.gate = "v2", None
    assert await cache.get("k", store.read) == "v2"


async def test_a_lookup_running_when_the_key_is_forgotten_is_not_remembered() -> None:
    cache, store, _ = _cache()
    store.gate = asyncio.Event()
    before = asyncio.ensure_future(cache.get("k", store.read))
    await _steps()
    store.value = "v2"  # changed, and the cache told, while the old read was running
    cache.forget("k")
    store.gate.set()
    assert await before == "v1"
    assert await cache.get("k", store.read) == "v2"


async def test_a_request_that_goes_away_does_not_cancel_the_lookup_others_wait_for() -> None:
    cache, store, _ = _cache()
    store.gate = asyncio.Event()
    leaving = asyncio.ensure_future(cache.get("k", store.read))
    staying = asyncio.ensure_future(cache.get("k", store.read))
    await _steps()
    leaving.cancel()
    store.gate.set()
    assert await staying == "v1"
    assert store.lookups == 1


async def test_a_failed_lookup_reaches_its_waiters_and_the_next_use_tries_again() -> None:
    cache, store, _ = _cache()
    store.error = RuntimeError("store down")
    with pytest.raises(RuntimeError):
        await cache.get("k", store.read)
    store.error = None
    assert await cache.get("k", store.read) == "v1"
    assert store.lookups == 2


async def test_the_number_of_values_kept_is_bounded() -> None:
    now = [0.0]
    cache: FreshCache[int, int] = FreshCache(TTL, most=3, clock=lambda: now[0])
    lookups: list[int] = []

    async def read(key: int) -> int:
        lookups.append(key)
        return key

    for key in [0, 1, 2, 3, 4, 0]:
        assert await cache.get(key, partial(read, key)) == key
    assert lookups == [0, 1, 2, 3, 4, 0]  # 0 was let go to keep at most 3
