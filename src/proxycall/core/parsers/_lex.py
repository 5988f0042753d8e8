"""Shared lexing helpers: length-preserving folding, word tokens and number words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

SCAN_CACHE_SIZE = 4096  # messages whose scans are kept per scanner (pure in their inputs)

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
        "seventy": 70, "eighty": 80, "ninety": 90}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
NUMBER_WORD = r"(?:" + "|".join(sorted([*UNITS, *TENS], key=len, reverse=True)) + r")"
# "twenty five", "twenty-five", "a hundred and twenty", "two hundred"
NUMBER_WORDS_RE = (
    rf"(?:(?:a|one|{NUMBER_WORD})[ -]hundred(?:(?: and)? {NUMBER_WORD}(?:[ -]{NUMBER_WORD})?)?"
    rf"|{NUMBER_WORD}(?:[ -]{NUMBER_WORD})?)"
)


@lru_cache(maxsize=8192)  # one message is folded by each reader that looks at it
def fold(text: str) -> str:
    """Lower-case and straighten quotes without changing the length, so spans stay valid."""
    text = text.translate(_QUOTES)
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def words_value(phrase: str) -> int | None:
    """The integer a phrase of number words names ("a hundred and twenty" → 120), or None."""
    tokens = [t for t in re.split(r"[\s-]+", phrase.strip()) if t and t != "and"]
    value = 0
    stage = "start"  # start → (a) → hundred → tens → unit
    for token in tokens:
        if token == "a" and stage == "start":
            stage = "a"
        elif token == "hundred" and stage in ("start", "a", "unit") and value < 10:
            value = (value or 1) * 100
            stage = "hundred"
        elif token in TENS and stage in ("start", "hundred"):
            value += TENS[token]
            stage = "tens"
        elif token in UNITS and stage in ("start", "hundred"):
            value += UNITS[token]
            stage = "unit"
        elif token in UNITS and stage == "tens" and 0 < UNITS[token] < 10:
            value += UNITS[token]
            stage = "done"
        else:
            return None
    return value if stage not in ("start", "a") else None


@dataclass(frozen=True)
class Hit:
    """A candidate read from inside a message: its result and where it was."""

    value: str | int
    start: int
    end: int
    options: tuple[str | int, ...] = ()  # more than one reading: ask which
    error: str = ""  # recognised but unusable ("that date has passed"); value is then ""

    @property
    def ambiguous(self) -> bool:
        return bool(self.options)


def spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two half-open spans share a character."""
    return a[0] < b[1] and b[0] < a[1]


def mask(text: str, spans: list[tuple[int, int]], fill: str = "|") -> str:
    """Replace each span with `fill` characters, keeping every other offset unchanged."""
    chars = list(text)
    for start, end in spans:
        for i in range(max(start, 0), min(end, len(chars))):
            chars[i] = fill
    return "".join(chars)


# "not tomorrow", "isn't at 9", "6 instead of 7": the value after it is the one the person
# rules out (the old value), never a new one.
_NEGATED = re.compile(r"\b(?:not|isn'?t|wasn'?t|no longer|instead\s+of|rather\s+than)\s+"
                      r"(?:on\s+|at\s+|for\s+|the\s+)?$")
# A correction between two values of one type: the later value replaces the earlier one.
_CORRECTION = re.compile(
    r"\b(?:no|nah|nope|sorry|actually|i mean|i meant|wait|hang on|make (?:it|that)|or rather|"
    r"rather|correction|scratch that|instead|oops)\b(?!\s+(?:worries|problem|probs|idea|clue))"
)


def negated(low: str, start: int) -> bool:
    """Whether the value starting at `start` is ruled out by a "not" just before it."""
    return _NEGATED.search(low[max(0, start - 24):start]) is not None


_ALTERNATIVE = re.compile(r"\s*,?\s*(?:or|either|/)\s*")


def join_alternatives(low: str, hits: list[Hit]) -> list[Hit]:
    """"Monday or Tuesday", "7 or 8": one hit whose options are both, so the person is asked."""
    out: list[Hit] = []
    for hit in hits:
        prev = out[-1] if out else None
        if (prev is not None and not prev.error and not hit.error
                and _ALTERNATIVE.fullmatch(low[prev.end:hit.start])):
            options = tuple(dict.fromkeys((*(prev.options or (prev.value,)),
                                           *(hit.options or (hit.value,)))))
            out[-1] = Hit(prev.value, prev.start, hit.end, options if len(options) > 1 else ())
            continue
        out.append(hit)
    return out


def settle(low: str, hits: list[Hit]) -> list[Hit]:
    """Drop values the person ruled out ("not tomorrow, Friday") or corrected ("9, no 10")."""
    kept = [hit for hit in hits if not negated(low, hit.start)]
    out = []
    for index, hit in enumerate(kept):
        later = kept[index + 1:]
        if later and _CORRECTION.search(low[hit.end:later[0].start]):
            continue
        out.append(hit)
    return out
