"""Operator endpoints: kill switch, calls paused, metrics, users, start-up lines, records."""

from __future__ import annotations

import secrets
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from proxycall.api.deps import AdminUser, container
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


@router.get("/admin/kill-switch")
async def get_kill_switch(request: Request, _admin: AdminUser) -> dict[str, Any]:
    return await container(request).switches.kill_switch()


@router.put("/admin/kill-switch")
async def put_kill_switch(body: KillSwitchRequest, request: Request,
                          admin: AdminUser) -> dict[str, Any]:
    return await container(request).switches.set_kill_switch(body.active, by=admin.id,
                                                             reason=body.reason)


@router.get("/admin/metrics/series", summary="The rollout watch as time series")
async def metrics_series(request: Request, _admin: AdminUser,
                         window: Literal["15m", "1h", "24h"] = "15m") -> dict[str, Any]:
    """Per-bucket requests by agent, llm_rate, fallback_rate and anomalies by kind over the
    window, with the seed's thresholds and every kill-switch flip (for the operator console)."""
    return await OpsConsole(container(request).events, container(request).records,
                            container(request).clock).series(window)


@router.get("/admin/calls-paused")
async def get_calls_paused(request: Request, _admin: AdminUser) -> dict[str, Any]:
    return await container(request).switches.calls_paused()


@router.put("/admin/calls-paused")
async def put_calls_paused(body: CallsPausedRequest, request: Request,
                           admin: AdminUser) -> dict[str, Any]:
    return await container(request).switches.set_calls_paused(body.paused, by=admin.id)


@router.get("/admin/metrics")
async def metrics(request: Request, _admin: AdminUser,
                  windowMinutes: float | None = Query(None, gt=0, le=60 * 24 * 90),
                  ) -> dict[str, Any]:
    services = container(request)
    figures = await services.telemetry.figures(windowMinutes)
    figures["killSwitch"] = await services.switches.kill_switch()
    figures["engineVersion"] = services.settings.engine_version
    return figures


@router.post("/admin/users", status_code=201)
async def create_user(body: CreateUserRequest, request: Request,
                      _admin: AdminUser) -> dict[str, Any]:
    services = container(request)
    token = secrets.token_urlsafe(32)
    user = await services.users.create(body.name.strip(), token, services.clock())
    return {"userId": user.id, "name": user.name, "token": token}


@router.get("/admin/startup")
async def startup(request: Request, _admin: AdminUser) -> dict[str, Any]:
    services = container(request)
    return {"startedAt": services.started_at.isoformat(), "lines": services.startup_lines}


@router.post("/admin/rollout/records", status_code=201)
async def add_record(body: RolloutRecordRequest, request: Request,
                     _admin: AdminUser) -> dict[str, Any]:
    services = container(request)
    return await services.records.add(body.kind, body.data, services.clock())


@router.get("/admin/rollout/records")
async def list_records(request: Request, _admin: AdminUser,
                       kind: str | None = None) -> dict[str, Any]:
    return {"records": await container(request).records.list(kind)}


@router.get("/metrics")
async def prometheus(request: Request, _admin: AdminUser) -> Response:
    directory = container(request).settings.prometheus_multiproc_dir
    return Response(render_metrics(directory), media_type=CONTENT_TYPE_LATEST)
