"""A deterministic, rule-based stand-in for a chat model, used by the fake OpenAI server.

It reads the JSON schema from the request's `response_format` and the person's text from the
user message, and answers with plausible JSON: a time-like phrase for a TIME field, a choice whose
value, label or synonym appears in the text for a CHOICE field, and so on. It is good enough to
exercise the real adapter end to end; it is not a parser to be trusted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

_I = re.IGNORECASE
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_PATTERNS: Mapping[str, tuple[re.Pattern[str], ...]] = {
    "TIME": (
        re.compile(r"\b(?:[01]?\d|2[0-3])[:.][0-5]\d\s*(?:am|pm)?(?![\d])", _I),
        re.compile(r"\b(?:1[0-2]|0?[1-9])\s*(?:am|pm|a\.m\.|p\.m\.)", _I),
        re.compile(r"\b(?:noon|midday|midnight)\b", _I),
        re.compile(r"\b(?:half past|quarter past|quarter to)\s+[a-z0-9]+\b", _I),
    ),
    "DATE": (
        re.compile(r"\b(?:day after tomorrow|today|tonight|tomorrow|tmrw|tmr)\b", _I),
        re.compile(r"\b(?:(?:this|next|on)\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", _I),
        re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
        re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"),
        re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b", _I),
        re.compile(r"\bthe\s+\d{1,2}(?:st|nd|rd|th)\b", _I),
    ),
    "PHONE": (re.compile(r"(?<![\w])\+?\d[\d ()\-.]{6,}\d"),),
    "MONEY": (re.compile(r"\$\s?\d+(?:\.\d{2})?"),),
}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple": 2, "a pair": 2, "a dozen": 12,
}
_NUMBER = re.compile(r"(?<![\d:.$])\b\d{1,3}\b(?![\d:.]|\s*(?:am|pm)\b)", _I)
_YES = re.compile(r"\b(?:yes|yeah|yep|yup|sure|we do|we have|got (?:some|them|it))\b", _I)
_NO = re.compile(r"\b(?:no|nah|nope|sold out|don't have|do not have)\b", _I)


def _first_match(kind: str, text: str) -> str | None:
    found = [m for pattern in _PATTERNS[kind] if (m := pattern.search(text))]
    return min(found, key=lambda m: m.start()).group(0).strip() if found else None


def _number(text: str) -> str | None:
    digits = _NUMBER.search(text)
    if digits:
        return digits.group(0)
    for word, value in _NUMBER_WORDS.items():
        if re.search(rf"\b{word}\b", text, _I):
            return str(value)
    return None


def _yes_no(text: str) -> str | None:
    no, yes = _NO.search(text), _YES.search(text)
    if no and (not yes or no.start() < yes.start()):
        return "no"
    return "yes" if yes else None


def _choice_words(description: str) -> dict[str, list[str]]:
    """Parse 'Values: SICK = I'm sick (also: flu, ill); CARER = ...' from a field description."""
    words: dict[str, list[str]] = {}
    _, _, listing = description.partition("Values: ")
    for entry in listing.split("; "):
        value, _, rest = entry.partition(" = ")
        label, _, synonyms = rest.partition(" (also: ")
        words[value.strip()] = [label, *synonyms.rstrip(")").split(", ")]
    return words


def _choice(text: str, prop: Mapping[str, Any]) -> str | None:
    values = [value for value in prop.get("enum", []) if isinstance(value, str)]
    words = _choice_words(str(prop.get("description", "")))
    best: tuple[int, str] | None = None
    for value in values:
        for word in (value, value.replace("_", " "), *words.get(value, [])):
            longer = best is None or len(word) > best[0]
            if word and longer and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, _I):
                best = (len(word), value)
    return best[1] if best else None


_READERS: Mapping[str, Callable[[str], str | None]] = {
    "TIME": lambda text: _first_match("TIME", text),
    "DATE": lambda text: _first_match("DATE", text),
    "PHONE": lambda text: _first_match("PHONE", text),
    "MONEY": lambda text: _first_match("MONEY", text),
    "NUMBER": _number,
    "YES_NO": _yes_no,
}


def read_field(name: str, prop: Mapping[str, Any], text: str, asked: str | None) -> str | None:
    """A value for one schema property, read from `text` by its declared input type."""
    kind = str(prop.get("description", "")).split(".", 1)[0].strip()
    if kind == "CHOICE" or "enum" in prop:
        return _choice(text, prop)
    if kind in _READERS:
        return _READERS[kind](text)
    # TEXT: only the field that was asked gets the whole reply; a model would do better.
    return (text.strip() or None) if name == asked else None


def user_data(messages: Any) -> dict[str, Any]:
    """The JSON data of the last user message (or its raw text as `message`)."""
    content = ""
    for message in messages if isinstance(messages, list) else []:
        if isinstance(message, dict) and message.get("role") == "user":
            text = message.get("content")
            content = text if isinstance(text, str) else ""
    try:
        data = json.loads(content)
    except ValueError:
        return {"message": content}
    return data if isinstance(data, dict) else {"message": content}


def schema_of(body: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON schema in a request's `response_format`, or {} when there is none."""
    schema: Any = body.get("response_format")
    for key in ("json_schema", "schema"):
        schema = schema.get(key) if isinstance(schema, dict) else None
    return schema if isinstance(schema, dict) else {}


def answer(body: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON object this "model" answers to a chat completion request body."""
    data = user_data(body.get("messages"))
    text = str(data.get("message") or data.get("answer") or "")
    asked = data.get("asked_slot")
    if data.get("task") == "read_answer":
        asked = "answer"  # the single field is always the one being asked
    asked = asked if isinstance(asked, str) else None
    properties = schema_of(body).get("properties", {})
    # The asked field reads first, and a phrase fills one field only ("tomorrow" is the shift
    # date, not also the return date), as a sensible model would do.
    order = sorted(properties, key=lambda name: name != asked)
    result: dict[str, Any] = {}
    used: set[str] = set()
    for name in order:
        prop = properties[name]
        value = read_field(name, prop, text, asked) if isinstance(prop, dict) else None
        result[name] = None if value in used else value
        if value is not None:
            used.add(value)
    return {name: result[name] for name in properties}
