"""The call use cases: brief, start (exactly once, after the policy), status, result, list.

The webhooks live in webhooks.py and the background worker in worker.py; `CallService`
is the one object the routes and the lifespan talk to.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from proxycall import logs
from proxycall.core.agents.spec import AgentSpec, PhoneSource
from proxycall.core.calls import CallStatus, EndReason, is_terminal
from proxycall.core.errors import CallsPaused, Conflict, NotFound
from proxycall.core.flows import FlowState
from proxycall.core.planner import missing_slots
from proxycall.core.render import render_lines, render_template
from proxycall.core.stores import Change, NewEvent, StoredCall, StoredConversation
from proxycall.core.telephony import Gathered, ProviderReport
from proxycall.core.voice import AnsweredBy, Directive
from proxycall.services.calls import views, webhooks, worker
from proxycall.services.calls.dialing import CallDeps, dial, lease, status_change
from proxycall.services.calls.policy import (
    allowed_time,
    aware,
    call_values,
    callee_timezone,
    deadline,
    phone_number,
    refuse_destination,
    stored_values,
)

RETRYABLE = frozenset({CallStatus.BUSY.value, CallStatus.NO_ANSWER.value})
SCHEDULE_SLACK = timedelta(seconds=1)  # "now" give or take this is dialed at once



@dataclass(frozen=True)
class StartInput:
    """A request to place the call of one confirmed conversation."""

    conversation_id: str
    idempotency_key: str | None = None
    scheduled_for: datetime | None = None
    retry: bool = False


@dataclass(frozen=True)
class _Plan:
    """What the policy decided: the number, and when to dial (None: now)."""

    number: str
    timezone: str
    at: datetime | None
    deadline: datetime | None = None


class CallService:
    """Briefs, dials and reports calls; also answers the provider's webhooks."""

    def __init__(self, deps: CallDeps) -> None:
        self.deps = deps
        self.worker_id = deps.config.owner

    # --- Brief ---

    async def brief(self, user_id: str, conversation_id: str,
                    disclosure: dict[str, bool] | None = None) -> dict[str, Any]:
        """The call brief from the confirmed state and the agent's templates (no LLM)."""
        stored, spec = await self._confirmed(user_id, conversation_id)
        values = stored_values(stored)
        return {
            "conversationId": conversation_id,
            "agentType": spec.type,
            "objective": render_template(spec.brief.objective, values, spec) or spec.title,
            # what the call will say, as it will be said ("is unwell", "the 28th of November")
            "scriptPreview": render_lines(spec.brief.script, values, spec, spoken=True),
            "confirmationChecklist": render_lines(spec.brief.checklist, values, spec),
            "normalizedPhoneE164": phone_number(spec, values),
            "requiredFieldsMissing": [],
            "phoneFlowMode": spec.flow.value,
            "aiCallMade": False,
            "disclosure": disclosure or {"nameShare": True, "phoneShare": False},
        }

    async def _confirmed(self, user_id: str,
                         conversation_id: str) -> tuple[StoredConversation, AgentSpec]:
        stored = await self.deps.conversations.load(user_id, conversation_id)
        if stored is None:
            raise NotFound("No such conversation.")
        spec = self.deps.spec(stored.agent_type)
        if stored.status != "COMPLETE":
            values = stored_values(stored)
            missing = missing_slots(spec, values)
            if spec.phone.source is PhoneSource.PLACE and "place_id" not in values:
                missing.append("place_id")
            raise Conflict(
                "The task is not confirmed yet; finish the conversation and confirm the card.",
                code="not_confirmed", details={"requiredFieldsMissing": missing},
            )
        return stored, spec

    # --- Start ---

    async def start(self, user_id: str, request: StartInput) -> dict[str, Any]:
        """Place (or schedule) the conversation's call exactly once; a repeat returns it."""
        stored, spec = await self._confirmed(user_id, request.conversation_id)
        existing = await self.deps.store.latest(stored.pk)
        attempt = 1
        if existing is not None:
            if not request.retry or not await self._retry_allowed(existing, request):
                return await self._view(existing, stored)
            attempt = existing.attempt + 1
        plan = await self._plan(spec, stored, request.scheduled_for)
        call, created = await self._create(user_id, stored, spec, plan, attempt, request)
        if created and call.status == CallStatus.QUEUED.value:
            call = await dial(self.deps, call)
        return await self._view(call, stored)

    async def _retry_allowed(self, existing: StoredCall, request: StartInput) -> bool:
        """A re-dial: explicit, after a call that reached nobody, once per idempotency key.

        Nobody was reached: busy, no answer, a dial that failed, or contact lost before anyone
        answered.
        """
        if not is_terminal(CallStatus(existing.status)):
            return False  # still in progress: the same call is the answer
        if not _reached_nobody(existing):
            raise Conflict("Only a call that reached nobody can be tried again.",
                           code="retry_not_allowed", details={"callId": existing.id})
        if request.idempotency_key is None:
            return True
        events = await self.deps.store.events(existing.id)
        created = next((e for e in events if e.kind == "note" and e.payload
                        and e.payload.get("event") == "created"), None)
        return not (created and created.payload
                    and created.payload.get("idempotencyKey") == request.idempotency_key)

    async def _plan(self, spec: AgentSpec, stored: StoredConversation,
                    requested: datetime | None) -> _Plan:
        """The dial-time policy: paused, destination, then hours (or the shift for a sick call)."""
        if await self.deps.switches.calls_paused_active():
            raise CallsPaused("Outbound calls are paused by an operator; try again later.")
        values = stored_values(stored)
        number = phone_number(spec, values)
        refuse_destination(self.deps, number)
        now = self.deps.clock()
        timezone = callee_timezone(stored)
        start = max(now, aware(requested, timezone)) if requested else now
        at = allowed_time(self.deps, spec, stored, start)
        return _Plan(number, timezone, at if at > now + SCHEDULE_SLACK else None,
                     deadline(spec, stored))

    async def _create(self, user_id: str, stored: StoredConversation, spec: AgentSpec,
                      plan: _Plan, attempt: int, request: StartInput) -> tuple[StoredCall, bool]:
        now = self.deps.clock()
        status = CallStatus.SCHEDULED if plan.at else CallStatus.QUEUED
        row = StoredCall(
            id=f"call_{uuid.uuid4().hex}", conversation_pk=stored.pk, user_id=user_id,
            attempt=attempt, agent_type=spec.type, status=status.value,
            to_number=plan.number, callee_timezone=plan.timezone,
            provider=self.deps.config.provider, provider_sid=None, scheduled_for=plan.at,
            claimed_by=None if plan.at else self.worker_id, answered_by=None, end_reason=None,
            flow_state=None, values=call_values(stored), outcome=None, llm_calls=0,
            duration_seconds=None, cost=None, cost_currency=None, last_provider_event_at=None,
            created_at=now, updated_at=now,
            lease_expires_at=None if plan.at else lease(self.deps.config, now)["lease_expires_at"],
            deadline_at=plan.deadline,
        )
        note = NewEvent(kind="note", at=now, payload={
            "event": "created", "idempotencyKey": request.idempotency_key,
            "scheduledFor": plan.at.isoformat() if plan.at else None})
        call, created = await self.deps.store.create(row, [note])
        if created:
            logs.event("call_created", call_id=call.id, agent=spec.type, attempt=attempt,
                       status=call.status)
        return call, created

    # --- A scheduled call in the person's hands ---

    async def cancel(self, user_id: str, call_id: str) -> dict[str, Any]:
        """Cancel a call that has not been dialled; 409 already_dialled once dialling started."""
        call = await self._owned(user_id, call_id)
        spec = self.deps.spec(call.agent_type)
        now = self.deps.clock()

        def cancel(current: StoredCall) -> Change | None:
            if current.status != CallStatus.SCHEDULED.value:
                return None
            return status_change(spec, current, CallStatus.CANCELED, now, source="person",
                                 end_reason=EndReason.CANCELED_BY_PERSON)

        updated = await self.deps.store.mutate(call.id, cancel) or call
        if updated.status != CallStatus.CANCELED.value or \
                updated.end_reason != EndReason.CANCELED_BY_PERSON.value:
            raise Conflict("This call is already being dialled (or over); it can't be cancelled.",
                           code="already_dialled", details={"status": updated.status})
        logs.event("call_canceled", call_id=call.id)
        return await self._view(updated, None)

    async def reschedule(self, user_id: str, call_id: str,
                         scheduled_for: datetime) -> dict[str, Any]:
        """Move a call that has not been dialled, under the same policy and deadline."""
        call = await self._owned(user_id, call_id)
        if call.status != CallStatus.SCHEDULED.value:
            raise Conflict("This call is already being dialled (or over); it can't be moved.",
                           code="already_dialled", details={"status": call.status})
        stored = await self.deps.conversations.get_by_pk(call.conversation_pk)
        if stored is None:
            raise NotFound("No such call.")
        spec = self.deps.spec(call.agent_type)
        now = self.deps.clock()
        start = max(now, aware(scheduled_for, call.callee_timezone))
        at = allowed_time(self.deps, spec, stored, start)

        def move(current: StoredCall) -> Change | None:
            if current.status != CallStatus.SCHEDULED.value:
                return None
            return Change(values={"scheduled_for": at, "updated_at": now}, events=[NewEvent(
                kind="note", at=now,
                payload={"event": "rescheduled", "scheduledFor": at.isoformat(), "by": "person"})])

        updated = await self.deps.store.mutate(call.id, move) or call
        if updated.status != CallStatus.SCHEDULED.value:
            raise Conflict("This call is already being dialled; it can't be moved.",
                           code="already_dialled", details={"status": updated.status})
        return await self._view(updated, stored)

    # --- Reading ---

    async def status(self, user_id: str, call_id: str) -> dict[str, Any]:
        """The call's status, outcome and transcript, for its owner only."""
        call = await self._owned(user_id, call_id)
        return await self._view(call, None)

    async def result_card(self, user_id: str, call_id: str) -> dict[str, Any]:
        """The deterministic result card of a call the user owns."""
        call = await self._owned(user_id, call_id)
        events = await self.deps.store.events(call.id)
        return views.result_card(self.deps.spec(call.agent_type), call, events)

    async def list_calls(self, user_id: str, limit: int = 50) -> dict[str, Any]:
        """The user's calls, newest first."""
        calls = await self.deps.store.list_for_user(user_id, limit)
        ids: dict[int, str] = {}
        for call in calls:
            if call.conversation_pk not in ids:
                conversation = await self.deps.conversations.get_by_pk(call.conversation_pk)
                ids[call.conversation_pk] = conversation.client_id if conversation else ""
        return {"calls": [views.list_item(call, ids[call.conversation_pk],
                                          self.deps.spec(call.agent_type))
                          for call in calls]}

    async def _owned(self, user_id: str, call_id: str) -> StoredCall:
        call = await self.deps.store.get(call_id)
        if call is None or call.user_id != user_id:
            raise NotFound("No such call.")
        return call

    async def _view(self, call: StoredCall, stored: StoredConversation | None) -> dict[str, Any]:
        if stored is None:
            stored = await self.deps.conversations.get_by_pk(call.conversation_pk)
        events = await self.deps.store.events(call.id)
        body = views.status_body(call, stored.client_id if stored else "", events)
        if call.status == CallStatus.SCHEDULED.value and call.scheduled_for:
            body["message"] = views.scheduled_message(call)
        return body

    # --- Webhooks and the background worker (see webhooks.py, worker.py) ---

    @property
    def signing_token(self) -> str:
        """The token the provider signs webhooks with (Twilio's auth token, or the simulator's)."""
        return self.deps.config.signing_token

    def gather_url(self, call_id: str) -> str:
        """Where a <Gather> posts what it heard."""
        return self.deps.webhook_url("/twilio/gather", call_id)

    def public_url(self, path_and_query: str) -> str | None:
        """The URL the provider signed, when WEBHOOK_BASE_URL says where it reaches us."""
        base = self.deps.config.webhook_base_url
        return f"{base.rstrip('/')}{path_and_query}" if base else None

    async def on_status(self, call_id: str, report: ProviderReport) -> None:
        """A /twilio/status callback."""
        await webhooks.on_status(self.deps, call_id, report)

    async def on_voice(self, call_id: str, report: ProviderReport) -> list[Directive]:
        """A /twilio/voice webhook (the call was answered): what to say and do."""
        return await webhooks.on_voice(self.deps, call_id, report)

    async def on_gather(self, call_id: str, gathered: Gathered) -> list[Directive]:
        """A /twilio/gather webhook (the callee spoke, pressed keys, or stayed silent)."""
        return await webhooks.on_gather(self.deps, call_id, gathered)

    async def tick(self) -> None:
        """One round of the background worker: dial due calls, end silent ones."""
        await worker.tick(self.deps, self.worker_id)

    async def reconcile(self) -> None:
        """At start-up: settle every call left in flight by a previous process."""
        await worker.reconcile(self.deps)


def _reached_nobody(call: StoredCall) -> bool:
    """Busy, no answer, or failed/canceled before anyone (person or machine) picked up."""
    if call.status in RETRYABLE:
        return True
    if call.status not in (CallStatus.FAILED.value, CallStatus.CANCELED.value):
        return False
    flow = FlowState.from_json(call.flow_state) if call.flow_state is not None else None
    answered = AnsweredBy(call.answered_by) if call.answered_by else None
    return answered is None and not (flow is not None and flow.callee_spoke)
