"""YES_NO: the Australian range of yes and no; "not sure" and "maybe" are neither.

Phrases are matched on word boundaries, longest first ("no worries" is yes, "not really" is
no). When both kinds appear, the last one decides: "yeah nah" is no, "nah yeah" is yes; but a
reassurance after a no only softens it ("nah all good", "no that's fine" are no). A hedged
"sure" ("not too sure", "not 100% sure") is unsure, never yes.
"""

from __future__ import annotations

import re

from proxycall.core.parsers._lex import Hit, fold
from proxycall.core.parsers.result import Parsed, ParseResult, Rejected

UNSURE = (
    "not sure", "unsure", "maybe", "dunno", "don't know", "dont know", "do not know", "no idea",
    "idk", "not certain", "possibly", "perhaps", "not a clue", "no clue", "i'm not sure",
    "haven't decided", "havent decided", "hmm", "um", "unknown", "not a clue", "probably",
    "might",
)
# "any brand is fine" answers a details question with "I don't mind": unsure, but not for yes/no.
INDIFFERENT = ("either", "any", "anything", "whatever", "doesn't matter", "doesnt matter",
               "not fussed", "no preference", "any brand", "any kind", "any type", "any of them")
YES = (
    "yes", "yeah", "yea", "yep", "yup", "ya", "yah", "yes please", "sure", "ok", "okay", "k",
    "too right", "no worries", "no problem", "not a problem", "no prob", "no probs", "absolutely",
    "go ahead", "please do", "do it", "definitely", "of course", "correct", "that's right",
    "thats right", "right", "sounds good", "all good", "affirmative", "for sure", "y",
    "go for it", "why not", "sweet", "sure thing", "you bet", "certainly", "deadset", "righto",
    "yes mate", "please", "alright", "all right", "true", "i do", "we do", "they do", "it is",
    "don't mind", "dont mind", "wouldn't mind", "wouldnt mind", "in stock", "we have", "got some",
    "we've got", "have some", "sure do", "fine", "bloody oath", "heaps", "yeh", "yeah yeah",
    "ye", "yas", "yass", "yus", "yesss", "yess", "yepp", "yeahh", "yeap", "defs", "deffo", "defo",
    "def", "totally", "sure sure", "okey", "okie", "kk", "ok ok", "yes yes", "righto", "aye",
)
NO = (
    "no", "nah", "nope", "na", "not really", "don't", "dont", "do not", "no thanks",
    "no thank you", "never", "negative", "n", "not at all", "i don't think so", "definitely not",
    "rather not", "nup", "no way", "cancel", "stop", "false", "none", "we don't", "sold out",
    "out of stock", "not in stock", "don't have", "dont have", "haven't got", "not today",
    "no we don't", "we're out", "all out", "not", "nah nah", "naa", "nahh", "noo", "nooo",
    "nup nup", "nay",
)
_PHRASES = sorted([*((p, "YES") for p in YES), *((p, "NO") for p in NO)],
                  key=lambda pair: len(pair[0]), reverse=True)
_POLARITY = dict(_PHRASES)
_RE = re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(p) for p, _ in _PHRASES) + r")(?![\w'])")
# "not too sure", "not 100% sure", "not really certain": a hedged "sure" is not a yes.
_HEDGED_SURE = (r"not\s+(?:too|so|that|very|really|quite|entirely|totally|completely|overly|"
                r"all\s+that|a\s+hundred\s+percent|100\s*(?:percent)?|one\s+hundred\s+percent)"
                r"\s+(?:sure|certain)")
_UNSURE_RE = re.compile(
    r"(?<![\w'])(?:" + _HEDGED_SURE + "|"
    + "|".join(re.escape(p) for p in sorted(UNSURE, key=len, reverse=True)) + r")(?![\w'])"
)
# Said after a "no" these soften it ("nah all good", "no that's fine"); they never turn it
# into a yes. A plain affirmative ("nah yeah") still does.
_REASSURING = frozenset({
    "all good", "no worries", "no problem", "not a problem", "no prob", "no probs", "fine",
    "ok", "okay", "alright", "all right", "sweet", "righto", "that's right", "thats right",
})
_INDIFFERENT_RE = re.compile(
    r"(?<![\w'])(?:" + "|".join(re.escape(p) for p in INDIFFERENT) + r")(?![\w'])"
)
_NEITHER = "Is that a yes or a no?"
_UNSURE_REASON = "No worries — but I need a yes or a no to go ahead."


def _clean(text: str) -> str:
    low = fold(text)
    return re.sub(r"[^\w' ]+", " ", low)


def is_unsure(text: str) -> bool:
    """Whether a reply means "I don't know" ("not sure", "no idea", "dunno", "any")."""
    low = _clean(text).strip()
    return bool(low) and (_UNSURE_RE.search(low) is not None
                          or _INDIFFERENT_RE.search(low) is not None)


_NOISE = re.compile(
    r"\b(?:i'?m|i|am|really|mate|sorry|is|fine|ok|okay|brand|model|size|kind|type|the|about|of|"
    r"it|that|honestly|to|be|no|just|all|good|whichever|one|will|do|'ll|'s)\b"
)


def only_unsure(text: str) -> bool:
    """Whether a reply is nothing but "I don't know" ("not sure", "any is fine", "idk mate")."""
    low = _clean(text)
    if not is_unsure(low):
        return False
    rest = _NOISE.sub(" ", _INDIFFERENT_RE.sub(" ", _UNSURE_RE.sub(" ", low)))
    return not rest.strip(" '")


def _unsure(text: str) -> bool:
    return _UNSURE_RE.search(_clean(text)) is not None


def scan_yes_no(text: str) -> list[Hit]:
    """Every yes/no phrase in a message, in order, with its span (unsure phrases removed)."""
    low = _clean(text)
    blocked = [m.span() for m in _UNSURE_RE.finditer(low)]
    hits = []
    for match in _RE.finditer(low):
        if any(s <= match.start() < e for s, e in blocked):
            continue
        hits.append(Hit(_POLARITY[match.group(0)], match.start(), match.end()))
    return hits


def _deciding(hits: list[Hit], low: str) -> Hit:
    """The hit that decides: the last one, unless it only softens an earlier no."""
    plain = [h for h in hits if low[h.start:h.end] not in _REASSURING]
    if hits[-1] not in plain and plain:
        return plain[-1]  # "nah all good" is no, "nah yeah all good" is yes
    return hits[-1]


def parse_yes_no(text: str) -> ParseResult:
    """A whole reply as "YES" or "NO"; unsure or unreadable replies are refused."""
    if _unsure(text):
        # "not sure, probably yes" stays unsure: asking again is cheaper than a wrong call
        return Rejected(_UNSURE_REASON)
    hits = scan_yes_no(text)
    if not hits:
        return Rejected(_NEITHER)
    return Parsed(str(_deciding(hits, _clean(text)).value))


def find_yes_no(text: str) -> Hit | None:
    """The deciding yes/no inside a message (the last one said), or None when unsure or absent."""
    if _unsure(text):
        return None
    hits = scan_yes_no(text)
    return _deciding(hits, _clean(text)) if hits else None
