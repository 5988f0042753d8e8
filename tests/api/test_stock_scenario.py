"""The seed's Scenario 1 (STOCK_CHECKER) over HTTP: place search, a server-resolved phone."""

from __future__ import annotations

import uuid

from tests.support.server import LiveServer


def turn(client, cid: str, **fields) -> dict:
    response = client.post("/v2/conversation/next", json={
        "conversationId": cid, "agentType": "STOCK_CHECKER", **fields})
    assert response.status_code == 200, response.text
    return response.json()


def test_seed_scenario_1_through_the_place_picker(server: LiveServer) -> None:
    cid = f"stock-{uuid.uuid4().hex[:8]}"
    with server.client() as client:
        first = turn(client, cid, userMessage="Check if JB Hi-Fi has Sony headphones")
        assert first["extractedData"]["retailer_name"] == "JB Hi-Fi"
        assert first["extractedData"]["product_name"] == "Sony headphones"
        assert first["question"]["field"] == "quantity"
        found = turn(client, cid, userMessage="3")
        assert found["extractedData"]["quantity"] == 3
        assert found["nextAction"] == "FIND_PLACE"
        assert found["placeSearchParams"]["query"] == "JB Hi-Fi"
        search = client.post("/places/search", json={
            "query": found["placeSearchParams"]["query"], "area": "Chermside"}).json()
        candidates = search["candidates"]
        assert candidates and all("JB Hi-Fi" in c["name"] for c in candidates)
        chosen = candidates[0]
        details = client.post("/places/details", json={"placeId": chosen["placeId"]}).json()
        card = turn(client, cid, slots={"place_id": chosen["placeId"]})
        assert card["nextAction"] == "CONFIRM"
        assert card["extractedData"]["place_id"] == chosen["placeId"]
        lines = " ".join(card["confirmationCard"]["lines"])
        assert chosen["name"] in lines
        national = details["phoneE164"].replace("+61", "0")
        assert national[:2] in lines and details["phoneE164"] == card["extractedData"][
            "place_phone"]
        done = turn(client, cid, clientAction="CONFIRM")
    assert done["nextAction"] == "COMPLETE"
    assert done["agentMeta"]["phoneSource"] == "PLACE"
    assert done["agentMeta"]["directPhoneSlot"] is None
    assert done["engineVersion"] == "v2"


def test_a_client_sent_place_phone_never_reaches_the_card_or_the_state(
        server: LiveServer) -> None:
    cid = f"inject-{uuid.uuid4().hex[:8]}"
    attacker = "+61491570737"
    with server.client() as client:
        turn(client, cid, userMessage="Check if JB Hi-Fi has Sony headphones")
        turn(client, cid, userMessage="3")
        place = client.post("/places/search", json={"query": "JB Hi-Fi"}).json()["candidates"][0]
        card = turn(client, cid, slots={"place_id": place["placeId"], "place_phone": attacker,
                                        "placePhone": attacker, "place_name": "Evil Corp"})
        assert card["nextAction"] == "CONFIRM"
        assert card["extractedData"]["place_phone"] != attacker
        assert "place_phone" in card["ignoredSlots"] and "place_name" in card["ignoredSlots"]
        text = " ".join(card["confirmationCard"]["lines"])
        assert "0491 570 737" not in text and "Evil Corp" not in text
        turn(client, cid, clientAction="CONFIRM")
        brief = client.post("/call/brief", json={"conversationId": cid}).json()
    assert brief["normalizedPhoneE164"] == card["extractedData"]["place_phone"]


def test_a_place_without_a_phone_is_refused_and_the_picker_shown_again(
        server: LiveServer) -> None:
    cid = f"nophone-{uuid.uuid4().hex[:8]}"
    with server.client() as client:
        turn(client, cid, userMessage="Check if JB Hi-Fi has Sony headphones")
        turn(client, cid, userMessage="3")
        search = client.post("/places/search", json={"query": "Golden Dragon Yum Cha"}).json()
        no_phone = search["candidates"][0]["placeId"]
        details = client.post("/places/details", json={"placeId": no_phone}).json()
        assert details["error"] == "NO_PHONE"
        body = turn(client, cid, slots={"place_id": no_phone})
    assert body["nextAction"] == "FIND_PLACE"
    assert body["validationError"]["field"] == "place_id"
    assert "place_id" not in body["extractedData"]


def test_place_search_params_carry_the_area_and_the_persons_location(
        server: LiveServer) -> None:
    cid = f"near-{uuid.uuid4().hex[:8]}"
    with server.client() as client:
        turn(client, cid, userMessage="does bunnings at chermside have a makita drill",
             location={"lat": -27.385, "lng": 153.031})
        found = turn(client, cid, userMessage="2")
    params = found["placeSearchParams"]
    assert found["nextAction"] == "FIND_PLACE"
    assert params["query"] == "Bunnings" and params["area"] == "Chermside"
    assert (params["lat"], params["lng"]) == (-27.385, 153.031)
    assert params["country"] == "AU"


def test_changing_the_shop_forgets_the_place_without_an_anomaly(server: LiveServer) -> None:
    cid = f"switch-{uuid.uuid4().hex[:8]}"
    with server.client() as client:
        turn(client, cid, userMessage="Check if JB Hi-Fi has Sony headphones")
        turn(client, cid, userMessage="3")
        place = client.post("/places/search", json={"query": "JB Hi-Fi"}).json()["candidates"][0]
        turn(client, cid, slots={"place_id": place["placeId"]})
        switched = turn(client, cid, userMessage="actually make it Harvey Norman")
        anomalies = client.get("/admin/metrics").json()["anomalies"]
    assert switched["extractedData"]["retailer_name"] == "Harvey Norman"
    assert switched["nextAction"] == "FIND_PLACE"
    assert "place_id" not in switched["extractedData"]
    assert [a for a in anomalies if a["conversationId"] == cid] == []
