"""create_app(settings): the FastAPI app, its lifespan (adapters, services), and its routers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from proxycall import logs
from proxycall.adapters.db import migrate
from proxycall.adapters.db.conversations import ConversationStore, EventStore, UserStore
from proxycall.adapters.db.database import create_engine, session_factory
from proxycall.adapters.db.switches import RecordStore, SwitchStore
from proxycall.api import admin, conversation, health
from proxycall.api import errors as api_errors
from proxycall.api import places as places_routes
from proxycall.api.middleware import BodyLimitMiddleware
from proxycall.config import ADMIN_TOKEN_FILE, Settings, read_or_create_secret
from proxycall.container import Container, utc_now
from proxycall.core.agents import default_registry
from proxycall.core.llm import Extractor
from proxycall.core.places import Places
from proxycall.services.conversation import ConversationService
from proxycall.services.ratelimit import RateLimiter
from proxycall.services.switches import Switches
from proxycall.services.telemetry import Telemetry
from proxycall.services.turns import EngineDeps
from proxycall.wiring import (
    build_calls,
    build_extractor,
    build_places,
    destination_policy,
    startup_report,
)

WEB_DIR = Path(__file__).parent / "web"


def create_app(
    settings: Settings,
    *,
    base_url: str = "http://127.0.0.1:8000",
    clock: Callable[[], datetime] = utc_now,
    places: Places | None = None,
    extractor: Extractor | None = None,
    print_login_link: bool = True,
) -> FastAPI:
    """Build the app; nothing is connected until the lifespan runs."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await _build(settings, base_url, clock, places, extractor,
                                print_login_link)
        app.state.container = services
        try:
            yield
        finally:
            await _shutdown(services)

    app = FastAPI(title="proxycall", version="0.1.0", lifespan=lifespan)
    api_errors.install(app)
    app.add_middleware(BodyLimitMiddleware)
    for module in (health, conversation, places_routes, admin):
        app.include_router(module.router)
    _include_calls(app)
    _mount_simulator(app)
    if WEB_DIR.exists():
        app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web")
    return app


def _include_calls(app: FastAPI) -> None:
    from proxycall.api import calls, twilio

    app.include_router(calls.router)
    app.include_router(twilio.router)


def _mount_simulator(app: FastAPI) -> None:
    from proxycall.wiring import simulator_mount

    simulator_mount(app)


async def _build(
    settings: Settings,
    base_url: str,
    clock: Callable[[], datetime],
    places: Places | None,
    extractor: Extractor | None,
    print_login_link: bool,
) -> Container:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    logs.setup_logging(settings.log_file)
    registry = default_registry()
    if settings.auto_migrate:
        await asyncio.to_thread(migrate.upgrade, settings.sqlalchemy_url)
    engine = create_engine(settings.sqlalchemy_url)
    sessions = session_factory(engine)
    users = UserStore(sessions)
    token, generated = _admin_token(settings)
    await users.ensure_admin(token, clock())
    closers: list[Any] = []
    places = places or build_places(settings, clock, closers)
    extractor = extractor if extractor is not None else build_extractor(settings)
    store = ConversationStore(sessions)
    events = EventStore(sessions)
    telemetry = Telemetry(events, clock, settings.metrics_every)
    records = RecordStore(sessions)
    switches = Switches(SwitchStore(sessions), settings.kill_switch, clock, records)
    deps = EngineDeps(places=places, extractor=extractor, region=settings.default_region,
                      destination=destination_policy(settings))
    services = Container(
        settings=settings, registry=registry, engine=engine, users=users,
        conversations=ConversationService(registry, store, deps, telemetry, clock,
                                          settings.default_timezone),
        conversation_store=store, events=events, records=records,
        switches=switches, telemetry=telemetry, places=places, extractor=extractor,
        rate_limiter=RateLimiter(settings.rate_limit, redis_url=settings.redis_url,
                                 redis_prefix=settings.redis_prefix),
        public_base_url=base_url, clock=clock,
    )
    services.background.extend(closers)
    await build_calls(services, sessions, engine.dialect.name)
    services.startup_lines = await startup_report(services)
    if print_login_link:
        _print_login(base_url, token, generated, settings)
    return services


def _admin_token(settings: Settings) -> tuple[str, bool]:
    if settings.admin_token is not None and settings.admin_token.get_secret_value():
        return settings.admin_token.get_secret_value(), False
    return read_or_create_secret(settings.data_dir, ADMIN_TOKEN_FILE)


def _print_login(base_url: str, token: str, generated: bool, settings: Settings) -> None:
    """The generated token is shown once, as the login link, on the console (not the log)."""
    if generated:
        print(f"Sign in (admin, new token): {base_url}/#token={token}", flush=True)
    elif settings.admin_token is None:
        print(f"Sign in at {base_url}/ : `proxycall login-link` prints your admin link "
              f"(token kept in {settings.data_dir / ADMIN_TOKEN_FILE}).", flush=True)


async def _shutdown(services: Container) -> None:
    for task in reversed(services.background):  # last started, first stopped
        stop = getattr(task, "stop", None)
        if stop is not None:
            await stop()
    if services.simulator is not None:
        await services.simulator.aclose()
    closer: Any = getattr(services.extractor, "aclose", None)
    if closer is not None:
        await closer()
    places_closer: Any = getattr(services.places, "aclose", None)
    if places_closer is not None:
        await places_closer()
    await services.engine.dispose()
    logs.close_file_handlers()
