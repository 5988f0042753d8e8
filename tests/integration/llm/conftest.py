"""One fake OpenAI server per test module, over real HTTP on 127.0.0.1; reset before each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from proxycall.adapters.llm.fake_openai import RunningFake, run_fake_openai
from proxycall.adapters.llm.openai_extractor import OpenAIExtractor

TEST_TIMEOUT_SECONDS = 0.3  # a hanging server must fail the call fast


@pytest.fixture(scope="module")
def _served() -> Iterator[RunningFake]:
    with run_fake_openai() as server:
        yield server


@pytest.fixture
def server(_served: RunningFake) -> RunningFake:
    _served.fake.reset()
    return _served


@pytest.fixture
async def llm(server: RunningFake) -> AsyncIterator[OpenAIExtractor]:
    extractor = OpenAIExtractor(
        server.api_key, base_url=server.base_url, timeout_seconds=TEST_TIMEOUT_SECONDS
    )
    yield extractor
    await extractor.aclose()
