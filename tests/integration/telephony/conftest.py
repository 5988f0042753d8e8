"""One simulator and one webhook app per module (starting servers is the slow part)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from tests.integration.telephony.harness import Env, environment


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared_env() -> AsyncIterator[Env]:
    async with environment() as built:
        yield built


@pytest_asyncio.fixture(loop_scope="module")
async def env(shared_env: Env) -> Env:
    shared_env.hooks.reset()
    shared_env.sleeper.waits.clear()
    return shared_env
