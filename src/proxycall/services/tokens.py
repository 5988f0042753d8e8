"""Bearer tokens remembered for a few seconds, so a turn doesn't look its user up every time."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from proxycall.services.fresh import FreshCache

TOKEN_TTL_SECONDS = 5.0  # a revoked or replaced token stops working within this long
MAX_TOKENS = 10_000

User = TypeVar("User")


class TokenCache(Generic[User]):
    """Remember who a valid token belongs to for `ttl` seconds; unknown tokens are not kept.

    Read through a `FreshCache`: one lookup at a time per token, refreshed in the background
    from half the ttl on, never used past it.
    """

    def __init__(self, lookup: Callable[[str], Awaitable[User | None]], *,
                 ttl: float = TOKEN_TTL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._lookup = lookup
        self._known: FreshCache[str, User | None] = FreshCache(ttl, most=MAX_TOKENS,
                                                               clock=clock)

    async def user(self, token: str) -> User | None:
        """The token's user, from memory when looked up less than `ttl` seconds ago."""
        key = hashlib.sha256(token.encode()).hexdigest()  # no raw token kept in memory
        user = await self._known.get(key, lambda: self._lookup(token))
        if user is None:
            self._known.forget(key)  # a token created a moment later works at once
        return user

    def forget_all(self) -> None:
        """Drop every remembered token (the admin token was replaced)."""
        self._known.forget_all()
