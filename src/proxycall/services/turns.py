"""The turn's types: what a turn asks (TurnInput), what the engines need and return."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from proxycall.core.conversation import ConversationState
from proxycall.core.llm import Extractor
from proxycall.core.places import Places
from proxycall.core.policy import ALLOWED, PolicyDecision


@dataclass(frozen=True)
class TurnInput:
    """One request for the next turn, as the API edge hands it to the service."""

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
    """What an engine may call out to: places, the LLM extractor, the destination policy."""

    places: Places
    extractor: Extractor | None
    region: str
    # the destination policy the call service dials by: the card warns about a refused number
    destination: Callable[[str], PolicyDecision] = field(default=lambda _number: ALLOWED)


@dataclass
class TurnResult:
    """An engine's answer: the response body, the new state and the telemetry facts."""

    body: dict[str, Any]
    state: ConversationState
    timezone: str
    ai_used: bool = False
    fallback: bool = False
    anomalies: list[str] = field(default_factory=list)
    summary: str = ""
