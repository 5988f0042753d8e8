"""What a phone flow remembers between webhooks, and what one step of it produces."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from proxycall.core.agents.spec import InputType
from proxycall.core.calls import EndReason
from proxycall.core.parsers.result import Value
from proxycall.core.voice import Directive, Hangup, Listen, Pause, Say

# Bounds: every call ends, each way with its own EndReason.
MAX_TURNS = 16  # callee events (speech, keys or silence) in one call
MAX_DURATION_SECONDS = 300
MAX_CONSECUTIVE_MISUNDERSTANDINGS = 3
MAX_REPEATS = 2  # the sick-call message is repeated at most this many times
LISTEN_TIMEOUT_SECONDS = 6  # silence that counts as "nothing heard" after a question
HOLD_TIMEOUT_SECONDS = 30  # a hold ("one sec") is waited out quietly this long

ASSISTANT = "assistant"
CALLEE = "callee"


@dataclass(frozen=True)
class Utterance:
    """One line of the transcript: who spoke, what, and when (UTC)."""

    speaker: str  # "assistant" or "callee"
    text: str
    at: datetime

    def to_json(self) -> dict[str, str]:
        """The transcript line as the API shows it."""
        return {"speaker": self.speaker, "text": self.text, "at": self.at.isoformat()}


@dataclass(frozen=True)
class Interpretation:
    """An answer the parsers could not read: the service may ask an LLM, then send Interpreted."""

    field: str
    expects: InputType
    question: str  # what we asked, as spoken
    answer: str  # what the callee said


@dataclass
class FlowState:
    """Everything a flow needs between webhooks; stored as JSON in the call row."""

    agent_type: str
    started_at: str  # ISO UTC: MAX_DURATION_SECONDS counts from here
    answered_by: str = "unknown"
    step: str | None = None  # DIALOG: the step whose answer we are waiting for
    facts: dict[str, Value] = field(default_factory=dict)
    turns: int = 0
    repeats: int = 0
    silences: int = 0  # consecutive
    misunderstandings: int = 0  # consecutive
    holding: bool = False  # the callee asked us to wait
    checking_presence: bool = False  # we asked "are you still there?" after a hold
    skipped: list[str] = field(default_factory=list)  # optional steps given up on
    reasked: list[str] = field(default_factory=list)  # steps already asked in other words
    last_prompt: list[str] = field(default_factory=list)  # what "say that again" repeats
    pending_answer: str | None = None  # waiting for an Interpreted event about this text
    callee_spoke: bool = False
    finished: bool = False
    end_reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (plain types only)."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FlowState:
        """Rebuild a state stored by `to_json`; unknown keys are ignored, bad types refused."""
        known = {f.name for f in fields(cls)}
        kwargs = {key: value for key, value in data.items() if key in known}
        state = cls(**kwargs)
        _check_types(state)
        return state

    def elapsed_seconds(self, now: datetime) -> float:
        """Seconds since the call was answered."""
        return (now - datetime.fromisoformat(self.started_at)).total_seconds()

    @property
    def reason(self) -> EndReason | None:
        """The end reason as an enum."""
        return EndReason(self.end_reason) if self.end_reason else None


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value


_EXPECTED: Mapping[str, tuple[type, ...]] = {
    "agent_type": (str,),
    "started_at": (str,),
    "answered_by": (str,),
    "step": (str, type(None)),
    "facts": (dict,),
    "turns": (int,),
    "repeats": (int,),
    "silences": (int,),
    "misunderstandings": (int,),
    "holding": (bool,),
    "checking_presence": (bool,),
    "skipped": (list,),
    "reasked": (list,),
    "last_prompt": (list,),
    "pending_answer": (str, type(None)),
    "callee_spoke": (bool,),
    "finished": (bool,),
    "end_reason": (str, type(None)),
}


def _check_types(state: FlowState) -> None:
    for name, types in _EXPECTED.items():
        if not isinstance(getattr(state, name), types):
            raise ValueError(f"flow state field {name} has the wrong type")
    datetime.fromisoformat(state.started_at)
    if not all(isinstance(v, str | int) for v in state.facts.values()):
        raise ValueError("flow state facts must be text or whole numbers")


@dataclass(frozen=True)
class FlowStep:
    """One step of a flow: the new state, what to do, what was said and heard, in order."""

    state: FlowState
    directives: list[Directive]
    transcript: list[Utterance]  # this step's lines only: heard first, then said
    finished: bool
    needs_interpretation: Interpretation | None = None
    facts: dict[str, Value] = field(default_factory=dict)
    end_reason: EndReason | None = None


class Reply:
    """Collects a step's directives and transcript lines together, so none is forgotten."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.directives: list[Directive] = []
        self.transcript: list[Utterance] = []

    def heard(self, text: str) -> None:
        """Record what the callee said (or pressed)."""
        self.transcript.append(Utterance(CALLEE, text, self.now))

    def say(self, *texts: str) -> None:
        """Say each non-empty text."""
        for text in texts:
            if text:
                self.directives.append(Say(text))
                self.transcript.append(Utterance(ASSISTANT, text, self.now))

    def pause(self, seconds: int) -> None:
        """Wait quietly (before a voicemail message: let the beep pass)."""
        self.directives.append(Pause(seconds))

    def listen(
        self,
        prompt: list[str],
        *,
        timeout: int = LISTEN_TIMEOUT_SECONDS,
        digits: bool = False,
        hints: tuple[str, ...] = (),
    ) -> None:
        """Say `prompt` (may be empty) and wait for the callee."""
        spoken = tuple(text for text in prompt if text)
        self.directives.append(
            Listen(prompt=spoken, timeout_seconds=timeout, digits=digits, hints=hints)
        )
        self.transcript.extend(Utterance(ASSISTANT, text, self.now) for text in spoken)

    def hangup(self) -> None:
        """End the call."""
        self.directives.append(Hangup())

    def step(self, state: FlowState, interpretation: Interpretation | None = None) -> FlowStep:
        """Package the reply with the state it leaves behind."""
        return FlowStep(
            state=state,
            directives=list(self.directives),
            transcript=list(self.transcript),
            finished=state.finished,
            needs_interpretation=interpretation,
            facts=dict(state.facts),
            end_reason=state.reason,
        )


def finish(state: FlowState, reason: EndReason) -> None:
    """Mark the state finished with its reason (the first reason given wins)."""
    if not state.finished:
        state.finished = True
        state.end_reason = reason.value
