"""The background worker: dials scheduled calls when due, and ends calls the provider went quiet on.

Any number of processes may run it: a scheduled call is claimed atomically by one of them
(CallStore.claim_due), and every status change goes through the same forward-only mutation as
the webhooks. Each round is bounded (calls per round, a timeout per round), so a stuck provider
cannot stall the loop, and the loop stops promptly when asked.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Protocol

from proxycall import logs
from proxycall.core.calls import CallStatus, EndReason, is_terminal
from proxycall.core.errors import DeadlineMissed, Refusal
from proxycall.core.flows import FlowState
from proxycall.core.stores import Change, NewEvent, StoredCall
from proxycall.core.telephony import TelephonyError
from proxycall.services.calls.dialing import (
    CallDeps,
    dial,
    fail_call,
    lease,
    provider_extras,
    status_change,
)
from proxycall.services.calls.policy import allowed_time, refuse_destination


class Rounds(Protocol):
    """What the loop drives (the call service): one round of work, and the start-up pass."""

    async def tick(self) -> None:
        """Dial what is due and watch what is in flight."""

    async def reconcile(self) -> None:
        """Settle calls a dead process left in flight."""

MAX_CLAIMS_PER_TICK = 10
MAX_CHECKS_PER_TICK = 50
TICK_TIMEOUT_SECONDS = 60.0  # one round of the worker, provider requests included
POLICY_REFUSALS = {"shift_started": EndReason.SHIFT_STARTED}


async def tick(deps: CallDeps, worker_id: str) -> None:
    """One round: renew this process's leases, dial due calls, then check the quiet ones."""
    now = deps.clock()
    await deps.store.renew_leases(deps.config.owner, lease(deps.config, now)["lease_expires_at"])
    await cancel_overdue(deps, now)  # even while calls are paused: a late call is never made
    if not await deps.switches.calls_paused_active():
        for call in await deps.store.claim_due(worker_id, deps.clock(), MAX_CLAIMS_PER_TICK):
            await _dial_claimed(deps, call, worker_id)
    await watch(deps)


async def _dial_claimed(deps: CallDeps, call: StoredCall, worker_id: str) -> None:
    """Re-check the policy at the moment of dialing; dial, defer again, or refuse."""
    stored = await deps.conversations.get_by_pk(call.conversation_pk)
    spec = deps.spec(call.agent_type)
    now = deps.clock()
    try:
        if stored is None:
            raise Refusal("The conversation of this call is gone.", code="gone")
        refuse_destination(deps, call.to_number)
        at = allowed_time(deps, spec, stored, now)
    except DeadlineMissed as exc:
        logs.event("call_refused_at_dial", call_id=call.id, reason=exc.code)
        await cancel_late(deps, call, now)
        return
    except Refusal as exc:
        reason = POLICY_REFUSALS.get(exc.code, EndReason.POLICY_BLOCKED)
        logs.event("call_refused_at_dial", call_id=call.id, reason=exc.code)
        await fail_call(deps, call, reason, {"refused": exc.code})
        return
    if at > now + timedelta(seconds=1):
        await _reschedule(deps, call, worker_id, at, now)
        return
    try:
        await dial(deps, call)
    except Refusal as exc:  # the provider refused: dial() already failed the call
        logs.warning("call_scheduled_dial_failed", call_id=call.id, error=exc.code)


async def cancel_overdue(deps: CallDeps, now: datetime) -> None:
    """End the scheduled calls whose deadline came before they were dialled."""
    for call in await deps.store.scheduled_past(now, MAX_CLAIMS_PER_TICK):
        await cancel_late(deps, call, now)


async def cancel_late(deps: CallDeps, call: StoredCall, now: datetime) -> None:
    """A call not yet dialled that can no longer help ends canceled, deadline_passed."""
    spec = deps.spec(call.agent_type)

    def cancel(current: StoredCall) -> Change | None:
        if current.status not in (CallStatus.SCHEDULED.value, CallStatus.QUEUED.value) \
                or current.provider_sid is not None:
            return None
        return status_change(spec, current, CallStatus.CANCELED, now, source="worker",
                             end_reason=EndReason.DEADLINE_PASSED)

    if await deps.store.mutate(call.id, cancel) is not None:
        logs.event("call_deadline_passed", call_id=call.id)


async def _reschedule(deps: CallDeps, call: StoredCall, worker_id: str, at: datetime,
                      now: datetime) -> None:
    def back(current: StoredCall) -> Change | None:
        if current.status != "queued" or current.claimed_by != worker_id or current.provider_sid:
            return None
        return Change(
            values={"status": "scheduled", "scheduled_for": at, "claimed_by": None,
                    "updated_at": now},
            events=[NewEvent(kind="note", at=now,
                             payload={"event": "rescheduled", "scheduledFor": at.isoformat()})],
        )

    await deps.store.mutate(call.id, back)


async def watch(deps: CallDeps, *, quiet_seconds: float | None = None) -> None:
    """End calls the provider has been quiet about: ask it first, else `lost_contact`.

    Only this process's calls and calls whose owner stopped renewing its lease are looked at:
    a call another live process placed is that process's to watch.
    """
    limit = deps.config.lost_contact_seconds if quiet_seconds is None else quiet_seconds
    now = deps.clock()
    for call in (await deps.store.in_flight())[:MAX_CHECKS_PER_TICK]:
        if not _ours_to_watch(deps, call, now):
            continue
        last = call.last_provider_event_at or call.updated_at
        if (now - last).total_seconds() >= limit:
            await check_with_provider(deps, call, now)


def _ours_to_watch(deps: CallDeps, call: StoredCall, now: datetime) -> bool:
    if call.claimed_by in (None, deps.config.owner):
        return True
    return call.lease_expires_at is None or call.lease_expires_at <= now


async def reconcile(deps: CallDeps) -> None:
    """At start-up: ask the provider about calls in flight whose owner is gone."""
    await watch(deps, quiet_seconds=0.0)


async def check_with_provider(deps: CallDeps, call: StoredCall, now: datetime) -> None:
    """Take the provider's word for a quiet call; without one, end it as `lost_contact`."""
    spec = deps.spec(call.agent_type)
    if call.provider_sid is None:
        if (now - call.updated_at).total_seconds() >= deps.config.lost_contact_seconds:
            await fail_call(deps, call, EndReason.LOST_CONTACT, {"watchdog": "never dialed"})
        return
    try:
        provider = await deps.telephony.fetch_call(call.provider_sid)
    except TelephonyError as exc:
        logs.warning("call_lost_contact", call_id=call.id, error=type(exc).__name__)
        await _end_unreachable(deps, call, now, type(exc).__name__)
        return
    overdue = (now - call.created_at).total_seconds() > (
        deps.config.time_limit_seconds + deps.config.ring_timeout_seconds
        + deps.config.lost_contact_seconds)
    if not is_terminal(provider.status) and overdue:
        await _hang_up(deps, call)
        await fail_call(deps, call, EndReason.LOST_CONTACT, {"watchdog": "overdue"})
        return

    def apply(current: StoredCall) -> Change:
        change = status_change(spec, current, provider.status, now, source="watchdog",
                               extra=provider_extras(provider))
        change.values["last_provider_event_at"] = now
        if not is_terminal(provider.status):
            change.values.update(lease(deps.config, now))  # the provider's call lives: adopt it
        return change

    await deps.store.mutate(call.id, apply)


async def _end_unreachable(deps: CallDeps, call: StoredCall, now: datetime, error: str) -> None:
    """End a call the provider cannot tell us about, consistently with what we know of it.

    When our flow had already said goodbye and hung up, the call ended normally and only the
    provider's last callback was lost: it is `completed`. Otherwise it is `failed`,
    `lost_contact`.
    """
    spec = deps.spec(call.agent_type)
    if not _flow_finished(call):
        await fail_call(deps, call, EndReason.LOST_CONTACT, {"watchdog": error})
        return

    def completed(current: StoredCall) -> Change:
        change = status_change(spec, current, CallStatus.COMPLETED, now, source="watchdog")
        change.events.append(NewEvent(kind="note", at=now, payload={
            "watchdog": error, "event": "completed_after_lost_callback"}))
        return change

    await deps.store.mutate(call.id, completed)


def _flow_finished(call: StoredCall) -> bool:
    return call.flow_state is not None and FlowState.from_json(call.flow_state).finished


async def _hang_up(deps: CallDeps, call: StoredCall) -> None:
    if call.provider_sid is None:
        return
    try:
        await deps.telephony.hang_up(call.provider_sid)
    except TelephonyError as exc:
        logs.warning("call_hang_up_failed", call_id=call.id, error=type(exc).__name__)


async def run_call_worker(service: Rounds, stop: asyncio.Event, *,
                          interval_seconds: float = 1.0) -> None:
    """Reconcile once, then tick every `interval_seconds` until `stop` is set."""
    await _guarded(service.reconcile())
    while not stop.is_set():
        await _guarded(service.tick())
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
        except TimeoutError:
            continue


async def _guarded(work: object) -> None:
    """Run one round within its timeout; a failure is logged and the next round tries again."""
    try:
        await asyncio.wait_for(work, TICK_TIMEOUT_SECONDS)  # type: ignore[arg-type]  # reason: an Awaitable, typeshed wants a coroutine
    except Exception as exc:  # the worker must outlive one bad round; logged, counted below
        logs.warning("call_worker_round_failed", error=type(exc).__name__)


class CallWorker:
    """The worker as an object the lifespan starts and stops."""

    def __init__(self, service: Rounds, *, interval_seconds: float = 1.0) -> None:
        self._service = service
        self._interval = interval_seconds
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin the loop on the running event loop."""
        self._stop.clear()
        self._task = asyncio.get_running_loop().create_task(
            run_call_worker(self._service, self._stop, interval_seconds=self._interval),
            name="proxycall-call-worker")

    async def stop(self, timeout_seconds: float = 5.0) -> None:
        """Ask the loop to stop and wait for it (cancelled after the timeout)."""
        self._stop.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self._task, timeout_seconds)
        except TimeoutError:
            logs.warning("call_worker_stop_timeout")
        self._task = None

