"""No dead end at the place step: a business that is not in the directory is called on the number
the person types (phoneSource GIVEN), for every agent, through the card, the brief and the call.
Both stores."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from tests.support.server import LiveServer

# ACMA's fiction range: not in the bundled directory, reaches the simulator's default callee.
GIVEN_NUMBER = "03 7010 0099"
GIVEN_E164 = "+61370100099"
GIVEN_LINE = "(03) 7010 0099"
# Days are weekdays: the default call window has no Sundays, so "tomorrow" asked on a Saturday
# would (rightly) be refused as too late to help.
ANSWERS = {  # a plain answer for each slot the agents may ask
    "retailer_name": "Zed's Hifi Hut", "product_name": "Sony headphones",
    "product_details": "WH-1000XM5", "broad_ok": "yes", "quantity": "1",
    "employer_name": "Zed's Hifi Hut", "caller_name": "Richard", "shift_date": "tomorrow",
    "shift_start_time": "9am", "reason_category": "SICK",
    "restaurant_name": "Zed's Noodle Bar", "party_size": "2", "date": "next wednesday",
    "time": "7pm", "booking_name": "Sam",
    "business_name": "Zed's Dental", "appointment_day": "next wednesday",
    "appointment_time": "10am", "customer_name": "Sam",
}
OPENERS = {
    "STOCK_CHECKER": "check if Zed's Hifi Hut has Sony headphones",
    "SICK_CALLER": "call in sick to Zed's Hifi Hut, I don't know their number",
    "RESTAURANT_RESERVATION": "book a table at Zed's Noodle Bar",
    "CANCEL_APPOINTMENT": "cancel my appointment at Zed's Dental",
}
BUSINESS = {"STOCK_CHECKER": "Zed's Hifi Hut", "SICK_CALLER": "Zed's Hifi Hut",
            "RESTAURANT_RESERVATION": "Zed's Noodle Bar", "CANCEL_APPOINTMENT": "Zed's Dental"}


def turn(client: httpx.Client, cid: str, agent: str, **fields: object) -> dict:
    response = client.post("/v2/conversation/next",
                           json={"conversationId": cid, "agentType": agent, **fields})
    assert response.status_code == 200, response.text
    return dict(response.json())


def plain_reply(question: dict, asked: set[str], otherwise: str | None = None) -> str:
    """The plain answer to a question; its first choice when it is asked again with choices.

    ("next wednesday" said on a Monday is asked back: this week's or the week after's?)
    """
    again = question["field"] in asked and question["quickReplies"]
    asked.add(question["field"])
    if again:
        return str(question["quickReplies"][0])
    if otherwise is None:
        return ANSWERS[question["field"]]
    return ANSWERS.get(question["field"], otherwise)


def answer_questions(client: httpx.Client, cid: str, agent: str, body: dict) -> dict:
    asked: set[str] = set()
    for _ in range(12):
        if body["nextAction"] != "ASK_QUESTION":
            return body
        body = turn(client, cid, agent, userMessage=plain_reply(body["question"], asked))
    raise AssertionError(f"never left the questions: {body}")


def to_the_place_step(client: httpx.Client, cid: str, agent: str) -> dict:
    return answer_questions(client, cid, agent,
                            turn(client, cid, agent, userMessage=OPENERS[agent]))


@pytest.mark.parametrize("agent", sorted(OPENERS))
def test_a_business_not_in_the_directory_is_called_on_the_number_given(
        server: LiveServer, agent: str) -> None:
    cid = f"given-{agent.lower()}-{uuid.uuid4().hex[:6]}"
    with server.client() as client:
        place_step = to_the_place_step(client, cid, agent)
        assert place_step["nextAction"] == "FIND_PLACE", place_step
        card = answer_questions(client, cid, agent, turn(
            client, cid, agent, userMessage="it's not in your list, can I just give you the "
                                            f"number? it's {GIVEN_NUMBER}"))
        assert card["nextAction"] == "CONFIRM", card
        lines = " | ".join(card["confirmationCard"]["lines"])
        assert GIVEN_LINE in lines and BUSINESS[agent] in lines
        expected_source = "DIRECT_SLOT" if agent == "SICK_CALLER" else "GIVEN"
        assert card["agentMeta"]["phoneSource"] == expected_source
        assert "destinationWarning" not in card
        assert turn(client, cid, agent, clientAction="CONFIRM")["nextAction"] == "COMPLETE"
        brief = client.post("/call/brief", json={"conversationId": cid})
        assert brief.status_code == 200, brief.text
        assert brief.json()["normalizedPhoneE164"] == GIVEN_E164
        started = client.post("/call/start", json={"conversationId": cid,
                                                   "scheduledFor": None})
        assert started.status_code == 200, started.text
    assert started.json()["status"] in ("queued", "initiated", "ringing", "in-progress",
                                        "completed", "scheduled")


def test_the_call_dials_the_number_given(server: LiveServer) -> None:
    agent = "STOCK_CHECKER"
    cid = f"given-dial-{uuid.uuid4().hex[:6]}"
    with server.client() as client:
        to_the_place_step(client, cid, agent)
        card = turn(client, cid, agent, userMessage=f"their number is {GIVEN_NUMBER}")
        assert card["nextAction"] == "CONFIRM", card
        turn(client, cid, agent, clientAction="CONFIRM")
        call = client.post("/call/start", json={"conversationId": cid}).json()
    if call["status"] == "scheduled":
        pytest.skip("outside the call window right now: the dial itself is not reached")
    deadline = time.monotonic() + 10
    while not server.container.simulator.calls_to(GIVEN_E164) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.container.simulator.calls_to(GIVEN_E164)


def test_an_emergency_number_at_the_place_step_is_refused_with_the_reason(
        server: LiveServer) -> None:
    agent = "RESTAURANT_RESERVATION"
    cid = f"given-000-{uuid.uuid4().hex[:6]}"
    with server.client() as client:
        to_the_place_step(client, cid, agent)
        body = turn(client, cid, agent, userMessage="just call 000")
    assert body["nextAction"] == "FIND_PLACE"
    assert body["validationError"]["field"] == "place_phone"
    assert "000" in body["validationError"]["message"]
    assert "place_phone" not in body["extractedData"]


def test_a_premium_number_given_is_warned_at_the_card_and_refused_at_start(
        server: LiveServer) -> None:
    agent = "RESTAURANT_RESERVATION"
    cid = f"given-1900-{uuid.uuid4().hex[:6]}"
    with server.client() as client:
        to_the_place_step(client, cid, agent)
        card = turn(client, cid, agent, userMessage="the number is 1900 654 321")
        if card["nextAction"] == "FIND_PLACE":  # the parser refused it outright: also safe
            assert card["validationError"]["field"] == "place_phone"
            return
        assert card["nextAction"] == "CONFIRM"
        assert card["destinationWarning"]["field"] == "place_phone"
        turn(client, cid, agent, clientAction="CONFIRM")
        refused = client.post("/call/start", json={"conversationId": cid})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "destination_blocked"


def test_the_persons_own_number_is_never_taken_for_the_business(server: LiveServer) -> None:
    agent = "STOCK_CHECKER"
    cid = f"given-own-{uuid.uuid4().hex[:6]}"
    with server.client() as client:
        to_the_place_step(client, cid, agent)
        body = turn(client, cid, agent, userMessage="my number is 0491 570 006 if they need it")
    assert body["nextAction"] == "FIND_PLACE"
    assert "place_phone" not in body["extractedData"]
