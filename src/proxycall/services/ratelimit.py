"""Per-user request limits: in memory per process, or shared by every process through Redis."""

from __future__ import annotations

import time

from limits import parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from proxycall.core.errors import RateLimited

REDIS_KEY_PREFIX = "proxycall-ratelimit"


def limit_storage(redis_url: str | None) -> Storage:
    """Redis (redis-py's asyncio client) when a URL is set, so all processes share one count."""
    if not redis_url:
        return MemoryStorage()
    uri = redis_url if redis_url.startswith("async+") else f"async+{redis_url}"
    return RedisStorage(uri, implementation="redispy", key_prefix=REDIS_KEY_PREFIX)


class RateLimiter:
    """A moving-window limit per key (the user id)."""

    def __init__(self, rule: str, storage: Storage | None = None) -> None:
        self._item = parse(rule)
        self._limiter = MovingWindowRateLimiter(storage or MemoryStorage())

    async def check(self, key: str) -> None:
        """Count one request for `key`; RateLimited (429 with Retry-After) past the limit."""
        if await self._limiter.hit(self._item, key):
            return
        stats = await self._limiter.get_window_stats(self._item, key)
        retry_after = max(1, int(stats.reset_time - time.time()) + 1)
        raise RateLimited("Too many requests; slow down a little.", retry_after)
