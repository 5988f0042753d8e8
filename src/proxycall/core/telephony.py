"""The telephony port: what the core asks of a phone provider, and the provider's words in ours.

    TelephonyError              the provider refused the request (bad number, bad credentials)
    ├── CallNotFound            the provider does not know that call
    └── TelephonyUnavailable    the provider could not be reached or failed (5xx, timeout)

Adapters translate their vendor's exceptions into these, chained (`raise ... from exc`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from proxycall.core.calls import CallStatus
from proxycall.core.voice import AnsweredBy

DEFAULT_RING_TIMEOUT_SECONDS = 30  # Twilio's default is 60; a business answers within 30 s
DEFAULT_TIME_LIMIT_SECONDS = 600  # the flows end sooner; this is the provider-side backstop


class TelephonyError(Exception):
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


# One table each for the provider's words. Twilio's call statuses are our statuses' words
# (the contract uses them), so the table is an identity on the words Twilio can send.
TWILIO_CALL_STATUS: Mapping[str, CallStatus] = {
    "queued": CallStatus.QUEUED,
    "initiated": CallStatus.INITIATED,
    "ringing": CallStatus.RINGING,
    "in-progress": CallStatus.IN_PROGRESS,
    "answered": CallStatus.IN_PROGRESS,  # the StatusCallbackEvent name for in-progress
    "completed": CallStatus.COMPLETED,
    "busy": CallStatus.BUSY,
    "no-answer": CallStatus.NO_ANSWER,
    "failed": CallStatus.FAILED,
    "canceled": CallStatus.CANCELED,
}

TWILIO_ANSWERED_BY: Mapping[str, AnsweredBy] = {
    "human": AnsweredBy.HUMAN,
    "machine_start": AnsweredBy.MACHINE,
    "machine_end_beep": AnsweredBy.MACHINE,
    "machine_end_silence": AnsweredBy.MACHINE,
    "machine_end_other": AnsweredBy.MACHINE,
    "machine": AnsweredBy.MACHINE,  # older API versions
    "fax": AnsweredBy.FAX,
    "unknown": AnsweredBy.UNKNOWN,
}


def call_status_from_twilio(word: str | None) -> CallStatus | None:
    """Twilio's `CallStatus` word as ours, or None when absent or not a word Twilio uses."""
    if not word:
        return None
    return TWILIO_CALL_STATUS.get(word.strip().lower())


def answered_by_from_twilio(word: str | None) -> AnsweredBy | None:
    """Twilio's `AnsweredBy` word as ours; None when detection was off (no word at all)."""
    if not word:
        return None
    return TWILIO_ANSWERED_BY.get(word.strip().lower(), AnsweredBy.UNKNOWN)


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
