"""What every parser returns: a canonical value, a refusal, or a question to settle ambiguity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

Value = str | int


@dataclass(frozen=True)
class Parsed:
    """A value read, in its canonical form."""

    value: Value


@dataclass(frozen=True)
class Rejected:
    """Nothing usable: the message says why."""

    reason: str  # for a person: why the reply could not be used, and what would work


@dataclass(frozen=True)
class Ambiguous:
    """More than one reading: the person is asked, with the options."""

    question: str  # "Do you mean 7 am or 7 pm?"
    options: tuple[Value, ...]  # canonical values the person can pick from


ParseResult = Parsed | Rejected | Ambiguous


@dataclass(frozen=True)
class ParseContext:
    """What a parser may know about the world: the date and time where the person is."""

    today: date
    now: time
    region: str = "AU"
