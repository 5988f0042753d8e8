"""Per-user request limits (in memory per process; `limits` can use Redis when scaled out)."""

from __future__ import annotations

import time

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from proxycall.errors import RateLimited


class RateLimiter:
    def __init__(self, rule: str) -> None:
        self._item = parse(rule)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def check(self, key: str) -> None:
        if await self._limiter.hit(self._item, key):
            return
        stats = await self._limiter.get_window_stats(self._item, key)
        retry_after = max(1, int(stats.reset_time - time.time()) + 1)
        raise RateLimited("Too many requests; slow down a little.", retry_after)
