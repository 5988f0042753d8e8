"""What the app is made of: every service and adapter, built once by `wiring.build_container`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from proxycall.adapters.db.conversations import ConversationStore, EventStore, UserStore
from proxycall.adapters.db.switches import RecordStore
from proxycall.config import Settings
from proxycall.core.agents import Registry
from proxycall.core.llm import Extractor
from proxycall.core.places import Places
from proxycall.core.stores import UserRecord
from proxycall.core.telephony import Telephony, WebhookEdge
from proxycall.services.calls.service import CallService
from proxycall.services.conversation import ConversationService
from proxycall.services.ratelimit import RateLimiter
from proxycall.services.switches import Switches
from proxycall.services.telemetry import Telemetry
from proxycall.services.tokens import TokenCache

if TYPE_CHECKING:  # imported when the simulator is built: it pulls in its HTTP stack
    from proxycall.adapters.telephony.simulator import TwilioSimulator


def utc_now() -> datetime:
    """The wall clock in UTC: the app's default clock."""
    return datetime.now(UTC)


class Stoppable(Protocol):
    """Something running in the background that the lifespan stops at shutdown."""

    async def stop(self) -> None:
        """Stop and release what it holds."""


@dataclass
class Container:
    """The finished app: typed services for the routes, adapters for the lifespan to close."""

    settings: Settings
    registry: Registry
    engine: AsyncEngine
    users: UserStore
    conversations: ConversationService
    conversation_store: ConversationStore
    events: EventStore
    records: RecordStore
    switches: Switches
    telemetry: Telemetry
    places: Places
    extractor: Extractor | None
    rate_limiter: RateLimiter
    tokens: TokenCache[UserRecord]  # bearer tokens remembered for a few seconds
    calls: CallService
    telephony: Telephony
    webhooks: WebhookEdge
    simulator: TwilioSimulator | None  # the built-in Twilio stand-in, without Twilio credentials
    telephony_label: str
    database_ready: Callable[[], Awaitable[bool]]
    public_base_url: str
    clock: Callable[[], datetime] = utc_now
    startup_lines: list[str] = field(default_factory=list)
    started_at: datetime = field(default_factory=utc_now)
    background: list[Stoppable] = field(default_factory=list)  # stopped last-started first
