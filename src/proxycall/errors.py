"""One small exception tree, mapped to HTTP in one table (api/errors.py).

    ProxycallError
    ├── InvalidRequest          422 invalid_request (a field is wrong)
    │   └── UnknownAgent        422 unknown_agent_type
    ├── NotFound                404 not_found (also: someone else's conversation or call)
    ├── Conflict                409 (conversation_complete, not_confirmed, ...)
    │   └── ConversationBusy    409 conversation_busy, with Retry-After (send the turn again)
    ├── DestinationBlocked      422 destination_blocked
    ├── DeadlineMissed          422 deadline_passed / no_time_before_deadline
    ├── CallsPaused             503 calls_paused
    ├── DatabaseBusy            503 database_busy, with Retry-After (a database wait ran out)
    ├── ProviderUnavailable     503 provider_unavailable (places, telephony, LLM down)
    ├── RateLimited             429 rate_limited, with Retry-After
    └── Unauthorized            401 unauthorized / Forbidden 403 forbidden
"""

from __future__ import annotations

from typing import Any


class ProxycallError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class InvalidRequest(ProxycallError):
    status = 422
    code = "invalid_request"


class UnknownAgent(InvalidRequest):
    code = "unknown_agent_type"


class NotFound(ProxycallError):
    status = 404
    code = "not_found"


class Conflict(ProxycallError):
    status = 409
    code = "conflict"


class ConversationBusy(Conflict):
    code = "conversation_busy"

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message, details={"retryAfterSeconds": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class DatabaseBusy(ProxycallError):
    status = 503
    code = "database_busy"

    def __init__(self, message: str, retry_after: int = 2) -> None:
        super().__init__(message, details={"retryAfterSeconds": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class DestinationBlocked(ProxycallError):
    status = 422
    code = "destination_blocked"


class DeadlineMissed(ProxycallError):
    """The call could no longer help: its deadline passed, or no allowed time comes before it."""

    status = 422
    code = "deadline_passed"


class CallsPaused(ProxycallError):
    status = 503
    code = "calls_paused"


class ProviderUnavailable(ProxycallError):
    status = 503
    code = "provider_unavailable"


class RateLimited(ProxycallError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, details={"retryAfterSeconds": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class Unauthorized(ProxycallError):
    status = 401
    code = "unauthorized"


class Forbidden(ProxycallError):
    status = 403
    code = "forbidden"
