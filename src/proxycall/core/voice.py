"""The vocabulary between a call flow and the telephony adapter.

A flow (pure) reads `CallEvent`s and answers with `Directive`s; the telephony adapter turns
directives into TwiML and provider webhooks into events. Neither side knows the other's vendor.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AnsweredBy(StrEnum):
    """Who answered: a person, a machine, a fax, or unknown."""

    HUMAN = "human"
    MACHINE = "machine"  # voicemail or answering machine
    FAX = "fax"
    UNKNOWN = "unknown"


# --- Directives: what the call should do next, in order. ---


@dataclass(frozen=True)
class Say:
    """Say a line."""

    text: str


@dataclass(frozen=True)
class Pause:
    """Wait a number of seconds."""

    seconds: int


@dataclass(frozen=True)
class Listen:
    """Say `prompt` (may be empty) and wait for speech or a key press.

    `timeout_seconds` is how long silence may last before the flow hears `HeardNothing`;
    a hold ("one sec") is met with a long timeout instead of talking over the person.
    """

    prompt: tuple[str, ...] = ()
    timeout_seconds: int = 5
    speech: bool = True
    digits: bool = True
    hints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hangup:
    """End the call."""

    pass


Directive = Say | Pause | Listen | Hangup


# --- Events: what the provider reported. ---


@dataclass(frozen=True)
class CallAnswered:
    """The provider's verdict on who answered."""

    answered_by: AnsweredBy


@dataclass(frozen=True)
class Heard:
    """What the callee said or pressed, with the recogniser's confidence."""

    speech: str = ""
    digits: str = ""
    confidence: float | None = None


@dataclass(frozen=True)
class HeardNothing:
    """The callee stayed silent."""

    pass


@dataclass(frozen=True)
class Interpreted:
    """The LLM's reading of an answer the parsers could not read (None: it could not either)."""

    field: str
    value: str | int | None


CallEvent = CallAnswered | Heard | HeardNothing | Interpreted
