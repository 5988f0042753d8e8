"""CHOICE: match a reply to one declared choice by value, label or synonym.

Matching is case-insensitive and on word boundaries, so a single letter or a fragment of a word
never matches. The longest matching phrase wins ("looking after my sick kid" is CARER, not
SICK); two different choices matched by equally long phrases are ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from proxycall.core.agents.spec import Choice
from proxycall.core.parsers._lex import Hit, fold
from proxycall.core.parsers.result import Ambiguous, Parsed, ParseResult, Rejected

MIN_PHRASE = 2  # a phrase shorter than this (a lone letter) is never matched


def _phrases(choice: Choice) -> list[str]:
    raw = [choice.value, choice.value.replace("_", " "), choice.label, *choice.synonyms]
    out = []
    for phrase in raw:
        cleaned = re.sub(r"\s+", " ", fold(phrase).strip(" .!?"))
        if len(cleaned.replace(" ", "")) >= MIN_PHRASE and cleaned not in out:
            out.append(cleaned)
    return out


@lru_cache(maxsize=64)
def _matcher(choices: tuple[Choice, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    owner: dict[str, str] = {}
    for choice in choices:
        for phrase in _phrases(choice):
            owner.setdefault(phrase, choice.value)
    ordered = sorted(owner, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])"), owner


def scan_choices(text: str, choices: Sequence[Choice]) -> list[Hit]:
    """Every choice phrase in a message, with its span (longest phrases first, no overlaps)."""
    if not choices:
        return []
    pattern, owner = _matcher(tuple(choices))
    low = fold(text)
    hits = []
    for match in pattern.finditer(low):
        phrase = re.sub(r"\s+", " ", match.group(0))
        hits.append(Hit(owner[phrase], match.start(), match.end()))
    return hits


def _best(hits: list[Hit]) -> list[Hit]:
    longest = max(hit.end - hit.start for hit in hits)
    return [hit for hit in hits if hit.end - hit.start == longest]


def parse_choice(text: str, choices: Sequence[Choice]) -> ParseResult:
    """A whole reply as one choice's value; none or a tie between choices is not guessed."""
    hits = scan_choices(text, choices)
    labels = ", ".join(f'"{c.label}"' for c in choices)
    if not hits:
        return Rejected(f"Please pick one of: {labels}.")
    best = _best(hits)
    values = tuple(dict.fromkeys(str(hit.value) for hit in best))
    if len(values) == 1:
        return Parsed(values[0])
    by_value = {c.value: c.label for c in choices}
    names = " or ".join(f'"{by_value[v]}"' for v in values)
    return Ambiguous(f"Which one: {names}?", values)


def find_choice(text: str, choices: Sequence[Choice]) -> Hit | None:
    """The clearest choice mentioned inside a message, with its span, or None (also on a tie)."""
    hits = scan_choices(text, choices)
    if not hits:
        return None
    best = _best(hits)
    if len({hit.value for hit in best}) > 1:
        return None
    return best[0]
