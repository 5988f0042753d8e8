"""Operator endpoints: kill switch, calls paused, metrics, users, start-up lines, records."""

from __future__ import annotations

import secrets
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from proxycall.api.deps import AdminUser, Services
from proxycall.api.json_body import SafeJsonRoute
from proxycall.api.schemas import (
    CallsPausedRequest,
    CreateUserRequest,
    KillSwitchRequest,
    RolloutRecordRequest,
)
from proxycall.services.ops import OpsConsole
from proxycall.services.prometheus import render_metrics

router = APIRouter(route_class=SafeJsonRoute)


@router.get("/admin/kill-switch", summary="The kill switch")
async def get_kill_switch(services: Services, _admin: AdminUser) -> dict[str, Any]:
    """The environment and runtime switches and their effect (env OR runtime)."""
    return await services.switches.kill_switch()


@router.put("/admin/kill-switch", summary="Flip the runtime kill switch")
async def put_kill_switch(body: KillSwitchRequest, services: Services,
                          admin: AdminUser) -> dict[str, Any]:
    """Every process sees it within 2 seconds, no restart.

    The flip, who made it and why are recorded for the rollout report.
    """
    return await services.switches.set_kill_switch(body.active, by=admin.id,
                                                             reason=body.reason)


@router.get("/admin/metrics/series", summary="The rollout watch as time series")
async def metrics_series(services: Services, _admin: AdminUser,
                         window: Literal["15m", "1h", "24h"] = "15m") -> dict[str, Any]:
    """The operator console's charts: per-bucket figures over a window.

    Requests by agent, llm_rate, fallback_rate and anomalies by kind, with the rollout log's
    thresholds and every kill-switch flip.
    """
    return await OpsConsole(services.events, services.records,
                            services.clock).series(window)


@router.get("/admin/calls-paused", summary="Whether outbound calls are paused")
async def get_calls_paused(services: Services, _admin: AdminUser) -> dict[str, Any]:
    """While paused no call is dialled.

    Scheduled calls wait, or end when their deadline passes.
    """
    return await services.switches.calls_paused()


@router.put("/admin/calls-paused", summary="Pause or resume outbound calls")
async def put_calls_paused(body: CallsPausedRequest, services: Services,
                           admin: AdminUser) -> dict[str, Any]:
    """Stops new dialling without touching conversations."""
    return await services.switches.set_calls_paused(body.paused, by=admin.id,
                                                              reason=body.reason)


@router.get("/admin/metrics", summary="The watch figures")
async def metrics(services: Services, _admin: AdminUser,
                  windowMinutes: float | None = Query(None, gt=0, le=60 * 24 * 90),
                  ) -> dict[str, Any]:
    """The [V2-METRICS] figures as JSON, overall and per agent.

    Over a window of minutes, or since records began when no window is given.
    """
    figures = await services.telemetry.figures(windowMinutes)
    figures["killSwitch"] = await services.switches.kill_switch()
    figures["engineVersion"] = services.settings.engine_version
    return figures


@router.post("/admin/users", status_code=201, summary="Create a user")
async def create_user(body: CreateUserRequest, services: Services,
                      _admin: AdminUser) -> dict[str, Any]:
    """A new user and their bearer token (shown once; stored hashed)."""
    token = secrets.token_urlsafe(32)
    user = await services.users.create(body.name.strip(), token, services.clock())
    return {"userId": user.id, "name": user.name, "token": token}


@router.get("/admin/startup", summary="This process's [STARTUP] lines")
async def startup(services: Services, _admin: AdminUser) -> dict[str, Any]:
    """Exactly the start-up lines this server process logged."""
    return {"startedAt": services.started_at.isoformat(), "lines": services.startup_lines}


@router.post("/admin/rollout/records", status_code=201, summary="Record a rollout step")
async def add_record(body: RolloutRecordRequest, services: Services,
                     _admin: AdminUser) -> dict[str, Any]:
    """Record a rollout step, kept on the server for the report.

    Smoke runs, watches, rollbacks, checks and sign-offs.
    """
    return await services.records.add(body.kind, body.data, services.clock())


@router.get("/admin/rollout/records", summary="The rollout records")
async def list_records(services: Services, _admin: AdminUser,
                       kind: str | None = None) -> dict[str, Any]:
    """The recorded rollout steps, newest first, optionally of one kind."""
    return {"records": await services.records.list(kind)}


@router.get("/metrics", summary="Prometheus metrics")
async def prometheus(services: Services, _admin: AdminUser) -> Response:
    """The Prometheus text exposition (summed over processes in multiprocess mode)."""
    directory = services.settings.prometheus_multiproc_dir
    return Response(render_metrics(directory), media_type=CONTENT_TYPE_LATEST)
