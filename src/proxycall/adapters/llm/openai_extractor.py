"""The Extractor port over the official `openai` SDK, for any OpenAI-compatible endpoint.

Vendor exceptions are translated to `LlmUnavailable` here, chained, in one table. Neither the
person's message nor the API key is ever logged or put in an exception message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from proxycall.adapters.llm import prompt
from proxycall.core.agents.spec import AgentSpec, InputType
from proxycall.core.llm import AnswerReading, Extraction, LlmUnavailable

if TYPE_CHECKING:
    from openai import AsyncOpenAI

log = logging.getLogger(__name__)

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT_SECONDS = 8.0  # the person is waiting for the next question
MAX_RETRIES = 0  # a retry doubles the wait; the engine re-asks instead
MAX_COMPLETION_TOKENS = 400  # a slot object is small; a longer answer is a runaway
TEMPERATURE = 0.0  # reading, not writing


def _failure(exc: BaseException) -> LlmUnavailable:
    """Translate a vendor exception to ours; the message names the kind, never a secret."""
    import openai

    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        return LlmUnavailable("LLM request timed out")
    if isinstance(exc, openai.APIConnectionError):
        return LlmUnavailable("LLM endpoint could not be reached")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return LlmUnavailable(f"LLM refused the credentials (HTTP {exc.status_code})")
    if isinstance(exc, openai.RateLimitError):
        return LlmUnavailable("LLM rate limit reached (HTTP 429)")
    if isinstance(exc, openai.APIStatusError):
        return LlmUnavailable(f"LLM endpoint failed (HTTP {exc.status_code})")
    if isinstance(exc, openai.APIResponseValidationError):
        return LlmUnavailable("LLM response did not have the expected shape")
    if isinstance(exc, openai.LengthFinishReasonError | openai.ContentFilterFinishReasonError):
        return LlmUnavailable("LLM answer was cut off or filtered")
    return LlmUnavailable(f"LLM call failed ({type(exc).__name__})")


class OpenAIExtractor:
    """Reads slots and call answers with a chat model, through structured JSON output."""

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        model: str = DEFAULT_MODEL,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        client: AsyncOpenAI | None = None,
    ) -> None:
        self.model = model
        self._timeout = timeout_seconds
        if client is None:
            if not api_key:
                # the SDK would fall back to OPENAI_API_KEY itself; config.py owns the environment
                raise ValueError("OpenAIExtractor needs an API key")
            from openai import AsyncOpenAI  # slow to import: only when an LLM is configured

            client = AsyncOpenAI(
                api_key=api_key,
                base_url=base_url,
                timeout=timeout_seconds,
                max_retries=MAX_RETRIES,
            )
        self._client = client

    def __repr__(self) -> str:
        return f"OpenAIExtractor(model={self.model!r}, timeout_seconds={self._timeout})"

    async def extract(
        self,
        spec: AgentSpec,
        message: str,
        asked_slot: str | None,
        known: Mapping[str, str | int],
    ) -> Extraction:
        """Propose values for `spec`'s slots from `message`; raise LlmUnavailable on failure."""
        content = await self._complete(
            "extract",
            prompt.extraction_messages(spec, message, asked_slot, known),
            prompt.response_format(
                prompt.EXTRACTION_SCHEMA_NAME, prompt.extraction_schema(spec)
            ),
        )
        return Extraction(prompt.parse_extraction(spec, content), self.model)

    async def read_answer(
        self, question: str, answer: str, field: str, expects: InputType
    ) -> AnswerReading:
        """Restate a business's `answer` for one outcome field; raise LlmUnavailable on failure."""
        content = await self._complete(
            "read_answer",
            prompt.answer_messages(question, answer, field, expects),
            prompt.response_format(prompt.ANSWER_SCHEMA_NAME, prompt.answer_schema(field, expects)),
        )
        return AnswerReading(field=field, text=prompt.parse_answer(content), model=self.model)

    async def aclose(self) -> None:
        """Close the HTTP connections; call from the application's shutdown."""
        await self._client.close()

    async def _complete(
        self, purpose: str, messages: list[dict[str, str]], response_format: dict[str, Any]
    ) -> str | None:
        """One chat completion under an overall deadline; its message content or LlmUnavailable."""
        import openai  # already loaded by the constructor; kept local so import stays cheap

        started = time.perf_counter()
        try:
            # The SDK's timeout is per network phase; this bounds the whole call.
            async with asyncio.timeout(self._timeout):
                # reason for the ignore: our plain dicts have the wire shape of the SDK's TypedDicts
                completion = await self._client.chat.completions.create(  # type: ignore[call-overload]  # reason: SDK overloads
                    model=self.model,
                    messages=messages,
                    response_format=response_format,
                    temperature=TEMPERATURE,
                    max_completion_tokens=MAX_COMPLETION_TOKENS,
                )
        except (openai.OpenAIError, TimeoutError) as exc:
            failure = _failure(exc)
            log.warning(
                "llm.request_failed purpose=%s model=%s error=%s elapsed_ms=%d",
                purpose, self.model, failure, _elapsed_ms(started),
            )
            raise failure from exc
        log.info(
            "llm.request purpose=%s model=%s elapsed_ms=%d",
            purpose, self.model, _elapsed_ms(started),
        )
        return _content(completion)


def _content(completion: Any) -> str | None:
    """The first choice's content; a refusal or a truncated answer is a failure."""
    try:
        choice = completion.choices[0]
        finish_reason = choice.finish_reason
        content = choice.message.content
        refusal = getattr(choice.message, "refusal", None)
    except (AttributeError, IndexError, TypeError) as exc:
        raise LlmUnavailable("LLM response did not have the expected shape") from exc
    if refusal:
        raise LlmUnavailable("LLM refused to answer")
    if finish_reason not in ("stop", None):
        raise LlmUnavailable(f"LLM answer ended early ({finish_reason})")
    if content is not None and not isinstance(content, str):
        raise LlmUnavailable("LLM response did not have the expected shape")
    return content


def _elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
