"""Day and month names for DATE, and the typo repair that lets "thursady" be Thursday.

A misspelt weekday or month name is repaired before the date grammar reads the message, and
only carefully: the word must be one the grammar does not already know, start with the same
letter as the name, be within Damerau-Levenshtein distance 1 of a name of up to seven letters
or 2 of a longer one, and not be an ordinary word that happens to be that close ("sundae",
"sundry") or a plural ("mondays" is a habit, not a day). Only names of six letters or more are
repaired ("match" is never March, "jane" never June). The repaired text keeps a map back to the
original, so spans still index what the person typed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from proxycall.core.parsers.texting import DAYS, respell_with

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "tuseday": 1, "wednesday": 2,
    "wed": 2, "weds": 2, "wednsday": 2, "wensday": 2, "wendsday": 2, "thursday": 3, "thurs": 3,
    "thur": 3, "thu": 3, "thursay": 3, "thurday": 3, "friday": 4, "fri": 4, "firday": 4,
    "fryday": 4, "saturday": 5, "sat": 5, "saterday": 5, "satuday": 5, "sunday": 6, "sun": 6,
}
AMBIGUOUS_SHORT = {"sat", "sun", "wed", "mar", "may"}  # also ordinary words

# The full names a typo may be repaired to (six letters or more, so never a short word).
_REPAIRABLE = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
               "january", "february", "august", "september", "october", "november", "december")
# Ordinary words (and names) within reach of a day or month name: never repaired.
_NOT_TYPOS = frozenset({
    "frida", "fridas", "sundae", "sundaes", "sundry", "friend", "friends", "fridge", "fridges",
    "saturn", "octopus", "augusta", "moody", "mondo",
})


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), or limit + 1 once past it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=4096)
def repair_word(word: str) -> str | None:
    """The day or month name a misspelt word stands for ("thursady" → "thursday"), or None."""
    if word in WEEKDAYS or word in MONTHS or word in _NOT_TYPOS:
        return None
    best: tuple[int, str] | None = None
    for name in _REPAIRABLE:
        if name[0] != word[0] or word == name + "s":
            continue
        limit = 1 if len(name) <= 7 else 2
        distance = _distance(word, name, limit)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, name)
    return best[1] if best else None


def repair(low: str) -> tuple[str, list[int] | None]:
    """Folded text with texted and misspelt day words respelled, and where each character came from.

    Texted words come from the DAYS table of `texting` ("tmoz", "nxt"); misspelt day and month
    names are repaired as the module docstring says. The map gives each character's index in
    `low` (None when nothing changed).
    """
    return respell_with(low, _respelled, _TOKEN)


_TOKEN = re.compile(r"[a-z0-9']+")


def _respelled(word: str) -> str | None:
    texted = DAYS.get(word)
    if texted is not None:
        return texted
    return repair_word(word) if len(word) >= 5 and word.isalpha() else None
