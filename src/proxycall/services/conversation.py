"""The conversation use case: one turn of v2 (or v1), stored exactly once per idempotency key."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from weakref import WeakValueDictionary
from zoneinfo import ZoneInfo

import orjson

from proxycall import logs
from proxycall.core.agents import Registry
from proxycall.core.agents.spec import AgentSpec
from proxycall.core.conversation import state_from_json, state_to_json
from proxycall.core.errors import (
    Conflict,
    ConversationBusy,
    InvalidRequest,
    Refusal,
    UnknownAgent,
)
from proxycall.core.parsers.result import ParseContext
from proxycall.core.stores import (
    NEW_CONVERSATION,
    ConversationRepository,
    StoredConversation,
    TurnRecord,
)
from proxycall.services.engine_v1 import run_v1
from proxycall.services.engine_v2 import run_v2
from proxycall.services.telemetry import Telemetry
from proxycall.services.turns import EngineDeps, TurnInput, TurnResult

MAX_COMMIT_ATTEMPTS = 8


@dataclass(frozen=True)
class TurnOutput:
    """A turn's answer, its JSON as sent, and whether it was replayed from its idempotency key."""

    body: dict[str, Any]
    replay: bool
    wire: bytes  # the body written once, as JSON: the edge sends these bytes


class ConversationService:
    """The conversation use case: read, decide, store once, answer."""

    def __init__(
        self,
        registry: Registry,
        store: ConversationRepository,
        deps: EngineDeps,
        telemetry: Telemetry,
        clock: Callable[[], datetime],
        default_timezone: str,
    ) -> None:
        self._registry = registry
        self._store = store
        self._deps = deps
        self._telemetry = telemetry
        self._clock = clock
        self._default_tz = default_timezone
        self._locks: WeakValueDictionary[tuple[str, str], asyncio.Lock] = WeakValueDictionary()

    def spec_for(self, agent_type: str) -> AgentSpec:
        """The agent's declaration, or UnknownAgent."""
        spec = self._registry.get(agent_type)
        if spec is None:
            raise UnknownAgent(
                f"Unknown agentType {agent_type!r}.",
                details={"field": "agentType", "validValues": list(self._registry.types)},
            )
        return spec

    async def next_turn(self, user_id: str, request: TurnInput, engine: str,
                        via: str) -> TurnOutput:
        """Run one turn with `engine` ("v1"/"v2"); `via` is the route ("/v2" or "/v1").

        Turns of one conversation are taken one at a time in this process; across processes the
        optimistic turn counter decides, and a loser that keeps losing answers conversation_busy.
        """
        async with self._lock_for(user_id, request.conversation_id):
            return await self._next_turn(user_id, request, engine, via)

    def _lock_for(self, user_id: str, conversation_id: str) -> asyncio.Lock:
        key = (user_id, conversation_id)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def _next_turn(self, user_id: str, request: TurnInput, engine: str,
                         via: str) -> TurnOutput:
        spec = self.spec_for(request.agent_type)
        started = time.perf_counter()
        for _attempt in range(MAX_COMMIT_ATTEMPTS):
            stored = await self._load_or_create(user_id, request, spec, engine)
            if stored.replay is not None:  # loaded with the conversation, in the same query
                await self._telemetry.replayed(request, spec, stored.replay, via)
                return TurnOutput(stored.replay, replay=True, wire=_wire(stored.replay))
            if stored.agent_type != spec.type:
                raise Conflict(
                    "This conversationId is already used for another task.",
                    code="agent_type_mismatch",
                    details={"agentType": stored.agent_type},
                )
            if stored.status == "COMPLETE":
                raise Conflict(
                    "This conversation is already confirmed; start a new one to change it.",
                    code="conversation_complete",
                )
            result = await self._run(spec, stored, request, engine)
            elapsed_ms = (time.perf_counter() - started) * 1000
            events = self._telemetry.prepare(request, spec, result, via)  # may add to the body
            wire = _wire(result.body)  # a turn whose answer cannot be sent is not stored
            record = TurnRecord(
                turn=stored.turn + 1, idempotency_key=request.idempotency_key,
                request=_request_record(request), response=result.body,
                action=result.facts.action, ai_used=result.ai_used,
                fallback=result.fallback, duration_ms=elapsed_ms,
                response_json=wire.decode("utf-8"),
            )
            status = "COMPLETE" if result.state.complete else "ACTIVE"
            committed = await self._store.commit_turn(
                stored, state_to_json(result.state), status, result.timezone, record,
                self._clock(), events,
            )
            if committed:
                await self._telemetry.turn_done(request, spec, result, via, elapsed_ms)
                return TurnOutput(result.body, replay=False, wire=wire)
        raise ConversationBusy("Another turn of this conversation was being saved; send it again.")

    async def _load_or_create(
        self, user_id: str, request: TurnInput, spec: AgentSpec, engine: str
    ) -> StoredConversation:
        stored = await self._store.load(user_id, request.conversation_id,
                                        request.idempotency_key)
        if stored is not None:
            return stored
        # not stored yet: it is inserted with its first turn, in the same transaction; every
        # field left out of a stored state reads as its default
        state = {"agent_type": spec.type}
        timezone = request.timezone or self._default_tz
        return StoredConversation(NEW_CONVERSATION, user_id, request.conversation_id, spec.type,
                                  state, 0, "ACTIVE", timezone, None, self._clock(),
                                  engine=engine)

    async def _run(self, spec: AgentSpec, stored: StoredConversation, request: TurnInput,
                   engine: str) -> TurnResult:
        state = state_from_json(stored.state)
        timezone = request.timezone or stored.timezone
        ctx = self._context(timezone)
        turn = stored.turn + 1
        if engine == "v1":
            return await run_v1(spec, state, request, turn, ctx, timezone, self._deps)
        try:
            return await run_v2(spec, state, request, turn, ctx, timezone, self._deps)
        except Refusal:
            raise  # a deliberate answer (a provider down is a 503), not a v2 failure
        except Exception as exc:  # the degraded path: v1 answers, counted as a fallback
            logs.warning("engine_v2_failed", id=request.conversation_id,
                         error=type(exc).__name__)
            fresh = state_from_json(stored.state)
            result = await run_v1(spec, fresh, request, turn, ctx, timezone, self._deps)
            result.fallback = True
            result.anomalies.append("engine_error")
            return result

    def _context(self, timezone: str) -> ParseContext:
        return _context_at(timezone, self._clock().replace(microsecond=0), self._deps.region)

    async def list_conversations(self, user_id: str) -> list[dict[str, Any]]:
        """The user's conversations, newest first, each with its latest call."""
        rows = await self._store.list_for_user(user_id)
        return [self._summary(row) for row in rows]

    def _summary(self, row: StoredConversation) -> dict[str, Any]:
        spec = self._registry.get(row.agent_type)
        last = row.last_response or {}
        return {
            "conversationId": row.client_id,
            "agentType": row.agent_type,
            "title": spec.title if spec else row.agent_type,
            "status": row.status,
            "turn": row.turn,
            "nextAction": last.get("nextAction"),
            "updatedAt": row.updated_at.isoformat(),
        }

    async def last_response(self, user_id: str, conversation_id: str) -> dict[str, Any] | None:
        """The last answer of the user's conversation (None: not theirs or none)."""
        stored = await self._store.load(user_id, conversation_id)
        if stored is None:
            return None
        return stored.last_response


@lru_cache(maxsize=256)
def _context_at(timezone: str, second: datetime, region: str) -> ParseContext:
    """What the parsers read a turn against: the day and time (to the second) where the person is.

    The turns of one second in one timezone share it (it is frozen).
    """
    local = second.astimezone(ZoneInfo(timezone))
    return ParseContext(today=local.date(), now=local.time(), region=region)


def _wire(body: dict[str, Any]) -> bytes:
    """The body as JSON bytes; raises before the commit (nothing stored) when it cannot be sent.

    orjson writes the same compact UTF-8 JSON as `json.dumps` with these options, at a tenth of
    the cost (it was a tenth of a turn's CPU); what it refuses (an integer beyond 64 bits, a key
    that is not a string) gets `json`'s own answer. Unlike `json` it would write a non-finite
    float as null, but none reaches a body: the API refuses them in what a client sends.
    """
    try:
        return orjson.dumps(body)
    except orjson.JSONEncodeError:
        pass
    try:
        return json.dumps(body, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise InvalidRequest("The reply could not be written as JSON; nothing was stored.",
                             details={"error": type(exc).__name__}) from exc


def _request_record(request: TurnInput) -> dict[str, Any]:
    """What the turn row keeps of the request: shape, not personal content."""
    return {
        "agentType": request.agent_type,
        "messageLength": len(request.user_message),
        "slotKeys": sorted(request.slots),
        "clientAction": request.client_action,
        "timezone": request.timezone,
        "hasLocation": request.location is not None,
    }
