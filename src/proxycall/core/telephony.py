"""The telephony port: what the core asks of a phone provider, and the provider's words in ours.

    TelephonyError              the provider refused the request (bad number, bad credentials)
    ├── CallNotFound            the provider does not know that call
    └── TelephonyUnavailable    the provider could not be reached or failed (5xx, timeout)

Adapters translate their vendor's exceptions into these, chained (`raise ... from exc`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from proxycall.core.calls import CallStatus
from proxycall.core.errors import ProviderFailure
from proxycall.core.voice import AnsweredBy, Directive

DEFAULT_RING_TIMEOUT_SECONDS = 30  # Twilio's default is 60; a business answers within 30 s
DEFAULT_TIME_LIMIT_SECONDS = 600  # the flows end sooner; this is the provider-side backstop


class TelephonyError(ProviderFailure):
    """The provider refused a request; `provider_code` is the vendor's error code, if any."""

    def __init__(
        self, message: str, *, provider_code: int | None = None, http_status: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider_code = provider_code
        self.http_status = http_status


class CallNotFound(TelephonyError):
    """The provider has no call with that id."""


class TelephonyUnavailable(TelephonyError):
    """The provider could not be reached or failed on its side; worth retrying later."""


@dataclass(frozen=True)
class ProviderReport:
    """What a provider's webhook says about a call, read at the adapter into our words.

    A field the provider sent that could not be read (out of range, not a number) is None here
    and named in `unreadable`; an unknown status word is None with the word kept (bounded).
    """

    call_sid: str | None = None
    status: CallStatus | None = None
    status_word: str = ""
    answered_by: AnsweredBy | None = None
    duration_seconds: int | None = None
    cost: str | None = None  # what the call cost us, positive, to 4 decimal places
    cost_currency: str | None = None
    unreadable: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gathered:
    """The callee spoke or pressed keys (both empty: silence) in answer to a prompt."""

    report: ProviderReport
    speech: str = ""
    digits: str = ""
    confidence: float | None = None


class WebhookEdge(Protocol):
    """A provider's webhooks at the HTTP edge: their signature, their forms, our replies."""

    signature_header: str
    reply_media_type: str

    def signed(self, auth_token: str, url: str, form: Mapping[str, str],
               signature: str | None) -> bool:
        """True when the provider signed exactly this URL and form with this token."""
        ...

    def report(self, form: Mapping[str, str]) -> ProviderReport:
        """A status or voice webhook's form as a typed report."""
        ...

    def gathered(self, form: Mapping[str, str]) -> Gathered:
        """A gather webhook's form: what was heard, with the report it carries."""
        ...

    def reply(self, directives: Sequence[Directive], gather_action_url: str) -> str:
        """The provider's document for what the call does next."""
        ...


@dataclass(frozen=True)
class CallRequest:
    """Everything needed to place one outbound call.

    `voice_url` and `status_callback_url` are absolute public URLs that already carry whatever
    the webhooks need to find the call (e.g. `?callId=...`); `call_id` is ours, for logs.
    """

    to: str  # E.164
    from_: str  # E.164, our number
    call_id: str
    voice_url: str
    status_callback_url: str
    timeout_seconds: int = DEFAULT_RING_TIMEOUT_SECONDS
    time_limit_seconds: int = DEFAULT_TIME_LIMIT_SECONDS
    machine_detection: bool = True


@dataclass(frozen=True)
class ProviderCall:
    """The provider's view of a call. `cost` is positive (what it cost us), None until known."""

    sid: str
    status: CallStatus
    answered_by: AnsweredBy | None = None
    duration_seconds: int | None = None
    cost: Decimal | None = None
    cost_currency: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None


class Telephony(Protocol):
    """A phone provider: place a call, read its real state, end it."""

    async def place_call(self, request: CallRequest) -> ProviderCall:
        """Ask the provider to dial; returns at once with the provider's call id."""
        ...

    async def fetch_call(self, sid: str) -> ProviderCall:
        """The provider's current state of a call (the watchdog's source of truth)."""
        ...

    async def hang_up(self, sid: str) -> ProviderCall:
        """End a call: cancel it if not yet answered, hang up if in progress."""
        ...
