"""The turn lane: a well-formed turn goes straight to the service; anything else, through FastAPI.

A turn is the request proxycall answers most, and FastAPI's generic machinery (routing over every
route, solving dependencies, validating the body through its own adapters, wrapping the answer)
cost more than the turn itself. The lane answers `POST /v2/conversation/next` and
`POST /conversation/next` directly when the request is plain: a JSON body with a declared length
within the limit, that decodes safely (`json_body.decode`) and validates as a `TurnRequest`,
with an Idempotency-Key header within its bound. It then does what the routes do, through the
same functions: `deps.authenticate`, `conversation.answer_turn`, and the app's own exception
handlers for a domain or database error.

Any request that is not plain (no length, too long, not JSON, invalid) is passed on untouched,
its body replayed, and FastAPI answers it exactly as before: every error shape (400, 413, 422)
comes from one place. Nothing has happened when a request is passed on: the lane neither
authenticates nor counts it against the rate limit before its body is valid.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from proxycall.api.conversation import answer_turn
from proxycall.api.deps import authenticate
from proxycall.api.json_body import decode
from proxycall.api.middleware import MAX_BODY_BYTES
from proxycall.api.schemas import MAX_IDEMPOTENCY_KEY, TurnRequest
from proxycall.container import Container

ROUTES = {"/v2/conversation/next": "/v2", "/conversation/next": "/v1"}


class TurnLane:
    """In front of the app: answers plain turn requests itself, passes everything else on.

    `app` is the FastAPI app (its services, its exception handlers); `framework` is the app's
    own ASGI entry, which answers whatever the lane passes on.
    """

    def __init__(self, app: Starlette, framework: ASGIApp) -> None:
        self.app = app
        self.framework = framework

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a plain turn; replay anything else to the framework."""
        via = _turn_route(scope)
        headers = _plain_headers(scope) if via else None
        if via is None or headers is None:
            await self.framework(scope, receive, send)
            return
        messages, raw = await _read_body(receive, int(headers[b"content-length"]))
        body = _plain_body(raw) if raw is not None else None
        if body is None:
            await self.framework(scope, _replay(messages, receive), send)
            return
        scope["app"] = self.app
        await _answer(self.app, scope, receive, send, body, headers, via)


def _turn_route(scope: Scope) -> str | None:
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    return ROUTES.get(scope["path"])


def _plain_headers(scope: Scope) -> dict[bytes, bytes] | None:
    """The headers the lane reads, when the request is plain enough for it."""
    wanted = {b"content-length", b"content-type", b"authorization", b"idempotency-key"}
    found: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        if name in wanted:
            if name in found:
                return None  # a repeated header: the framework decides what it means
            found[name] = value
    length = found.get(b"content-length", b"")
    if not length.isdigit() or len(length) > len(str(MAX_BODY_BYTES)) \
            or not 0 < int(length) <= MAX_BODY_BYTES:
        return None
    if not found.get(b"content-type", b"").split(b";")[0].strip().lower().endswith(b"json"):
        return None
    if len(found.get(b"idempotency-key", b"")) > MAX_IDEMPOTENCY_KEY:
        return None
    return found


async def _read_body(receive: Receive, length: int) -> tuple[list[Message], bytes | None]:
    """The messages received, and the body when it arrived whole at its declared length."""
    messages: list[Message] = []
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > length:
            return messages, None
        if not message.get("more_body", False):
            return messages, b"".join(chunks) if size == length else None


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


def _plain_body(raw: bytes) -> TurnRequest | None:
    """The validated request, or None for the framework to answer (and explain) instead."""
    try:
        return TurnRequest.model_validate(decode(raw))
    except Exception:  # whatever is wrong, the framework's path explains it
        return None


async def _answer(app: Starlette, scope: Scope, receive: Receive, send: Send,
                  body: TurnRequest, headers: dict[bytes, bytes], via: str) -> None:
    services: Container = app.state.container
    key = headers.get(b"idempotency-key")
    authorization = headers.get(b"authorization")
    try:
        user = await authenticate(services, _text(authorization))
        wire = await answer_turn(services, user, body, _text(key), via)
    except Exception as exc:  # answered by the app's handler for its type
        response = await _handled(app, Request(scope, receive), exc)
        await response(scope, receive, send)
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", str(len(wire)).encode()),
                            (b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": wire})


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value is not None else None


async def _handled(app: Starlette, request: Request, exc: Exception) -> ASGIApp:
    """The app's answer to `exc`: its handler for the nearest class in the error's MRO."""
    for cls in type(exc).__mro__:
        handler = app.exception_handlers.get(cls)
        if handler is not None:
            response: ASGIApp = await handler(request, exc)
            return response
    raise exc  # pragma: no cover — install() registers a handler for Exception
