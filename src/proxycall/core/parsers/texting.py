"""How people text, one table per kind of word; each parser reads the table of its kind.

A texted word ("tmoz", "nxt", "drs appt", "a cpl") is respelled before the parser's grammar reads
the message, whole words only, and a map back to the original keeps every span indexing what the
person typed (the way date_words repairs a misspelt day name). A table holds only words that
mean one thing in its kind: "sat" is left to the date grammar, which knows when it is a day.
Business names are never respelled: "maccas" is what the person calls it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

# Days and dates: DATE.
DAYS: Mapping[str, str] = {
    "tmoz": "tomorrow", "2moz": "tomorrow", "tmorrow": "tomorrow", "tomoro": "tomorrow",
    "2morrow": "tomorrow", "tmrrw": "tomorrow", "nxt": "next", "2nite": "tonight",
    "2night": "tonight", "tonite": "tonight", "2dy": "today", "tdy": "today", "wk": "week",
    "wknd": "weekend", "wkend": "weekend", "mornin": "morning", "evenin": "evening",
}
# Times of day: TIME.
TIMES: Mapping[str, str] = {
    "nite": "night", "2nite": "tonight", "2night": "tonight", "tonite": "tonight",
    "mornin": "morning", "evenin": "evening", "oclock": "o'clock", "o'clok": "o'clock",
}
# Counts (NUMBER) keep their texted words in their own grammar, where each is a count or a cue:
# "a cpl", "coupla", "ppl", "peeps", "x2" (numbers.py).
# Reasons: the CHOICE synonyms of why someone is away (dropped letters and g's included).
REASONS: Mapping[str, str] = {
    "drs": "doctors", "dr's": "doctor's", "docs": "doctors", "doc's": "doctor's",
    "appt": "appointment", "appts": "appointments", "apt": "appointment",
    "hlth": "health", "throwin": "throwing", "feelin": "feeling", "spewin": "spewing",
    "chuckin": "chucking", "lookin": "looking", "carin": "caring", "vomitin": "vomiting",
    "nite": "night", "sik": "sick", "sicc": "sick", "hosp": "hospital",
}

_WORD = re.compile(r"[a-z0-9']+")


def respell(low: str, table: Mapping[str, str]) -> tuple[str, list[int] | None]:
    """Folded text with the table's texted words respelled, and where each character came from.

    The map gives, for every character of the result (and one past its end), its index in
    `low`; None when nothing was respelled.
    """
    return respell_with(low, table.get, _WORD)


def respell_with(low: str, replace: Callable[[str], str | None],
                 words: re.Pattern[str]) -> tuple[str, list[int] | None]:
    """Respell each word `replace` knows; the map back to `low`, or None when none changed."""
    pieces: list[str] = []
    origin: list[int] = []
    cursor = 0
    for match in words.finditer(low):
        new = replace(match.group(0))
        if new is None or new == match.group(0):
            continue
        pieces.append(low[cursor:match.start()])
        origin.extend(range(cursor, match.start()))
        pieces.append(new)
        last = len(new) - 1  # the new word's last letter maps to the old one's: spans end right
        origin.extend(match.end() - 1 if i == last else min(match.start() + i, match.end() - 1)
                      for i in range(len(new)))
        cursor = match.end()
    if not pieces:
        return low, None
    pieces.append(low[cursor:])
    origin.extend(range(cursor, len(low) + 1))
    return "".join(pieces), origin


def span_back(origin: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """A span of respelled text as a span of what the person typed."""
    if origin is None:
        return start, end
    return origin[start], origin[end - 1] + 1 if end > start else origin[start]
