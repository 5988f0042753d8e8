"""TEXT: a name, business, product, area or note, trimmed of lead-in words and tidied.

"It's Richard" → "Richard"; "my manager at bunnings" → "Bunnings"; "o'brien" → "O'Brien";
"jo-anne smith" → "Jo-Anne Smith". A name typed in mixed case is kept as typed ("Aldi",
"Maccas"); one typed all in lower case is capitalised, known businesses and brands in their own
casing when the letters are the same ("jb hifi" → "JB Hi-Fi"; "maccas" → "Maccas", never another
name). A full stop that ends an abbreviation is kept ("Smile Dental Co."), one that ends the
sentence dropped. "No idea", "not sure" are not names. Empty and filler-only
replies ("um", "idk", "?", "...") are refused. For products and free notes, "not sure" is an
answer and is kept as "not sure".
"""

from __future__ import annotations

import re

from proxycall.core.agents.spec import TextKind
from proxycall.core.parsers._lex import fold
from proxycall.core.parsers.names import a_relation, not_a_name
from proxycall.core.parsers.phone import find_phone
from proxycall.core.parsers.product import business_in, canonical_business, capitalise_brands
from proxycall.core.parsers.result import Parsed, ParseResult, Rejected
from proxycall.core.parsers.yes_no import is_unsure, only_unsure, scan_yes_no

UNSURE_VALUE = "not sure"
MAX_NAME_WORDS = 5
MAX_TEXT = 200

_FILLER = re.compile(
    r"(?:um+|uh+|er+m?|hmm+|h+m+|ah+|eh|idk|dunno|nothing|n/?a|none|nil|"
    r"test|asdf+|qwerty|lol|huh|what|\W)*",
)
_LEAD_COMMON = (
    r"(?:ok(?:ay)?|so|um+|uh+|er+|well|oh|yeah|yep|yes|right|sure|hi|hey|hello|g'?day|"
    r"actually|sorry)\b[\s,.!-]*"
)
_LEADS: dict[TextKind, str] = {
    TextKind.PERSON_NAME: (
        r"(?:my\s+name\s+is|my\s+name'?s|the\s+name\s+is|the\s+name'?s|name'?s|name\s+is|"
        r"names|it'?s\s+under(?:\s+the\s+name)?|put\s+it\s+under(?:\s+the\s+name)?|"
        r"book\s+it\s+under(?:\s+the\s+name)?|under\s+the\s+name(?:\s+of)?|under|"
        r"put\s+(?:it|me|us|that|the\s+booking)\s+(?:down\s+)?(?:as|under|for)|put\s+down|put|"
        r"it'?s\s+for|it\s+is|it'?s|its|this\s+is|i'?m|i\s+am|im|call\s+me|they\s+call\s+me|"
        r"tell\s+them\s+it'?s(?:\s+from)?|say\s+it'?s(?:\s+from)?|say|that'?s|that\s+is|just|for|"
        r"you\s+can\s+(?:say|tell\s+them)|tell\s+them|it'?s\s+from|from|"
        r"the\s+(?:booking|appointment|reservation|table)(?:'s|\s+is|\s+was)?\s+(?:under|in)|"
        r"(?:it\s+)?(?:should|will|would)\s+be\s+(?:under|in)|in\s+the\s+name\s+of|"
        r"(?:under\s+)?my\s+name)\b[\s,:-]*"
    ),
    TextKind.BUSINESS_NAME: (
        r"(?:i\s+work\s+(?:at|for|in)|i'?m\s+at|my\s+(?:manager|boss|work|job|workplace|"
        r"supervisor|employer)\s+(?:at|is|from|in)|my\s+work\s+is|it'?s\s+for|it\s+is|it'?s|its|"
        r"that'?s|that\s+is|"
        r"this\s+is|call|ring|phone|try|the\s+(?:shop|store|restaurant|business|place|clinic|"
        r"one)\s+(?:is|called)|(?:a\s+)?(?:shop|store|restaurant|place)\s+called|called|at|"
        r"with|to|just)\b[\s,:-]*"
    ),
    TextKind.PRODUCT: (
        r"(?:i'?m\s+(?:after|looking\s+for|chasing)|i\s+am\s+(?:after|looking\s+for)|"
        r"looking\s+for|after|(?:i\s+)?(?:need|want|would\s+like|'d\s+like)|i'?d\s+like|"
        r"(?:can|could)\s+(?:you|u)\s+(?:get|find|check(?:\s+for)?)|chasing|wanting|needing|"
        r"do\s+they\s+have|(?:see\s+)?if\s+they\s+have|it'?s|its|it\s+is|that'?s|that\s+is|just|"
        r"some|any|an|a)"
        r"\b[\s,:-]*"
    ),
    TextKind.PLACE_AREA: (
        r"(?:the\s+one\s+(?:in|at|near)|the\s+(?:store|shop)\s+(?:in|at)|it'?s\s+in|its\s+in|"
        r"in|at|near|around|it'?s|its|that'?s|that\s+is)\b[\s,:-]*"
    ),
    TextKind.FREE: r"(?:tell\s+them(?:\s+that)?|let\s+them\s+know(?:\s+that)?|"
                   r"pass\s+on(?:\s+that)?|the\s+note\s+is|note:?|say\s+that)\b[\s,:-]*",
}
_TRAIL = re.compile(
    r"(?:[\s,]+(?:please|pls|plz|thanks|thank\s+you|thx|ta|cheers|mate|thanks\s+mate|"
    r"cheers\s+mate)\b)+[\s.!]*$|[\s.!?,;:]+$"
)
_NAME_PART = re.compile(r"([a-z]+)")
# A full stop that belongs to an abbreviation at the end of a name is kept.
ABBREVIATIONS = ("co", "ltd", "pty", "inc", "corp", "bros", "st", "rd", "ave", "mt", "jr", "sr",
                 "hwy", "pde", "cres", "dr", "plc", "llc", "assn", "intl", "mfg")
ABBREVIATION_END = re.compile(rf"(?<![\w.'])(?:{'|'.join(ABBREVIATIONS)})\.$", re.IGNORECASE)


def _strip_leads(text: str, kind: TextKind) -> str:
    pattern = re.compile(rf"^\s*(?:{_LEAD_COMMON}|{_LEADS[kind]})", re.IGNORECASE)
    for _ in range(4):
        if kind is TextKind.BUSINESS_NAME and _TITLED_JUST.match(text):
            break  # "Just Cuts": a capitalised word in a title-cased name is part of it
        stripped = pattern.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text


_TITLED_JUST = re.compile(r"\s*Just\s+[A-Z]")


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u2018", "'"))
    text = text.strip().strip("\"'`").strip()
    for _ in range(3):
        stripped = _TRAIL.sub("", text).strip()
        if stripped != text and ends_in_abbreviation(text.rstrip(" ,!?;:")):
            # "Smile Dental Co." keeps its full stop; only what came after it goes
            stripped = text.rstrip(" ,!?;:")
        text = stripped
    return text


def ends_in_abbreviation(text: str) -> bool:
    """Whether text ends with an abbreviation's full stop ("Co.", "Pty Ltd.", "St.")."""
    return ABBREVIATION_END.search(text) is not None


def capitalise_name(name: str) -> str:
    """Capitalise a person's name typed all lower or all upper; mixed case is kept as typed."""
    if not (name.islower() or name.isupper()):
        return name

    def part(match: re.Match[str]) -> str:
        word = match.group(1)
        if word.startswith("mc") and len(word) > 2:
            return "Mc" + word[2:].capitalize()
        return word.capitalize()

    return _NAME_PART.sub(part, name.lower())


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _title_business(name: str) -> str:
    """A business name as the person wrote it, capitalised when typed all lower case.

    A business name as the person wrote it; all lower case gets capitals: a known business's
    own casing when the letters are the same ("jb hifi" → "JB Hi-Fi"), never another name for
    it ("maccas" stays "Maccas", not "McDonald's").
    """
    if not name.islower():
        return name
    known = canonical_business(name)
    if known and _letters(known) == _letters(name):
        return known
    prefix = business_in(name)
    if prefix is not None and prefix[1] == 0 and name[prefix[2]:prefix[2] + 1] == " ":
        rest = name[prefix[2]:].strip()  # a branch: "jb hifi chermside" → "JB Hi-Fi Chermside"
        return f"{_title_business(name[:prefix[2]])} {_title_business(rest)}"
    cased = {fold(w): w for w in (known or "").split()}  # "jb" → "JB"
    words = [w if w in ("and", "of", "the", "&") and i else cased.get(w, w[:1].upper() + w[1:])
             for i, w in enumerate(name.split(" "))]
    return " ".join(words)


def is_filler(text: str) -> bool:
    """Whether a reply has no content: empty, punctuation, "um", "idk", "...", "?"."""
    return _FILLER.fullmatch(fold(text).strip()) is not None


def parse_text(text: str, kind: TextKind = TextKind.FREE) -> ParseResult:
    """A whole reply as clean text of the given kind, or why it can't be used."""
    raw = text.strip()
    if len(raw) > MAX_TEXT and kind is not TextKind.FREE:
        return Rejected("That's quite long — just the name, please.")
    if kind in (TextKind.PRODUCT, TextKind.FREE) and only_unsure(raw):
        return Parsed(UNSURE_VALUE)
    if is_filler(raw):
        return Rejected(_EMPTY.get(kind, "Sorry, I didn't catch that."))
    cleaned = _tidy(_strip_leads(_tidy(raw), kind))
    if not cleaned or is_filler(cleaned):
        return Rejected(_EMPTY.get(kind, "Sorry, I didn't catch that."))
    return _finish(cleaned, kind)


_EMPTY = {
    TextKind.PERSON_NAME: "Sorry, I didn't catch the name — what should I tell them?",
    TextKind.BUSINESS_NAME: "Sorry, I didn't catch the name of the place.",
    TextKind.PRODUCT: "What product should I ask about?",
    TextKind.PLACE_AREA: "Which suburb or area?",
}


def _finish(cleaned: str, kind: TextKind) -> ParseResult:
    if kind in (TextKind.PERSON_NAME, TextKind.BUSINESS_NAME, TextKind.PLACE_AREA):
        refusal = _not_a_name(cleaned, kind)
        if refusal is not None:
            return refusal
    if kind is TextKind.PERSON_NAME:
        return _person_name(cleaned)
    if kind is TextKind.BUSINESS_NAME:
        return Parsed(_title_business(cleaned))
    if kind is TextKind.PLACE_AREA:
        return Parsed(capitalise_name(cleaned) if cleaned.islower() else cleaned)
    if kind is TextKind.PRODUCT:
        return Parsed(capitalise_brands(cleaned))
    return Parsed(cleaned[:1].upper() + cleaned[1:] if cleaned[:1].islower() else cleaned)


def fullest_repeat(name: str) -> str:
    """A name said again in full ("richard, richard nguyen") → the fullest saying of it.

    Only when every part separated by commas starts with the same word: "Sam, Lee" is left
    alone (two words, not one name said twice).
    """
    parts = [part.strip() for part in name.split(",") if part.strip()]
    if len(parts) < 2:
        return name
    first_words = {fold(part).split()[0] for part in parts}
    return max(parts, key=lambda part: len(part.split())) if len(first_words) == 1 else name


def _not_a_name(cleaned: str, kind: TextKind) -> Rejected | None:
    """A number, "no idea" or a bare yes/no given where a name was asked."""
    if find_phone(cleaned) is not None or re.fullmatch(r"[\d\s+().-]+", cleaned):
        return Rejected("That looks like a number, not a name — what's the name?")
    if only_unsure(cleaned) or (kind is not TextKind.BUSINESS_NAME and is_unsure(cleaned)):
        return Rejected(_EMPTY[kind])  # "no idea" is not a name (a business may say "any")
    answer = scan_yes_no(cleaned)
    if answer and answer[0].start == 0 and answer[-1].end >= len(cleaned.strip(" .!")):
        return Rejected(_EMPTY[kind])  # "yes" or "no" is not a name
    if kind is TextKind.BUSINESS_NAME and a_relation(cleaned):
        return Rejected("What's the name of the workplace? I'll call there and ask for them.")
    return None


def _person_name(cleaned: str) -> ParseResult:
    cleaned = fullest_repeat(cleaned)
    if len(cleaned.split()) > MAX_NAME_WORDS or not re.search(r"[^\W\d_]", cleaned):
        return Rejected("Just the name, please — for example \"Sam Lee\".")
    words = cleaned.split()
    if not_a_name(words[0]) or any(w.islower() and not_a_name(w) for w in words[1:]):
        return Rejected(_EMPTY[TextKind.PERSON_NAME])  # "I'm working", "sam and im sick"
    return Parsed(capitalise_name(cleaned))
