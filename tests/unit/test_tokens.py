"""The bearer-token cache: used within the TTL without a lookup; revocation shows after it."""

from __future__ import annotations

import asyncio

from proxycall.services.tokens import TOKEN_TTL_SECONDS, TokenCache


class Store:
    def __init__(self) -> None:
        self.users = {"tok-a": "alice"}
        self.lookups = 0

    async def by_token(self, token: str) -> str | None:
        self.lookups += 1
        return self.users.get(token)


async def test_a_known_token_is_looked_up_once_within_half_the_ttl() -> None:
    store, now = Store(), [100.0]
    cache = TokenCache(store.by_token, clock=lambda: now[0])
    assert await cache.user("tok-a") == "alice"
    now[0] += TOKEN_TTL_SECONDS / 2 - 0.1
    assert await cache.user("tok-a") == "alice"
    assert store.lookups == 1


async def test_a_revoked_token_stops_working_after_the_ttl() -> None:
    store, now = Store(), [100.0]
    cache = TokenCache(store.by_token, clock=lambda: now[0])
    assert await cache.user("tok-a") == "alice"
    del store.users["tok-a"]
    now[0] += TOKEN_TTL_SECONDS
    assert await cache.user("tok-a") is None
    assert store.lookups == 2


async def test_a_revoked_token_seen_by_a_background_refresh_stops_working_at_once() -> None:
    store, now = Store(), [100.0]
    cache = TokenCache(store.by_token, clock=lambda: now[0])
    assert await cache.user("tok-a") == "alice"
    del store.users["tok-a"]
    now[0] += TOKEN_TTL_SECONDS / 2  # still used, and refreshed behind the request
    assert await cache.user("tok-a") == "alice"
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert await cache.user("tok-a") is None
    assert store.lookups == 2


async def test_an_unknown_token_is_not_remembered() -> None:
    store, now = Store(), [100.0]
    cache = TokenCache(store.by_token, clock=lambda: now[0])
    assert await cache.user("tok-b") is None
    store.users["tok-b"] = "bob"
    assert await cache.user("tok-b") == "bob"
    assert store.lookups == 2
