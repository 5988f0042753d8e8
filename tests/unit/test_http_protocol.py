"""A response's head waits for its body and leaves in the same write; nothing waits longer."""

from __future__ import annotations

import asyncio
from typing import Any

from proxycall.api.http_protocol import _HeadWithBody

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"


class Wire:
    """The socket's side of a transport: what was written, write by write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def write_eof(self) -> None:
        self.writes.append(b"<eof>")

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 1234) if name == "peername" else default


async def _transport() -> tuple[_HeadWithBody, Wire]:
    wire = Wire()
    return _HeadWithBody(wire, asyncio.get_running_loop()), wire  # type: ignore[arg-type]


async def test_a_head_and_its_body_are_one_write() -> None:
    transport, wire = await _transport()
    transport.write(HEAD)
    assert wire.writes == []
    transport.write(b"{}")
    assert wire.writes == [HEAD + b"{}"]
    await asyncio.sleep(0)  # the backstop finds nothing held
    assert wire.writes == [HEAD + b"{}"]


async def test_a_head_alone_leaves_at_the_end_of_the_loop_step() -> None:
    """A streamed response: its head is not held back waiting for a body."""
    transport, wire = await _transport()
    transport.write(HEAD)
    await asyncio.sleep(0)
    assert wire.writes == [HEAD]
    transport.write(b"chunk")
    assert wire.writes == [HEAD, b"chunk"]


async def test_other_writes_go_straight_out_and_close_sends_what_is_held() -> None:
    transport, wire = await _transport()
    transport.write(b"HTTP/1.1 100 Continue")  # not a whole head: as it is
    transport.write(bytearray(b"data"))
    assert wire.writes == [b"HTTP/1.1 100 Continue", b"data"]
    transport.write(HEAD)
    transport.close()
    assert wire.writes[-1] == HEAD and wire.closed
    assert transport.get_extra_info("peername") == ("127.0.0.1", 1234)  # the transport's own


async def test_what_follows_a_held_head_never_overtakes_it() -> None:
    transport, wire = await _transport()
    transport.write(HEAD)
    transport.writelines([b"{", b"}"])
    assert wire.writes == [HEAD + b"{}"]
    transport.write(HEAD)
    transport.write_eof()
    assert wire.writes[1:] == [HEAD, b"<eof>"]
