"""A local fake of OpenAI's Chat Completions endpoint, for tests and offline use.

`FakeOpenAI` is a small Starlette app serving `POST /v1/chat/completions` in the real wire shape,
with OpenAI's error shape for a wrong key (401) and a non-strict schema (400). Its "model" is the
rule-based reader in `fake_model`. Tests script its behaviour through `mode` and `reply_content`
and read back what it received (`requests`, `request_count`).

Running it over real HTTP on a free 127.0.0.1 port (the SDK uses httpx2, so it cannot be
intercepted in-process by respx)::

    from proxycall.adapters.llm.fake_openai import FakeMode, run_fake_openai
    from proxycall.adapters.llm.openai_extractor import OpenAIExtractor

    with run_fake_openai() as server:          # or run_fake_openai(FakeOpenAI(api_key="k"))
        llm = OpenAIExtractor(server.api_key, base_url=server.base_url)
        ...                                    # await llm.extract(...)
        server.fake.mode = FakeMode.SERVER_ERROR   # the next requests fail with 500
        assert server.fake.request_count == 1

The server runs uvicorn in a daemon thread and stops when the block ends.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from proxycall.adapters.llm import fake_model

DEFAULT_FAKE_KEY = "sk-fake-0123456789abcdef"
MAX_HANG_SECONDS = 5.0  # HANG never holds a request longer than this, whatever is asked
STARTUP_TIMEOUT_SECONDS = 10.0
SHUTDOWN_TIMEOUT_SECONDS = 10.0
UNKNOWN_SLOT_NAME = "not_a_declared_slot"
_SCHEMA_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class FakeMode(StrEnum):
    """How the fake answers: normally, with a 500, late, with cut-off JSON, or an extra field."""

    NORMAL = "NORMAL"  # the rule-based model answers
    SERVER_ERROR = "SERVER_ERROR"  # 500 in OpenAI's error shape
    HANG = "HANG"  # wait `hang_seconds` (at most MAX_HANG_SECONDS), then answer normally
    MALFORMED_JSON = "MALFORMED_JSON"  # content is cut-off JSON
    UNKNOWN_SLOT = "UNKNOWN_SLOT"  # the normal answer plus a property the schema doesn't have


def _error(status: int, message: str, kind: str, code: str | None = None,
           param: str | None = None) -> JSONResponse:
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return JSONResponse(body, status_code=status)


def _masked(key: str) -> str:
    """How OpenAI echoes a wrong key: its start and its last four characters only."""
    return f"{key[:3]}{'*' * 8}{key[-4:]}" if len(key) > 8 else "*" * 8


def strict_schema_problem(schema: Any, path: str = "") -> str | None:
    """What OpenAI's strict structured output would refuse in `schema`, or None."""
    if not isinstance(schema, dict):
        return f"In context=({path}), schema must be a JSON object"
    if schema.get("type") == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is not False:
            return f"In context=({path}), 'additionalProperties' is required to be false"
        missing = sorted(set(properties) - set(schema.get("required", [])))
        if missing:
            return (f"In context=({path}), 'required' must include every key in properties. "
                    f"Missing '{missing[0]}'")
        for name, prop in properties.items():
            problem = strict_schema_problem(prop, f"{path}'properties', '{name}'")
            if problem:
                return problem
    return None


def _request_problem(body: Any) -> tuple[str, str | None] | None:
    """(message, param) for a body OpenAI would answer with 400, or None."""
    if not isinstance(body, dict):
        return "We could not parse the JSON body of your request.", None
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "you must provide a model parameter", "model"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty array", "messages"
    response_format = body.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        spec = response_format.get("json_schema")
        if not isinstance(spec, dict) or not _SCHEMA_NAME.match(str(spec.get("name", ""))):
            return "Invalid 'response_format.json_schema.name'", "response_format"
        if spec.get("strict"):
            problem = strict_schema_problem(spec.get("schema"))
            if problem:
                return (f"Invalid schema for response_format '{spec['name']}': {problem}.",
                        "response_format")
    return None


class FakeOpenAI:
    """The fake server's state and ASGI app; safe to script from the test's thread."""

    def __init__(self, api_key: str = DEFAULT_FAKE_KEY) -> None:
        self.api_key = api_key
        self.mode = FakeMode.NORMAL
        self.hang_seconds = 2.0
        self.reply_content: str | None = None  # when set, returned verbatim as the content
        self._requests: list[Any] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.stopping = threading.Event()
        self.app = Starlette(routes=[Route("/v1/chat/completions", self._chat, methods=["POST"])])

    @property
    def requests(self) -> list[Any]:
        """Bodies of every request received (None when not JSON), oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        """How many chat completions were asked for."""
        with self._lock:
            return len(self._requests)

    def reset(self) -> None:
        """Back to NORMAL with nothing received."""
        with self._lock:
            self._requests.clear()
        self.mode = FakeMode.NORMAL
        self.reply_content = None

    async def _chat(self, request: Request) -> JSONResponse:
        try:
            body: Any = json.loads(await request.body())
        except ValueError:
            body = None
        with self._lock:
            self._requests.append(body)
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            presented = request.headers.get("authorization", "").removeprefix("Bearer ")
            return _error(401, f"Incorrect API key provided: {_masked(presented)}. You can find "
                          "your API key at https://platform.openai.com/account/api-keys.",
                          "invalid_request_error", code="invalid_api_key")
        problem = _request_problem(body)
        if problem:
            return _error(400, problem[0], "invalid_request_error", param=problem[1])
        return await self._answer(body)

    async def _answer(self, body: dict[str, Any]) -> JSONResponse:
        mode = self.mode
        if mode is FakeMode.SERVER_ERROR:
            return _error(500, "The server had an error while processing your request. Sorry "
                          "about that!", "server_error")
        if mode is FakeMode.HANG:
            await self._hang()
        content = self.reply_content
        if content is None:
            answer = fake_model.answer(body)
            if mode is FakeMode.UNKNOWN_SLOT:
                answer[UNKNOWN_SLOT_NAME] = "surprise"
            content = json.dumps(answer)
            if mode is FakeMode.MALFORMED_JSON:
                content = content[: max(1, len(content) // 2)]
        return JSONResponse(self._completion(body, content))

    async def _hang(self) -> None:
        # the server is stopped from another thread: wait on its event in a worker thread
        await asyncio.to_thread(self.stopping.wait, min(self.hang_seconds, MAX_HANG_SECONDS))

    def _completion(self, body: Mapping[str, Any], content: str) -> dict[str, Any]:
        prompt_tokens = len(json.dumps(body.get("messages"))) // 4
        completion_tokens = max(1, len(content) // 4)
        return {
            "id": f"chatcmpl-fake{next(self._ids):06d}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "system_fingerprint": "fp_fake",
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }


@dataclass(frozen=True)
class RunningFake:
    """A fake served over HTTP: pass `base_url` and `api_key` to the OpenAI client."""

    fake: FakeOpenAI
    base_url: str  # "http://127.0.0.1:<port>/v1"
    api_key: str


@contextmanager
def run_fake_openai(fake: FakeOpenAI | None = None) -> Iterator[RunningFake]:
    """Serve `fake` (a new one by default) on a free 127.0.0.1 port until the block ends."""
    import uvicorn

    fake = fake or FakeOpenAI()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(fake.app, log_level="warning", access_log=False, lifespan="off",
                            ws="none", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name=f"fake-openai-{port}", daemon=True)
    fake.stopping.clear()
    thread.start()
    try:
        _wait_started(server, thread)
        yield RunningFake(fake, f"http://127.0.0.1:{port}/v1", fake.api_key)
    finally:
        fake.stopping.set()
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT_SECONDS)
        sock.close()


def _wait_started(server: Any, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the fake OpenAI server did not start")
        time.sleep(0.01)
