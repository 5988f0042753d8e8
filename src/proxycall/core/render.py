"""Canonical values rendered for people: on a card, in a brief, and spoken on a call."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from datetime import date

import phonenumbers

from proxycall.core.agents.spec import AgentSpec, Choice, InputType
from proxycall.core.parsers.result import Value

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_FORMATTER = string.Formatter()
_SERVER_SLOT_TYPES = {"place_phone": InputType.PHONE}


def display_date(iso: str) -> str:
    """"2026-11-28" -> "Saturday 28 November"."""
    day = date.fromisoformat(iso)
    return f"{day:%A} {day.day} {day:%B}"


def spoken_date(iso: str) -> str:
    """"2026-11-28" -> "Saturday the 28th of November"."""
    day = date.fromisoformat(iso)
    return f"{day:%A} the {ordinal(day.day)} of {day:%B}"


def ordinal(n: int) -> str:
    """A day of the month said as an ordinal (1st, 2nd, 23rd)."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def display_time(hhmm: str) -> str:
    """"09:00" -> "9 am"; "21:30" -> "9:30 pm"; "12:00" -> "12 pm" (noon)."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    suffix = "am" if hour < 12 else "pm"
    hour12 = hour % 12 or 12
    return f"{hour12} {suffix}" if minute == 0 else f"{hour12}:{minute:02d} {suffix}"


def display_phone(e164: str, region: str = "AU") -> str:
    """"+61412345678" -> "0412 345 678" at home, international format abroad."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def spoken_phone(e164: str, region: str = "AU") -> str:
    """Digits read one by one in groups: "0 4 1 2, 3 4 5, 6 7 8"."""
    groups = display_phone(e164, region).replace("(", "").replace(")", "").split()
    return ", ".join(" ".join(group) for group in groups)


def display_money(amount: str) -> str:
    """An amount as people read it ($12.50)."""
    return "no charge" if amount in {"0", "0.00"} else f"${amount}"


def _choice(choices: tuple[Choice, ...], value: Value) -> Choice | None:
    return next((choice for choice in choices if choice.value == value), None)


def value_type(spec: AgentSpec, name: str) -> tuple[InputType, tuple[Choice, ...]]:
    """The input type of a slot, an outcome field, or a server-owned place value."""
    if spec.has_slot(name):
        slot = spec.slot(name)
        return slot.type, slot.choices
    for field in spec.outcome:
        if field.name == name:
            return field.type, ()
    return _SERVER_SLOT_TYPES.get(name, InputType.TEXT), ()


def render_value(spec: AgentSpec, name: str, value: Value, *, spoken: bool = False) -> str:
    """One canonical value as a person reads or hears it."""
    kind, choices = value_type(spec, name)
    text = str(value)
    try:
        if kind is InputType.DATE:
            return spoken_date(text) if spoken else display_date(text)
        if kind is InputType.TIME:
            return display_time(text)
        if kind is InputType.PHONE:
            return spoken_phone(text) if spoken else display_phone(text)
        if kind is InputType.YES_NO:
            return {"YES": "yes", "NO": "no"}.get(text, text) if spoken else text.title()
        if kind is InputType.MONEY:
            return display_money(text)
    except ValueError:
        return text
    if kind is InputType.CHOICE:
        choice = _choice(choices, value)
        if choice is not None:
            return (choice.spoken or choice.label) if spoken else choice.label
    return text


def render_template(
    template: str, values: Mapping[str, Value], spec: AgentSpec, *, spoken: bool = False
) -> str | None:
    """Fill `{slot}` fields; a sentence naming a missing value is dropped (None if all are)."""
    kept = [
        rendered
        for sentence in _SENTENCE_END.split(template.strip())
        if (rendered := _render_sentence(sentence, values, spec, spoken)) is not None
    ]
    return " ".join(kept) if kept else None


def _render_sentence(
    sentence: str, values: Mapping[str, Value], spec: AgentSpec, spoken: bool
) -> str | None:
    parts: list[str] = []
    for literal, name, _spec, _conversion in _FORMATTER.parse(sentence):
        parts.append(literal)
        if name is None:
            continue
        value = values.get(name)
        if value is None or value == "":
            return None
        parts.append(render_value(spec, name, value, spoken=spoken))
    return "".join(parts)


def render_lines(
    templates: tuple[str, ...], values: Mapping[str, Value], spec: AgentSpec, *,
    spoken: bool = False,
) -> list[str]:
    """Render each template, dropping those whose values are missing."""
    return [
        line
        for template in templates
        if (line := render_template(template, values, spec, spoken=spoken)) is not None
    ]


def change_sentence(spec: AgentSpec, name: str, old: Value, new: Value) -> str:
    """Say a change back: "Changed Shift starts from 9 am to 10 am."."""
    label = spec.slot(name).label if spec.has_slot(name) else name.replace("_", " ")
    return (f"Changed {label} from {render_value(spec, name, old)} "
            f"to {render_value(spec, name, new)}.")
