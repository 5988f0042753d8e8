"""Building the call service and its background worker from what the lifespan already has."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from proxycall.adapters.db.calls import CallStore
from proxycall.adapters.db.conversations import ConversationStore
from proxycall.config import Settings
from proxycall.core.agents import Registry
from proxycall.core.llm import Extractor
from proxycall.core.telephony import Telephony
from proxycall.services.calls.dialing import LOST_CONTACT_SECONDS, CallDeps, call_config
from proxycall.services.calls.service import CallService
from proxycall.services.calls.worker import CallWorker
from proxycall.services.switches import Switches


def build_call_service(
    *,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    dialect: str,
    conversations: ConversationStore,
    registry: Registry,
    switches: Switches,
    telephony: Telephony,
    extractor: Extractor | None,
    clock: Callable[[], datetime],
    public_base_url: str,
    signing_token: str,
    from_number: str | None = None,
    lost_contact_seconds: float = LOST_CONTACT_SECONDS,
) -> CallService:
    """The call service over the database, the telephony adapter and the LLM (if any).

    `signing_token` is what the provider signs webhooks with: TWILIO_AUTH_TOKEN, or the
    simulator's token. `dialect` is the SQLAlchemy dialect name ("sqlite", "postgresql").
    """
    config = call_config(settings, public_base_url=public_base_url,
                         signing_token=signing_token, from_number=from_number,
                         lost_contact_seconds=lost_contact_seconds,
                         lease_seconds=settings.call_lease_seconds)
    deps = CallDeps(
        store=CallStore(sessions, dialect), conversations=conversations, registry=registry,
        switches=switches, telephony=telephony, extractor=extractor, config=config, clock=clock,
    )
    return CallService(deps)


def start_call_worker(service: CallService, *, interval_seconds: float = 1.0) -> CallWorker:
    """Start the scheduler and watchdog loop on the running event loop; `await .stop()` ends it."""
    worker = CallWorker(service, interval_seconds=interval_seconds)
    worker.start()
    return worker
