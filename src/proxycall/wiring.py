"""Choosing adapters from settings, and the [STARTUP] report of what is in use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from proxycall import logs
from proxycall.config import SIMULATOR_TOKEN_FILE, Settings, read_or_create_secret
from proxycall.core.llm import Extractor
from proxycall.core.places import Places
from proxycall.core.policy import PolicyDecision, check_destination

if TYPE_CHECKING:
    from proxycall.container import Container


def build_places(settings: Settings, clock: Callable[[], datetime],
                 closers: list[Any]) -> Places:
    """Google Places when a key is set, else the bundled directory; `closers` get what to close."""
    if settings.google_places_api_key is not None:
        import httpx

        from proxycall.adapters.places.google import GOOGLE_PLACES_BASE_URL, GooglePlaces

        client = httpx.AsyncClient()
        closers.append(_Closer(client.aclose))
        return GooglePlaces(
            settings.google_places_api_key.get_secret_value(), client, clock,
            base_url=settings.google_places_base_url or GOOGLE_PLACES_BASE_URL)
    from proxycall.adapters.places.bundled import BundledPlaces

    return BundledPlaces(clock=clock)


class _Closer:
    """Something the lifespan stops at shutdown (it awaits `stop()` on each background item)."""

    def __init__(self, close: Callable[[], Awaitable[None]]) -> None:
        self._close = close

    async def stop(self) -> None:
        await self._close()


def build_extractor(settings: Settings) -> Extractor | None:
    if not settings.llm_configured or settings.openai_api_key is None:
        return None
    from proxycall.adapters.llm.openai_extractor import OpenAIExtractor

    return OpenAIExtractor(settings.openai_api_key.get_secret_value(),
                           base_url=settings.openai_base_url, model=settings.openai_model)


SIMULATOR_PATH = "/_twilio_sim"


def destination_policy(settings: Settings) -> Callable[[str], PolicyDecision]:
    """The destination rules the call service dials by, for the conversation to apply early."""
    from proxycall.services.calls.dialing import SIMULATOR_FROM_NUMBER

    own = {settings.twilio_phone_number or SIMULATOR_FROM_NUMBER}
    allowed, blocked = settings.allowed_country_set, settings.blocked_number_set

    def check(number: str) -> PolicyDecision:
        return check_destination(number, allowed_countries=allowed, own_numbers=own,
                                 blocked=blocked)

    return check


async def build_calls(services: Container, sessions: async_sessionmaker[AsyncSession],
                      dialect: str) -> None:
    """Telephony (Twilio, or the built-in simulator) and the call service with its worker."""
    from proxycall.adapters.telephony.twilio_client import TwilioTelephony
    from proxycall.services.calls.setup import build_call_service, start_call_worker

    settings = services.settings
    if settings.uses_real_twilio and settings.twilio_auth_token is not None:
        token = settings.twilio_auth_token.get_secret_value()
        telephony = TwilioTelephony(str(settings.twilio_account_sid), token)
        sid = str(settings.twilio_account_sid)
        services.telephony_label = f"twilio (account {sid[:4]}****{sid[-4:]})"
    else:
        from proxycall.adapters.telephony.simulator import TwilioSimulator

        token, _ = read_or_create_secret(settings.data_dir, SIMULATOR_TOKEN_FILE)
        simulator = TwilioSimulator(token, pace=settings.simulator_pace)
        services.simulator = simulator
        telephony = TwilioTelephony(simulator.account_sid, token,
                                    base_url=services.public_base_url + SIMULATOR_PATH)
        services.telephony_label = (f"built-in Twilio simulator at {SIMULATOR_PATH} "
                                    f"(pace {settings.simulator_pace}s)")
    services.telephony = telephony
    services.calls = build_call_service(
        settings=settings, sessions=sessions, dialect=dialect,
        conversations=services.conversation_store, registry=services.registry,
        switches=services.switches, telephony=telephony, extractor=services.extractor,
        clock=services.clock, public_base_url=services.public_base_url, signing_token=token,
        lost_contact_seconds=settings.lost_contact_seconds)
    services.background.append(start_call_worker(
        services.calls, interval_seconds=settings.worker_interval_seconds))


class _SimulatorMount:
    """Forwards /_twilio_sim to the simulator built in the lifespan (404 with real Twilio)."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self._asgi: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        container = getattr(self._app.state, "container", None)
        simulator = getattr(container, "simulator", None)
        if simulator is None:
            from starlette.responses import JSONResponse

            await JSONResponse({"error": {"code": "not_found", "message": "No simulator.",
                                          "details": None}}, status_code=404)(
                scope, receive, send)
            return
        if self._asgi is None or getattr(self._asgi, "_simulator", None) is not simulator:
            from proxycall.adapters.telephony.simulator import create_simulator_app

            self._asgi = create_simulator_app(simulator)
            self._asgi._simulator = simulator
        await self._asgi(scope, receive, send)


def simulator_mount(app: FastAPI) -> None:
    """The simulator's fake Twilio REST API lives in the same app under /_twilio_sim."""
    app.mount(SIMULATOR_PATH, _SimulatorMount(app))


async def startup_report(services: Container) -> list[str]:
    settings = services.settings
    kill = await services.switches.kill_switch_active()
    lines = [
        f"Conversation engine: {settings.engine_version}",
        f"Kill switch active: {kill}",
    ]
    for line in lines:
        logs.startup(line)
    if kill:
        warning = ("WARNING: kill switch is ON — every /v2 request is answered by v1 "
                   f"(env={settings.kill_switch})")
        logs.startup_warning(warning)
        lines.append(warning)
    details = [
        f"Database: {settings.database_label()}",
        f"LLM: {_llm_label(services.extractor)}",
        f"Places: {_places_label(services.places)}",
        f"Telephony: {services.telephony_label}",
    ]
    for line in details:
        logs.startup(line)
    return [f"[STARTUP] {line}" for line in lines + details]


def _llm_label(extractor: Any) -> str:
    if extractor is None:
        return "none (deterministic only)"
    return f"openai-compatible model={extractor.model}"


def _places_label(places: Places) -> str:
    return "bundled directory (offline)" if places.name == "bundled" else "Google Places API (New)"
