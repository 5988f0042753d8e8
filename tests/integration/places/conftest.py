"""Fixtures: the fake Google Places, in-process (ASGI) and over a real 127.0.0.1 socket."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest

from proxycall.adapters.places.fake_google import FAKE_API_KEY, FakeGooglePlaces, FakeGoogleServer
from proxycall.adapters.places.google import GooglePlaces

# Thursday 26 Nov 2026, 11:00 in Brisbane, 12:00 in Sydney (daylight saving).
NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


@pytest.fixture
def fake() -> FakeGooglePlaces:
    return FakeGooglePlaces(clock=clock)


@pytest.fixture
async def asgi_google(fake: FakeGooglePlaces) -> AsyncIterator[GooglePlaces]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=fake.app)) as client:
        yield GooglePlaces(FAKE_API_KEY, client, clock, base_url="http://fake-google")


@pytest.fixture
def server(fake: FakeGooglePlaces) -> Iterator[FakeGoogleServer]:
    with FakeGoogleServer(fake) as running:
        yield running


@pytest.fixture
async def http_client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def socket_google(server: FakeGoogleServer, http_client: httpx.AsyncClient) -> GooglePlaces:
    return GooglePlaces(FAKE_API_KEY, http_client, clock, base_url=server.base_url)
