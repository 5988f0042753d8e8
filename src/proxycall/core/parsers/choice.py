"""CHOICE: match a reply to one declared choice by value, label or synonym.

Matching is case-insensitive and on word boundaries, so a single letter or a fragment of a word
never matches; a phrase may carry "'s" ("flu's knocked me out"). Which choice a message points
to (`choose`):
1. Someone else is ill: a choice whose declared synonyms name a family member ("my kid", "my
   mum") is the choice for looking after someone. When the message names a family member and
   then, with no "I"/"me" in between, another choice's phrase ("my son's got gastro", "kid's home
   sick", "the missus is crook"), that choice wins. The rule is read from the declaration; no
   agent or choice is named here.
2. Within one clause the longest matching phrase wins ("looking after my sick kid" is one
   choice; "doctors appointment" beats "doctors").
3. A phrase that only names a family member ("my partner") counts only when nothing else
   matched ("I'm sick and my partner is away" is SICK).
4. Different choices in different clauses ("sick but also have a doctors appointment") or an
   equally long tie are not guessed: the person is asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from proxycall.core.agents.spec import Choice
from proxycall.core.parsers._lex import SCAN_CACHE_SIZE, Hit, fold
from proxycall.core.parsers.result import Ambiguous, Parsed, ParseResult, Rejected
from proxycall.core.parsers.texting import REASONS, respell, span_back

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
    # "flu's knocked me out", "anxiety's through the roof": a phrase may take "'s"
    return re.compile(rf"(?<![\w'])(?P<phrase>{body})(?:'s)?(?![\w'])"), owner


def scan_choices(text: str, choices: Sequence[Choice]) -> list[Hit]:
    """Every choice phrase in a message, with its span (longest phrases first, no overlaps)."""
    if not choices:
        return []
    pattern, owner = _matcher(tuple(choices))
    low, origin = respell(fold(text), REASONS)  # "drs appt", "feelin crap"
    hits = []
    for match in pattern.finditer(low):
        phrase = re.sub(r"\s+", " ", match.group("phrase"))
        hits.append(Hit(owner[phrase], *span_back(origin, match.start(), match.end())))
    return hits


# Words naming someone in the person's family or household (and their possessive).
_RELATIONS = (r"kids?|kiddo|child|children|son|sons|daughters?|baby|bub|bubs|toddler|mum|mom|"
              r"mother|dad|father|parents?|partner|wife|husband|hubby|missus|missis|nan|nana|"
              r"grandma|grandmother|grandpa|grandfather|brother|sister|boyfriend|girlfriend|"
              r"fiance|fiancee|family")
_RELATION_RE = re.compile(rf"(?<![\w'])(?:{_RELATIONS})(?:'s)?(?![\w'])")
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|i'll|me|myself)\b")
_ONLY_RELATION = re.compile(rf"(?:(?:my|our|the)\s+)?(?:{_RELATIONS})(?:'s)?")
_CLAUSE = re.compile(r"[,;.!?]|\b(?:but|and|also|plus|as well)\b")


@lru_cache(maxsize=64)
def _someone_else(choices: tuple[Choice, ...]) -> str | None:
    """The one choice whose declared phrases name a family member, or None."""
    found = [c.value for c in choices if any(_RELATION_RE.search(p) for p in _phrases(c))]
    return found[0] if len(found) == 1 else None


def _about_someone_else(low: str, hits: list[Hit], carer: str) -> bool:
    """Whether another choice's phrase is said of a family member ("my son's got gastro")."""
    for hit in hits:
        if hit.value == carer:
            continue
        relations = list(_RELATION_RE.finditer(low, 0, hit.start))
        relation = relations[-1] if relations else None  # the nearest before the phrase
        if relation is not None and not _FIRST_PERSON.search(low[relation.end():hit.end]):
            return True
    return False


def _names_only(low: str, hit: Hit) -> bool:
    """Whether a phrase only names a family member ("my partner"): nothing is said of them."""
    return _ONLY_RELATION.fullmatch(low[hit.start:hit.end]) is not None


def choose(text: str, choices: Sequence[Choice]) -> tuple[tuple[str, ...], list[Hit]]:
    """The choice values a message points to, and every choice phrase found.

    The choice values a message points to (one: clear; several: ask; none) and every
    choice phrase found, by the rules in the module docstring.
    """
    values, hits = _choose(text, tuple(choices))
    return values, list(hits)


@lru_cache(maxsize=SCAN_CACHE_SIZE)  # pure; asked of each message for each choice slot
def _choose(text: str, choices: tuple[Choice, ...]) -> tuple[tuple[str, ...], tuple[Hit, ...]]:
    values, hits = _chosen(text, choices)
    return values, tuple(hits)


def _chosen(text: str, choices: tuple[Choice, ...]) -> tuple[tuple[str, ...], list[Hit]]:
    hits = scan_choices(text, choices)
    if not hits:
        return (), []
    low = fold(text)
    carer = _someone_else(tuple(choices))
    if carer is not None and _about_someone_else(low, hits, carer):
        return (carer,), hits
    said = [hit for hit in hits if not _names_only(low, hit)] or hits  # "I'm sick, my partner…"
    picked: list[str] = []
    clause: list[Hit] = []
    for index, hit in enumerate(said):
        clause.append(hit)
        later = said[index + 1] if index + 1 < len(said) else None
        if later is None or _CLAUSE.search(low[hit.end:later.start]):
            picked += [str(h.value) for h in _best(clause)]
            clause = []
    return tuple(dict.fromkeys(picked)), hits


def _best(hits: list[Hit]) -> list[Hit]:
    longest = max(hit.end - hit.start for hit in hits)
    return [hit for hit in hits if hit.end - hit.start == longest]


def parse_choice(text: str, choices: Sequence[Choice]) -> ParseResult:
    """A whole reply as one choice's value; none or a tie between choices is not guessed."""
    values, _ = choose(text, choices)
    labels = ", ".join(f'"{c.label}"' for c in choices)
    if not values:
        return Rejected(f"Please pick one of: {labels}.")
    if len(values) == 1:
        return Parsed(values[0])
    by_value = {c.value: c.label for c in choices}
    names = " or ".join(f'"{by_value[v]}"' for v in values)
    return Ambiguous(f"Which one: {names}?", values)


def find_choice(text: str, choices: Sequence[Choice]) -> Hit | None:
    """The clearest choice mentioned inside a message, with its span, or None (also on a tie)."""
    values, hits = choose(text, choices)
    if len(values) != 1:
        return None
    return next(hit for hit in hits if hit.value == values[0])
