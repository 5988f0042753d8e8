"""uvicorn's HTTP protocol, with a response's head and body sent in one write.

uvicorn writes a response's head when the app starts the response and its body when the app
sends it: two `send` calls, two TCP segments (the socket has TCP_NODELAY), and a client woken
twice for one answer. On loopback each `send` also runs the receiver's side of TCP in the
sender's system call. Here the head is held until the next write, which takes it along; a
response that sends nothing more in the same loop step (a stream) has its head written at the
end of that step, so nothing waits longer than it did.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_HEAD_END = b"\r\n\r\n"


class _HeadWithBody:
    """A transport whose writes hold back a response's head until the next write."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._held is not None:
            data = self._held + bytes(data)
            self._held = None
        elif isinstance(data, bytes) and data.startswith(b"HTTP/") and data.endswith(_HEAD_END):
            self._held = data
            self._loop.call_soon(self._flush)
            return
        self._transport.write(data)

    def _flush(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            if not self._transport.is_closing():
                self._transport.write(held)

    def writelines(self, chunks: list[bytes]) -> None:
        self.write(b"".join(chunks))  # after any head held, never before it

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # everything else is the transport's own
        return getattr(self._transport, name)


class HeadWithBodyProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol writing through `_HeadWithBody`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """The connection, its transport wrapped."""
        wrapped = _HeadWithBody(transport, asyncio.get_running_loop())
        super().connection_made(wrapped)  # type: ignore[arg-type]
