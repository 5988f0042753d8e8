"""POST /v2/conversation/next (v2, or v1 under the kill switch) and POST /conversation/next (v1)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from proxycall import logs
from proxycall.api.deps import CurrentUser, container
from proxycall.api.schemas import TurnRequest
from proxycall.errors import NotFound
from proxycall.services.turns import TurnInput

router = APIRouter()


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


@router.post("/v2/conversation/next")
async def next_v2(
    body: TurnRequest, request: Request, user: CurrentUser,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> dict[str, Any]:
    services = container(request)
    engine = services.settings.engine_version
    if await services.switches.kill_switch_active():
        logs.kill_switch_routed(body.conversationId)
        engine = "v1"
    output = await services.conversations.next_turn(
        user.id, _turn_input(body, idempotency_key), engine, via="/v2")
    return output.body


@router.post("/conversation/next")
async def next_v1(
    body: TurnRequest, request: Request, user: CurrentUser,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> dict[str, Any]:
    output = await container(request).conversations.next_turn(
        user.id, _turn_input(body, idempotency_key), "v1", via="/v1")
    return output.body


@router.get("/v2/agents")
async def agents(request: Request) -> dict[str, Any]:
    registry = container(request).registry
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


@router.get("/v2/conversations")
async def conversations(request: Request, user: CurrentUser) -> dict[str, Any]:
    services = container(request)
    items = await services.conversations.list_conversations(user.id)
    latest_call: dict[str, str] = {}
    for call in (await services.calls.list_calls(user.id, limit=200))["calls"]:
        latest_call.setdefault(call["conversationId"], call["callId"])  # newest first
    for item in items:
        item["callId"] = latest_call.get(item["conversationId"])
    return {"conversations": items}


@router.get("/v2/conversations/{conversation_id}")
async def conversation(conversation_id: str, request: Request,
                       user: CurrentUser) -> dict[str, Any]:
    body = await container(request).conversations.last_response(user.id, conversation_id)
    if body is None:
        raise NotFound("No such conversation.")
    return body
