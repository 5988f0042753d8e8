"""Typed parsers: pure functions from what a person typed to a canonical value.

Every parser returns `Parsed(value)`, `Rejected(reason)` or `Ambiguous(question, options)` and
never raises for any input string. `parse_slot` dispatches on a slot's input type. The
`find_*` functions read a value inside a longer message and return a `Hit` (value, start, end,
options) or None; `scan_*` return every hit.
"""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache

from proxycall.core.agents.spec import Choice, InputType, SlotSpec, TextKind, TimeHint
from proxycall.core.parsers import cues
from proxycall.core.parsers._lex import Hit
from proxycall.core.parsers.choice import _choose, find_choice, parse_choice, scan_choices
from proxycall.core.parsers.dates import _scan_dates, find_date, parse_date, scan_dates
from proxycall.core.parsers.money import find_money, parse_money, scan_money
from proxycall.core.parsers.numbers import find_number, parse_number, scan_numbers
from proxycall.core.parsers.phone import find_phone, parse_phone, scan_phones
from proxycall.core.parsers.product import is_bare_category
from proxycall.core.parsers.result import (
    Ambiguous,
    ParseContext,
    Parsed,
    ParseResult,
    Rejected,
    Value,
)
from proxycall.core.parsers.text import capitalise_name, is_filler, parse_text
from proxycall.core.parsers.times import _scan_times, find_time, parse_time, scan_times
from proxycall.core.parsers.yes_no import find_yes_no, is_unsure, parse_yes_no, scan_yes_no

MAX_INPUT = 2000  # the contract's longest userMessage; longer text is cut, never an error
PARSE_CACHE_SIZE = 4096  # readings kept per process (a few MB at most)
_MIDNIGHT = time(0, 0)  # no parser reads the time of day, only the date

__all__ = [
    "Ambiguous", "Hit", "ParseContext", "ParseResult", "Parsed", "Rejected", "Value",
    "capitalise_name", "find_choice", "find_date", "find_money", "find_number", "find_phone",
    "find_time", "find_yes_no", "forget_readings", "is_bare_category", "is_filler", "is_unsure",
    "parse_choice", "parse_date", "parse_money", "parse_number", "parse_phone", "parse_slot",
    "parse_text", "parse_time", "parse_value", "parse_yes_no", "scan_choices", "scan_dates",
    "scan_money", "scan_numbers", "scan_phones", "scan_times", "scan_yes_no",
]


def parse_slot(slot: SlotSpec, text: str, ctx: ParseContext) -> ParseResult:
    """Read a reply for one slot with the parser its input type names."""
    return _parse_cached(slot.type, slot.time_hint, slot.choices, slot.text_kind,
                         str(text)[:MAX_INPUT], ctx.today, ctx.region)


# Parsers are pure in (input type and its options, text, today, region), and clients send the
# same carried slots on every turn, so a reading is kept; results are frozen, safe to share.
@lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse_cached(kind: InputType, time_hint: TimeHint, choices: tuple[Choice, ...],
                  text_kind: TextKind, text: str, today: date, region: str) -> ParseResult:
    ctx = ParseContext(today=today, now=_MIDNIGHT, region=region)
    if kind is InputType.PHONE:
        return parse_phone(text, region)
    if kind is InputType.DATE:
        return parse_date(text, ctx)
    if kind is InputType.TIME:
        return parse_time(text, ctx, time_hint)
    if kind is InputType.NUMBER:
        return parse_number(text)
    if kind is InputType.CHOICE:
        return parse_choice(text, choices)
    if kind is InputType.YES_NO:
        return parse_yes_no(text)
    if kind is InputType.MONEY:
        return parse_money(text)
    return parse_text(text, text_kind)


def forget_readings() -> None:
    """Empty the readings caches (the eval times the parsers themselves, not the caches)."""
    _parse_cached.cache_clear()
    _scan_dates.cache_clear()
    _scan_times.cache_clear()
    _choose.cache_clear()
    cues.find_business.cache_clear()


def parse_value(kind: InputType, text: str, ctx: ParseContext) -> ParseResult:
    """Read text as a bare input type (call outcome fields have no SlotSpec)."""
    return parse_slot(SlotSpec(name="value", type=kind, label=""), text, ctx)
