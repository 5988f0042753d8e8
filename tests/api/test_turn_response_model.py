"""Every turn's answer has the declared shape (api/turn_response.TurnResponse), on both engines.

The routes send the body as the service wrote it, unvalidated; these walks hold it to the model
(extra fields forbidden) through every step an agent has: the opener, each question, the place
step, a number given, the card, REJECT and the review, CONFIRM, and a debug turn; and v1's.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from tests.api.test_given_number import ANSWERS, OPENERS, plain_reply
from tests.support.server import LiveServer

from proxycall.api.turn_response import TurnResponse


def sent(client: httpx.Client, path: str, cid: str, agent: str, **fields: object) -> dict:
    response = client.post(path, json={"conversationId": cid, "agentType": agent, **fields})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = dict(response.json())
    TurnResponse.model_validate(body)  # raises, naming the field, on any other shape
    return body


def answered(client: httpx.Client, cid: str, agent: str, body: dict) -> dict:
    asked: set[str] = set()
    for _ in range(12):
        if body["nextAction"] != "ASK_QUESTION":
            return body
        reply = plain_reply(body["question"], asked, "no other changes")
        body = sent(client, "/v2/conversation/next", cid, agent, userMessage=reply, debug=True)
    raise AssertionError(f"never left the questions: {body}")


@pytest.mark.parametrize("agent", sorted(OPENERS))
def test_every_v2_step_has_the_declared_shape(server: LiveServer, agent: str) -> None:
    cid = f"shape-{agent.lower()}-{uuid.uuid4().hex[:6]}"
    path = "/v2/conversation/next"
    with server.client() as client:
        place_step = answered(client, cid, agent,
                              sent(client, path, cid, agent, userMessage=OPENERS[agent]))
        assert place_step["nextAction"] == "FIND_PLACE", place_step
        assert place_step["placeSearchParams"]["query"]
        card = answered(client, cid, agent, sent(
            client, path, cid, agent, userMessage="their number is 03 7010 0099"))
        assert card["nextAction"] == "CONFIRM" and card["confirmationCard"], card
        review = sent(client, path, cid, agent, clientAction="REJECT")
        assert review["nextAction"] == "ASK_QUESTION", review
        again = answered(client, cid, agent, sent(client, path, cid, agent,
                                                  userMessage="no other changes"))
        assert again["nextAction"] == "CONFIRM", again
        done = sent(client, path, cid, agent, clientAction="CONFIRM", debug=True)
        assert done["nextAction"] == "COMPLETE", done
        assert done["debugPayload"]["summaryLine"].startswith("[V2-SUMMARY]")


def test_v1_answers_have_the_declared_shape(server: LiveServer) -> None:
    cid = f"shape-v1-{uuid.uuid4().hex[:6]}"
    with server.client() as client:
        body = sent(client, "/conversation/next", cid, "SICK_CALLER", userMessage="")
        for _ in range(8):
            if body["nextAction"] != "ASK_QUESTION":
                break
            reply = ANSWERS.get(body["question"]["field"], "Bunnings")
            body = sent(client, "/conversation/next", cid, "SICK_CALLER", userMessage=reply)
        assert body["engineVersion"] == "v1"


def test_the_schema_documents_the_answer(server: LiveServer) -> None:
    spec = httpx.get(f"{server.base_url}/openapi.json", timeout=10).json()
    for path in ("/v2/conversation/next", "/conversation/next"):
        ok = spec["paths"][path]["post"]["responses"]["200"]
        assert ok["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/TurnResponse"}, ok
    declared = spec["components"]["schemas"]["TurnResponse"]["properties"]
    assert {"nextAction", "question", "extractedData", "confirmationCard", "changes"} <= set(
        declared)
