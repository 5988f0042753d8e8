"""The simulator's state: the calls it was asked to make, each driven by its own engine task."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from urllib.parse import urlparse

import httpx

from proxycall.adapters.telephony.simulator.engine import CallEngine, Sleeper
from proxycall.adapters.telephony.simulator.personas import PersonaDirectory
from proxycall.adapters.telephony.simulator.records import SimulatedCall

DEFAULT_ACCOUNT_SID = "AC" + "51" * 16  # a well-formed, obviously fake account sid
WEBHOOK_TIMEOUT_SECONDS = 15.0  # Twilio waits 15 s for a webhook before giving up
MAX_RING_TIMEOUT = 600  # Twilio's ceiling on `Timeout`
DEFAULT_RING_TIMEOUT = 60  # Twilio's default `Timeout`
DEFAULT_TIME_LIMIT = 14400  # Twilio's default and maximum `TimeLimit`
STATUS_EVENTS = frozenset({"initiated", "ringing", "answered", "completed"})
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class SimulatorError(Exception):
    """A REST request the simulator refuses, with Twilio's error code and HTTP status."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, object]:
        """The error in Twilio's JSON shape."""
        return {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }


class TwilioSimulator:
    """A local stand-in for Twilio's Calls API: creates, drives, reads and ends calls."""

    def __init__(
        self,
        auth_token: str,
        *,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        pace: float = 0.0,
        directory: PersonaDirectory | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleeper: Sleeper | None = None,
        clock: Callable[[], datetime] | None = None,
        webhook_timeout_seconds: float = WEBHOOK_TIMEOUT_SECONDS,
    ) -> None:
        if not auth_token:
            raise ValueError("the simulator needs an auth token to sign its webhooks")
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.pace = pace
        self.directory = directory or PersonaDirectory()
        self._transport = transport
        self._sleeper = sleeper or asyncio.sleep
        self._clock = clock or (lambda: datetime.now(UTC))
        self._webhook_timeout = webhook_timeout_seconds
        self._calls: dict[str, SimulatedCall] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._http: httpx.AsyncClient | None = None

    # --- the accessor tests and the CLI read ---

    @property
    def calls(self) -> tuple[SimulatedCall, ...]:
        """Every call made, oldest first."""
        return tuple(self._calls.values())

    def get(self, sid: str) -> SimulatedCall | None:
        """A call by its sid, or None."""
        return self._calls.get(sid)

    def calls_to(self, number: str) -> list[SimulatedCall]:
        """The calls made to one number, oldest first."""
        return [call for call in self._calls.values() if call.to == number]

    async def wait_until_done(self, sid: str, within_seconds: float = 10.0) -> SimulatedCall:
        """The call once it has ended and its final callback was sent."""
        call = self._calls[sid]
        await asyncio.wait_for(call.done.wait(), within_seconds)
        return call

    # --- the REST API's operations ---

    def create_call(self, form: Mapping[str, str], events: Sequence[str] = ()) -> SimulatedCall:
        """Validate a Calls.json POST like Twilio, record the call and start driving it."""
        to, from_, url = form.get("To", ""), form.get("From", ""), form.get("Url", "")
        _require(to, 21201, "No 'To' number is specified")
        _require(from_, 21603, "A 'From' phone number is required.")
        _require(url, 21205, "Url parameter is required.")
        _require(_E164.match(to), 21211, "Invalid 'To' Phone Number")
        _require(_E164.match(from_), 21212, "Invalid 'From' Phone Number")
        _require(_http_url(url), 21205, "Url is not a valid URL")
        callback = form.get("StatusCallback") or None
        _require(callback is None or _http_url(callback), 21609, "Invalid StatusCallback URL")
        detection = form.get("MachineDetection") or None
        _require(detection in (None, "Enable", "DetectMessageEnd"), 21626,
                 "MachineDetection must be Enable or DetectMessageEnd")
        timeout = _integer(form.get("Timeout"), DEFAULT_RING_TIMEOUT, 1, MAX_RING_TIMEOUT,
                           "Timeout")
        limit = _integer(form.get("TimeLimit"), DEFAULT_TIME_LIMIT, 1, DEFAULT_TIME_LIMIT,
                         "TimeLimit")
        persona = self.directory.persona_for(to)
        call = SimulatedCall(
            sid="CA" + uuid.uuid4().hex,
            account_sid=self.account_sid,
            to=to,
            from_=from_,
            url=url,
            method=(form.get("Method") or "POST").upper(),
            status_callback=callback,
            status_callback_events=_events(events),
            machine_detection=detection,
            timeout=timeout,
            time_limit=limit,
            persona=persona,
            callee=persona.start(),
            created_at=self._clock(),
        )
        self._calls[call.sid] = call
        self._start(call)
        return call

    def fetch_call(self, sid: str) -> SimulatedCall:
        """A call, or Twilio's 404."""
        call = self._calls.get(sid)
        if call is None:
            raise SimulatorError(404, 20404, f"The requested resource /Calls/{sid}.json was not "
                                 "found")
        return call

    def update_call(self, sid: str, status: str | None) -> SimulatedCall:
        """Status=completed hangs up (or cancels if unanswered); canceled only cancels."""
        call = self.fetch_call(sid)
        if status not in ("completed", "canceled"):
            raise SimulatorError(400, 20001, "The simulator only updates Status "
                                 "(completed or canceled)")
        if call.terminal or call.hangup_requested:
            return call
        answered = call.answered_at is not None
        if status == "canceled" and answered:
            return call  # Twilio: canceling an answered call has no effect
        call.hangup_requested = "completed" if answered else "canceled"
        call.status = call.hangup_requested
        call.ended_at = call.elapsed
        return call

    async def aclose(self) -> None:
        """Stop every call still running and close the webhook client."""
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def _start(self, call: SimulatedCall) -> None:
        if self._http is None:
            self._http = httpx.AsyncClient(transport=self._transport,
                                           timeout=self._webhook_timeout)
        engine = CallEngine(auth_token=self.auth_token, http=self._http, pace=self.pace,
                            sleeper=self._sleeper)
        task = asyncio.get_running_loop().create_task(engine.run(call), name=f"sim-{call.sid}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _require(condition: object, code: int, message: str) -> None:
    if not condition:
        raise SimulatorError(400, code, message)


def _http_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def _integer(value: str | None, default: int, low: int, high: int, name: str) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    _require(low <= number <= high, 20001, f"{name} must be a whole number from {low} to {high}")
    return number


def _events(values: Sequence[str]) -> frozenset[str]:
    # The SDK repeats the parameter per event; a hand-written client may space-separate them.
    words = {word.lower() for value in values for word in value.split()}
    return frozenset(words & STATUS_EVENTS) or frozenset({"completed"})
