"""One exception tree for everything the domain raises; HTTP sees it through one table.

    ProxycallError
    ├── Refusal                     a deliberate answer to a request
    │   ├── InvalidRequest          a field is wrong
    │   │   └── UnknownAgent
    │   ├── NotFound                also: someone else's conversation or call
    │   ├── Conflict                conversation_complete, not_confirmed, ...
    │   │   └── ConversationBusy    send the turn again after `retry_after`
    │   ├── DestinationBlocked
    │   ├── DeadlineMissed          deadline_passed / no_time_before_deadline
    │   ├── CallsPaused
    │   ├── DatabaseBusy            a database wait ran out; try again after `retry_after`
    │   ├── ProviderUnavailable     places, telephony or the LLM is down
    │   ├── RateLimited
    │   ├── Unauthorized
    │   └── Forbidden
    ├── ProviderFailure             an adapter's provider failed or refused
    │   ├── TelephonyError          (core.telephony) with CallNotFound, TelephonyUnavailable
    │   ├── LlmUnavailable          (core.llm)
    │   └── PlacesUnavailable       (core.places)
    └── SetupError                  configuration that cannot start
        ├── AgentSpecError          (core.agents)
        ├── CallWindowError         (core.policy)
        └── ConfigError             (config)

The HTTP status of each refusal is in `api/errors.py` (HTTP_STATUS), nowhere else.
"""

from __future__ import annotations

from typing import Any


class ProxycallError(Exception):
    """The root: `code` names the error for clients and logs, `details` says more."""

    code = "internal_error"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details
        self.retry_after: int | None = None  # seconds after which trying again may work


class Refusal(ProxycallError):
    """A deliberate answer to a request: what was asked cannot be done, and why."""


class ProviderFailure(ProxycallError):
    """A provider behind an adapter (telephony, places, the LLM) failed or refused."""

    code = "provider_unavailable"


class SetupError(ProxycallError):
    """The configuration cannot start: the message says what to fix."""

    code = "setup_error"


class InvalidRequest(Refusal):
    """A field of the request is wrong; `details` names it."""

    code = "invalid_request"


class UnknownAgent(InvalidRequest):
    """The request names an agent type that does not exist."""

    code = "unknown_agent_type"


class NotFound(Refusal):
    """No such conversation or call (or it is someone else's)."""

    code = "not_found"


class Conflict(Refusal):
    """The request does not fit the current state (not confirmed, already complete, ...)."""

    code = "conflict"


class ConversationBusy(Conflict):
    """Another turn of the same conversation is being answered; send this one again."""

    code = "conversation_busy"

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message, details={"retryAfterSeconds": retry_after})
        self.retry_after = retry_after


class DatabaseBusy(Refusal):
    """A database wait ran out (a lock, the pool); the request changed nothing."""

    code = "database_busy"

    def __init__(self, message: str, retry_after: int = 2) -> None:
        super().__init__(message, details={"retryAfterSeconds": retry_after})
        self.retry_after = retry_after


class DestinationBlocked(Refusal):
    """The destination policy refuses the number (emergency, premium, abroad, blocked)."""

    code = "destination_blocked"


class DeadlineMissed(Refusal):
    """The call could no longer help: its deadline passed, or no allowed time comes before it."""

    code = "deadline_passed"


class CallsPaused(Refusal):
    """An operator paused all calls."""

    code = "calls_paused"


class ProviderUnavailable(Refusal):
    """A provider the request needs is down; nothing was changed."""

    code = "provider_unavailable"


class RateLimited(Refusal):
    """Too many requests from this user; try again after `retry_after`."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, details={"retryAfterSeconds": retry_after})
        self.retry_after = retry_after


class Unauthorized(Refusal):
    """No token, or a token that is not valid."""

    code = "unauthorized"


class Forbidden(Refusal):
    """A valid token that may not do this (admin only), or an unsigned webhook."""

    code = "forbidden"
