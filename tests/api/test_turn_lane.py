"""The turn lane answers plain turns itself, and every answer is the one FastAPI's route gives.

Each generated request is sent twice over HTTP to the same server, to two conversations whose
ids have the same length: once as a plain request (a Content-Length: the lane takes it when the
body is valid) and once chunked (no Content-Length: the lane always passes it to FastAPI). The
two answers must be the same, status, body and content type, for valid and invalid requests
alike. A counter on the framework's entry proves which path each request took.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.types import Receive, Scope, Send
from tests.support.server import LiveServer, live_server

_ids = itertools.count()


class CountingFramework:
    """Wraps the framework's entry to count the turn requests that reach it."""

    def __init__(self, framework: Any) -> None:
        self.framework = framework
        self.turns = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/conversation/next"):
            self.turns += 1
        await self.framework(scope, receive, send)


@pytest.fixture(scope="module")
def lane_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer,
                                                                            CountingFramework]]:
    with live_server(tmp_path_factory.mktemp("lane")) as server:
        counter = CountingFramework(server.app._lane.framework)
        server.app._lane.framework = counter
        yield server, counter


def _pair() -> tuple[str, str]:
    n = next(_ids)
    return f"lane-a-{n:06d}", f"lane-b-{n:06d}"


def _chunked(raw: bytes) -> Iterator[bytes]:
    yield raw[: len(raw) // 2]
    yield raw[len(raw) // 2:]


def _send(client: httpx.Client, path: str, raw: bytes, headers: dict[str, str], *,
          chunked: bool) -> httpx.Response:
    content: Any = _chunked(raw) if chunked else raw
    return client.post(path, content=content, headers=headers)


def _same_answer(plain: httpx.Response, framework: httpx.Response, ids: tuple[str, str]) -> None:
    assert plain.status_code == framework.status_code, (plain.text, framework.text)
    assert plain.headers.get("content-type") == framework.headers.get("content-type")
    assert plain.headers.get("retry-after") == framework.headers.get("retry-after")
    assert plain.text.replace(ids[0], ids[1]) == framework.text


AGENTS = st.sampled_from(["SICK_CALLER", "STOCK_CHECKER", "RESTAURANT_RESERVATION",
                          "CANCEL_APPOINTMENT", "NOPE", ""])
MESSAGES = st.one_of(st.text(max_size=80), st.sampled_from([
    "9am", "tomorrow", "Call in sick to Bunnings", "0412 345 678", "yes", "000", "x" * 2001]))
SLOTS = st.dictionaries(
    st.sampled_from(["employer_name", "employer_phone", "caller_name", "shift_date",
                     "shift_start_time", "quantity", "", "x" * 65]),
    st.one_of(st.text(max_size=30), st.integers(-10**13, 10**13), st.booleans(), st.none(),
              st.floats(allow_nan=False, allow_infinity=False), st.lists(st.integers(),
                                                                          max_size=2)),
    max_size=4)
CONTENT_TYPES = st.sampled_from(["application/json", "application/json; charset=utf-8",
                                 "text/plain", "application/vnd.api+json"])
TOKENS = st.sampled_from(["admin", "user", "wrong", "none", "basic"])


def _headers(server: LiveServer, user_token: str, token: str, content_type: str,
             key: str | None) -> dict[str, str]:
    headers = {"content-type": content_type}
    bearer = {"admin": server.admin_token, "user": user_token, "wrong": "not-a-token"}.get(token)
    headers["authorization"] = f"Bearer {bearer}" if bearer else ""
    if token == "basic":
        headers["authorization"] = "Basic abc"
    if key is not None:
        headers["idempotency-key"] = key
    return headers


@pytest.fixture(scope="module")
def user_token(lane_server: tuple[LiveServer, CountingFramework]) -> str:
    return lane_server[0].new_user("Lane")


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(agent=AGENTS, message=MESSAGES, slots=SLOTS,
       action=st.sampled_from([None, "CONFIRM", "REJECT", "MAYBE"]),
       timezone=st.sampled_from([None, "Australia/Perth", "Mars/Olympus"]),
       content_type=CONTENT_TYPES, token=TOKENS,
       key=st.sampled_from([None, "k1", "k" * 129]),
       path=st.sampled_from(["/v2/conversation/next", "/conversation/next"]),
       garbage=st.sampled_from([None, b"{", b"[]", b"null", b'{"conversationId": NaN}']))
def test_the_lane_answers_as_the_framework_does(
    lane_server: tuple[LiveServer, CountingFramework], user_token: str, agent: str,
    message: str, slots: dict[str, Any], action: str | None, timezone: str | None,
    content_type: str, token: str, key: str | None, path: str, garbage: bytes | None,
) -> None:
    server, counter = lane_server
    ids = _pair()
    headers = _headers(server, user_token, token, content_type, key)
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        for _ in range(2):  # the second time: a replay when an idempotency key is sent
            answers = []
            for cid, chunked in ((ids[0], False), (ids[1], True)):
                body = {"conversationId": cid, "agentType": agent, "userMessage": message,
                        "slots": slots, "clientAction": action, "timezone": timezone}
                raw = garbage or json.dumps(body).encode()
                before = counter.turns
                answers.append(_send(client, path, raw, headers, chunked=chunked))
                if chunked:
                    assert counter.turns == before + 1  # chunked: always the framework
                elif answers[0].status_code == 200:
                    assert counter.turns == before  # a plain turn answered: the lane's
            _same_answer(answers[0], answers[1], ids)


def test_a_plain_turn_never_reaches_the_framework(
    lane_server: tuple[LiveServer, CountingFramework],
) -> None:
    server, counter = lane_server
    before = counter.turns
    with server.client() as client:
        for n in range(3):
            response = client.post("/v2/conversation/next", json={
                "conversationId": f"lane-plain-{n}", "agentType": "SICK_CALLER",
                "userMessage": "Call in sick to Bunnings"})
            assert response.status_code == 200, response.text
            assert response.json()["nextAction"] == "ASK_QUESTION"
    assert counter.turns == before


def test_an_oversized_body_is_refused_by_the_framework(
    lane_server: tuple[LiveServer, CountingFramework],
) -> None:
    server, counter = lane_server
    before = counter.turns
    raw = json.dumps({"conversationId": "lane-big", "agentType": "SICK_CALLER",
                      "userMessage": "x" * (70 * 1024)}).encode()
    with server.client() as client:
        response = client.post("/v2/conversation/next", content=raw,
                               headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert counter.turns == before + 1


def test_the_lane_keeps_the_openapi_routes(tmp_path: Path) -> None:
    """The routes stay declared for the schema and for whatever the lane passes on."""
    with live_server(tmp_path) as server, server.client() as client:
        schema = client.get("/openapi.json").json()
    assert "/v2/conversation/next" in schema["paths"]
    assert "/conversation/next" in schema["paths"]


HEADER_NAMES = st.sampled_from([b"content-length", b"content-type", b"authorization",
                                b"idempotency-key", b"x-other"])
HEADER_VALUES = st.one_of(st.binary(max_size=40), st.sampled_from([
    b"0", b"65536", b"65537", b"9" * 5000, b"application/json", b"text/plain; x=json"]))


@settings(max_examples=300, deadline=None)
@given(headers=st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=6))
def test_any_headers_are_taken_or_passed_on_never_an_error(
        headers: list[tuple[bytes, bytes]]) -> None:
    """The lane's reading of headers never raises: it takes a plain request or passes it on."""
    from proxycall.api.turn_lane import MAX_BODY_BYTES, _plain_headers

    taken = _plain_headers({"type": "http", "headers": headers})
    if taken is not None:
        assert 0 < int(taken[b"content-length"]) <= MAX_BODY_BYTES
        names = [name for name, _ in headers if name != b"x-other"]
        assert len(names) == len(set(names))  # a repeated header is the framework's to judge
