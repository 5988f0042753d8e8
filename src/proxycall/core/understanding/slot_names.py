"""Which slot a person means by a few words ("the time", "my name"), and explicit changes.

"change the time to 10am", "the number is 0491 570 156", "wrong name": the named slot gets the
value read with its own parser, or a ChangeRequested when no value was given.
"""

from __future__ import annotations

import re

from proxycall.core.agents.spec import AgentSpec, InputType, SlotSpec, TextKind
from proxycall.core.conversation import (
    ChangeRequested,
    Command,
    NeedsClarification,
    SetSlot,
    SlotRejected,
)
from proxycall.core.parsers import Ambiguous, ParseContext, Parsed, Rejected, parse_slot
from proxycall.core.parsers._lex import fold
from proxycall.core.understanding.cues import (
    CHANGE,
    KIND_ALIASES,
    SLOT_WORD_NOISE,
    TYPE_ALIASES,
)

_CLAUSE_BREAK = re.compile(r"[,;.!?]\s|\b(?:and|but|because|cos|so)\b")


def _slot_words(slot: SlotSpec) -> set[str]:
    words = set(slot.name.split("_")) | set(fold(slot.label).split())
    if slot.type is not InputType.TEXT or slot.text_kind is not TextKind.PERSON_NAME:
        words -= SLOT_WORD_NOISE
    words |= set(TYPE_ALIASES.get(slot.type, ()))
    if slot.type is InputType.TEXT:
        words |= set(KIND_ALIASES.get(slot.text_kind, ()))
    return words


def slots_named(spec: AgentSpec, ref: str) -> list[SlotSpec]:
    """The slots a person may mean by a few words ("the shift"), best match first."""
    ref_words = [w for w in re.split(r"\s+", fold(ref).strip()) if w not in ("the", "my", "a")]
    if not ref_words or len(ref_words) > 4:
        return []
    phrase = " ".join(ref_words)
    ranked = []
    for index, slot in enumerate(spec.slots):
        words = _slot_words(slot)
        score = sum(2 if w in words else 0 for w in ref_words) + (3 if phrase in words else 0)
        if score:
            ranked.append(((score, -index if slot.asked else -100 - index), slot))
    ranked.sort(key=lambda pair: pair[0], reverse=True)
    top = ranked[0][0][0] if ranked else 0
    return [slot for rank, slot in ranked if rank[0] == top]


def slot_named(spec: AgentSpec, ref: str) -> SlotSpec | None:
    """The slot a person means by a few words ("the time", "my name", "the shop"), or None."""
    named = slots_named(spec, ref)
    return named[0] if named else None


def explicit_change(spec: AgentSpec, text: str, ctx: ParseContext) -> list[Command] | None:
    """Commands for "change the X to Y" / "the X is Y" / "wrong X", or None when not one."""
    low = fold(text)
    match = CHANGE.search(low)
    if match is None:
        return None
    ref = match.group("ref") or match.group("ref2") or match.group("ref3") or ""
    value_span = match.span("val") if match.group("val") else match.span("val2")
    named = slots_named(spec, ref)
    if not named:
        return None
    target = named[0]
    if value_span[0] < 0:
        return [ChangeRequested(target.name)]
    value = text[value_span[0]:value_span[1]]
    if target.type is InputType.TEXT and _CLAUSE_BREAK.search(value):
        return None  # "my name is sam and im sick": an introduction, read the whole message
    results = [(slot, parse_slot(slot, value, ctx)) for slot in named]
    # "the shift is at 9am" names two slots; the value decides which one is meant
    target, result = next(((s, r) for s, r in results if not isinstance(r, Rejected)),
                          results[0])
    if isinstance(result, Parsed):
        return [SetSlot(target.name, result.value)]
    if isinstance(result, Ambiguous):
        return [NeedsClarification(target.name, result.question, result.options)]
    if _CLAUSE_BREAK.search(value):
        return None  # "my name is Priya, I need to call in sick...": an opener, read it all
    if _fits_another_slot(spec, target, value, ctx):
        return None  # "the shop is on 07 7010 1234": a lead-in to the shop's number, read it all
    return [SlotRejected(target.name, result.reason)]


def _fits_another_slot(spec: AgentSpec, named: SlotSpec, value: str, ctx: ParseContext) -> bool:
    """The value is not the named slot's but reads as a value of another typed slot."""
    return any(
        slot.type is not InputType.TEXT and slot.type is not named.type
        and isinstance(parse_slot(slot, value, ctx), Parsed)
        for slot in spec.slots)
