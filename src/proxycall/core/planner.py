"""The v2 planner: apply what understanding proposed, then decide the next action. No I/O."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from proxycall.core.agents import PLACE_SLOTS
from proxycall.core.agents.spec import AgentSpec, Condition, InputType, PhoneSource, SlotSpec
from proxycall.core.conversation import (
    Action,
    ChangeRequested,
    Command,
    ConversationState,
    DontKnow,
    KeepValue,
    NeedsClarification,
    SetSlot,
    SlotRejected,
    Source,
)
from proxycall.core.parsers import is_bare_category, is_unsure
from proxycall.core.parsers.result import Value
from proxycall.core.render import render_lines, render_template, render_value

KEEP_PREFIX = "Keep"
NO_OTHER_CHANGES = "No other changes"
REVIEW_INTRO = ("No problem. Tell me what to change (like \"change the time to 10am\"), "
                "or go through each detail:")
REPEATED_QUESTION_LIMIT = 3  # the same slot asked this many times in a row is an anomaly
_KEEP_REPLY = re.compile(
    r"^\s*(keep\b.*|same( as before)?|no change|that'?s (fine|right|correct)|leave it)\s*[.!]*\s*$",
    re.IGNORECASE,
)
_NO_OTHER_CHANGES = re.compile(
    r"^\s*(no other changes|keep (everything|the rest|all)( else)?|that'?s all|nothing else)"
    r"\s*[.!]*\s*$",
    re.IGNORECASE,
)


class ClientAction:
    """What the client may send besides a message: CONFIRM or REJECT."""

    CONFIRM = "CONFIRM"
    REJECT = "REJECT"


@dataclass(frozen=True)
class ValidationProblem:
    """A value refused this turn, and what to tell the person."""

    field: str
    message: str


@dataclass(frozen=True)
class Question:
    """The next question: the slot, its words and its quick replies."""

    slot: SlotSpec
    text: str
    quick_replies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Card:
    """The confirmation card: title and lines."""

    title: str
    lines: tuple[str, ...]
    confirm_label: str
    reject_label: str
    card_id: str


@dataclass(frozen=True)
class PlaceSearch:
    """The place step's search: the query and the area."""

    query: str
    area: str | None


@dataclass
class Decision:
    """What the planner decided for this turn, and what changed."""

    action: Action
    message: str
    question: Question | None = None
    validation: ValidationProblem | None = None
    card: Card | None = None
    place_search: PlaceSearch | None = None
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)  # removed on purpose (a place that no
    # longer fits the new business name)
    anomalies: list[str] = field(default_factory=list)


def is_keep_reply(message: str) -> bool:
    """True when the person keeps the card as it is ("keep it", "all good")."""
    return bool(_KEEP_REPLY.match(message))


def is_no_other_changes(message: str) -> bool:
    """True when the person says there is nothing else to change."""
    return bool(_NO_OTHER_CHANGES.match(message))


def condition_holds(condition: Condition, values: dict[str, Value]) -> bool:
    """True when a slot's condition holds for these values."""
    value = values.get(condition.slot)
    if value is None:
        return False
    if condition.kind == "bare_category":
        return is_bare_category(str(value))
    if condition.kind == "unsure":
        return is_unsure(str(value))
    return str(value) in condition.values


def is_required(slot: SlotSpec, values: dict[str, Value]) -> bool:
    """True when the slot must be filled for these values."""
    if slot.required:
        return True
    return slot.required_when is not None and condition_holds(slot.required_when, values)


def missing_slots(spec: AgentSpec, values: dict[str, Value]) -> list[str]:
    """The required slots not filled yet, in order."""
    return [s.name for s in spec.slots if is_required(s, values) and s.name not in values]


def needs_place(spec: AgentSpec, state: ConversationState) -> bool:
    """Place agents need a chosen place; a direct-phone agent only when the number is unknown."""
    if spec.phone.source is PhoneSource.PLACE:
        return "place_id" not in state.values
    direct = spec.phone.direct_slot
    return state.find_place_for_phone and direct is not None and direct not in state.values


def ready_to_confirm(spec: AgentSpec, state: ConversationState) -> bool:
    """True when nothing required is missing and the place is set if needed."""
    return not missing_slots(spec, state.values) and not needs_place(spec, state)


def build_card(spec: AgentSpec, values: dict[str, Value]) -> Card:
    """The card's lines from the agent's templates (a line with no values is dropped)."""
    lines = tuple(render_lines(spec.card.lines, values, spec))
    title = render_template(spec.card.title, values, spec) or spec.title
    digest = hashlib.sha256(json.dumps([spec.type, title, lines]).encode()).hexdigest()
    return Card(title, lines, spec.card.confirm_label, spec.card.reject_label, digest[:16])


@dataclass
class _Applied:
    """What folding the commands found: changed slots, a problem, a question back, a jump."""

    changed: list[str] = field(default_factory=list)
    problem: ValidationProblem | None = None
    clarification: NeedsClarification | None = None
    jump: str | None = None


def apply_commands(
    spec: AgentSpec, state: ConversationState, commands: Sequence[Command]
) -> tuple[list[str], ValidationProblem | None, NeedsClarification | None, str | None]:
    """Fold commands into the state; return (changed slots, problem, clarification, jump-to)."""
    applied = _Applied()
    for command in commands:
        _apply(spec, state, command, applied)
    return applied.changed, applied.problem, applied.clarification, applied.jump


def _apply(spec: AgentSpec, state: ConversationState, command: Command,
           applied: _Applied) -> None:
    if isinstance(command, SetSlot):
        _apply_set(spec, state, command, applied)
    elif isinstance(command, KeepValue):
        _mark_reviewed(state, command.slot)
    elif isinstance(command, ChangeRequested):
        applied.jump = command.slot
        if command.slot in state.reviewed:
            state.reviewed.remove(command.slot)
    elif isinstance(command, DontKnow):
        if spec.slot(command.slot).unknown_finds_place:
            state.find_place_for_phone = True
        _mark_reviewed(state, command.slot)
    elif isinstance(command, SlotRejected):
        applied.problem = ValidationProblem(command.slot, command.reason)
    elif isinstance(command, NeedsClarification):
        applied.clarification = command
        state.pending_options[command.slot] = list(command.options)


def _apply_set(spec: AgentSpec, state: ConversationState, command: SetSlot,
               applied: _Applied) -> None:
    if _set_value(spec, state, command):
        applied.changed.append(command.slot)
        _mark_reviewed(state, command.slot)
    elif command.source is not Source.CLIENT:
        _mark_reviewed(state, command.slot)  # said again in words: kept on purpose
    state.pending_options.pop(command.slot, None)


def _set_value(spec: AgentSpec, state: ConversationState, command: SetSlot) -> bool:
    previous = state.values.get(command.slot)
    if previous == command.value:
        return False
    state.values[command.slot] = command.value
    state.sources[command.slot] = command.source.value
    if spec.phone.query_slot == command.slot or spec.phone.area_slot == command.slot:
        _forget_place(spec, state, keep_direct=command.source is Source.SERVER)
    return True


def _forget_place(spec: AgentSpec, state: ConversationState, *, keep_direct: bool) -> None:
    """A new business name or area means the chosen place no longer fits."""
    for name in PLACE_SLOTS:
        state.values.pop(name, None)
        state.sources.pop(name, None)
    direct = spec.phone.direct_slot
    if (
        not keep_direct
        and direct is not None
        and state.sources.get(direct) == Source.SERVER.value
    ):
        state.values.pop(direct, None)


def _mark_reviewed(state: ConversationState, slot: str) -> None:
    if state.reviewing and slot not in state.reviewed:
        state.reviewed.append(slot)


def start_review(state: ConversationState) -> None:
    """REJECT at the card: walk the slots again, each value offered back to keep."""
    state.reviewing = True
    state.reviewed = []
    state.card_id = None


def decide(
    spec: AgentSpec,
    state: ConversationState,
    commands: Sequence[Command],
    *,
    client_action: str | None = None,
    end_review: bool = False,
) -> Decision:
    """Apply the commands and choose the next action; mutates `state`."""
    if client_action == ClientAction.REJECT:
        start_review(state)
    asked = state.asked_slot
    known_before = set(state.values)
    changed, problem, clarification, jump = apply_commands(spec, state, commands)
    forgotten = sorted(known_before - set(state.values))
    # "change the time to 10am" ends a review; a REJECT's own corrections (slots a client sent
    # with it) are applied first and the review still starts at the first slot.
    named_change = client_action != ClientAction.REJECT and any(slot != asked for slot in changed)
    if state.reviewing and (end_review or named_change or _review_finished(spec, state)):
        state.reviewing = False
    if changed and state.card_id is not None:
        state.card_id = None  # a value changed after the card: it must be shown again
    if client_action == ClientAction.CONFIRM and not changed and ready_to_confirm(spec, state):
        state.complete = True
        return _finish(spec, state, Decision(Action.COMPLETE, _complete_message(spec, state)))
    decision = _next(spec, state, problem, clarification, jump)
    if client_action == ClientAction.REJECT and decision.action is Action.ASK_QUESTION:
        decision.message = f"{REVIEW_INTRO} {decision.message}"
    if problem is not None and decision.validation is None:
        decision.validation = problem  # refused, but a value is kept: say so, ask what's next
    decision.changed = changed
    decision.forgotten = forgotten
    return _finish(spec, state, decision)


def _finish(spec: AgentSpec, state: ConversationState, decision: Decision) -> Decision:
    decision.missing = missing_slots(spec, state.values)
    asked = decision.question.slot.name if decision.question else None
    if asked is not None and asked == state.asked_slot:
        state.asked_in_a_row += 1
    else:
        state.asked_in_a_row = 1 if asked else 0
    state.asked_slot = asked
    state.last_action = decision.action
    if state.asked_in_a_row >= REPEATED_QUESTION_LIMIT:
        decision.anomalies.append("repeated_question")
    return decision


def _review_finished(spec: AgentSpec, state: ConversationState) -> bool:
    return all(slot.name in state.reviewed for slot in spec.slots if slot.asked
               and (slot.name in state.values or is_required(slot, state.values)))


def _next(
    spec: AgentSpec,
    state: ConversationState,
    problem: ValidationProblem | None,
    clarification: NeedsClarification | None,
    jump: str | None,
) -> Decision:
    if clarification is not None:
        slot = spec.slot(clarification.slot)
        replies = tuple(render_value(spec, slot.name, v) for v in clarification.options)
        question = Question(slot, clarification.question, replies)
        return Decision(Action.ASK_QUESTION, clarification.question, question=question)
    if problem is not None and spec.has_slot(problem.field) and problem.field not in state.values:
        return _ask(spec, state, spec.slot(problem.field), problem=problem)
    if jump is not None and spec.has_slot(jump):
        return _ask(spec, state, spec.slot(jump), intro="Sure. ")
    if state.reviewing:
        pending = _next_to_review(spec, state)
        if pending is not None:
            return _ask(spec, state, pending, problem=problem)
        state.reviewing = False
    if state.find_place_for_phone and needs_place(spec, state):
        return _find_place(spec, state)  # "I don't know their number": look it up now
    for name in missing_slots(spec, state.values):
        return _ask(spec, state, spec.slot(name), problem=problem)
    if needs_place(spec, state):
        return _find_place(spec, state)
    card = build_card(spec, state.values)
    state.card_id = card.card_id
    return Decision(Action.CONFIRM, "Here's what I'll do. Does this look right?", card=card)


def _next_to_review(spec: AgentSpec, state: ConversationState) -> SlotSpec | None:
    for slot in spec.slots:
        if not slot.asked or slot.name in state.reviewed:
            continue
        if slot.name in state.values or is_required(slot, state.values):
            return slot
    return None


def _ask(
    spec: AgentSpec,
    state: ConversationState,
    slot: SlotSpec,
    *,
    problem: ValidationProblem | None = None,
    intro: str = "",
) -> Decision:
    reasking = problem is not None and problem.field == slot.name
    text = slot.reask if reasking else slot.question
    replies = list(_choice_replies(slot))
    if state.reviewing and slot.name in state.values:
        current = render_value(spec, slot.name, state.values[slot.name])
        replies = [f"{KEEP_PREFIX} {current}", *replies, NO_OTHER_CHANGES]
        text = f"{text} (currently {current})"
    question = Question(slot, text, tuple(replies))
    return Decision(Action.ASK_QUESTION, intro + text, question=question,
                    validation=problem if reasking else None)


def _choice_replies(slot: SlotSpec) -> tuple[str, ...]:
    if slot.type is InputType.CHOICE:
        return tuple(choice.label for choice in slot.choices)
    if slot.type is InputType.YES_NO:
        return ("Yes", "No")
    return ()


def _find_place(spec: AgentSpec, state: ConversationState) -> Decision:
    query = str(state.values.get(spec.phone.query_slot or "", ""))
    area_slot = spec.phone.area_slot
    area = str(state.values[area_slot]) if area_slot and area_slot in state.values else None
    where = f" near {area}" if area else ""
    lookup = "I'll look up their number. " if state.find_place_for_phone else ""
    offer = (" If it isn't there, just type their number." if spec.phone.source is PhoneSource.PLACE
             else " If it isn't there and you find their number, just type it.")
    message = f"{lookup}Which {query}{where} should I call? Pick one from the list.{offer}"
    return Decision(Action.FIND_PLACE, message, place_search=PlaceSearch(query, area))


def _complete_message(spec: AgentSpec, state: ConversationState) -> str:
    callee = state.values.get("place_name") or state.values.get(spec.phone.query_slot or "")
    who = f"call {callee}" if callee else "make the call"
    return f"Confirmed. I'm ready to {who} — start the call whenever you like."
