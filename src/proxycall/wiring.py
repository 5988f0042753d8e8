"""Choosing adapters from settings, and the [STARTUP] report of what is in use."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from proxycall import logs
from proxycall.config import Settings
from proxycall.core.llm import Extractor
from proxycall.core.places import Places

if TYPE_CHECKING:
    from proxycall.container import Container


def build_places(settings: Settings, clock: Callable[[], datetime]) -> Places:
    if settings.google_places_api_key is not None:
        import httpx

        from proxycall.adapters.places.google import GOOGLE_PLACES_BASE_URL, GooglePlaces

        return GooglePlaces(
            settings.google_places_api_key.get_secret_value(), httpx.AsyncClient(), clock,
            base_url=settings.google_places_base_url or GOOGLE_PLACES_BASE_URL)
    from proxycall.adapters.places.bundled import BundledPlaces

    return BundledPlaces(clock=clock)


def build_extractor(settings: Settings) -> Extractor | None:
    if not settings.llm_configured or settings.openai_api_key is None:
        return None
    from proxycall.adapters.llm.openai_extractor import OpenAIExtractor

    return OpenAIExtractor(settings.openai_api_key.get_secret_value(),
                           base_url=settings.openai_base_url, model=settings.openai_model)


def has_call_routes() -> bool:
    return importlib.util.find_spec("proxycall.api.calls") is not None


async def build_calls(services: Container, sessions: async_sessionmaker[AsyncSession]) -> None:
    """Telephony (Twilio or the built-in simulator) and the call service."""
    services.telephony_label = "none"


def simulator_mount(app: FastAPI) -> None:
    """The simulator's fake Twilio REST API lives in the same app under /_twilio_sim."""


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
