r"""JSON request bodies read safely: what the store and the serializers cannot hold is refused.

Python's JSON decoder accepts things that break later: a lone surrogate ("\udcff") or a NUL
escaped in a string (valid JSON, but not valid UTF-8 text for the store or the response), an
integer of thousands of digits (the decoder raises, and FastAPI answers a bare 400), `NaN`, or
nesting thousands deep (a RecursionError). Each is answered here with 422 naming the field.
Clean bodies cost one regular-expression search and the usual decode.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

MAX_INTEGER_DIGITS = 18  # beyond any count, amount or coordinate a client sends
MAX_DEPTH = 32

# A string escape that decodes to a NUL or to half of a surrogate pair (pairs are re-checked).
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")

# Digits enough for an oversized integer (or digits in a string: then the walk finds nothing).
_LONG_DIGITS = re.compile(rb"\d{%d}" % (MAX_INTEGER_DIGITS + 1))


class _Oversized:
    """An integer too long to be a real value; refused with the field's name after decoding."""


class _BodyProblem(Exception):
    def __init__(self, location: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.location = location
        self.message = message


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _bounded_int(text: str) -> int | _Oversized:
    digits = len(text.lstrip("-"))
    return _Oversized() if digits > MAX_INTEGER_DIGITS else int(text)


def _bad_text(text: str) -> bool:
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


# What `json.loads(raw, parse_int=..., parse_constant=...)` does, with the decoder made once:
# loads builds a decoder and its scanner on every call when given hooks.
_DECODER = json.JSONDecoder(parse_int=_bounded_int, parse_constant=_refuse_constant)


def _walk(value: Any, path: tuple[str | int, ...], depth: int) -> Iterator[_BodyProblem]:
    if depth > MAX_DEPTH:
        yield _BodyProblem(path, f"nested more than {MAX_DEPTH} levels deep")
    elif isinstance(value, _Oversized):
        yield _BodyProblem(path, f"a number of more than {MAX_INTEGER_DIGITS} digits")
    elif isinstance(value, str):
        if _bad_text(value):
            yield _BodyProblem(path, "text must be valid Unicode without NUL characters")
    elif isinstance(value, dict):
        for key, item in value.items():
            if _bad_text(key):
                yield _BodyProblem((*path, "<key>"), "keys must be valid Unicode")
            yield from _walk(item, (*path, key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index), depth + 1)


def _deepest_field(raw: bytes) -> tuple[str | int, ...]:
    """The top-level field whose value nests too deep (only scanned when decoding failed)."""
    match = re.search(rb'"([^"\\]{1,64})"\s*:\s*[\[{]{%d}' % MAX_DEPTH, raw)
    return (match.group(1).decode("utf-8", "replace"),) if match else ()


def decode(raw: bytes) -> Any:
    """Decode a JSON body; raise _BodyProblem naming the field for what cannot be kept.

    A body none of the raw checks points at (no deep nesting, no suspect escape, no long run of
    digits) is read by orjson, a quarter of `json`'s cost: it reads every such body as `json`
    does (a property test holds it to that) and refuses what `json` reads differently (a lone
    surrogate, a BOM, UTF-16, a number beyond a double), which then gets `json`'s answer.
    """
    suspect = (raw.count(b"[") + raw.count(b"{") > MAX_DEPTH or _SUSPECT_ESCAPE.search(raw)
               or _LONG_DIGITS.search(raw))
    if not suspect:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # json's own reading, below: its error, or its value
    try:
        value = _DECODER.decode(raw.decode(json.detect_encoding(raw), "surrogatepass"))
    except json.JSONDecodeError:
        raise  # FastAPI reports where the JSON is broken
    except RecursionError:
        deep = f"nested more than {MAX_DEPTH} levels deep"
        raise _BodyProblem(_deepest_field(raw), deep) from None
    except UnicodeDecodeError:
        raise _BodyProblem((), "the body is not valid UTF-8") from None
    except ValueError as exc:  # NaN or Infinity
        raise _BodyProblem((), str(exc)) from None
    if suspect:
        for problem in _walk(value, (), 0):
            raise problem
    return value


def _is_json(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.split(";")[0].strip().lower().endswith("json")


class SafeJsonRoute(APIRoute):
    """A route whose JSON body is decoded by `decode` before FastAPI validates it."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler: decode the body first, refuse what cannot be kept."""
        handler = super().get_route_handler()

        async def safe_handler(request: Request) -> Response:
            if request.method in ("POST", "PUT", "PATCH") and _is_json(request):
                raw = await request.body()
                if raw:
                    try:
                        request._json = decode(raw)
                    except json.JSONDecodeError:
                        pass  # FastAPI decodes again and names the broken position
                    except _BodyProblem as problem:
                        raise RequestValidationError([{
                            "type": "value_error", "loc": ("body", *problem.location),
                            "msg": problem.message, "input": None,
                        }]) from None
            return await handler(request)

        return safe_handler
