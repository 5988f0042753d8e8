"""How a call is shown: the status body, the list item, and the deterministic result card."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from proxycall.core.agents.spec import AgentSpec, InputType
from proxycall.core.calls import CallStatus, TaskResult, is_terminal, key_facts, reached_human
from proxycall.core.parsers.result import Value
from proxycall.core.render import display_date, display_time, render_value
from proxycall.core.stores import StoredCall, StoredEvent
from proxycall.core.voice import AnsweredBy

_STATUS_WORDS: Mapping[str, str] = {
    "scheduled": "The call is scheduled.", "queued": "The call is being placed.",
    "initiated": "Dialing.", "ringing": "Ringing.", "in-progress": "The call is in progress.",
}


def transcript(events: Sequence[StoredEvent]) -> list[dict[str, str]]:
    """Every line said or heard, in order, with its time."""
    return [
        {"speaker": e.speaker or "", "text": e.text or "", "at": e.at.isoformat()}
        for e in events if e.kind in ("said", "heard")
    ]


def _reached(call: StoredCall, events: Sequence[StoredEvent]) -> bool:
    spoke = any(e.kind == "heard" and (e.text or "").strip() for e in events)
    answered = AnsweredBy(call.answered_by) if call.answered_by else None
    return reached_human(answered, spoke)


def _cost(call: StoredCall) -> float | None:
    if call.cost is None:
        return None
    try:
        return float(Decimal(call.cost))
    except InvalidOperation:
        return None


def outcome_body(call: StoredCall) -> dict[str, Any]:
    """The settled outcome, or the facts so far while the call is still going."""
    if call.outcome:
        return dict(call.outcome)
    facts = dict((call.flow_state or {}).get("facts") or {})
    return {"taskResult": TaskResult.UNKNOWN.value, "facts": facts,
            "summary": _STATUS_WORDS.get(call.status, "")}


def status_body(call: StoredCall, conversation_id: str,
                events: Sequence[StoredEvent]) -> dict[str, Any]:
    """GET /call/status/{callId}."""
    return {
        "callId": call.id,
        "conversationId": conversation_id,
        "agentType": call.agent_type,
        "attempt": call.attempt,
        "status": call.status,
        "terminal": is_terminal(CallStatus(call.status)),
        "endReason": call.end_reason,
        "answeredBy": call.answered_by,
        "reachedHuman": _reached(call, events),
        "outcome": {key: value for key, value in outcome_body(call).items()
                    if key in ("taskResult", "facts", "summary")},
        "transcript": transcript(events),
        "durationSeconds": call.duration_seconds,
        "cost": _cost(call),
        "costCurrency": call.cost_currency,
        "llmCalls": call.llm_calls,
        "scheduledFor": call.scheduled_for.isoformat() if call.scheduled_for else None,
        "createdAt": call.created_at.isoformat(),
        "updatedAt": call.updated_at.isoformat(),
    }


def list_item(call: StoredCall, conversation_id: str, spec: AgentSpec) -> dict[str, Any]:
    """One row of GET /calls."""
    outcome = outcome_body(call)
    return {
        "callId": call.id, "conversationId": conversation_id, "agentType": call.agent_type,
        "status": call.status, "terminal": is_terminal(CallStatus(call.status)),
        "taskResult": outcome["taskResult"], "summary": outcome["summary"],
        "attempt": call.attempt, "createdAt": call.created_at.isoformat(),
        "business": who if (who := _who(spec, call)) != "They" else None,
        "scheduledFor": call.scheduled_for.isoformat() if call.scheduled_for else None,
    }


def scheduled_message(call: StoredCall) -> str:
    """"I'll call on Monday 30 November at 9 am (their time)." for a deferred call."""
    if call.scheduled_for is None:
        return ""
    local = call.scheduled_for.astimezone(ZoneInfo(call.callee_timezone))
    when = f"{display_date(local.date().isoformat())} at {display_time(local.strftime('%H:%M'))}"
    return (f"It's outside calling hours for them right now, so I'll call on {when} "
            f"({call.callee_timezone.split('/')[-1].replace('_', ' ')} time).")


# --- The result card ---


def _who(spec: AgentSpec, call: StoredCall) -> str:
    """Who was called: the chosen place, else the business the agent's phone source names."""
    for name in ("place_name", spec.phone.query_slot or ""):
        if call.values.get(name):
            return str(call.values[name])
    return "They"


def _next_steps(spec: AgentSpec, call: StoredCall, result: str,
                declared: Sequence[str]) -> list[str]:
    """The agent's own next steps for its result; otherwise what the call's end suggests."""
    if declared:
        return list(declared)
    status = call.status
    if status in (CallStatus.BUSY.value, CallStatus.NO_ANSWER.value):
        return ["Try the call again in a few minutes", "Ask me to call a different number"]
    if call.end_reason == "canceled_by_person":
        return ["Start the call again whenever you like"]
    if call.end_reason in ("policy_blocked", "calls_paused", "shift_started", "deadline_passed"):
        return ["Check the details and start a new task"]
    if result == TaskResult.SUCCESS.value:
        return ["Nothing else to do"]
    if call.answered_by == AnsweredBy.MACHINE.value and spec.flow.value == "DIALOG":
        return ["Try again later, when someone can answer"]
    return ["Try the call again", "Call them yourself if it's urgent"]


def _fact_rows(spec: AgentSpec, facts: Mapping[str, Value]) -> list[dict[str, Any]]:
    return [
        {"field": f.name, "label": f.label, "value": facts[f.name],
         "display": render_value(spec, f.name, facts[f.name])}
        for f in spec.outcome if f.name in facts
    ]


def next_actions(spec: AgentSpec, call: StoredCall,
                 facts: Mapping[str, Value]) -> list[dict[str, Any]]:
    """Next steps a client can act on: after a no, the same task at another place."""
    if not spec.another_place_label or result_label(spec, facts) in (None, _yes_label(spec)):
        return []
    area = spec.phone.area_slot
    slots = {slot.name: call.values[slot.name] for slot in spec.slots
             if slot.name in call.values and slot.name != area}
    return [{"label": spec.another_place_label, "kind": "another_place",
             "agentType": spec.type, "slots": slots}]


def _yes_label(spec: AgentSpec) -> str | None:
    fields = [f for f in key_facts(spec) if f.type is InputType.YES_NO]
    return fields[0].label if fields else None


def result_label(spec: AgentSpec, facts: Mapping[str, Value]) -> str | None:
    """The badge of an answered question ("In stock" / "Not in stock"); None for other tasks."""
    if not spec.informational:
        return None
    for field in key_facts(spec):
        value = facts.get(field.name)
        if field.type is InputType.YES_NO and value in ("YES", "NO"):
            label = field.label
            return label if value == "YES" else f"Not {label[0].lower()}{label[1:]}"
    return None


def formatted_transcript(events: Sequence[StoredEvent]) -> str:
    """The transcript as plain lines: "Assistant: ..." / "Them: ..."."""
    names = {"assistant": "Assistant", "callee": "Them"}
    return "\n".join(f"{names.get(e.speaker or '', e.speaker)}: {e.text}"
                     for e in events if e.kind in ("said", "heard"))


def result_card(spec: AgentSpec, call: StoredCall,
                events: Sequence[StoredEvent]) -> dict[str, Any]:
    """POST /call/result/format: facts stated plainly, next steps by result; no LLM."""
    outcome = outcome_body(call)
    facts: dict[str, Value] = dict(outcome.get("facts") or {})
    who = _who(spec, call)
    bullets = [f"{row['label']}: {row['display']}" for row in _fact_rows(spec, facts)]
    ended = call.end_reason.replace("_", " ") if call.end_reason else None
    bullets.append(f"Call status: {call.status}"
                   + (f" ({ended})" if ended and ended != call.status else ""))
    bullets.append("Reached a person" if _reached(call, events) else "Did not reach a person")
    return {
        "callId": call.id,
        "title": f"{spec.title}: {who}" if who != "They" else spec.title,
        "summary": outcome.get("summary", ""),
        "taskResult": outcome.get("taskResult"),
        "resultLabel": result_label(spec, facts),
        "nextActions": next_actions(spec, call, facts),
        "bullets": bullets,
        "extractedFacts": _fact_rows(spec, facts),
        "nextSteps": _next_steps(spec, call, str(outcome.get("taskResult")),
                                 outcome.get("nextSteps") or ()),
        "formattedTranscript": formatted_transcript(events),
        "aiCallMade": False,
        "terminal": is_terminal(CallStatus(call.status)),
        "at": call.updated_at.isoformat(),
    }
