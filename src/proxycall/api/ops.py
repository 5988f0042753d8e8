"""GET /ops: the operator console's page (its data comes from the /admin API, admin only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import FileResponse

from proxycall.api.deps import services_of
from proxycall.core.errors import Forbidden, Unauthorized

router = APIRouter()
OPS_PAGE = Path(__file__).resolve().parent.parent / "web" / "ops.html"


@router.get("/ops", summary="The operator console", response_class=FileResponse)
async def ops_page(request: Request,
                   authorization: Annotated[str | None, Header()] = None) -> FileResponse:
    """The console page.

    A browser opening it sends no token (the page signs in with the one it keeps); a request that
    does send one must carry the admin token: a person's gets 403.
    """
    if authorization:
        scheme, _, value = authorization.partition(" ")
        user = await services_of(request).users.by_token(value.strip())
        if scheme.lower() != "bearer" or user is None:
            raise Unauthorized("That token is not valid.")
        if not user.is_admin:
            raise Forbidden("The operator console needs the admin token.")
    return FileResponse(OPS_PAGE, media_type="text/html")
