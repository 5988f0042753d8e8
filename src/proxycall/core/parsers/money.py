"""MONEY: an amount in Australian dollars as a string with two decimals ("249.00").

Reads "$249", "249 dollars", "249 bucks", "$1,299.95", "249.95", "two forty-nine",
"two hundred and forty nine dollars", "fifty cents", and "free" / "no fee" / "no charge" /
"nothing" → "0.00". Used by the call dialogs for prices and fees.
"""

from __future__ import annotations

import re

from proxycall.core.parsers._lex import NUMBER_WORDS_RE, UNITS, Hit, fold, words_value
from proxycall.core.parsers.result import Parsed, ParseResult, Rejected

MAX_AMOUNT = 1_000_000
_FREE = re.compile(
    r"\b(?:free|no (?:fee|charge|cost|cancellation fee)|nothing|doesn't cost|does not cost|"
    r"no,? there(?:'s| is) no|won't be charged|no charges?|not charged|zero dollars|"
    r"waived)\b|^\s*(?:no|nope|nah|none|nil|zero)\W*$"
)
_DIGITS = re.compile(
    r"(?P<cur>\$|aud\s?)?\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<cents>\d{1,2}))?"
    r"(?:\s?(?P<unit>dollars?|bucks|aud|k)\b)?(?:\s?(?:and\s)?(?P<c2>\d{1,2})\s?cents?\b)?"
)
_WORDS = re.compile(
    rf"\b(?P<w>{NUMBER_WORDS_RE})(?:\s+(?P<unit>dollars?|bucks))?"
    rf"(?:\s+(?:and\s+)?(?P<cw>{NUMBER_WORDS_RE})\s+cents?)?\b"
)
_SHORT_PRICE = re.compile(  # "two forty-nine" = 2.49? Australians say it for $249
    r"\b(?P<h>one|two|three|four|five|six|seven|eight|nine)\s+"
    r"(?P<rest>(?:twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[ -](?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|oh\s+\w+)\b"
)


def _fmt(dollars: int, cents: int = 0) -> str:
    return f"{dollars}.{cents:02d}"


def scan_money(text: str) -> list[Hit]:
    """Amounts inside a message with spans; digits need a $ or a unit unless they have cents."""
    low = fold(text)
    hits: list[Hit] = []
    for m in _DIGITS.finditer(low):
        if not (m.group("cur") or m.group("unit") or m.group("cents") or m.group("c2")):
            continue
        dollars = int(m.group("num").replace(",", ""))
        if m.group("unit") == "k":
            dollars *= 1000
        cents = int((m.group("cents") or m.group("c2") or "0").ljust(2, "0")[:2]) \
            if m.group("cents") else int(m.group("c2") or 0)
        hits.append(Hit(_fmt(dollars, cents), m.start(), m.end()))
    for m in _SHORT_PRICE.finditer(low):
        rest = m.group("rest")
        tail = UNITS.get(rest.split()[-1], 0) if rest.startswith("oh") else words_value(rest)
        if tail is not None and not any(h.start <= m.start() < h.end for h in hits):
            hits.append(Hit(_fmt(UNITS[m.group("h")] * 100 + tail), m.start(), m.end()))
    for m in _WORDS.finditer(low):
        if any(h.start <= m.start() < h.end for h in hits):
            continue
        whole = words_value(m.group("w"))
        part = words_value(m.group("cw")) if m.group("cw") else 0
        if whole is not None and part is not None and (m.group("unit") or m.group("cw")):
            hits.append(Hit(_fmt(whole, part), m.start(), m.end()))
    return sorted(hits, key=lambda h: h.start)


def parse_money(text: str) -> ParseResult:
    """A whole reply as an amount "D.CC"; "free" and "no fee" are "0.00"."""
    low = fold(text)
    hits = scan_money(text)
    if not hits:
        if _FREE.search(low):
            return Parsed("0.00")
        bare = re.fullmatch(r"\s*(\d+)(?:\.(\d{1,2}))?\s*[.!]?\s*", low)
        if bare:
            return Parsed(_fmt(int(bare.group(1)), int((bare.group(2) or "0").ljust(2, "0"))))
        words = re.fullmatch(rf"\s*({NUMBER_WORDS_RE})\s*[.!]?\s*", low)
        value = words_value(words.group(1)) if words else None
        if value is not None:
            return Parsed(_fmt(value))
        return Rejected("How much is it? For example \"$249\" or \"no fee\".")
    amount = str(hits[0].value)
    if float(amount) > MAX_AMOUNT:
        return Rejected("That amount looks too large — how much is it?")
    return Parsed(amount)


def find_money(text: str) -> Hit | None:
    """The first amount inside a message with its span, or None."""
    hits = scan_money(text)
    return hits[0] if hits else None
