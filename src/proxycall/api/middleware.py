"""Request body limit: anything over 64 KiB is refused with 413 before it is read whole."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 64 * 1024


def _too_large_body() -> bytes:
    return json.dumps({"error": {"code": "payload_too_large",
                                 "message": "The request body is over 64 KiB.",
                                 "details": {"maxBytes": MAX_BODY_BYTES}}}).encode()


class BodyLimitMiddleware:
    """Refuses a request body over the limit with 413, even when it is sent chunked."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the body as it streams in; stop at the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _reject(send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _reject(send)


def _content_length(scope: Scope) -> bytes | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            return bytes(value)
    return None


class _BodyTooLarge(HTTPException):
    """Raised while the body streams in, answered 413.

    An HTTPException, so the framework's body reader passes it on (any other error there
    becomes a 400).
    """

    def __init__(self) -> None:
        super().__init__(413, "The request body is over 64 KiB.")


async def _reject(send: Send) -> None:
    body = _too_large_body()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
