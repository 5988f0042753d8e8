"""The wire shape of a conversation turn (contract.md), built from a planner decision."""

from __future__ import annotations

from typing import Any

from proxycall.core.agents.spec import AgentSpec, InputType, SlotSpec
from proxycall.core.conversation import Action, ConversationState
from proxycall.core.planner import Decision, is_required
from proxycall.services.turns import TurnFacts, TurnInput

DETERMINISTIC = "deterministic"


def agent_meta(spec: AgentSpec) -> dict[str, Any]:
    """Where the agent's phone number comes from, as the contract's agentMeta."""
    return {
        "phoneSource": spec.phone.source.value,
        "directPhoneSlot": spec.phone.direct_slot if spec.phone.source.value == "DIRECT_SLOT"
        else None,
        "title": spec.title,
        "description": spec.description,
    }


def question_body(slot: SlotSpec, text: str, quick_replies: tuple[str, ...],
                  values: dict[str, Any]) -> dict[str, Any]:
    """The contract's question object: field, text, input type, choices and quick replies."""
    return {
        "text": text,
        "field": slot.name,
        "inputType": slot.type.value,
        "choices": [{"value": c.value, "label": c.label} for c in slot.choices]
        if slot.type is InputType.CHOICE else [],
        "quickReplies": list(quick_replies),
        "optional": not is_required(slot, values),
    }


def build_response(
    spec: AgentSpec,
    state: ConversationState,
    decision: Decision,
    request: TurnInput,
    turn: int,
    *,
    engine: str,
    ai_used: bool,
    ai_model: str | None,
    ignored: list[str],
    region: str = "AU",
) -> dict[str, Any]:
    """The whole turn body in the contract's shape, built once from the decision."""
    question = None
    if decision.question is not None:
        question = question_body(decision.question.slot, decision.question.text,
                                 decision.question.quick_replies, state.values)
    card = None
    if decision.card is not None:
        card = {
            "title": decision.card.title,
            "lines": list(decision.card.lines),
            "confirmLabel": decision.card.confirm_label,
            "rejectLabel": decision.card.reject_label,
            "cardId": decision.card.card_id,
        }
    return {
        "conversationId": request.conversation_id,
        "turn": turn,
        "engineVersion": engine,
        "nextAction": decision.action.value,
        "assistantMessage": decision.message,
        "question": question,
        "validationError": (
            {"field": decision.validation.field, "message": decision.validation.message}
            if decision.validation else None
        ),
        "extractedData": dict(state.values),
        "confirmationCard": card,
        "placeSearchParams": _place_params(decision, state, region) if decision.action
        is Action.FIND_PLACE else None,
        "agentMeta": agent_meta(spec),
        "aiCallMade": ai_used,
        "aiModel": ai_model if ai_used and ai_model else DETERMINISTIC,
        "confidence": 0.8 if ai_used else 1.0,
        "ignoredSlots": sorted(set(ignored)),
        "changes": [],  # v2 lists the earlier values this turn replaced
    }


def turn_facts(decision: Decision, state: ConversationState, turn: int,
               engine: str) -> TurnFacts:
    """The turn's telemetry facts, from the same decision its body is built from."""
    return TurnFacts(
        action=decision.action.value, engine=engine, turn=turn,
        question_slot=decision.question.slot.name if decision.question else None,
        slots_filled=len(state.values), validation_error=decision.validation is not None)


def stored_facts(body: dict[str, Any]) -> TurnFacts:
    """The facts of a stored answer (a replay has only what was stored: its body)."""
    question = body.get("question") or {}
    return TurnFacts(
        action=str(body["nextAction"]), engine=str(body.get("engineVersion") or "v2"),
        turn=int(body.get("turn") or 0), question_slot=question.get("field"),
        slots_filled=len(body.get("extractedData") or {}),
        validation_error=body.get("validationError") is not None)


def _place_params(decision: Decision, state: ConversationState,
                  region: str) -> dict[str, Any]:
    search = decision.place_search
    lat, lng = state.location if state.location else (None, None)
    return {
        "query": search.query if search else "",
        "area": search.area if search else None,
        "country": region,
        "lat": lat,
        "lng": lng,
    }
