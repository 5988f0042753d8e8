"""The LLM port: what the engine may ask a language model, and the typed answers it gets back.

The LLM proposes, the engine decides: every text returned here is raw and untrusted. The engine
re-parses it with the slot's (or outcome field's) own parser and drops it when that refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from proxycall.core.agents.spec import AgentSpec, InputType
from proxycall.core.errors import ProviderFailure


@dataclass(frozen=True)
class SlotProposal:
    """Raw text the LLM thinks fills `slot`; the engine re-parses it with the slot's parser."""

    slot: str
    text: str


@dataclass(frozen=True)
class Extraction:
    """What the LLM read from one message: proposals for declared slots only."""

    proposals: tuple[SlotProposal, ...]
    model: str


@dataclass(frozen=True)
class AnswerReading:
    """The LLM's restatement of a business's answer ("five", "yes", "next Tuesday").

    `text` is None when the model found no answer to the question in what was said.
    """

    field: str
    text: str | None
    model: str


class LlmUnavailable(ProviderFailure):
    """The LLM could not give a usable answer: timeout, refused connection, 5xx, 401, bad output.

    The engine counts it as a fallback and logs `[V2-ANOMALY] kind=llm_failure`. Its message
    names the kind of failure, never the person's message or a secret.
    """


class Extractor(Protocol):
    """Reads free text into proposals; implemented by an adapter (OpenAI, a fake, ...)."""

    model: str

    async def extract(
        self,
        spec: AgentSpec,
        message: str,
        asked_slot: str | None,
        known: Mapping[str, str | int],
    ) -> Extraction:
        """Propose values for `spec`'s slots from `message`; raise LlmUnavailable on failure."""
        ...

    async def read_answer(
        self, question: str, answer: str, field: str, expects: InputType
    ) -> AnswerReading:
        """Restate `answer` to `question` for one outcome field; raise LlmUnavailable on failure."""
        ...
