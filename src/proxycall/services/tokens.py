"""Bearer tokens remembered for a few seconds, so a turn doesn't look its user up every time."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

TOKEN_TTL_SECONDS = 5.0  # a revoked or replaced token stops working within this long
MAX_TOKENS = 10_000

User = TypeVar("User")


class TokenCache(Generic[User]):
    """Remember who a valid token belongs to for `ttl` seconds; unknown tokens are not kept."""

    def __init__(self, lookup: Callable[[str], Awaitable[User | None]], *,
                 ttl: float = TOKEN_TTL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._lookup = lookup
        self._ttl = ttl
        self._clock = clock
        self._known: dict[str, tuple[float, User]] = {}

    async def user(self, token: str) -> User | None:
        """The token's user, from memory when looked up less than `ttl` seconds ago."""
        key = hashlib.sha256(token.encode()).hexdigest()  # no raw token kept in memory
        now = self._clock()
        hit = self._known.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        user = await self._lookup(token)
        if user is None:
            self._known.pop(key, None)
            return None
        if len(self._known) >= MAX_TOKENS:
            self._known.clear()  # crude but bounded; a miss only costs one lookup
        self._known[key] = (now, user)
        return user

    def forget_all(self) -> None:
        """Drop every remembered token (the admin token was replaced)."""
        self._known.clear()
