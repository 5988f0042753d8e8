"""POST /call/brief, /call/start, /call/result/format; GET /call/status/{callId}, /calls."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path
from pydantic import BaseModel, ConfigDict, Field

from proxycall.api.deps import Calls, CurrentUser
from proxycall.api.json_body import SafeJsonRoute
from proxycall.api.schemas import CONVERSATION_ID, MAX_IDEMPOTENCY_KEY
from proxycall.services.calls.service import StartInput

router = APIRouter(route_class=SafeJsonRoute)
CALL_ID = r"^[A-Za-z0-9_-]{1,40}$"


class Disclosure(BaseModel):
    """Who the call says it is for, and how (the brief's disclosure line)."""

    model_config = ConfigDict(extra="ignore")

    nameShare: bool = True
    phoneShare: bool = False


class BriefRequest(BaseModel):
    """POST /call/brief: the conversation whose confirmed task the brief is for."""

    model_config = ConfigDict(extra="ignore")

    conversationId: str = Field(pattern=CONVERSATION_ID)
    disclosure: Disclosure | None = None


class StartRequest(BaseModel):
    """POST /call/start: the confirmed conversation, now or at a time, and whether to re-dial."""

    model_config = ConfigDict(extra="ignore")

    conversationId: str = Field(pattern=CONVERSATION_ID)
    idempotencyKey: str | None = Field(None, min_length=1, max_length=MAX_IDEMPOTENCY_KEY)
    scheduledFor: datetime | None = None
    retry: bool = False


class CancelRequest(BaseModel):
    """POST /call/cancel: the call to stop (scheduled, ringing or in progress)."""

    model_config = ConfigDict(extra="ignore")

    callId: str = Field(pattern=CALL_ID)


class RescheduleRequest(BaseModel):
    """POST /call/reschedule: a scheduled call's new time."""

    model_config = ConfigDict(extra="ignore")

    callId: str = Field(pattern=CALL_ID)
    scheduledFor: datetime


class ResultRequest(BaseModel):
    """POST /call/result/format: the call whose result card to build."""

    model_config = ConfigDict(extra="ignore")

    callId: str = Field(pattern=CALL_ID)


@router.post("/call/brief", summary="The call brief")
async def brief(body: BriefRequest, calls: Calls, user: CurrentUser) -> dict[str, Any]:
    """What the call will say, built from the confirmed task and the agent's templates.

    409 with requiredFieldsMissing before the card is confirmed.
    """
    disclosure = body.disclosure.model_dump() if body.disclosure else None
    return await calls.brief(user.id, body.conversationId, disclosure)


@router.post("/call/start", summary="Place the call")
async def start(
    body: StartRequest, calls: Calls, user: CurrentUser,
    idempotency_key: Annotated[str | None, Header(max_length=MAX_IDEMPOTENCY_KEY)] = None,
) -> dict[str, Any]:
    """Exactly once per confirmed task: a repeat returns the same call.

    The number comes from the confirmed state only. Refused when the destination is blocked, calls
    are paused, or the task's deadline cannot be met; scheduled when the callee may not be called
    yet.
    """
    return await calls.start(user.id, StartInput(
        conversation_id=body.conversationId,
        idempotency_key=body.idempotencyKey or idempotency_key,
        scheduled_for=body.scheduledFor, retry=body.retry,
    ))


@router.post("/call/cancel", summary="Cancel a call that has not been dialled")
async def cancel(body: CancelRequest, calls: Calls, user: CurrentUser) -> dict[str, Any]:
    """Cancel a scheduled call of yours: it ends `canceled` and is never dialled.

    404 for a call that is not yours; 409 `already_dialled` once dialling has started.
    """
    return await calls.cancel(user.id, body.callId)


@router.post("/call/reschedule", summary="Move a call that has not been dialled")
async def reschedule(body: RescheduleRequest, calls: Calls,
                     user: CurrentUser) -> dict[str, Any]:
    """Move a scheduled call of yours to `scheduledFor` (or the next allowed time after it).

    The same policy applies as at start: calling hours, opening hours and the task's deadline
    (422 `deadline_passed` / `no_time_before_deadline`); 409 `already_dialled` once dialling
    started; 404 for a call that is not yours.
    """
    return await calls.reschedule(user.id, body.callId, body.scheduledFor)


@router.get("/call/status/{callId}", summary="A call's status")
async def status(callId: Annotated[str, Path(pattern=CALL_ID)], calls: Calls,
                 user: CurrentUser) -> dict[str, Any]:
    """The call's status in Twilio's words (or scheduled, with scheduledFor).

    With its outcome, transcript, duration and cost; a call always ends in a terminal status.
    """
    return await calls.status(user.id, callId)


@router.post("/call/result/format", summary="The result card")
async def result_format(body: ResultRequest, calls: Calls,
                        user: CurrentUser) -> dict[str, Any]:
    """The call's result stated plainly, with no LLM needed.

    Its facts, a summary, the next steps and the transcript.
    """
    return await calls.result_card(user.id, body.callId)


@router.get("/calls", summary="Your calls")
async def list_calls(calls: Calls, user: CurrentUser) -> dict[str, Any]:
    """Your calls, newest first, with who was called and what happened."""
    return await calls.list_calls(user.id)
