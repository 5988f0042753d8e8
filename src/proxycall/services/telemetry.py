"""Engine telemetry: [V2-SUMMARY]/[V2-METRICS]/[V2-ANOMALY] lines, stored events, Prometheus."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from prometheus_client import Counter, Histogram
from prometheus_client.metrics import MetricWrapperBase

from proxycall import logs
from proxycall.core.agents.spec import AgentSpec
from proxycall.core.stores import EngineEventRecord, EventRepository, RequestCounts
from proxycall.services.responses import stored_facts
from proxycall.services.turns import TurnFacts, TurnInput, TurnResult

ACTIONS = ("ASK_QUESTION", "FIND_PLACE", "CONFIRM", "COMPLETE")

REQUESTS = Counter("proxycall_v2_requests", "Requests on /v2/conversation/next",
                   ["agent", "action", "engine"])
LLM_CALLS = Counter("proxycall_v2_llm_requests", "v2 requests on which an LLM was called",
                    ["agent"])
FALLBACKS = Counter("proxycall_v2_fallbacks", "v2 requests answered by a degraded path",
                    ["agent"])
REPLAYS = Counter("proxycall_v2_idempotency_hits", "Turns replayed by idempotency key",
                  ["agent"])
ANOMALIES = Counter("proxycall_v2_anomalies", "Anomalies detected", ["kind"])
TURN_SECONDS = Histogram("proxycall_v2_turn_seconds", "Time to answer one conversation turn",
                         ["engine"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))


@cache
def _child(metric: MetricWrapperBase, *labels: str) -> Any:
    """A metric's child for these label values (looking it up costs a lock and a tuple each time).

    The children are never removed from their metric, so the one kept here is the one exported.
    """
    return metric.labels(*labels)


def summarise(counts: Iterable[RequestCounts], anomaly_counts: dict[str, int],
              anomalies: Iterable[EngineEventRecord]) -> dict[str, Any]:
    """The [V2-METRICS] figures, overall and per agent, from counts made in the database."""
    overall = _empty()
    agents: dict[str, dict[str, Any]] = {}
    for row in counts:
        for figures in (overall, agents.setdefault(row.agent_type, _empty())):
            figures["total"] += row.requests
            figures["llmCalls"] += row.llm
            figures["fallbacks"] += row.fallbacks
            figures["idempotencyHits"] += row.replays
            if row.action in figures["actions"]:
                figures["actions"][row.action] += row.requests
    for agent, count in anomaly_counts.items():
        agents.setdefault(agent, _empty())["anomalies"] += count
        overall["anomalies"] += count
    for figures in (overall, *agents.values()):
        _rates(figures)
    listed = [{"kind": (row.detail or {}).get("kind"), "conversationId": row.conversation_id,
               "agentType": row.agent_type, "at": row.at.isoformat(), "detail": row.detail}
              for row in anomalies]
    return {"overall": overall, "agents": agents, "anomalies": listed}


def _empty() -> dict[str, Any]:
    return {"total": 0, "llmCalls": 0, "llmRate": 0.0, "fallbacks": 0, "fallbackRate": 0.0,
            "idempotencyHits": 0, "anomalies": 0, "actions": dict.fromkeys(ACTIONS, 0)}


def _rates(figures: dict[str, Any]) -> None:
    total = figures["total"]
    figures["llmRate"] = round(100.0 * figures["llmCalls"] / total, 1) if total else 0.0
    figures["fallbackRate"] = round(100.0 * figures["fallbacks"] / total, 1) if total else 0.0


def metrics_line(summary: dict[str, Any]) -> str:
    """The [V2-METRICS] log line from the figures."""
    overall = summary["overall"]
    actions = ", ".join(f"{name}={overall['actions'][name]}" for name in ACTIONS)
    per_agent = " ".join(f"llm_rate[{agent}]={figures['llmRate']:.1f}%"
                         for agent, figures in sorted(summary["agents"].items()))
    line = (f"[V2-METRICS] total={overall['total']} llm_rate={overall['llmRate']:.1f}% "
            f"fallback_rate={overall['fallbackRate']:.1f}% "
            f"idempotency_hits={overall['idempotencyHits']} actions={{{actions}}}")
    return f"{line} {per_agent}" if per_agent else line


def _summary_line(request: TurnInput, spec: AgentSpec, facts: TurnFacts, ai_used: bool,
                  *, replay: bool, fallback: bool) -> str:
    return logs.summary_line(
        request.conversation_id, spec.type, facts.action, facts.question_slot,
        facts.slots_filled, ai_used, turn=facts.turn, engine=facts.engine,
        client_action=request.client_action or "none",
        replay=str(replay).lower(), fallback=str(fallback).lower(),
        validation_error=str(facts.validation_error).lower(),
    )


class Telemetry:
    """The engine's log lines, stored events and Prometheus counters for each turn."""

    def __init__(self, events: EventRepository, clock: Callable[[], datetime],
                 metrics_every: int) -> None:
        self._events = events
        self._clock = clock
        self._every = metrics_every
        self._seen = 0

    def prepare(self, request: TurnInput, spec: AgentSpec, result: TurnResult,
                via: str) -> list[EngineEventRecord]:
        """Before the commit: the summary line and the event rows to store with the turn.

        The summary line is kept for a debug response; the rows go in the turn's transaction.
        """
        if via != "/v2":
            return []
        result.summary = _summary_line(request, spec, result.facts, result.ai_used,
                                       replay=False, fallback=result.fallback)
        if "debugPayload" in result.body:
            result.body["debugPayload"]["summaryLine"] = result.summary
        return self._events_for(request, spec, result.facts, result.ai_used, result.fallback,
                                False, result.anomalies)

    async def turn_done(self, request: TurnInput, spec: AgentSpec, result: TurnResult,
                        via: str, elapsed_ms: float) -> None:
        """After the commit: log lines and counters."""
        _child(TURN_SECONDS, result.facts.engine).observe(elapsed_ms / 1000)
        if via != "/v2":
            return
        logs.emit(result.summary)
        await self._after(request, spec, result.facts, result.ai_used, result.fallback,
                          result.anomalies)

    async def replayed(self, request: TurnInput, spec: AgentSpec, body: dict[str, Any],
                       via: str) -> None:
        """A turn answered from its idempotency key: logged and counted as a replay."""
        REPLAYS.labels(spec.type).inc()
        if via != "/v2":
            return
        facts = stored_facts(body)
        logs.emit(_summary_line(request, spec, facts, False, replay=True, fallback=False))
        await self._events.add(self._events_for(request, spec, facts, False, False, True, []))
        await self._after(request, spec, facts, False, False, [])

    def _events_for(self, request: TurnInput, spec: AgentSpec, facts: TurnFacts,
                    ai_used: bool, fallback: bool, replay: bool,
                    anomalies: list[str]) -> list[EngineEventRecord]:
        now = self._clock()
        events = [EngineEventRecord(at=now, kind="request", engine=facts.engine,
                                    agent_type=spec.type,
                                    conversation_id=request.conversation_id,
                                    action=facts.action, ai_used=ai_used, fallback=fallback,
                                    replay=replay)]
        question = facts.question_slot or "none"
        events.extend(
            EngineEventRecord(at=now, kind="anomaly", engine=facts.engine, agent_type=spec.type,
                              conversation_id=request.conversation_id, action=facts.action,
                              detail={"kind": kind, "question": question, "turn": facts.turn})
            for kind in anomalies)
        return events

    async def _after(self, request: TurnInput, spec: AgentSpec, facts: TurnFacts,
                     ai_used: bool, fallback: bool, anomalies: list[str]) -> None:
        _child(REQUESTS, spec.type, facts.action, facts.engine).inc()
        if ai_used:
            LLM_CALLS.labels(spec.type).inc()
        if fallback:
            FALLBACKS.labels(spec.type).inc()
        question = facts.question_slot or "none"
        for kind in anomalies:
            ANOMALIES.labels(kind).inc()
            logs.anomaly(kind, id=request.conversation_id, agent=spec.type, question=question,
                         turn=facts.turn)
        self._seen += 1
        if self._seen % self._every == 0:  # the line needs only the all-time counter rows
            logs.emit(metrics_line(summarise(await self._events.request_counts(None), {}, [])))

    async def _summary_since(self, since: datetime | None) -> dict[str, Any]:
        return summarise(await self._events.request_counts(since),
                         await self._events.anomaly_counts(since),
                         await self._events.anomalies(since))

    async def figures(self, window_minutes: float | None) -> dict[str, Any]:
        """The [V2-METRICS] figures over a window (None: all time), from the counters."""
        now = self._clock()
        since = now - timedelta(minutes=window_minutes) if window_minutes else None
        summary = await self._summary_since(since)
        summary["window"] = {"from": since.isoformat() if since else None,
                             "to": now.isoformat(), "minutes": window_minutes}
        return summary
