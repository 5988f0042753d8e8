"""Conversation state, the commands understanding proposes, and the planner's decision."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from proxycall.core.parsers.result import Value


class Action(StrEnum):
    """What the engine does next: ask, find the place, confirm, or complete."""

    ASK_QUESTION = "ASK_QUESTION"
    FIND_PLACE = "FIND_PLACE"
    CONFIRM = "CONFIRM"
    COMPLETE = "COMPLETE"


class Source(StrEnum):
    """Where a value came from: the message, a client slot, the LLM, or a place."""

    PARSER = "PARSER"  # read deterministically from the person's message
    LLM = "LLM"  # proposed by the LLM, then validated by the same parser
    CLIENT = "CLIENT"  # sent in `slots` by the client (an edit screen)
    SERVER = "SERVER"  # resolved by the server (a place's name, address, phone)


# --- Commands: what understanding proposes from one message. The planner decides. ---


@dataclass(frozen=True)
class SetSlot:
    """A command: set a slot to a value (read from where `source` says)."""

    slot: str
    value: Value
    source: Source = Source.PARSER


@dataclass(frozen=True)
class SlotRejected:
    """A reply meant for `slot` could not be used; `reason` is for the person."""

    slot: str
    reason: str


@dataclass(frozen=True)
class NeedsClarification:
    """A reply fits more than one value ("7" for a dinner: 7 am or 7 pm?)."""

    slot: str
    question: str
    options: tuple[Value, ...]


@dataclass(frozen=True)
class DontKnow:
    """The person does not know the value ("I don't know their number")."""

    slot: str


@dataclass(frozen=True)
class ChangeRequested:
    """The person wants to change a slot but gave no new value ("change the time")."""

    slot: str


@dataclass(frozen=True)
class KeepValue:
    """The person keeps the value offered back after REJECT ("keep")."""

    slot: str


Command = SetSlot | SlotRejected | NeedsClarification | DontKnow | ChangeRequested | KeepValue


@dataclass
class ConversationState:
    """Everything the engine knows about one conversation; stored as JSON between turns."""

    agent_type: str
    values: dict[str, Value] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    asked_slot: str | None = None  # the slot the last question asked for
    asked_in_a_row: int = 0  # how many times that slot was asked consecutively
    last_action: Action | None = None
    reviewing: bool = False  # after REJECT: values are offered back for "keep"
    reviewed: list[str] = field(default_factory=list)  # slots kept or changed since REJECT
    pending_options: dict[str, list[Value]] = field(default_factory=dict)  # clarifications
    find_place_for_phone: bool = False  # DIRECT_SLOT agent: person didn't know the number
    card_id: str | None = None  # the card last shown
    place: dict[str, Any] | None = None  # the chosen place's details (hours, timezone)
    fallbacks_in_a_row: int = 0
    location: list[float] | None = None  # [lat, lng] the client last sent: biases place search
    complete: bool = False


_STATE_FIELDS = tuple(f.name for f in dataclasses.fields(ConversationState))
_KNOWN_FIELDS = frozenset(_STATE_FIELDS)


def state_to_json(state: ConversationState) -> dict[str, object]:
    """The state as stored (JSON): its fields, containers copied one level (values are JSON)."""
    data: dict[str, object] = {}
    for name in _STATE_FIELDS:
        value = getattr(state, name)
        data[name] = (dict(value) if isinstance(value, dict)
                      else list(value) if isinstance(value, list) else value)
    data["last_action"] = state.last_action.value if state.last_action else None
    return data


def state_from_json(data: Mapping[str, object]) -> ConversationState:
    """The state from its stored JSON."""
    kwargs = {key: value for key, value in data.items() if key in _KNOWN_FIELDS}
    state = ConversationState(**kwargs)  # type: ignore[arg-type]  # reason: stored JSON, known keys
    if state.last_action is not None:
        state.last_action = Action(state.last_action)
    return state
