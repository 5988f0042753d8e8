"""The one place the app is assembled: adapters chosen from settings, services built on them.

Every build function returns a finished value; `build_container` puts them together in the order
they depend on each other and prints the [STARTUP] report. Only this module, `container.py` and
`app.py` import `adapters/` outside the adapters themselves (a test keeps it so).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from proxycall import logs
from proxycall.adapters.db import migrate
from proxycall.adapters.db.calls import CallStore
from proxycall.adapters.db.conversations import ConversationStore, EventStore, UserStore
from proxycall.adapters.db.database import can_write, create_engine, session_factory
from proxycall.adapters.db.pg_turns import PgTurns
from proxycall.adapters.db.sqlite_turns import SqliteTurns
from proxycall.adapters.db.switches import RecordStore, SwitchStore
from proxycall.adapters.db.turn_path import GROWING_STEPS, TurnPath
from proxycall.adapters.telephony.twilio_client import TwilioTelephony
from proxycall.adapters.telephony.webhooks import TwilioWebhooks
from proxycall.config import (
    ADMIN_TOKEN_FILE,
    PERSON_TOKEN_FILE,
    SIMULATOR_TOKEN_FILE,
    Settings,
    read_or_create_secret,
)
from proxycall.container import Container, Stoppable
from proxycall.core.agents import Registry, default_registry
from proxycall.core.llm import Extractor
from proxycall.core.places import Places
from proxycall.core.telephony import Telephony
from proxycall.services.calls.dialing import CallConfig, CallDeps, call_config
from proxycall.services.calls.policy import card_timing, destination_check
from proxycall.services.calls.service import CallService
from proxycall.services.calls.worker import CallWorker
from proxycall.services.conversation import ConversationService
from proxycall.services.ratelimit import RateLimiter, limit_storage
from proxycall.services.switches import Switches
from proxycall.services.telemetry import Telemetry
from proxycall.services.tokens import TokenCache
from proxycall.services.turns import EngineDeps

if TYPE_CHECKING:  # imported when the simulator is built: it pulls in its HTTP stack
    from proxycall.adapters.telephony.simulator import TwilioSimulator

SIMULATOR_PATH = "/_twilio_sim"
PERSON_USER_ID = "person"  # the regular user the printed app link signs in as


@dataclass(frozen=True)
class Options:
    """What a caller of `create_app` may set besides the settings (tests and the bench)."""

    base_url: str
    clock: Callable[[], datetime]
    places: Places | None = None
    extractor: Extractor | None = None
    print_login_link: bool = True


@dataclass(frozen=True)
class TelephonyChoice:
    """Twilio, or the built-in simulator: the adapter, the webhook token and the startup label."""

    telephony: Telephony
    signing_token: str
    label: str
    simulator: TwilioSimulator | None


async def build_container(settings: Settings, options: Options) -> Container:
    """Migrate, connect and build every service; nothing runs before the lifespan calls this."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    logs.setup_logging(settings.log_file)
    if settings.auto_migrate:
        await asyncio.to_thread(migrate.upgrade, settings.sqlalchemy_url)
    engine = create_engine(settings.sqlalchemy_url, settings.db_timeout_seconds)
    sessions = session_factory(engine)
    users = UserStore(sessions)
    admin_token, generated = admin_token_of(settings)
    await users.ensure_admin(admin_token, options.clock())
    person_token, _ = read_or_create_secret(settings.data_dir, PERSON_TOKEN_FILE)
    await users.ensure_user(PERSON_USER_ID, "You", person_token, options.clock())
    background: list[Stoppable] = []
    places = options.places or build_places(settings, options.clock, background)
    extractor = (options.extractor if options.extractor is not None
                 else build_extractor(settings, background))
    records = RecordStore(sessions)
    switches = Switches(SwitchStore(sessions), settings.kill_switch, options.clock, records)
    phone = build_telephony(settings, options.base_url)
    config = call_config(settings, public_base_url=options.base_url,
                         signing_token=phone.signing_token,
                         lost_contact_seconds=settings.lost_contact_seconds,
                         lease_seconds=settings.call_lease_seconds)
    writer = build_turn_path(engine, settings.db_timeout_seconds, background,
                             with_siblings=settings.serve_workers > 1)
    store = ConversationStore(sessions, writer)
    registry = default_registry()
    calls = build_call_service(config, sessions, engine.dialect.name, store, registry, switches,
                               phone.telephony, extractor, options.clock)
    events = EventStore(sessions, writer)
    telemetry = Telemetry(events, options.clock, settings.metrics_every)
    deps = EngineDeps(places=places, extractor=extractor, region=settings.default_region,
                      destination=destination_check(config),
                      call_timing=card_timing(config, options.clock))
    container = Container(
        settings=settings, registry=registry, engine=engine, users=users,
        conversations=ConversationService(registry, store, deps, telemetry, options.clock,
                                          settings.default_timezone),
        conversation_store=store, events=events, records=records, switches=switches,
        telemetry=telemetry, places=places, extractor=extractor,
        rate_limiter=RateLimiter(settings.rate_limit, limit_storage(settings.redis_url)),
        tokens=TokenCache(users.by_token),
        calls=calls, telephony=phone.telephony, webhooks=TwilioWebhooks(),
        simulator=phone.simulator, telephony_label=phone.label,
        database_ready=partial(database_ready, engine, settings.db_timeout_seconds),
        public_base_url=options.base_url, clock=options.clock, background=background)
    container.background.append(start_call_worker(calls, settings.worker_interval_seconds))
    container.startup_lines = await startup_report(container)
    if options.print_login_link:
        print_login(options.base_url, admin_token, generated, settings)
    return container


async def shutdown(container: Container) -> None:
    """Stop the background work (last started first), the simulator, then the database."""
    for task in reversed(container.background):
        await task.stop()
    if container.simulator is not None:
        await container.simulator.aclose()
    await container.engine.dispose()
    logs.close_file_handlers()


def build_turn_path(engine: AsyncEngine, timeout_seconds: float, background: list[Stoppable],
                    *, with_siblings: bool = False) -> TurnPath | None:
    """The direct turn path of the database: SQLite's one writer, or psycopg on PostgreSQL.

    None for an in-memory SQLite database (tests), whose turns go through the ORM. A process
    `with_siblings` (one of `serve --workers N`) lets its rounds wait to grow: while it waits,
    the others use the cores.
    """
    path: TurnPath
    growing = GROWING_STEPS if with_siblings else 0
    if engine.dialect.name == "postgresql":
        url = engine.url.set(drivername="postgresql")
        path = PgTurns(url.render_as_string(hide_password=False), timeout_seconds,
                       growing_steps=growing)
    elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        path = SqliteTurns(engine.url.database, timeout_seconds, growing_steps=growing)
    else:
        return None
    background.append(Closer(path.close))
    return path


async def database_ready(engine: AsyncEngine, usual_seconds: float) -> bool:
    """True when the database takes a write lock within a second (nothing is changed)."""
    return await can_write(engine, usual_seconds=usual_seconds)


def admin_token_of(settings: Settings) -> tuple[str, bool]:
    """PROXYCALL_ADMIN_TOKEN, or the one kept in the data directory (True: made just now)."""
    if settings.admin_token is not None and settings.admin_token.get_secret_value():
        return settings.admin_token.get_secret_value(), False
    return read_or_create_secret(settings.data_dir, ADMIN_TOKEN_FILE)


def build_places(settings: Settings, clock: Callable[[], datetime],
                 background: list[Stoppable]) -> Places:
    """Google Places when a key is set, else the bundled directory."""
    if settings.google_places_api_key is not None:
        import httpx

        from proxycall.adapters.places.google import GOOGLE_PLACES_BASE_URL, GooglePlaces

        client = httpx.AsyncClient()
        background.append(Closer(client.aclose))
        return GooglePlaces(
            settings.google_places_api_key.get_secret_value(), client, clock,
            base_url=settings.google_places_base_url or GOOGLE_PLACES_BASE_URL)
    from proxycall.adapters.places.bundled import BundledPlaces

    return BundledPlaces(clock=clock)


class Closer:
    """A close function, stopped at shutdown like the background tasks."""

    def __init__(self, close: Callable[[], Awaitable[None]]) -> None:
        self._close = close

    async def stop(self) -> None:
        """Close what it holds."""
        await self._close()


def build_extractor(settings: Settings, background: list[Stoppable]) -> Extractor | None:
    """The OpenAI-compatible fallback reader when one is configured, else none.

    Its HTTP client is closed at shutdown; an extractor or places given to `create_app` belongs
    to the caller, who closes it.
    """
    if not settings.llm_configured or settings.openai_api_key is None:
        return None
    from proxycall.adapters.llm.openai_extractor import OpenAIExtractor

    extractor = OpenAIExtractor(settings.openai_api_key.get_secret_value(),
                                base_url=settings.openai_base_url, model=settings.openai_model)
    background.append(Closer(extractor.aclose))
    return extractor


def build_telephony(settings: Settings, base_url: str) -> TelephonyChoice:
    """Twilio with real credentials, else the built-in simulator mounted at SIMULATOR_PATH."""
    if settings.uses_real_twilio and settings.twilio_auth_token is not None:
        token = settings.twilio_auth_token.get_secret_value()
        sid = str(settings.twilio_account_sid)
        return TelephonyChoice(TwilioTelephony(sid, token), token,
                               f"twilio (account {sid[:4]}****{sid[-4:]})", None)
    from proxycall.adapters.telephony.simulator import TwilioSimulator

    token, _ = read_or_create_secret(settings.data_dir, SIMULATOR_TOKEN_FILE)
    simulator = TwilioSimulator(token, pace=settings.simulator_pace)
    telephony = TwilioTelephony(simulator.account_sid, token,
                                base_url=base_url + SIMULATOR_PATH)
    label = f"built-in Twilio simulator at {SIMULATOR_PATH} (pace {settings.simulator_pace}s)"
    return TelephonyChoice(telephony, token, label, simulator)


def build_call_service(
    config: CallConfig,
    sessions: async_sessionmaker[AsyncSession],
    dialect: str,
    conversations: ConversationStore,
    registry: Registry,
    switches: Switches,
    telephony: Telephony,
    extractor: Extractor | None,
    clock: Callable[[], datetime],
) -> CallService:
    """The call service over the database, the telephony adapter and the LLM (if any)."""
    deps = CallDeps(store=CallStore(sessions, dialect), conversations=conversations,
                    registry=registry, switches=switches, telephony=telephony,
                    extractor=extractor, config=config, clock=clock)
    return CallService(deps)


def start_call_worker(service: CallService, interval_seconds: float = 1.0) -> CallWorker:
    """Start the scheduler and watchdog loop on the running event loop."""
    worker = CallWorker(service, interval_seconds=interval_seconds)
    worker.start()
    return worker


class SimulatorMount:
    """Forwards /_twilio_sim to the simulator the lifespan built (404 with real Twilio)."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self._asgi: ASGIApp | None = None
        self._for: TwilioSimulator | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the simulator's REST API, or 404 when there is none."""
        container: Container = self._app.state.container
        simulator = container.simulator
        if simulator is None:
            await JSONResponse({"error": {"code": "not_found", "message": "No simulator.",
                                          "details": None}}, status_code=404)(
                scope, receive, send)
            return
        if self._asgi is None or self._for is not simulator:
            from proxycall.adapters.telephony.simulator import create_simulator_app

            self._asgi, self._for = create_simulator_app(simulator), simulator
        await self._asgi(scope, receive, send)


def mount_simulator(app: FastAPI) -> None:
    """The simulator's fake Twilio REST API lives in the same app under /_twilio_sim."""
    app.mount(SIMULATOR_PATH, SimulatorMount(app))


async def startup_report(services: Container) -> list[str]:
    """Log the [STARTUP] lines: engine, kill switch, database, LLM, places, telephony."""
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


def print_login(base_url: str, token: str, generated: bool, settings: Settings) -> None:
    """Two links on the console (never the log): the person's app and the operator console."""
    person, _ = read_or_create_secret(settings.data_dir, PERSON_TOKEN_FILE)
    print(f"Your app (sign-in link): {base_url}/#token={person}", flush=True)
    if generated or settings.admin_token is None:
        print(f"Operator console: {base_url}/ops#token={token}", flush=True)
    else:
        print(f"Operator console: {base_url}/ops (sign in with your PROXYCALL_ADMIN_TOKEN)",
              flush=True)


def _llm_label(extractor: Extractor | None) -> str:
    if extractor is None:
        return "none (deterministic only)"
    return f"openai-compatible model={extractor.model}"


def _places_label(places: Places) -> str:
    return "bundled directory (offline)" if places.name == "bundled" else "Google Places API (New)"
