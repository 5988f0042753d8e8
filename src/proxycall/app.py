"""create_app(settings): the FastAPI app, its lifespan (adapters, services), and its routers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

from proxycall import logs
from proxycall.adapters.db.database import busy_error
from proxycall.api import admin, calls, conversation, health, ops, twilio
from proxycall.api import errors as api_errors
from proxycall.api import places as places_routes
from proxycall.api.middleware import BodyLimitMiddleware
from proxycall.api.turn_lane import TurnLane
from proxycall.config import Settings
from proxycall.container import utc_now
from proxycall.core.llm import Extractor
from proxycall.core.places import Places
from proxycall.wiring import Options, build_container, mount_simulator, shutdown

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
        options = Options(base_url=base_url, clock=clock, places=places, extractor=extractor,
                          print_login_link=print_login_link)
        services = await build_container(settings, options)
        app.state.container = services
        # what start-up built lives as long as the process: the collector stops walking it
        gc.freeze()
        try:
            yield
        finally:
            await shutdown(services)

    app = ProxycallApp(title="proxycall", version="0.1.0", lifespan=lifespan)
    api_errors.install(app)
    app.add_exception_handler(SQLAlchemyError, _database_error)
    app.add_middleware(BodyLimitMiddleware)
    for module in (health, conversation, places_routes, admin, ops, calls, twilio):
        app.include_router(module.router)
    mount_simulator(app)
    if WEB_DIR.exists():
        app.mount("/", WebApp(app, WEB_DIR), name="web")
    return app


class ProxycallApp(FastAPI):
    """FastAPI with the turn lane in front: plain turns skip the framework's layers."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._lane = TurnLane(self, super().__call__)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Every request enters through the lane; it passes on what it does not answer."""
        await self._lane(scope, receive, send)


async def _database_error(request: Request, exc: Exception) -> Response:
    """A database wait that ran out is a 503 database_busy; anything else stays a 500."""
    busy = busy_error(exc)
    if busy is None:
        return await api_errors.unexpected(request, exc)
    logs.warning("database_busy", path=request.url.path, error=type(exc).__name__)
    return await api_errors.domain(request, busy)


class WebApp(StaticFiles):
    """The web app's files; an API path asked with the wrong method is a 405, not a missing file."""

    def __init__(self, app: FastAPI, directory: Path) -> None:
        super().__init__(directory=directory, html=True)
        self._api = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 405 for an API route's path, else serve the file."""
        if _is_api_path(self._api, scope):
            response = api_errors.error_response(405, "method_not_allowed", "Method Not Allowed")
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _is_api_path(app: FastAPI, scope: Scope) -> bool:
    """True when a route answers this path, only for another method (a partial match)."""
    return any(route.matches(scope)[0] is Match.PARTIAL for route in app.router.routes)
