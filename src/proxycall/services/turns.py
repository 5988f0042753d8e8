"""What one conversation turn takes and gives, shared by the service and both engines.

`TurnInput` is the request as the service sees it, `EngineDeps` what an engine may use,
`TurnResult` what an engine decided (the wire body, the new state, the telemetry facts). Kept
apart so the service imports the engines and nothing imports back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from proxycall.core.conversation import ConversationState
from proxycall.core.llm import Extractor
from proxycall.core.places import Places
from proxycall.core.policy import ALLOWED, PolicyDecision
from proxycall.services.calls.policy import CardTiming


@dataclass(frozen=True)
class TurnInput:
    """One turn as the client asked for it (validated at the edge)."""

    conversation_id: str
    agent_type: str
    user_message: str = ""
    slots: Mapping[str, Any] = field(default_factory=dict)
    client_action: str | None = None
    idempotency_key: str | None = None
    timezone: str | None = None
    location: tuple[float, float] | None = None
    debug: bool = False


@dataclass
class EngineDeps:
    """What an engine may use: places, the LLM (if any), the region and the policies."""

    places: Places
    extractor: Extractor | None
    region: str
    # the destination policy the call service dials by: the card warns about a refused number
    destination: Callable[[str], PolicyDecision] = field(default=lambda _number: ALLOWED)
    # the calling-time policy with the task's deadline: the card warns when no call would help
    call_timing: CardTiming = field(default=lambda _spec, _values, _place, _tz: None)


@dataclass(frozen=True)
class TurnFacts:
    """What telemetry counts of a turn, taken from the decision (never from the wire body)."""

    action: str  # ASK_QUESTION | FIND_PLACE | CONFIRM | COMPLETE
    engine: str  # v1 | v2
    turn: int
    question_slot: str | None  # the slot asked, if any
    slots_filled: int
    validation_error: bool


@dataclass
class TurnResult:
    """What an engine decided: the wire body, the new state, and the telemetry facts."""

    body: dict[str, Any]
    state: ConversationState
    timezone: str
    facts: TurnFacts
    ai_used: bool = False
    fallback: bool = False
    anomalies: list[str] = field(default_factory=list)
    summary: str = ""
