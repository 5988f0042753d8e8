"""One v1 turn: the legacy engine, kept independent of the v2 planner (the kill switch target)."""

from __future__ import annotations

from proxycall import logs
from proxycall.core.agents.spec import AgentSpec
from proxycall.core.conversation import ConversationState
from proxycall.core.engine_v1 import v1_turn
from proxycall.core.errors import ProviderUnavailable
from proxycall.core.parsers.result import ParseContext
from proxycall.core.places import PlaceDetails, PlacesUnavailable
from proxycall.core.planner import Card, Decision, PlaceSearch, Question, ValidationProblem
from proxycall.services.engine_v2 import PLACE_ID_KEYS
from proxycall.services.responses import build_response, turn_facts
from proxycall.services.turns import EngineDeps, TurnInput, TurnResult


async def run_v1(
    spec: AgentSpec,
    state: ConversationState,
    request: TurnInput,
    turn: int,
    ctx: ParseContext,
    timezone: str,
    deps: EngineDeps,
) -> TurnResult:
    """One v1 turn: the slots in a fixed order, one per turn, each read by its parser."""
    place_id = next((str(request.slots[k]) for k in PLACE_ID_KEYS if request.slots.get(k)), None)
    if place_id is not None:
        details = await _details(deps, place_id)
        if details is not None and details.phone_e164:
            state.values.update({
                "place_id": details.place_id, "place_name": details.name,
                "place_address": details.formatted_address, "place_phone": details.phone_e164,
            })
            state.place = {"timezone": details.timezone, "openingHours":
                           details.opening_hours.to_dict() if details.opening_hours else None}
    reply = v1_turn(spec, state, request.user_message, request.client_action, ctx)
    decision = Decision(reply.action, reply.message)
    if reply.slot is not None:
        decision.question = Question(reply.slot, reply.slot.question)
        if reply.error:
            decision.validation = ValidationProblem(reply.slot.name, reply.error)
    if reply.card_id is not None:
        decision.card = Card(spec.card.title, reply.card_lines, spec.card.confirm_label,
                             spec.card.reject_label, reply.card_id)
    if reply.action.value == "FIND_PLACE":
        query = str(state.values.get(spec.phone.query_slot or "", ""))
        decision.place_search = PlaceSearch(query, None)
    if request.location is not None:
        state.location = [request.location[0], request.location[1]]
    body = build_response(spec, state, decision, request, turn, engine="v1", ai_used=False,
                          ai_model=None, ignored=[], region=deps.region)
    return TurnResult(body, state, timezone, turn_facts(decision, state, turn, "v1"))


async def _details(deps: EngineDeps, place_id: str) -> PlaceDetails | None:
    """v1 must keep answering when something else is broken: an unreadable place is unchosen."""
    try:
        return await deps.places.details(place_id)
    except PlacesUnavailable as exc:
        raise ProviderUnavailable("The places service is unavailable right now.") from exc
    except Exception as exc:  # the fallback engine itself must not fail on an adapter bug
        logs.warning("engine_v1_place_unreadable", error=type(exc).__name__)
        return None
