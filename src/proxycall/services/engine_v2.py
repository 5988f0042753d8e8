"""One v2 turn: client slots and place, understanding, the LLM fallback, the planner."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from proxycall import logs
from proxycall.core.agents.spec import AgentSpec, PhoneSource
from proxycall.core.conversation import (
    Action,
    Command,
    ConversationState,
    KeepValue,
    SetSlot,
    SlotRejected,
    Source,
)
from proxycall.core.errors import ProviderUnavailable
from proxycall.core.llm import LlmUnavailable
from proxycall.core.parsers import parse_slot
from proxycall.core.parsers.phone import parse_phone, scan_phones
from proxycall.core.parsers.result import Ambiguous, ParseContext, Parsed, Rejected
from proxycall.core.places import PlacesUnavailable
from proxycall.core.planner import (
    ClientAction,
    Decision,
    ValidationProblem,
    decide,
    is_keep_reply,
    is_no_other_changes,
    missing_slots,
)
from proxycall.core.render import change_sentence
from proxycall.core.understanding.reader import understand
from proxycall.services.responses import build_response, turn_facts
from proxycall.services.turns import EngineDeps, TurnInput, TurnResult

PLACE_ID_KEYS = ("place_id", "placeId")
GIVEN_PLACE_PREFIX = "given:"  # a place the person gave by its number, not from the directory
_OWN_NUMBER = re.compile(
    r"\bmy (?:own )?(?:number|phone|mobile|cell|no\.?)\b|\b(?:call|reach|text) me\b")


@dataclass
class _TurnReading:
    commands: list[Command] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    problem: ValidationProblem | None = None
    ai_used: bool = False
    llm_failed: bool = False
    raw: list[dict[str, Any]] = field(default_factory=list)


async def run_v2(
    spec: AgentSpec,
    state: ConversationState,
    request: TurnInput,
    turn: int,
    ctx: ParseContext,
    timezone: str,
    deps: EngineDeps,
) -> TurnResult:
    """One v2 turn: read the message and any slots sent, decide, and answer in words."""
    before = dict(state.values)
    if request.location is not None:
        state.location = [request.location[0], request.location[1]]
    reading = _TurnReading()
    await _read_client_slots(spec, state, request, ctx, deps, reading)
    end_review = await _read_message(spec, state, request, ctx, deps, reading)
    action = request.client_action if request.client_action in (
        ClientAction.CONFIRM, ClientAction.REJECT) else None
    commands = list(reading.commands)
    if reading.problem is not None:
        commands.append(SlotRejected(reading.problem.field, reading.problem.message))
    decision = decide(spec, state, commands, client_action=action, end_review=end_review)
    anomalies = _anomalies(before, state, decision, reading)
    body = build_response(
        spec, state, decision, request, turn, engine="v2", ai_used=reading.ai_used,
        ai_model=deps.extractor.model if reading.ai_used and deps.extractor else None,
        ignored=reading.ignored, region=deps.region,
    )
    _say_changes(body, spec, before, state, decision)
    await _add_warnings(body, spec, state, decision, timezone, deps)
    result = TurnResult(body, state, timezone, turn_facts(decision, state, turn, "v2"),
                        reading.ai_used, reading.llm_failed, anomalies)
    if request.debug:
        body["debugPayload"] = _debug(spec, state, decision, reading)
    return result


def _anomalies(before: dict[str, Any], state: ConversationState, decision: Decision,
               reading: _TurnReading) -> list[str]:
    """The turn's anomalies; a slot the turn lost without meaning to is put back."""
    anomalies = list(decision.anomalies)
    lost = [key for key in before if key not in state.values
            and key not in decision.changed and key not in decision.forgotten]
    if lost:
        state.values.update({key: before[key] for key in lost})  # never drop a key
        anomalies.append("lost_keys")
    if reading.llm_failed:
        anomalies.append("llm_failure")
    state.fallbacks_in_a_row = state.fallbacks_in_a_row + 1 if reading.llm_failed else 0
    if state.fallbacks_in_a_row >= 3:
        anomalies.append("consecutive_fallbacks")
    return anomalies


def _say_changes(body: dict[str, Any], spec: AgentSpec, before: dict[str, Any],
                 state: ConversationState, decision: Decision) -> None:
    """`changes`, said before the next question or the card, so no change goes unnoticed."""
    changes = _changes(spec, before, state.values, decision.changed)
    if changes:
        said = " ".join(change_sentence(spec, c["slot"], c["old"], c["new"]) for c in changes)
        body["assistantMessage"] = f"{said} {body['assistantMessage']}"
    body["changes"] = changes
    if state.place and state.place.get("given"):
        body["agentMeta"]["phoneSource"] = "GIVEN"  # the person typed the business's number


async def _add_warnings(body: dict[str, Any], spec: AgentSpec, state: ConversationState,
                        decision: Decision, timezone: str, deps: EngineDeps) -> None:
    """Say now what would stop the call: a refused number, an unknown area, a passed deadline."""
    warning = _destination_warning(spec, state, decision, deps)
    if warning is not None:  # said now, so the person can change it; /call/start refuses it
        body["destinationWarning"] = warning
        body["assistantMessage"] += f" Heads up: I won't be able to call that number. " \
                                    f"{warning['message']}"
    unknown = await _unknown_area(body, deps)
    if unknown is not None:  # said back in the chat, not silently dropped from the search
        body["assistantMessage"] += (f" I don't know '{unknown}', so I'll search without it — "
                                     "share your location or try a nearby suburb.")
    late = _deadline_warning(spec, state, decision, timezone, deps)
    if late is not None:  # said at the card, in plain words; /call/start refuses it too
        body["deadlineWarning"] = late
        body["assistantMessage"] += f" Heads up: {late['message']}"


def _changes(spec: AgentSpec, before: dict[str, Any], after: dict[str, Any],
             changed: Sequence[str]) -> list[dict[str, Any]]:
    """Earlier values of the agent's slots this turn replaced: [{slot, old, new}]."""
    return [
        {"slot": name, "old": before[name], "new": after[name]}
        for name in dict.fromkeys(changed)
        if spec.has_slot(name) and before.get(name) is not None and name in after
        and after[name] != before[name]
    ]


async def _unknown_area(body: dict[str, Any], deps: EngineDeps) -> str | None:
    """The area of a place search that the places provider does not know, if any."""
    params = body.get("placeSearchParams") or {}
    area = str(params.get("area") or "").strip()
    if not area:
        return None
    try:
        found = await deps.places.geocode(area, str(params.get("country") or "AU"))
    except PlacesUnavailable:
        return None  # the picker's own search will say the provider is down
    return area if found is None else None


def _deadline_warning(spec: AgentSpec, state: ConversationState, decision: Decision,
                      timezone: str, deps: EngineDeps) -> dict[str, str] | None:
    if decision.action not in (Action.CONFIRM, Action.COMPLETE):
        return None
    return deps.call_timing(spec, state.values, state.place, timezone)


def _destination_warning(spec: AgentSpec, state: ConversationState, decision: Decision,
                         deps: EngineDeps) -> dict[str, str] | None:
    """At the card: the number the call would dial, checked against the destination policy."""
    if decision.action not in (Action.CONFIRM, Action.COMPLETE):
        return None
    slot = spec.phone.direct_slot if spec.phone.direct_slot else "place_phone"
    number = state.values.get(slot)
    if number is None:
        return None
    verdict = deps.destination(str(number))
    if verdict.allowed:
        return None
    return {"field": slot, "reason": verdict.reason, "message": verdict.message}


def _debug(spec: AgentSpec, state: ConversationState, decision: Decision,
           reading: _TurnReading) -> dict[str, Any]:
    return {
        "plannerAction": decision.action.value,
        "questionSlot": decision.question.slot.name if decision.question else None,
        "extractionUsedLlm": reading.ai_used,
        "extraction": reading.raw,
        "mergedSlots": dict(state.values),
        "missingRequiredSlots": missing_slots(spec, state.values),
    }


async def _read_client_slots(
    spec: AgentSpec, state: ConversationState, request: TurnInput, ctx: ParseContext,
    deps: EngineDeps, reading: _TurnReading,
) -> None:
    for key, raw in request.slots.items():
        if key in PLACE_ID_KEYS:
            if raw and str(raw) != state.values.get("place_id"):
                await _choose_place(spec, state, str(raw), deps, reading)
            continue
        if not spec.has_slot(key) or raw is None or isinstance(raw, (dict, list)):
            reading.ignored.append(key)
            continue
        result = parse_slot(spec.slot(key), str(raw), ctx)
        if isinstance(result, Parsed):
            reading.commands.append(SetSlot(key, result.value, Source.CLIENT))
            reading.raw.append({"slot": key, "source": "CLIENT", "value": result.value})
        else:
            message = result.reason if isinstance(result, Rejected) else result.question
            reading.problem = ValidationProblem(key, message)


async def _choose_place(spec: AgentSpec, state: ConversationState, place_id: str,
                        deps: EngineDeps, reading: _TurnReading) -> None:
    try:
        details = await deps.places.details(place_id)
    except PlacesUnavailable as exc:
        raise ProviderUnavailable("The places service is unavailable right now.") from exc
    if details is None:
        reading.problem = ValidationProblem("place_id", "I couldn't find that place. "
                                            "Please pick one from the list.")
        return
    if details.phone_e164 is None:
        reading.problem = ValidationProblem(
            "place_id", f"{details.name} has no phone number I can call. Please pick another.")
        return
    values: dict[str, Any] = {
        "place_id": details.place_id, "place_name": details.name,
        "place_address": details.formatted_address, "place_phone": details.phone_e164,
    }
    direct = spec.phone.direct_slot
    if direct is not None:
        values[direct] = details.phone_e164
    for name, value in values.items():
        reading.commands.append(SetSlot(name, value, Source.SERVER))
    reading.raw.append({"slot": "place_id", "source": "SERVER", "value": details.place_id})
    state.place = {
        "timezone": details.timezone,
        "openingHours": details.opening_hours.to_dict() if details.opening_hours else None,
        "lat": details.lat,
        "lng": details.lng,
    }


async def _read_message(
    spec: AgentSpec, state: ConversationState, request: TurnInput, ctx: ParseContext,
    deps: EngineDeps, reading: _TurnReading,
) -> bool:
    """Read the person's words; returns True when they ended a review ("no other changes")."""
    message = request.user_message.strip()
    if not message:
        return False
    if state.reviewing and is_no_other_changes(message):
        return True
    if state.reviewing and state.asked_slot and is_keep_reply(message):
        reading.commands.append(KeepValue(state.asked_slot))
        return False
    commands = understand(spec, message, state.asked_slot, dict(state.values), ctx)
    given = _given_number(spec, state, message, ctx, reading)
    if given:  # "their number is …": the digits are the place's number, not a count or a time
        commands = [c for c in commands if not isinstance(c, SlotRejected)]
    reading.raw.extend(_describe(command) for command in commands)
    rejected = [c for c in commands if isinstance(c, SlotRejected)]
    understood: list[Command] = [c for c in commands if not isinstance(c, SlotRejected)]
    if rejected and deps.extractor is not None and not _asked_filled(understood, state):
        llm_commands = await _ask_llm(spec, state, message, ctx, deps, reading)
        if any(c.slot == state.asked_slot for c in llm_commands):
            commands = [*understood, *llm_commands]
        else:
            commands = [*commands, *(c for c in llm_commands if c.slot != state.asked_slot)]
    reading.commands.extend(commands)
    reading.commands.extend(given)  # after any renamed business, so the place stays set
    return False


def _given_number(spec: AgentSpec, state: ConversationState, message: str, ctx: ParseContext,
                  reading: _TurnReading) -> list[Command]:
    """A place agent's business number typed by the person: the place is set from it (GIVEN).

    Read at any point before the call; at the place step a number that cannot be called
    (emergency, malformed) is refused with the reason instead of asking to pick again.
    """
    if spec.phone.source is not PhoneSource.PLACE or _OWN_NUMBER.search(message.lower()):
        return []  # "my number is …" is the person's own, never the business to call
    hits = scan_phones(message, ctx.region)
    if not hits or hits[0].ambiguous:
        if state.last_action is Action.FIND_PLACE and _looks_like_a_number(message):
            result = parse_phone(message, ctx.region)
            if isinstance(result, (Rejected, Ambiguous)):
                reason = result.reason if isinstance(result, Rejected) else result.question
                reading.problem = ValidationProblem("place_phone", reason)
        return []
    number = str(hits[0].value)
    business = state.values.get(spec.phone.query_slot or "") or "the business"
    state.place = {"timezone": None, "openingHours": None, "given": True}
    reading.raw.append({"slot": "place_phone", "source": "GIVEN", "value": number})
    return [SetSlot("place_id", f"{GIVEN_PLACE_PREFIX}{number}", Source.PARSER),
            SetSlot("place_name", str(business), Source.PARSER),
            SetSlot("place_phone", number, Source.PARSER)]


def _looks_like_a_number(message: str) -> bool:
    return sum(ch.isdigit() for ch in message) >= 3 or "triple" in message.lower()


def _asked_filled(commands: Sequence[Command], state: ConversationState) -> bool:
    return any(isinstance(c, SetSlot) and c.slot == state.asked_slot for c in commands)


async def _ask_llm(
    spec: AgentSpec, state: ConversationState, message: str, ctx: ParseContext,
    deps: EngineDeps, reading: _TurnReading,
) -> list[SetSlot]:
    assert deps.extractor is not None
    reading.ai_used = True
    try:
        extraction = await deps.extractor.extract(spec, message, state.asked_slot,
                                                  dict(state.values))
    except LlmUnavailable as exc:
        reading.llm_failed = True
        logs.warning("llm_unavailable", agent=spec.type, error=str(exc)[:120])
        return []
    accepted: list[SetSlot] = []
    for proposal in extraction.proposals:
        if not spec.has_slot(proposal.slot):
            continue
        result = parse_slot(spec.slot(proposal.slot), proposal.text, ctx)
        if isinstance(result, Parsed):
            accepted.append(SetSlot(proposal.slot, result.value, Source.LLM))
            reading.raw.append({"slot": proposal.slot, "source": "LLM", "value": result.value})
        elif isinstance(result, (Rejected, Ambiguous)):
            reading.raw.append({"slot": proposal.slot, "source": "LLM", "refused": True})
    return accepted


def _describe(command: Command) -> dict[str, Any]:
    described: dict[str, Any] = {"command": type(command).__name__}
    described.update({k: v for k, v in vars(command).items() if k != "source"})
    return described
