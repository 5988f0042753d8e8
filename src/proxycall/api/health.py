"""GET /health (is the process up, what is it using) and GET /ready (can it reach its database)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from proxycall.api.deps import CurrentUser, container
from proxycall.api.errors import error_body

router = APIRouter()


@router.get("/health")
async def health(request: Request) -> dict[str, Any]:
    services = container(request)
    return {
        "status": "ok",
        "engineVersion": services.settings.engine_version,
        "killSwitch": await services.switches.kill_switch_active(),
        "llm": services.extractor.model if services.extractor else "none",
        "places": services.places.name,
        "telephony": services.telephony_label,
    }


@router.get("/ready", response_model=None)
async def ready(request: Request) -> dict[str, Any] | JSONResponse:
    try:
        async with container(request).engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:
        return JSONResponse(error_body("not_ready", "The database is not reachable."),
                            status_code=503)
    return {"status": "ready", "database": "ok"}


@router.get("/me")
async def me(user: CurrentUser) -> dict[str, Any]:
    return {"userId": user.id, "name": user.name, "isAdmin": user.is_admin}
