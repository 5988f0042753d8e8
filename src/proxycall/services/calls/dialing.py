"""What the call use cases share: their dependencies, webhook URLs, dialing, settling outcomes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from proxycall import logs
from proxycall.config import Settings
from proxycall.core.agents import Registry
from proxycall.core.agents.spec import AgentSpec
from proxycall.core.calls import (
    CallStatus,
    EndReason,
    advance,
    derive_outcome,
    end_reason_for_status,
    is_terminal,
)
from proxycall.core.errors import ProviderUnavailable
from proxycall.core.flows import FlowState, close_flow
from proxycall.core.llm import Extractor
from proxycall.core.policy import CallWindow, parse_call_window
from proxycall.core.stores import (
    CallRepository,
    Change,
    ConversationRepository,
    NewEvent,
    StoredCall,
)
from proxycall.core.telephony import (
    CallRequest,
    ProviderCall,
    Telephony,
    TelephonyError,
    TelephonyUnavailable,
)
from proxycall.core.voice import AnsweredBy
from proxycall.services.switches import Switches

SIMULATOR_FROM_NUMBER = "+61755501234"  # (07) 5550 1234: an ACMA number reserved for fiction
LOST_CONTACT_SECONDS = 120.0  # a dialed call silent this long is checked with the provider
LEASE_SECONDS = 15.0  # a call in flight belongs to its process while the process renews this
RING_TIMEOUT_SECONDS = 30
TIME_LIMIT_SECONDS = 600


@dataclass(frozen=True)
class CallConfig:
    """Settings the call use cases need, resolved once at start-up."""

    from_number: str
    public_base_url: str  # this server as the provider reaches it, without a trailing slash
    signing_token: str  # the auth token webhooks are signed with (Twilio's, or the simulator's)
    provider: str = "simulator"
    webhook_base_url: str | None = None
    allowed_countries: frozenset[str] = frozenset({"AU"})
    blocked_numbers: frozenset[str] = frozenset()
    call_window: CallWindow = field(default_factory=lambda: parse_call_window("always"))
    check_opening_hours: bool = True
    ring_timeout_seconds: int = RING_TIMEOUT_SECONDS
    time_limit_seconds: int = TIME_LIMIT_SECONDS
    lost_contact_seconds: float = LOST_CONTACT_SECONDS
    lease_seconds: float = LEASE_SECONDS
    owner: str = field(default_factory=lambda: f"worker-{uuid.uuid4().hex[:12]}")

    @property
    def base_url(self) -> str:
        """Where the provider sends webhooks: WEBHOOK_BASE_URL, else this server."""
        return (self.webhook_base_url or self.public_base_url).rstrip("/")

    @property
    def own_numbers(self) -> frozenset[str]:
        """Our own numbers, which are never dialled."""
        return frozenset({self.from_number})


def call_config(
    settings: Settings, *, public_base_url: str, signing_token: str,
    from_number: str | None = None, lost_contact_seconds: float = LOST_CONTACT_SECONDS,
    lease_seconds: float = LEASE_SECONDS,
) -> CallConfig:
    """The call configuration from the settings, this server's URL and the webhook token."""
    return CallConfig(
        from_number=from_number or settings.twilio_phone_number or SIMULATOR_FROM_NUMBER,
        public_base_url=public_base_url.rstrip("/"),
        signing_token=signing_token,
        provider="twilio" if settings.uses_real_twilio else "simulator",
        webhook_base_url=settings.webhook_base_url,
        allowed_countries=frozenset(settings.allowed_country_set),
        blocked_numbers=frozenset(settings.blocked_number_set),
        call_window=parse_call_window(settings.call_window),
        check_opening_hours=settings.check_opening_hours,
        lost_contact_seconds=lost_contact_seconds,
        lease_seconds=lease_seconds,
    )


@dataclass
class CallDeps:
    """Everything the call use cases are built from (wired in app.py)."""

    store: CallRepository
    conversations: ConversationRepository
    registry: Registry
    switches: Switches
    telephony: Telephony
    extractor: Extractor | None
    config: CallConfig
    clock: Callable[[], datetime]

    def spec(self, agent_type: str) -> AgentSpec:
        """The declaration of a stored call's agent."""
        spec = self.registry.get(agent_type)
        if spec is None:  # the registry is fixed at start-up; a stored type always exists
            raise LookupError(f"unknown agent {agent_type}")
        return spec

    def webhook_url(self, path: str, call_id: str) -> str:
        """An absolute webhook URL the provider calls back, carrying the call id."""
        return f"{self.config.base_url}{path}?{urlencode({'callId': call_id})}"


# --- Status changes: forward only, every report recorded. ---


def status_change(
    spec: AgentSpec, call: StoredCall, reported: CallStatus, now: datetime, *,
    source: str, extra: dict[str, Any] | None = None, end_reason: EndReason | None = None,
) -> Change:
    """Apply a reported status: an applied or ignored event, plus the settled outcome."""
    transition = advance(CallStatus(call.status), reported)
    change = Change()
    change.events.append(NewEvent(
        kind="status", at=now, status=reported.value, applied=transition.changed,
        payload={"source": source, "stale": transition.stale},
    ))
    if transition.changed:
        change.values["status"] = transition.new_status.value
        if end_reason is not None and call.end_reason is None:
            change.values["end_reason"] = end_reason.value
    for name, value in (extra or {}).items():
        if value is not None:
            change.values[name] = value
    change.values["updated_at"] = now
    settle(spec, call, change)
    return change


def settle(spec: AgentSpec, call: StoredCall, change: Change) -> None:
    """When the call is over (terminal status or finished flow), fix its end reason and outcome."""
    merged = {**call.__dict__, **change.values}
    status = CallStatus(merged["status"])
    flow = FlowState.from_json(merged["flow_state"]) if merged["flow_state"] else None
    flow_done = flow is not None and flow.finished
    if not (is_terminal(status) or flow_done):
        return
    reason = merged["end_reason"]
    if reason is None:
        reason = _default_end_reason(status, flow)
        if reason is not None:
            change.values["end_reason"] = reason.value
    if flow is not None and not flow.finished and reason is not None:
        # The line closed under a flow still talking: record the end in the flow's state too.
        flow = close_flow(flow, EndReason(reason), merged["updated_at"]).state
        change.values["flow_state"] = flow.to_json()
    answered = AnsweredBy(merged["answered_by"]) if merged["answered_by"] else None
    outcome = derive_outcome(
        spec, flow.facts if flow else {}, status, answered,
        EndReason(reason) if reason else None,
        callee_spoke=bool(flow and flow.callee_spoke),
        place_name=merged["values"].get("place_name"), values=merged["values"],
    )
    change.values["outcome"] = {
        "taskResult": outcome.task_result.value, "facts": dict(outcome.facts),
        "summary": outcome.summary, "nextSteps": list(outcome.next_steps),
    }


def _default_end_reason(status: CallStatus, flow: FlowState | None) -> EndReason | None:
    if flow is not None and flow.finished and flow.end_reason:
        return EndReason(flow.end_reason)
    if not is_terminal(status):
        return None
    if status is CallStatus.COMPLETED and flow is not None:
        return EndReason.CALLEE_HUNG_UP  # the line closed while the flow was still talking
    return end_reason_for_status(status)


def provider_extras(provider: ProviderCall) -> dict[str, Any]:
    """Columns the provider's view of a call fills (None values are left alone)."""
    return {
        "answered_by": provider.answered_by.value if provider.answered_by else None,
        "duration_seconds": provider.duration_seconds,
        "cost": str(provider.cost) if provider.cost is not None else None,
        "cost_currency": provider.cost_currency,
    }


# --- Dialing. ---


def lease(config: CallConfig, now: datetime) -> dict[str, Any]:
    """Columns that make this process the owner of a call in flight until the lease runs out."""
    return {"claimed_by": config.owner,
            "lease_expires_at": now + timedelta(seconds=config.lease_seconds)}


async def dial(deps: CallDeps, call: StoredCall) -> StoredCall:
    """Hand a queued call to the provider; a refusal fails the call and raises 503."""
    spec = deps.spec(call.agent_type)
    request = CallRequest(
        to=call.to_number, from_=deps.config.from_number, call_id=call.id,
        voice_url=deps.webhook_url("/twilio/voice", call.id),
        status_callback_url=deps.webhook_url("/twilio/status", call.id),
        timeout_seconds=deps.config.ring_timeout_seconds,
        time_limit_seconds=deps.config.time_limit_seconds, machine_detection=True,
    )
    try:
        provider = await deps.telephony.place_call(request)
    except TelephonyError as exc:
        logs.warning("call_dial_failed", call_id=call.id, error=type(exc).__name__,
                     provider_code=exc.provider_code)
        await _fail(deps, spec, call.id, EndReason.FAILED, {"dialError": exc.message})
        kind = "unavailable" if isinstance(exc, TelephonyUnavailable) else "refused the call"
        raise ProviderUnavailable(f"The phone provider {kind}; the call was not made.",
                                  details={"callId": call.id}) from exc
    logs.event("call_dialed", call_id=call.id, agent=call.agent_type)
    now = deps.clock()

    def placed(current: StoredCall) -> Change:
        change = status_change(spec, current, provider.status, now, source="dial",
                               extra=provider_extras(provider))
        if current.provider_sid is None:
            change.values["provider_sid"] = provider.sid
        change.values.setdefault("last_provider_event_at", current.last_provider_event_at or now)
        change.values.update(lease(deps.config, now))
        return change

    return await deps.store.mutate(call.id, placed) or call


async def _fail(deps: CallDeps, spec: AgentSpec, call_id: str, reason: EndReason,
                note: dict[str, Any]) -> StoredCall | None:
    now = deps.clock()

    def failed(current: StoredCall) -> Change:
        change = status_change(spec, current, CallStatus.FAILED, now, source="service",
                               end_reason=reason)
        change.events.append(NewEvent(kind="note", at=now, payload=note))
        return change

    return await deps.store.mutate(call_id, failed)


async def fail_call(deps: CallDeps, call: StoredCall, reason: EndReason,
                    note: dict[str, Any]) -> StoredCall | None:
    """End a call as failed with `reason` (policy, lost contact, a dial that went wrong)."""
    return await _fail(deps, deps.spec(call.agent_type), call.id, reason, note)
