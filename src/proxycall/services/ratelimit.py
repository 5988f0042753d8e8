"""Per-user request limits: in memory per process, or shared by all processes through Redis."""

from __future__ import annotations

import time

from limits import parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from proxycall.errors import RateLimited


def _storage(redis_url: str | None, prefix: str) -> Storage:
    if not redis_url:
        return MemoryStorage()
    uri = redis_url if redis_url.startswith("async+") else f"async+{redis_url}"
    return RedisStorage(uri, implementation="redispy", key_prefix=f"{prefix}-limits")


class RateLimiter:
    """A moving-window limit per key (the user id)."""

    def __init__(self, rule: str, *, redis_url: str | None = None,
                 redis_prefix: str = "proxycall") -> None:
        self._item = parse(rule)
        self._limiter = MovingWindowRateLimiter(_storage(redis_url, redis_prefix))

    async def check(self, key: str) -> None:
        """Count one request for `key`; raise RateLimited when over the limit."""
        if await self._limiter.hit(self._item, key):
            return
        stats = await self._limiter.get_window_stats(self._item, key)
        retry_after = max(1, int(stats.reset_time - time.time()) + 1)
        raise RateLimited("Too many requests; slow down a little.", retry_after)
