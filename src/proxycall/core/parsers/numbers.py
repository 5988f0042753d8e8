"""NUMBER: a count of at least 1 from digits, number words or everyday phrases.

`parse_number` reads a whole reply ("3", "three", "I need 3 please", "a couple", "table for 6",
"just the two of us"). `find_number` reads a count inside a longer message and only trusts
numbers with a cue ("for 4", "4 people", "need 3", "x2"), so an "at 7" or "iPhone 15" is left
alone. Digits that belong to a time ("7pm", "7:30") or an ordinal ("5th") are never counts.
"""

from __future__ import annotations

import re

from proxycall.core.parsers._lex import NUMBER_WORDS_RE, Hit, fold, settle, words_value
from proxycall.core.parsers.phone import without_phones
from proxycall.core.parsers.result import Ambiguous, Parsed, ParseResult, Rejected

MAX_COUNT = 999
_REASON = "I need a number, like 2 or 4."

_IDIOMS: tuple[tuple[str, int], ...] = (
    (r"half a dozen", 6),
    (r"a dozen|one dozen", 12),
    (r"(?:a )?couple(?: of)?", 2),
    (r"(?:a )?pair(?: of)?", 2),
    (r"both of us|the two of us|two of us|me and (?:my|the) (?:wife|husband|partner|mate|"
     r"friend|girlfriend|boyfriend|mum|dad|son|daughter|kid|brother|sister)|"
     r"(?:my|the) (?:wife|husband|partner) and (?:me|i)", 2),
    (r"just me|only me|myself|by myself|just myself|solo|a single|single", 1),
    (r"a few", 0),  # vague: refused below, never guessed
    (r"no one|noone|nobody|none", 0),  # "no one" is not one
)
_IDIOM_RE = re.compile(
    "|".join(rf"(?P<i{n}>\b(?:{pat})\b)" for n, (pat, _) in enumerate(_IDIOMS))
)
# A number as digits or words; digits glued to am/pm, ":", "st/nd/rd/th" are not counts.
_NUM = (r"(?:(?<![\d.:/$])\d{1,4}(?![\d:/]|\.\d|\s?(?:am|pm|a\.m|p\.m|st|nd|rd|th)\b)"
        rf"|\b{NUMBER_WORDS_RE}\b)")
_NUM_RE = re.compile(rf"(?P<neg>-|minus |negative )?(?P<num>{_NUM})")
_X_RE = re.compile(r"(?:\bx\s?(?P<a>\d{1,3})\b|\b(?P<b>\d{1,3})\s?x\b)")
_CUE_BEFORE = re.compile(
    r"(?:\bfor|\bneed|\bneeds|\bwant|\bwants|\bget|\bgrab|\bbuy|\bof|\bparty of|\bgroup of|"
    r"\btable for|\bbooking for|\bquantity|\bqty|\bjust|\bonly|\babout|\baround|\bmake it|"
    r"\bchange it to|\bactually)\s+$"
)
_CUE_AFTER = re.compile(
    r"^\s+(?:people|persons|person|guests|adults|pax|of us|of them|of those|units?|pieces?|"
    r"packs?|boxes|items?|please|each|in total|altogether|heads)\b"
)
_ZERO_RE = re.compile(r"\b(?:none|nobody|no one|zero|nil|nothing)\b|(?<![\d.])0+(?![\d.])")


def _idiom_hits(low: str) -> list[Hit]:
    hits = []
    for match in _IDIOM_RE.finditer(low):
        index = int(next(k for k, v in match.groupdict().items() if v)[1:])
        hits.append(Hit(_IDIOMS[index][1], match.start(), match.end()))
    return hits


def _number_hits(low: str) -> list[tuple[Hit, bool]]:
    """Every count-like number with whether it is negative."""
    found: list[tuple[Hit, bool]] = []
    for match in _X_RE.finditer(low):
        found.append((Hit(int(match.group("a") or match.group("b")), match.start(),
                          match.end()), False))
    for match in _NUM_RE.finditer(low):
        if any(h.start <= match.start("num") < h.end for h, _ in found):
            continue
        text = match.group("num")
        value = int(text) if text.isdigit() else words_value(text)
        if value is None:
            continue
        found.append((Hit(value, match.start(), match.end()), bool(match.group("neg"))))
    return found


def _all_hits(low: str) -> list[tuple[Hit, bool]]:
    """Every count in a folded message (phone numbers blanked), minus ruled-out ones."""
    low = without_phones(low)
    idioms = _idiom_hits(low)
    plain = [(h, neg) for h, neg in _number_hits(low)
             if not any(i.start <= h.start < i.end for i in idioms)]
    found = sorted([(h, False) for h in idioms] + plain, key=lambda pair: pair[0].start)
    kept = settle(low, [hit for hit, _ in found])
    return [(hit, neg) for hit, neg in found if hit in kept]


def parse_number(text: str) -> ParseResult:
    """A whole reply as a count ≥ 1; zero, negatives, vague amounts and nonsense are refused."""
    low = fold(text)
    hits = _all_hits(low)
    if not hits:
        if _ZERO_RE.search(low):
            return Rejected("It needs to be at least 1.")
        return Rejected(_REASON)
    values = []
    for hit, negative in hits:
        value = int(hit.value)
        if negative or value == 0:
            if hit.value == 0 and not negative and "few" in low[hit.start:hit.end]:
                return Rejected("Roughly how many exactly? A number like 3 or 4.")
            return Rejected("It needs to be at least 1.")
        values.append(value)
    distinct = sorted(set(values))
    if len(distinct) > 1:
        cued = sorted({int(h.value) for h in scan_numbers(text)})
        distinct = cued if len(cued) == 1 else distinct
    if len(distinct) > 1:
        options = tuple(distinct)
        return Ambiguous(f"Did you mean {options[0]} or {options[-1]}?", options)
    if distinct[0] > MAX_COUNT:
        return Rejected(f"That's a lot — I can ask for up to {MAX_COUNT}.")
    return Parsed(distinct[0])


def scan_numbers(text: str) -> list[Hit]:
    """Counts inside a message that have a cue around them ("for 4", "3 people", "x2")."""
    low = fold(text)
    out = []
    for hit, negative in _all_hits(low):
        value = int(hit.value)
        if negative or not 1 <= value <= MAX_COUNT:
            continue
        phrase = low[hit.start:hit.end]
        cued = (
            (not phrase.strip().isdigit() and words_value(phrase.strip()) is None)
            or "x" in phrase
            or _CUE_BEFORE.search(low[: hit.start]) is not None
            or _CUE_AFTER.match(low[hit.end:]) is not None
        )
        if cued:
            out.append(hit)
    return out


def find_number(text: str) -> Hit | None:
    """The first cued count inside a message, with its span, or None."""
    hits = scan_numbers(text)
    return hits[0] if hits else None
