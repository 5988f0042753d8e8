"""The bearer-token cache: a hit within the TTL skips the store; revocation shows after it."""

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


def test_a_known_token_is_looked_up_once_within_the_ttl() -> None:
    store, now = Store(), [100.0]
    cache = TokenCache(store.by_token, clock=lambda: now[0])
    assert asyncio.run(cache.user("tok-a")) == "alice"
    now[0] += TOKEN_TTL_SECONDS - 0.1
    assert asyncio.run(cache.user("tok-a")) == "alice"
    assert store.lookups == 1


def test_a_revoked_token_stops_working_after_the_ttl() -> None:
    store, now = Store(), [100.0]
    cache = TokenCache(store.by_token, clock=lambda: now[0])
    assert asyncio.run(cache.user("tok-a")) == "alice"
    del store.users["tok-a"]
    now[0] += TOKEN_TTL_SECONDS
    assert asyncio.run(cache.user("tok-a")) is None
    assert store.lookups == 2


def test_an_unknown_token_is_not_remembered() -> None:
    store, now = Store(), [100.0]
    cache = TokenCache(store.by_token, clock=lambda: now[0])
    assert asyncio.run(cache.user("tok-b")) is None
    store.users["tok-b"] = "bob"
    assert asyncio.run(cache.user("tok-b")) == "bob"
    assert store.lookups == 2
