"""The Telephony port over the official twilio SDK (real Twilio, or the simulator via base_url).

The SDK's REST client is synchronous (requests); each call runs in a worker thread with
`asyncio.to_thread`, so the event loop keeps serving webhooks — including the simulator's own,
when the simulator is mounted in the same process. (The SDK's AsyncTwilioHttpClient would need an
aiohttp session bound to one event loop and closed by hand; a thread per REST call is simpler and
these calls are rare: one create, the odd fetch and hang-up per phone call.)

The SDK is imported lazily, on first use: it costs ~100 ms to import.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from proxycall.adapters.telephony.webhooks import answered_by_from_twilio, call_status_from_twilio
from proxycall.core.telephony import (
    CallNotFound,
    CallRequest,
    ProviderCall,
    TelephonyError,
    TelephonyUnavailable,
)

REST_TIMEOUT_SECONDS = 10.0  # one REST request to Twilio; the SDK's default is no timeout
STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]

T = TypeVar("T")


class TwilioTelephony:
    """Places, reads and ends calls through Twilio's Calls API with the official SDK."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        base_url: str | None = None,
        timeout_seconds: float = REST_TIMEOUT_SECONDS,
    ) -> None:
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._base_url = base_url.rstrip("/") if base_url else None
        self._timeout = timeout_seconds
        self._client: Any = None
        self._lock = threading.Lock()

    async def place_call(self, request: CallRequest) -> ProviderCall:
        """Ask Twilio to dial, with status callbacks for every event and machine detection."""
        options: dict[str, Any] = {
            "to": request.to,
            "from_": request.from_,
            "url": request.voice_url,
            "method": "POST",
            "status_callback": request.status_callback_url,
            "status_callback_event": STATUS_EVENTS,
            "status_callback_method": "POST",
            "timeout": request.timeout_seconds,
            "time_limit": request.time_limit_seconds,
        }
        if request.machine_detection:
            options["machine_detection"] = "Enable"
        return await self._run(lambda client: client.calls.create(**options))

    async def fetch_call(self, sid: str) -> ProviderCall:
        """Twilio's current view of the call (status, answered_by, duration, price)."""
        return await self._run(lambda client: client.calls(sid).fetch())

    async def hang_up(self, sid: str) -> ProviderCall:
        """End the call: Twilio hangs up an answered call and cancels a queued or ringing one."""
        return await self._run(lambda client: client.calls(sid).update(status="completed"))

    async def _run(self, action: Callable[[Any], Any]) -> ProviderCall:
        def blocking() -> ProviderCall:
            with _translated_errors():
                return _provider_call(action(self._sdk_client()))

        return await asyncio.to_thread(blocking)

    def _sdk_client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._build_client()
            return self._client

    def _build_client(self) -> Any:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        client = Client(
            self._account_sid,
            self._auth_token,
            http_client=TwilioHttpClient(timeout=self._timeout),
            # A non-empty mapping: the SDK reads os.environ (TWILIO_EDGE, ...) when given none,
            # and only config.py may read the environment.
            environment={"PROXYCALL": "1"},
        )
        if self._base_url:
            client.api.base_url = self._base_url  # the simulator, or any Twilio-shaped fake
        return client


@contextmanager
def _translated_errors() -> Iterator[None]:
    """Turn the SDK's and requests' exceptions into ours, chained; messages carry no numbers."""
    try:
        yield
    except Exception as exc:
        translated = _translate(exc)
        if translated is None:
            raise
        raise translated from exc


def _translate(exc: BaseException) -> TelephonyError | None:
    from requests import RequestException
    from twilio.base.exceptions import TwilioException, TwilioRestException

    if isinstance(exc, TwilioRestException):
        status, code = exc.status, exc.code
        message = f"Twilio refused the request (HTTP {status}, code {code})"
        if status == 404:
            return CallNotFound(message, provider_code=code, http_status=status)
        if status == 429 or status >= 500:
            return TelephonyUnavailable(message, provider_code=code, http_status=status)
        return TelephonyError(message, provider_code=code, http_status=status)
    if isinstance(exc, RequestException):
        return TelephonyUnavailable(f"Twilio could not be reached ({type(exc).__name__})")
    if isinstance(exc, TwilioException):
        status = getattr(exc, "status", None)
        return TelephonyError(f"Twilio error ({type(exc).__name__})",
                              http_status=status if isinstance(status, int) else None)
    return None


def _provider_call(instance: Any) -> ProviderCall:
    status = call_status_from_twilio(instance.status)
    if status is None:
        raise TelephonyError(f"Twilio reported an unknown call status {instance.status!r}")
    cost = _cost(instance.price)
    return ProviderCall(
        sid=str(instance.sid),
        status=status,
        answered_by=answered_by_from_twilio(instance.answered_by),
        duration_seconds=_int_or_none(instance.duration),
        cost=cost,
        cost_currency=(instance.price_unit or None) if cost is not None else None,
        started_at=instance.start_time,
        ended_at=instance.end_time,
    )


def _int_or_none(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


def _cost(price: object) -> Decimal | None:
    # Twilio reports what a call cost as a negative amount ("-0.0130"); ours is positive.
    if price in (None, ""):
        return None
    try:
        return abs(Decimal(str(price)))
    except InvalidOperation:
        return None
