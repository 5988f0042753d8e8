"""What the simulator remembers of each call, and the call as Twilio's REST API shows it."""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from proxycall.adapters.telephony.simulator.callees import Callee
from proxycall.adapters.telephony.simulator.personas import Persona

API_VERSION = "2010-04-01"
TERMINAL = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})

# Approximate per-minute prices of outbound calls to Australia, for a realistic `price`.
PRICE_UNIT = "USD"
PRICE_PER_MINUTE_MOBILE = 0.0485
PRICE_PER_MINUTE_OTHER = 0.0165


@dataclass(frozen=True)
class Line:
    """One thing said or done on the call, `at` simulated seconds after dialing.

    speaker: "agent" (our TwiML, as the callee heard it), "callee" (what the callee said or
    pressed, as posted to us), or "event" (silence, hold music, hang-ups, errors).
    """

    speaker: str
    text: str
    at: float


@dataclass(frozen=True)
class SentRequest:
    """A request the simulator made to our webhooks; `status_code` None: it never arrived."""

    kind: str  # "status", "voice", "gather", "redirect"
    url: str
    form: dict[str, str]
    status_code: int | None


@dataclass
class SimulatedCall:
    """One call: its Twilio parameters, its state, and everything each side said."""

    sid: str
    account_sid: str
    to: str
    from_: str
    url: str
    method: str
    status_callback: str | None
    status_callback_events: frozenset[str]
    machine_detection: str | None
    timeout: int
    time_limit: int
    persona: Persona
    callee: Callee
    created_at: datetime
    status: str = "queued"
    answered_by: str | None = None
    elapsed: float = 0.0  # simulated seconds since dialing
    answered_at: float | None = None
    ended_at: float | None = None
    hangup_requested: str | None = None  # "completed" or "canceled", from a REST update
    transcript: list[Line] = field(default_factory=list)
    requests: list[SentRequest] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    heard_since_reply: list[str] = field(default_factory=list)
    sequence: int = 0

    @property
    def terminal(self) -> bool:
        """True once the call has ended."""
        return self.status in TERMINAL

    def note(self, speaker: str, text: str) -> None:
        """Record a line of the transcript at the current simulated time."""
        self.transcript.append(Line(speaker, text, round(self.elapsed, 2)))

    def said_by(self, speaker: str) -> list[str]:
        """Everything one side said, in order ("agent", "callee" or "event")."""
        return [line.text for line in self.transcript if line.speaker == speaker]

    def status_callbacks(self) -> list[str]:
        """The CallStatus of each status callback sent, in order."""
        return [r.form["CallStatus"] for r in self.requests if r.kind == "status"]

    @property
    def duration_seconds(self) -> int | None:
        """Twilio's `duration`: whole seconds from answer to hang-up; 0 if never answered."""
        if not self.terminal:
            return None
        if self.answered_at is None or self.ended_at is None:
            return 0
        return math.ceil(self.ended_at - self.answered_at)

    @property
    def price(self) -> str | None:
        """What the call cost, negative as Twilio writes it, per started minute."""
        duration = self.duration_seconds
        if not duration:
            return None
        rate = PRICE_PER_MINUTE_MOBILE if self.to.startswith("+614") else PRICE_PER_MINUTE_OTHER
        return f"{-rate * math.ceil(duration / 60):.5f}"

    def at(self, seconds: float | None) -> datetime | None:
        """The wall-clock time `seconds` simulated seconds after the call was created."""
        return None if seconds is None else self.created_at + timedelta(seconds=seconds)

    def resource(self) -> dict[str, Any]:
        """The call in the exact JSON shape of Twilio's Call resource."""
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Calls/{self.sid}"
        return {
            "account_sid": self.account_sid,
            "annotation": None,
            "answered_by": self.answered_by,
            "api_version": API_VERSION,
            "caller_name": None,
            "date_created": _rfc2822(self.created_at),
            "date_updated": _rfc2822(self.at(self.ended_at if self.terminal else self.elapsed)),
            "direction": "outbound-api",
            "duration": None if self.duration_seconds is None else str(self.duration_seconds),
            "end_time": _rfc2822(self.at(self.ended_at)),
            "forwarded_from": None,
            "from": self.from_,
            "from_formatted": self.from_,
            "group_sid": None,
            "parent_call_sid": None,
            "phone_number_sid": None,
            "price": self.price,
            "price_unit": PRICE_UNIT,
            "queue_time": "0",
            "sid": self.sid,
            "start_time": _rfc2822(self.at(self.answered_at)),
            "status": self.status,
            "stir_verstat": None,
            "subresource_uris": {
                name: f"{uri}/{name.capitalize()}.json"
                for name in ("notifications", "recordings", "events", "payments", "streams")
            },
            "to": self.to,
            "to_formatted": self.to,
            "trunk_sid": None,
            "uri": f"{uri}.json",
        }


def _rfc2822(moment: datetime | None) -> str | None:
    # Twilio writes "Tue, 31 Aug 2010 20:36:28 +0000".
    return None if moment is None else format_datetime(moment.astimezone(UTC))
