"""NUMBER: a count of at least 1 from digits, number words or everyday phrases.

`parse_number` reads a whole reply ("3", "three", "I need 3 please", "a couple", "table for 6",
"just the two of us"). `find_number` reads a count inside a longer message and only trusts
numbers with a cue ("for 4", "4 people", "need 3", "x2"), so an "at 7" or "iPhone 15" is left
alone. Digits that belong to a time ("7pm", "7:30") or an ordinal ("5th") are never counts.
"""

from __future__ import annotations

import re

from proxycall.core.parsers._lex import (
    NUMBER_WORDS_RE,
    Hit,
    fold,
    join_alternatives,
    settle,
    spans_overlap,
    words_value,
)
from proxycall.core.parsers.phone import without_phones
from proxycall.core.parsers.result import Ambiguous, Parsed, ParseResult, Rejected

MAX_COUNT = 999
_REASON = "I need a number, like 2 or 4."

# One other person, as people say it ("me and the missus", "my other half and me").
_ONE_PERSON = (r"(?:wife|husband|hubby|partner|missus|missis|misses|mrs|other half|mate|friend|"
               r"girlfriend|boyfriend|gf|bf|fiance|fiancee|mum|mom|dad|son|daughter|kid|child|"
               r"brother|sister|nan|nana|pop|grandma|grandpa|colleague|boss)")
_IDIOMS: tuple[tuple[str, int], ...] = (
    (r"(?:a )?(?:couple|cpl|coupla)(?: of)?", 2),  # texting: "a cpl", "coupla"
    (r"(?:a )?pair(?: of)?", 2),
    (rf"both of us|the two of us|two of us|(?:me|myself) and (?:my |the )?{_ONE_PERSON}|"
     rf"(?:my|the) {_ONE_PERSON} and (?:me|i|myself)", 2),
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
# A minus sign only after a space or at the start: "4-5" is a range (asked), never 4 and −5.
_NUM_RE = re.compile(rf"(?P<neg>(?<![\w.])-|\bminus |\bnegative )?(?P<num>{_NUM})")
_X_RE = re.compile(r"(?:\bx\s?(?P<a>\d{1,3})\b|\b(?P<b>\d{1,3})\s?x\b)")
_ALTERNATIVE = re.compile(r"\s*,?\s*(?:or|to|-)\s*")  # "4 or 5", "4 to 5", "4-5"
_CUE_BEFORE = re.compile(
    r"(?:\bfor|\bneed|\bneeds|\bwant|\bwants|\bget|\bgrab|\bbuy|\bof|\bparty of|\bgroup of|"
    r"\btable for|\bbooking for|\bquantity|\bqty|\bjust|\bonly|\babout|\baround|\bmake it|"
    r"\bchange it to|\bactually)\s+$"
)
_CUE_AFTER = re.compile(
    r"^\s+(?:people|persons|person|ppl|peeps|guests|adults|pax|of us|of them|of those|units?|"
    r"pieces?|packs?|boxes|items?|please|each|in total|altogether|heads)\b"
)
# "two and a half", "2.5", "3 1/2": not a whole count; refused, never rounded down
# ("half a dozen" is whole, and "and a half dozen" is a count of twelves, read elsewhere)
_FRACTION_RE = re.compile(
    r"(?:\s+(?:and|n|&)\s+|\s*&\s*)(?:a\s+)?(?:half|quarter|third|bit)\b(?!\s+(?:a\s+)?dozen)"
    r"|\.\d|\s+(?:and\s+)?[123]/[234]\b|\s*[½¼¾]"
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


_GROUP = (r"(?:adults?|grown[- ]?ups|kids?|children|child|babies|baby|toddlers?|teens?|"
          r"teenagers?|seniors?|pensioners?|infants?|people|ppl|peeps)")
# "and" as people text it: "n", "&", "+"; a word joiner needs spaces ("2 adults n 2 kids")
_AND = r"(?:\s*(?:,|\+|&)\s*|\s+(?:and|n|plus|with)\s+|\s+)"
_PARTS_RE = re.compile(
    rf"(?P<a>\d{{1,3}}|{NUMBER_WORDS_RE}|a|an)\s+{_GROUP}"
    rf"(?:{_AND}(?:\d{{1,3}}|{NUMBER_WORDS_RE}|a|an)\s+{_GROUP})+\b"
)
_PART_RE = re.compile(rf"(\d{{1,3}}|{NUMBER_WORDS_RE}|a|an)\s+{_GROUP}")


# "me and 3 mates"; with "plus" / "+" the others need no noun ("me plus 3").
_ME_AND = re.compile(
    rf"\b(?:me|myself|us two|the two of us)(?:(?:\s*&\s*|\s+(?:and|n|with)\s+)"
    rf"(?P<n>\d{{1,3}}|{NUMBER_WORDS_RE})\s+(?:mates|friends|others|other people|people|ppl|"
    r"peeps|kids|children|colleagues|guests|family)\b"
    rf"|\s*(?:\+|plus)\s*(?P<p>\d{{1,3}}|{NUMBER_WORDS_RE})\b(?!\s*(?:am|pm|:|\.\d)))"
)
# "a dozen", "two dozen", "half a dozen", "a couple of dozen": a count of twelves.
_DOZEN = re.compile(
    rf"\b(?:(?P<half>half\s+(?:a\s+)?)|(?P<n>\d{{1,2}}|{NUMBER_WORDS_RE}|a|one|"
    r"(?:a\s+)?couple(?:\s+of)?)\s+)dozen\b(?!s)"
)


def _dozen_hits(low: str) -> list[Hit]:
    hits = []
    for match in _DOZEN.finditer(low):
        said = re.sub(r"\s+", " ", match.group("n") or "")
        if match.group("half"):
            count: int | None = 6
        elif said in ("a", "one"):
            count = 12
        elif "couple" in said:
            count = 24
        else:
            times = int(said) if said.isdigit() else words_value(said)
            count = 12 * times if times is not None else None
        if count is not None:
            hits.append(Hit(count, match.start(), match.end()))
    return hits


def _group_hits(low: str) -> list[Hit]:
    """Counts made of parts, summed ("2 adults and 2 kids", "me and 3 mates", "two dozen")."""
    hits: list[Hit] = []
    hits += _dozen_hits(low)
    for match in _ME_AND.finditer(low):
        text = match.group("n") or match.group("p")
        others = int(text) if text.isdigit() else words_value(text)
        if others is not None:
            extra = 2 if match.group(0).startswith(("us two", "the two")) else 1
            hits.append(Hit(others + extra, match.start(), match.end()))
    for match in _PARTS_RE.finditer(low):
        parts = [_PART_RE.fullmatch(p.group(0)) for p in _PART_RE.finditer(match.group(0))]
        values = [1 if p.group(1) in ("a", "an") else (int(p.group(1)) if p.group(1).isdigit()
                  else words_value(p.group(1))) for p in parts if p is not None]
        if values and all(v is not None for v in values):
            hits.append(Hit(sum(v for v in values if v is not None), match.start(), match.end()))
    return hits


def _all_hits(low: str) -> list[tuple[Hit, bool]]:
    """Every count in a folded message (phone numbers blanked), minus ruled-out ones."""
    low = without_phones(low)
    idioms: list[Hit] = []
    # overlapping phrases ("just me" in "just me plus two"): the longer one is what was said
    for hit in sorted(_group_hits(low) + _idiom_hits(low), key=lambda h: h.start - h.end):
        if not any(spans_overlap((hit.start, hit.end), (o.start, o.end)) for o in idioms):
            idioms.append(hit)
    idioms.sort(key=lambda h: h.start)
    plain = [(h, neg) for h, neg in _number_hits(low)
             if not any(i.start <= h.start < i.end for i in idioms)
             and not _FRACTION_RE.match(low, h.end)]
    found = sorted([(h, False) for h in idioms] + plain, key=lambda pair: pair[0].start)
    kept = settle(low, [hit for hit, _ in found])
    return [(hit, neg) for hit, neg in found if hit in kept]


def parse_number(text: str) -> ParseResult:
    """A whole reply as a count ≥ 1; zero, negatives, vague amounts and nonsense are refused."""
    low = fold(text)
    if any(_FRACTION_RE.match(low, h.end) for h, _ in _number_hits(without_phones(low))):
        return Rejected("A whole number, please — like 2 or 3.")
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
        cued = sorted({int(o) for h in scan_numbers(text) for o in (h.options or (h.value,))})
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
    found = [(hit, _cued(low, hit)) for hit, negative in _all_hits(low)
             if not negative and 1 <= int(hit.value) <= MAX_COUNT]
    for index in range(len(found) - 1, 0, -1):  # "4 or 5 people": the cue covers both
        (before, cued_before), (after, cued_after) = found[index - 1], found[index]
        if cued_after and not cued_before and _ALTERNATIVE.fullmatch(low[before.end:after.start]):
            found[index - 1] = (before, True)
    return join_alternatives(low, [hit for hit, cued in found if cued])


def _cued(low: str, hit: Hit) -> bool:
    phrase = low[hit.start:hit.end]
    return ((not phrase.strip().isdigit() and words_value(phrase.strip()) is None)
            or _X_RE.fullmatch(phrase) is not None  # "x2"; not the x in "six"
            or _CUE_BEFORE.search(low[: hit.start]) is not None
            or _CUE_AFTER.match(low[hit.end:]) is not None)


def find_number(text: str) -> Hit | None:
    """The first cued count inside a message, with its span, or None."""
    hits = scan_numbers(text)
    return hits[0] if hits else None
