"""GET /health (is the process up, what is it using) and GET /ready (can it reach its database)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from proxycall.api.deps import CurrentUser, Services
from proxycall.api.errors import error_body

router = APIRouter()


@router.get("/health", summary="Is the process up, and what it uses")
async def health(services: Services) -> dict[str, Any]:
    """Engine version, kill switch, and which LLM, places and telephony are in use.

    No token needed.
    """
    return {
        "status": "ok",
        "engineVersion": services.settings.engine_version,
        "killSwitch": await services.switches.kill_switch_active(),
        "llm": services.extractor.model if services.extractor else "none",
        "places": services.places.name,
        "telephony": services.telephony_label,
    }


@router.get("/ready", response_model=None)
async def ready(services: Services) -> dict[str, Any] | JSONResponse:
    """Ready when the database takes a write within a second (a locked store is not ready)."""
    if not await services.database_ready():
        return JSONResponse(
            error_body("not_ready", "The database cannot take a write right now.",
                       {"database": "busy_or_unreachable"}),
            status_code=503, headers={"Retry-After": "2"})
    return {"status": "ready", "database": "ok"}


@router.get("/me", summary="Who am I")
async def me(user: CurrentUser) -> dict[str, Any]:
    """The signed-in user: id, name and whether the token is the admin's."""
    return {"userId": user.id, "name": user.name, "isAdmin": user.is_admin}
