"""Dependencies written once: the container, the current user, admin-only access."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from proxycall.container import Container
from proxycall.core.errors import Forbidden, Unauthorized
from proxycall.core.stores import UserRecord
from proxycall.services.calls.service import CallService


async def container(request: Request) -> Container:
    """The app's services, built by the lifespan (async: a sync dependency costs a thread hop)."""
    return services_of(request)


def services_of(request: Request) -> Container:
    """The app's services, for code that has the request rather than a dependency."""
    services: Container = request.app.state.container
    return services


async def call_service(request: Request) -> CallService:
    """The call service, for the /call routes."""
    return services_of(request).calls


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("Sign in: send Authorization: Bearer <token>.")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Use Authorization: Bearer <token>.")
    return token.strip()


async def authenticate(services: Container, authorization: str | None) -> UserRecord:
    """The user the bearer token belongs to (Unauthorized otherwise); people are rate limited."""
    token = _bearer(authorization)
    user = await services.tokens.user(token)
    if user is None:
        raise Unauthorized("That token is not valid.")
    if not user.is_admin:  # operators' smoke runs and watches are not throttled
        await services.rate_limiter.check(user.id)
    return user


async def current_user(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> UserRecord:
    """The user the bearer token belongs to (401 otherwise); people are rate limited."""
    return await authenticate(services_of(request), authorization)


async def admin_user(user: Annotated[UserRecord, Depends(current_user)]) -> UserRecord:
    """The current user, when the token is the admin's (403 otherwise)."""
    if not user.is_admin:
        raise Forbidden("This needs the admin token.")
    return user


CurrentUser = Annotated[UserRecord, Depends(current_user)]
AdminUser = Annotated[UserRecord, Depends(admin_user)]
Services = Annotated[Container, Depends(container)]
Calls = Annotated[CallService, Depends(call_service)]
