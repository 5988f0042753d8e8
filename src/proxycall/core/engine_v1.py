"""The v1 engine: slots in fixed order, one per turn. Deliberately simple; shares no planner.

It is what the kill switch falls back to, so it must keep working when v2 is broken: it uses
only the declarations, the parsers and the renderer.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from proxycall.core.agents.spec import AgentSpec, PhoneSource, SlotSpec
from proxycall.core.conversation import Action, ConversationState
from proxycall.core.parsers import parse_slot
from proxycall.core.parsers.result import ParseContext, Parsed
from proxycall.core.render import render_lines


@dataclass
class V1Reply:
    """The v1 engine's answer to one turn."""

    action: Action
    message: str
    slot: SlotSpec | None = None
    error: str | None = None
    card_lines: tuple[str, ...] = ()
    card_id: str | None = None


def _order(spec: AgentSpec) -> list[SlotSpec]:
    return [slot for slot in spec.slots if slot.required and slot.asked]


def _first_missing(spec: AgentSpec, state: ConversationState) -> SlotSpec | None:
    return next((slot for slot in _order(spec) if slot.name not in state.values), None)


def v1_turn(
    spec: AgentSpec,
    state: ConversationState,
    message: str,
    action: str | None,
    ctx: ParseContext,
) -> V1Reply:
    """One v1 turn; mutates `state`."""
    if action == "REJECT":  # back to the first question; every value is kept until replaced
        first = _order(spec)[0]
        state.card_id = None
        state.asked_slot = first.name
        return V1Reply(Action.ASK_QUESTION, first.question, first)
    error = None
    asked = spec.slot(state.asked_slot) if state.asked_slot and spec.has_slot(
        state.asked_slot) else None
    if message.strip() and asked is not None:
        result = parse_slot(asked, message, ctx)
        if isinstance(result, Parsed):
            state.values[asked.name] = result.value
        else:
            error = asked.reask
    missing = _first_missing(spec, state)
    needs_place = spec.phone.source is PhoneSource.PLACE and "place_id" not in state.values
    if action == "CONFIRM" and missing is None and not needs_place:
        state.complete = True
        state.asked_slot = None
        return V1Reply(Action.COMPLETE, "Confirmed.")
    if missing is not None:
        state.asked_slot = missing.name
        return V1Reply(Action.ASK_QUESTION, error or missing.question, missing, error)
    state.asked_slot = None
    if needs_place:
        return V1Reply(Action.FIND_PLACE, "Pick the place to call.")
    lines = tuple(render_lines(spec.card.lines, state.values, spec))
    card_id = hashlib.sha256(json.dumps(["v1", spec.type, lines]).encode()).hexdigest()[:16]
    state.card_id = card_id
    return V1Reply(Action.CONFIRM, "Please confirm.", card_lines=lines, card_id=card_id)
