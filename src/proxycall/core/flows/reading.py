"""Reading a business's spoken answers into outcome facts with the typed parsers.

`read_field` reads one field from a whole answer (the question we just asked); with
`whole=False` it only trusts a value that stands out inside a longer sentence, for the other
fields an answer often fills too ("yeah we've got five": in stock and how many).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from proxycall.core.agents.spec import AgentSpec, Condition, InputType, TimeHint
from proxycall.core.flows.intents import clauses, is_hedged, normalise
from proxycall.core.parsers._lex import words_value
from proxycall.core.parsers.dates import find_date, parse_date
from proxycall.core.parsers.money import find_money, parse_money
from proxycall.core.parsers.numbers import parse_number
from proxycall.core.parsers.result import (
    ParseContext,
    Parsed,
    ParseResult,
    Rejected,
    Value,
)
from proxycall.core.parsers.times import parse_time
from proxycall.core.parsers.yes_no import find_yes_no, is_unsure

DEFAULT_TIMEZONE = "Australia/Sydney"
# On the phone a request is granted with these as often as with a yes.
_DONE = re.compile(
    r"^(?:that's |thats |it's |its |all |that is )?(?:done|sorted|taken care of|can do|"
    r"no dramas|easy|consider it done)\b"
)
_ZERO = re.compile(r"\b(?:none|nothing|zero|nil|no stock|not any|sold out|all gone)\b")
_NO_CHARGE = re.compile(
    r"\b(?:no|without a|without any|free of|not a|isn't a|isn't any|won't be a|won't be any)"
    r"\s+(?:cancellation\s+)?(?:fee|charge|cost)s?\b|\bfree\b|\bno charge\b|"
    r"\bdoesn't cost\b|\bwon't cost\b|\bnothing\b|\bnot charge\b|\bwon't charge\b|\bdon't charge\b"
)
_MONEY_SIGN = re.compile(r"\$\s?(?P<d>\d{1,6}(?:,\d{3})*)(?:\.(?P<c>\d{1,2}))?")
_MONEY_WORD = re.compile(
    r"(?P<d>\d{1,6}(?:,\d{3})*)(?:\.(?P<c>\d{1,2}))?\s*(?:dollars?|bucks)\b"
    r"(?:\s*(?:and\s+)?(?P<c2>\d{1,2})\s*(?:cents?)?)?"
)
_MONEY_WORDS = re.compile(r"(?P<w>[a-z][a-z\s-]*?)\s+(?:dollars?|bucks)\b")
_BARE_AMOUNT = re.compile(
    r"^(?:it's|its|it is|that's|thats|about|around|they're|theyre|\s)*"
    r"(?P<d>\d{1,6})(?:\.(?P<c>\d{1,2}))?(?:\s*each)?$"
)


def parse_context(values: Mapping[str, Value], now: datetime) -> ParseContext:
    """Today and now where the callee is (the place's timezone, else the default)."""
    zone_name = str(values.get("place_timezone") or values.get("timezone") or DEFAULT_TIMEZONE)
    try:
        zone = ZoneInfo(zone_name)
    except (KeyError, ValueError):
        zone = ZoneInfo(DEFAULT_TIMEZONE)
    local = now.astimezone(zone)
    return ParseContext(today=local.date(), now=local.time().replace(microsecond=0))


def time_hint(spec: AgentSpec) -> TimeHint:
    """How a bare hour in an answer is read: like the agent's own time slot."""
    hints = (slot.time_hint for slot in spec.slots if slot.type is InputType.TIME)
    return next(hints, TimeHint.BUSINESS_HOURS)


def holds(condition: Condition | None, facts: Mapping[str, Value]) -> bool:
    """Whether a step's `when` holds over the facts found so far (no condition: always)."""
    if condition is None:
        return True
    value = facts.get(condition.slot)
    if condition.kind == "equals":
        return value is not None and str(value) in condition.values
    if condition.kind == "unsure":
        return isinstance(value, str) and is_unsure(value)
    return False


def read_field(
    kind: InputType,
    text: str,
    ctx: ParseContext,
    *,
    hint: TimeHint = TimeHint.BUSINESS_HOURS,
    label: str = "",
    whole: bool = True,
) -> ParseResult:
    """One outcome field's value from an answer, as the parsers' result."""
    if kind is InputType.YES_NO:
        return read_yes_no(text, label) if whole else Rejected("not read inside a sentence")
    if kind is InputType.NUMBER:
        return _read_count(text)
    if kind is InputType.DATE:
        if whole:
            return parse_date(text, ctx)
        hit = find_date(text, ctx)
        return Parsed(hit.value) if hit else Rejected("no date")
    if kind is InputType.TIME:
        result = parse_time(text, ctx, hint)
        return result if whole or isinstance(result, Parsed) else Rejected("no time")
    if kind is InputType.MONEY:
        return read_money(text, whole=whole)
    return Parsed(text.strip()) if whole and text.strip() else Rejected("no text")


def read_yes_no(text: str, label: str = "") -> ParseResult:
    """Yes or no from the first clause that says either; a field's own word counts too.

    "yep, cancelled, no fee" is YES: the first clause answers, the rest is about other things.
    The field's own word is taken out before looking for yes and no, because "cancel" on its
    own means no to a person but is the very thing asked about here.
    """
    if is_hedged(text) or (is_unsure(text) and find_yes_no(text) is None):
        return Rejected("unsure")  # "yeah… I guess" is not a yes anyone can rely on
    stem = _stem(label)
    for clause in clauses(text):
        low = normalise(clause)
        masked = re.sub(rf"\b{re.escape(stem)}\w*", " ", low) if stem else low
        hit = find_yes_no(masked)
        if hit is not None:
            return Parsed(str(hit.value))
        by_label = _label_answer(low, stem)
        if by_label is not None:
            return Parsed(by_label)
        if _DONE.search(low):
            return Parsed("YES")
    return Rejected("Is that a yes or a no?")


def _stem(label: str) -> str:
    """A one-word label's stem ("Cancelled" -> "cancel", "Booked" -> "book"); else ""."""
    word = normalise(label)
    if not word or " " in word:
        return ""
    stem = re.sub(r"(?:led|ed|ing)$", "", word)
    return stem if len(stem) >= 4 else ""


def _label_answer(low: str, stem: str) -> str | None:
    """A stem said as yes ("you're booked in") or no ("fully booked", "booked out")."""
    if not stem or not re.search(rf"\b{re.escape(stem)}\w*", low):
        return None
    word = rf"{re.escape(stem)}\w*"
    negative = (
        rf"(?:not|n't|cannot|can't|couldn't|unable to|never|fully|all|completely)\s+"
        rf"(?:\w+\s+){{0,2}}{word}|{word}\s+(?:out|up|solid)\b"
    )
    return "NO" if re.search(negative, low) else "YES"


def _read_count(text: str) -> ParseResult:
    low = normalise(text)
    result = parse_number(text)
    if isinstance(result, Rejected) and _ZERO.search(low):
        return Parsed(0)  # a shop can have none; a person's count can't, hence this here
    return result


def read_money(text: str, *, whole: bool = True) -> ParseResult:
    """An amount as dollars and cents ("249.00"); "no fee" and "free" are "0.00"."""
    if whole:
        result = parse_money(text)
        if isinstance(result, Parsed):
            return result
    else:
        hit = find_money(text)
        if hit is not None and not hit.error and not hit.ambiguous:
            return Parsed(hit.value)
    return _spoken_money(text, whole=whole)


def _spoken_money(text: str, *, whole: bool) -> ParseResult:
    """What the money parser leaves: "no fee" inside a sentence, "they're 249 each"."""
    low = normalise(text).replace(" .", ".")
    for pattern in (_MONEY_SIGN, _MONEY_WORD):
        match = pattern.search(low)
        if match:
            cents = match.group("c") or (match.groupdict().get("c2") or "")
            return Parsed(_amount(match.group("d"), cents))
    match = _MONEY_WORDS.search(low)
    if match:
        tail = match.group("w").split()
        for start in range(len(tail)):
            value = words_value(" ".join(tail[start:]))
            if value is not None:
                return Parsed(_amount(str(value), ""))
    if _NO_CHARGE.search(low):
        return Parsed("0.00")
    if whole:
        bare = _BARE_AMOUNT.match(low)
        if bare:
            return Parsed(_amount(bare.group("d"), bare.group("c") or ""))
        answer = read_yes_no(text)
        if isinstance(answer, Parsed) and answer.value == "NO":
            return Parsed("0.00")  # "Is there a fee?" "No." — no fee
    return Rejected("How much is it?")


def _amount(dollars: str, cents: str) -> str:
    return f"{int(dollars.replace(',', ''))}.{cents.ljust(2, '0')[:2]}"
