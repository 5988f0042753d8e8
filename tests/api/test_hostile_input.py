"""Hostile input over HTTP: refused at the edge with 422 naming the field, nothing stored, and the
conversation goes on answering ordinary turns. Both stores."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support.server import LiveServer, live_server

TURN = "/v2/conversation/next"

# Every character, lone surrogates and NUL included (Hypothesis leaves surrogates out by default).
ANY_CHAR = st.characters(codec=None, categories=None, exclude_categories=())
ANY_TEXT = st.text(alphabet=ANY_CHAR, max_size=40)
JSON_LEAVES = st.one_of(ANY_TEXT, st.integers(-(10**30), 10**30), st.none(), st.booleans(),
                        st.floats(allow_nan=False, allow_infinity=False))
ANY_JSON = st.recursive(JSON_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(ANY_TEXT, inner, max_size=3)), max_leaves=12)


def raw_post(client: httpx.Client, body: str) -> httpx.Response:
    """POST text as it is: json.dumps keeps lone surrogates as \\u escapes, as a client may."""
    return client.post(TURN, content=body.encode(), headers={"Content-Type": "application/json"})


def ordinary_turn(client: httpx.Client, cid: str) -> httpx.Response:
    return client.post(TURN, json={"conversationId": cid, "agentType": "SICK_CALLER",
                                   "userMessage": "Call in sick to Bunnings"})


def field_of(response: httpx.Response) -> str:
    return str(response.json()["error"]["details"]["fields"][0]["field"])


def test_a_lone_surrogate_in_a_slot_is_refused_and_nothing_is_stored(server: LiveServer) -> None:
    cid = f"sur-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"conversationId": cid, "agentType": "SICK_CALLER", "userMessage": "",
                       "slots": {"caller_name": "Rich\udcff"}})
    with server.client() as client:
        refused = raw_post(client, body)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == "invalid_request"
        assert field_of(refused) == "slots.caller_name"
        assert client.get(f"/v2/conversations/{cid}").status_code == 404  # nothing stored
        answered = ordinary_turn(client, cid)
        assert answered.status_code == 200, answered.text
        assert answered.json()["turn"] == 1
        assert client.get(f"/v2/conversations/{cid}").status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    ('{"conversationId":"n1","agentType":"SICK_CALLER","userMessage":"a\\u0000b"}',
     "userMessage"),
    ('{"conversationId":"n2","agentType":"SICK_CALLER","slots":{"quantity":' + "9" * 5000 + "}}",
     "slots.quantity"),
    ('{"conversationId":"n3","agentType":"SICK_CALLER","messageHistory":' + "[" * 20000
     + "]" * 20000 + "}", "messageHistory"),
    ('{"conversationId":"n4","agentType":"SICK_CALLER","location":{"lat":NaN,"lng":1}}', "body"),
    ('{"conversationId":"n5","agentType":"SICK_CALLER","slots":{"caller_name":"\\ud800x"}}',
     "slots.caller_name"),
], ids=["nul", "5000-digit-integer", "nested-20000-deep", "nan", "lone-high-surrogate"])
def test_values_the_store_cannot_hold_are_422_naming_the_field(
        sqlite_server: LiveServer, body: str, field: str) -> None:
    with sqlite_server.client() as client:
        response = raw_post(client, body)
    assert response.status_code == 422, response.text
    assert field_of(response) == field


def test_a_surrogate_pair_is_ordinary_text(sqlite_server: LiveServer) -> None:
    body = ('{"conversationId":"emoji-1","agentType":"SICK_CALLER",'
            '"userMessage":"Call in sick to Bunnings \\ud83d\\ude37"}')
    with sqlite_server.client() as client:
        response = raw_post(client, body)
    assert response.status_code == 200, response.text


def test_a_chunked_body_over_64_kib_is_413(sqlite_server: LiveServer) -> None:
    def chunks():
        for _ in range(70):
            yield b" " * 1024

    with sqlite_server.client() as client:
        response = client.post(TURN, content=chunks(),
                               headers={"Content-Type": "application/json"})
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "payload_too_large"


def test_the_wrong_method_on_an_api_path_is_405(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        assert client.get(TURN).status_code == 405
        assert client.get("/call/start").status_code == 405
        assert client.get("/no/such/page").status_code == 404


def test_the_agent_list_needs_a_token(sqlite_server: LiveServer) -> None:
    assert httpx.get(sqlite_server.base_url + "/v2/agents").status_code == 401
    with sqlite_server.client() as client:
        assert client.get("/v2/agents").status_code == 200


def test_a_phone_number_in_a_conversation_id_is_masked_in_logs(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    with live_server(tmp_path / "d", PROXYCALL_LOG_FILE=log) as live, live.client() as client:
        response = client.post(TURN, json={"conversationId": "0412345678",
                                           "agentType": "SICK_CALLER", "userMessage": ""})
        assert response.status_code == 200
    text = log.read_text()
    assert "0412345678" not in text
    assert "[V2-SUMMARY] id=0412***678 " in text


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slots=st.dictionaries(ANY_TEXT, JSON_LEAVES, max_size=4), message=ANY_TEXT,
       history=st.none() | st.lists(ANY_JSON, max_size=3), extra=ANY_JSON)
def test_no_json_the_schema_admits_breaks_a_conversation(
        server: LiveServer, slots: dict, message: str, history: list | None,
        extra: object) -> None:
    cid = f"prop-{uuid.uuid4().hex[:10]}"
    body = json.dumps({"conversationId": cid, "agentType": "SICK_CALLER", "userMessage": message,
                       "slots": slots, "messageHistory": history, "extra": extra})
    with server.client() as client:
        response = raw_post(client, body)
        assert response.status_code < 500, response.text
        assert response.status_code in (200, 422), response.text
        follow = ordinary_turn(client, cid)
        assert follow.status_code == 200, follow.text
        assert client.get(f"/v2/conversations/{cid}").status_code == 200
