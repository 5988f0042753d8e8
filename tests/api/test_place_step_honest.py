"""The place step says what it cannot do: a place listed without a phone is marked so, and an area
the directory does not know is said back (in the search answer and in the chat)."""

from __future__ import annotations

import uuid

from tests.support.server import LiveServer


def test_a_place_without_a_phone_is_marked(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        found = client.post("/places/search", json={"query": "Golden Dragon Yum Cha"}).json()
    marked = {c["name"]: c["hasPhone"] for c in found["candidates"]}
    assert marked.get("Golden Dragon Yum Cha") is False
    with sqlite_server.client() as client:
        callable_ = client.post("/places/search", json={"query": "Sushi Train"}).json()
    assert all(c["hasPhone"] is True for c in callable_["candidates"])


def test_an_unknown_area_is_said_back_in_the_search(sqlite_server: LiveServer) -> None:
    with sqlite_server.client() as client:
        unknown = client.post("/places/search", json={"query": "Sushi Train",
                                                      "area": "camp hill"}).json()
        known = client.post("/places/search", json={"query": "Sushi Train",
                                                    "area": "Chermside"}).json()
    assert unknown["areaNotFound"] == "camp hill"
    assert "I don't know 'camp hill'" in unknown["message"]
    assert "areaNotFound" not in known


def test_an_unknown_area_is_said_back_in_the_chat(server: LiveServer) -> None:
    slots = {"restaurant_name": "Lucky Dragon", "suburb_or_area": "camp hill",
             "party_size": "4", "date": "tomorrow", "time": "7pm", "booking_name": "Sam"}
    with server.client() as client:
        body = client.post("/v2/conversation/next", json={
            "conversationId": f"area-{uuid.uuid4().hex[:8]}",
            "agentType": "RESTAURANT_RESERVATION", "slots": slots}).json()
    assert body["nextAction"] == "FIND_PLACE", body
    assert "I don't know 'Camp Hill'" in body["assistantMessage"]
