"""What the app is built from: settings, adapters and services, wired once in the lifespan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from proxycall.adapters.db.conversations import ConversationStore, EventStore, UserStore
from proxycall.adapters.db.switches import RecordStore
from proxycall.config import Settings
from proxycall.core.agents import Registry
from proxycall.core.llm import Extractor
from proxycall.core.places import Places
from proxycall.services.conversation import ConversationService
from proxycall.services.ratelimit import RateLimiter
from proxycall.services.switches import Switches
from proxycall.services.telemetry import Telemetry


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Container:
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
    public_base_url: str
    clock: Callable[[], datetime] = utc_now
    startup_lines: list[str] = field(default_factory=list)
    started_at: datetime = field(default_factory=utc_now)
    calls: Any = None  # the call service (services/calls.py)
    telephony: Any = None
    simulator: Any = None  # the built-in Twilio simulator, when no Twilio credentials are set
    telephony_label: str = ""
    background: list[Any] = field(default_factory=list)
