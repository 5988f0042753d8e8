"""PHONE: a callable number in E.164, read with `phonenumbers` in the person's region.

Accepts every written Australian format (spaces, dashes, dots, brackets, +61, 61, 04xx mobiles,
landlines with area code, 13xx, 1300, 1800), numbers inside a sentence, and spoken digits
("zero four one two ...", "oh", "double four", "triple five", "one eight hundred ...",
"thirteen hundred ...": "hundred" after a digit is "00"). Emergency numbers and anything
too short, too long or with letters are refused with a reason. Premium-rate 190x numbers are real
numbers and are read: the destination policy (core/policy.py) refuses them, which the person
hears at the card and /call/start answers with destination_blocked.
A 1800 number read in region AU stays Australian (+611800...). "00" before a country code is
the international prefix most of the world dials ("0061 491 570 110" = +61 491 570 110), as is
Australia's own 0011. Two different numbers offered as alternatives ("A or B") are asked about;
a corrected one ("A, sorry, B") gives way to the later one.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberFormat

from proxycall.core.parsers._lex import Hit, fold, join_alternatives, settle
from proxycall.core.parsers.result import Ambiguous, Parsed, ParseResult, Rejected

EMERGENCY = frozenset({"000", "112", "106", "911", "999", "0000"})
_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "nil": "0", "one": "1", "two": "2",
    "three": "3", "four": "4", "for": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9",
}
_REPEAT = {"double": 2, "triple": 3}
# "thirteen hundred", "eighteen hundred": how 1300 and 1800 numbers are said
_HUNDREDS = {"thirteen": "13", "eighteen": "18"}
_HUNDRED_NEXT = re.compile(r"[\s,\-]+hundred\b")
_TOKEN_RE = re.compile(r"[a-z]+|\d+|\+")
_SPOKEN_WORDS = frozenset(_DIGIT_WORDS) | frozenset(_HUNDREDS)  # a spoken run needs one of these
_WORD_RE = re.compile(r"[a-z]+")
_SPOKEN_MIN = 4  # fewer spoken digits than this is not a phone number ("one" or "two")
_ASK = "What's their number, like 0412 345 678 or (07) 7010 1234?"
_EMERGENCY_REASON = (
    "I can't call emergency numbers. If someone is in danger, call 000 yourself now."
)


_Part = tuple[int, int, str, str]  # start, end, digits it stands for, the token
_EDGE_WORDS = frozenset({"for"})  # a digit only inside a run: "254 for me" is not 2544


def _run_digits(parts: list[_Part]) -> tuple[int, int, str] | None:
    """A run of parts as (start, end, digits) when it is long enough to be a spoken number."""
    while parts and (parts[-1][3] in _EDGE_WORDS or parts[-1][3] in _REPEAT):
        parts = parts[:-1]
    while parts and parts[0][3] in _EDGE_WORDS:
        parts = parts[1:]
    words = sum(1 for _, _, _, token in parts if token in _DIGIT_WORDS or token in _HUNDREDS)
    digits = "".join(piece for _, _, piece, _ in parts)
    if not (words >= _SPOKEN_MIN or (words and len(digits) >= 8)):
        return None
    # "for" and "o" only count inside a run that is mostly digits
    return (parts[0][0], parts[-1][1], digits) if len(digits.strip("+")) >= _SPOKEN_MIN else None


def _spoken_runs(low: str) -> list[tuple[int, int, str]]:
    """Runs of spoken digits ("oh four double one ...") as (start, end, digits)."""
    runs: list[tuple[int, int, str]] = []
    parts: list[_Part] = []
    repeat = 1
    for match in _TOKEN_RE.finditer(low):
        token = match.group(0)
        gap = low[parts[-1][1]:match.start()] if parts else ""
        joined = bool(parts) and re.fullmatch(r"[\s,.\-()]*", gap) is not None
        spoken = any(t in _DIGIT_WORDS or t in _HUNDREDS for _, _, _, t in parts)
        # "one eight hundred ...", "thirteen hundred ...": "hundred" after a digit is "00"
        hundred = token == "hundred" and spoken and joined and parts[-1][2][-1:].isdigit()
        is_part = (token in _DIGIT_WORDS or token in _REPEAT or token.isdigit() or token == "+"
                   or hundred or (token in _HUNDREDS and _HUNDRED_NEXT.match(low, match.end())))
        if not is_part or not joined:
            run = _run_digits(parts)
            if run is not None:
                runs.append(run)
            parts, repeat = [], 1
        if not is_part:
            continue
        piece, repeat = _piece(token, repeat)
        parts.append((match.start(), match.end(), piece, token))
    run = _run_digits(parts)
    if run is not None:
        runs.append(run)
    return runs


def _piece(token: str, repeat: int) -> tuple[str, int]:
    """The digits one spoken token stands for, and the repeat for the next ("double")."""
    if token in _REPEAT:
        return "", _REPEAT[token]
    if token == "hundred":
        return "00", 1
    if token in _HUNDREDS:
        return _HUNDREDS[token], 1
    if token in _DIGIT_WORDS:
        return _DIGIT_WORDS[token] * repeat, 1
    return token[0] * (repeat - 1) + token, 1


# "0061 …": the "00" international prefix (not Australia's "0011", not "000") written as " +",
# which keeps every offset.
_DOUBLE_ZERO = re.compile(r"(?<![\d+])(?<![\d+)][\s.\-])00(?!0|11)(?=[\s.\-]?[1-9])")


def _respell(text: str) -> tuple[str, list[int]]:
    """The text with spoken digits written as digits, and where each character came from."""
    text = _DOUBLE_ZERO.sub(" +", text)
    low = fold(text)
    pieces: list[str] = []
    origin: list[int] = []
    cursor = 0
    for start, end, digits in _spoken_runs(low):
        pieces.append(text[cursor:start])
        origin.extend(range(cursor, start))
        pieces.append(digits)
        origin.extend([start] * (len(digits) - 1) + [end - 1])
        cursor = end
    pieces.append(text[cursor:])
    origin.extend(range(cursor, len(text)))
    origin.append(len(text))
    return "".join(pieces), origin


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, PhoneNumberFormat.E164))


def _check(number: phonenumbers.PhoneNumber) -> str | None:
    """Why a valid-looking number cannot be called, or None when it can."""
    national = str(number.national_number)
    if national in EMERGENCY:
        return _EMERGENCY_REASON
    return None


def scan_phones(text: str, region: str = "AU") -> list[Hit]:
    """Callable phone numbers inside a message, with their spans.

    Callable phone numbers inside a message, with their spans; "A or B" is one hit with both
    as options, and a corrected number ("A, sorry B") is dropped.
    """
    low = fold(text)
    return join_alternatives(low, settle(low, _raw_phones(text, region)))


def _raw_phones(text: str, region: str) -> list[Hit]:
    """Every valid, callable phone number inside a message, with its span."""
    if sum(map(str.isdigit, text)) < 6 and not _SPOKEN_WORDS.intersection(
            _WORD_RE.findall(fold(text))):
        return []  # too few digits, and no spoken ones to add: most messages stop here
    spelled, origin = _respell(text)
    if sum(map(str.isdigit, spelled)) < 6:
        return []
    hits = []
    matches = phonenumbers.PhoneNumberMatcher(spelled, region, leniency=phonenumbers.Leniency.VALID)
    for match in matches:
        if _check(match.number) is None:
            hits.append(Hit(_e164(match.number), origin[match.start], origin[match.end - 1] + 1))
    return hits


def without_phones(text: str, region: str = "AU") -> str:
    """The text with every phone number blanked, so its digits are never a count or a time."""
    chars = list(text)
    for hit in _raw_phones(text, region):
        chars[hit.start:hit.end] = " " * (hit.end - hit.start)
    return "".join(chars)


def find_phone(text: str, region: str = "AU") -> Hit | None:
    """The first callable phone number inside a message, with its span, or None."""
    hits = scan_phones(text, region)
    return hits[0] if hits else None


def _emergency_said(spelled: str) -> bool:
    low = fold(spelled)
    runs = re.findall(r"\+?\d[\d\s\-().]*\d|\d", low)
    if any(re.sub(r"\D", "", run) in EMERGENCY for run in runs):
        return True
    short = sum(c.isdigit() for c in low) < 6
    return short and re.search(r"\btriple (?:zero|oh|0)\b|\bemergency\b", low) is not None


def _reason(spelled: str) -> str:
    """A helpful refusal for text that held no callable number."""
    low = fold(spelled)
    digits = re.sub(r"\D", "", spelled)
    if re.search(r"\d[\s\-]*[a-z]{2,}[\s\-]*\d|\b1[38]00[\s\-]?[a-z]{4,}", low):
        return "Phone numbers can only have digits — what are the numbers? " + _ASK
    if not digits:
        return "That doesn't look like a phone number. " + _ASK
    if len(digits) < 8 or (len(digits) < 10 and digits.startswith("0")):
        return f"That's only {len(digits)} digits — it looks too short. " + _ASK
    if len(digits) == 8 and digits[0] in "2345789":
        return "Please include the area code, like (07) 7010 1234."
    if len(digits) > 12 or (len(digits) > 10 and not digits.startswith("61")):
        return f"That's {len(digits)} digits — it looks too long. " + _ASK
    return "That isn't a number I can call — please check it. " + _ASK


def parse_phone(text: str, region: str = "AU") -> ParseResult:
    """A whole reply as an E.164 number; emergency, premium, malformed numbers are refused."""
    spelled, _ = _respell(text)
    if _emergency_said(spelled):
        return Rejected(_EMERGENCY_REASON)
    if re.fullmatch(r"[\d\s+\-().]+", spelled.strip() or "x"):
        return _parse_bare_number(spelled, region)
    hits = scan_phones(text, region)
    if len(hits) > 1 or (hits and hits[0].ambiguous):
        options = tuple(dict.fromkeys(o for h in hits for o in (h.options or (h.value,))))
        if len(options) > 1:
            return Ambiguous("Which number should I call: "
                             + " or ".join(_national(str(o)) for o in options) + "?", options)
    if hits:
        return Parsed(hits[0].value)
    for match in phonenumbers.PhoneNumberMatcher(spelled, region,
                                                 leniency=phonenumbers.Leniency.VALID):
        problem = _check(match.number)
        if problem:
            return Rejected(problem)
    return Rejected(_reason(spelled))


def _parse_bare_number(spelled: str, region: str) -> ParseResult:
    """A reply that is only a number (digits, spaces, + - ( ) .)."""
    try:
        number = phonenumbers.parse(spelled.strip(), region)
    except phonenumbers.NumberParseException:
        return Rejected(_reason(spelled))
    if phonenumbers.is_valid_number(number):
        problem = _check(number)
        return Rejected(problem) if problem else Parsed(_e164(number))
    if len(re.sub(r"\D", "", spelled)) >= 8:
        problem = _check(number)
        if problem:
            return Rejected(problem)
    return Rejected(_reason(spelled))


def _national(e164: str) -> str:
    """A number as a person writes it ("0491 570 006"), for a question."""
    number = phonenumbers.parse(e164, None)
    return str(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
