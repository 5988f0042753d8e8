"""POST /v2/conversation/next (v2, or v1 under the kill switch) and POST /conversation/next (v1)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Response

from proxycall import logs
from proxycall.api.deps import CurrentUser, Services
from proxycall.api.json_body import SafeJsonRoute
from proxycall.api.schemas import MAX_IDEMPOTENCY_KEY, TurnRequest
from proxycall.api.turn_response import TURN_RESPONSES
from proxycall.container import Container
from proxycall.core.errors import NotFound
from proxycall.core.stores import UserRecord
from proxycall.services.turns import TurnInput

router = APIRouter(route_class=SafeJsonRoute)


def _turn_input(body: TurnRequest, header_key: str | None) -> TurnInput:
    location = (body.location.lat, body.location.lng) if body.location else None
    slots = {k: _slot_value(v) for k, v in body.slots.items()}
    return TurnInput(
        conversation_id=body.conversationId, agent_type=body.agentType,
        user_message=body.userMessage, slots=slots, client_action=body.clientAction,
        idempotency_key=body.idempotencyKey or header_key, timezone=body.timezone,
        location=location, debug=body.debug,
    )


def _slot_value(value: str | int | float | bool | None) -> str | int | None:
    """JSON values as a client may send them: true/false for yes/no, 3.0 for 3."""
    if isinstance(value, bool):
        return "YES" if value else "NO"
    if isinstance(value, float):
        return int(value) if value.is_integer() else str(value)
    return value


def _sent(wire: bytes) -> Response:
    """The turn's JSON as the service wrote it once (not encoded again by the framework).

    Its shape is `api.turn_response.TurnResponse`, held to by the tests, not checked per turn.
    """
    return Response(wire, media_type="application/json")


async def answer_turn(services: Container, user: UserRecord, body: TurnRequest,
                      idempotency_key: str | None, via: str) -> bytes:
    """The turn's answer as JSON bytes; `via` is the route, "/v2" (kill switch aware) or "/v1".

    The routes below and the turn lane (`api.turn_lane`) both answer through this.
    """
    engine = "v1"
    if via == "/v2":
        engine = services.settings.engine_version
        if await services.switches.kill_switch_active():
            logs.kill_switch_routed(body.conversationId)
            engine = "v1"
    output = await services.conversations.next_turn(
        user.id, _turn_input(body, idempotency_key), engine, via=via)
    return output.wire


@router.post("/v2/conversation/next", summary="One turn of the v2 engine",
             responses=TURN_RESPONSES)
async def next_v2(
    body: TurnRequest, services: Services, user: CurrentUser,
    idempotency_key: Annotated[str | None, Header(max_length=MAX_IDEMPOTENCY_KEY)] = None,
) -> Response:
    """Read the person's message (and any slots a client sends) and answer the next step.

    The answer is a question, the place step, the card, or COMPLETE. Answered by v1 while the
    kill switch is on. Replaying an idempotency key returns the identical answer and changes
    nothing.
    """
    return _sent(await answer_turn(services, user, body, idempotency_key, "/v2"))


@router.post("/conversation/next", summary="One turn of the legacy v1 engine",
             responses=TURN_RESPONSES)
async def next_v1(
    body: TurnRequest, services: Services, user: CurrentUser,
    idempotency_key: Annotated[str | None, Header(max_length=MAX_IDEMPOTENCY_KEY)] = None,
) -> Response:
    """The legacy engine the kill switch falls back to.

    Slots in a fixed order, one per turn, each read by its parser.
    """
    return _sent(await answer_turn(services, user, body, idempotency_key, "/v1"))


@router.get("/v2/agents", summary="The agents and their slots")
async def agents(services: Services, _user: CurrentUser) -> dict[str, Any]:
    """Each task proxycall can do.

    Its type, title, where its phone number comes from, and its slots.
    """
    registry = services.registry
    return {"agents": [
        {
            "agentType": spec.type, "title": spec.title, "description": spec.description,
            "phoneSource": spec.phone.source.value,
            "directPhoneSlot": spec.phone.direct_slot,
            "slots": [{"name": s.name, "label": s.label, "inputType": s.type.value,
                       "required": s.required, "asked": s.asked} for s in spec.slots],
        }
        for spec in registry.agents.values()
    ]}


@router.get("/v2/conversations", summary="Your conversations")
async def conversations(services: Services, user: CurrentUser) -> dict[str, Any]:
    """Your tasks, newest first, each with its latest call if one was made."""
    items = await services.conversations.list_conversations(user.id)
    latest_call: dict[str, str] = {}
    for call in (await services.calls.list_calls(user.id, limit=200))["calls"]:
        latest_call.setdefault(call["conversationId"], call["callId"])  # newest first
    for item in items:
        item["callId"] = latest_call.get(item["conversationId"])
    return {"conversations": items}


@router.get("/v2/conversations/{conversation_id}", summary="One conversation's latest answer")
async def conversation(conversation_id: str, services: Services,
                       user: CurrentUser) -> dict[str, Any]:
    """The last turn's response, to resume a chat; 404 when the conversation is not yours."""
    body = await services.conversations.last_response(user.id, conversation_id)
    if body is None:
        raise NotFound("No such conversation.")
    return body
