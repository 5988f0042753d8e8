"""One mapping from errors to HTTP: every error body is {"error": {code, message, details}}."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from proxycall import logs
from proxycall.core.errors import (
    CallsPaused,
    Conflict,
    DatabaseBusy,
    DeadlineMissed,
    DestinationBlocked,
    Forbidden,
    InvalidRequest,
    NotFound,
    ProviderFailure,
    ProviderUnavailable,
    ProxycallError,
    RateLimited,
    Unauthorized,
)

# The one table from the domain's errors to HTTP statuses; the nearest class in an error's MRO
# wins, and an error that is in no row (a SetupError) is a 500.
HTTP_STATUS: dict[type[ProxycallError], int] = {
    InvalidRequest: 422,
    DestinationBlocked: 422,
    DeadlineMissed: 422,
    NotFound: 404,
    Conflict: 409,
    Unauthorized: 401,
    Forbidden: 403,
    RateLimited: 429,
    CallsPaused: 503,
    DatabaseBusy: 503,
    ProviderUnavailable: 503,
    ProviderFailure: 503,
}

_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 429: "rate_limited",
}


def http_status(error: ProxycallError) -> int:
    """The HTTP status a domain error is answered with (HTTP_STATUS, by the nearest class)."""
    for cls in type(error).__mro__:
        status = HTTP_STATUS.get(cls)
        if status is not None:
            return status
    return 500


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The one error shape: {"error": {code, message, details}}."""
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(status: int, code: str, message: str, details: Any = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """An error answered in the one error shape."""
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path")]
    return ".".join(parts) or "body"


async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = [
        {"field": _field_name(tuple(error.get("loc", ()))), "problem": error.get("msg", "")}
        for error in exc.errors()
    ]
    first = problems[0] if problems else {"field": "body", "problem": "invalid"}
    if first["problem"].startswith("JSON decode error"):
        message = "The request body is not valid JSON."
    else:
        message = f"Field '{first['field']}': {first['problem']}."
    return error_response(422, "invalid_request", message, {"fields": problems})


# Details a client of the earlier API read at the top level; kept there too.
_MIRRORED_DETAILS = ("requiredFieldsMissing",)


async def domain(_request: Request, exc: ProxycallError) -> JSONResponse:
    """Answer a domain error with its status (HTTP_STATUS), code, and Retry-After if it has one."""
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    body = error_body(exc.code, exc.message, exc.details)
    if isinstance(exc.details, dict):
        body.update({k: exc.details[k] for k in _MIRRORED_DETAILS if k in exc.details})
    if isinstance(exc, ProviderFailure):  # an adapter's words stay in the log, not the answer
        logs.warning("provider_failure", path=_request.url.path, error=type(exc).__name__)
        body = error_body("provider_unavailable", "A service we depend on is unavailable; "
                                                  "try again shortly.")
    return JSONResponse(body, status_code=http_status(exc), headers=headers)


async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


async def unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Answer 500 for what nobody expected, logged by its type only."""
    logs.warning("unhandled_error", path=request.url.path, error=type(exc).__name__)
    return error_response(500, "internal_error", "Something went wrong on our side.")


def install(app: FastAPI) -> None:
    """Register the handlers: validation, domain errors, HTTP errors, and the rest (500)."""
    # reason (the three below): Starlette types handlers for Exception, ours take the subclass
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(ProxycallError, domain)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, unexpected)
