"""Providers down and internal failures: a 503 for a provider, v1 answering for a v2 failure."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.support.server import free_port, live_server

from proxycall.adapters.places.bundled import BundledPlaces


class BrokenDetails(BundledPlaces):
    """The bundled directory, except that `details` hits a bug (a seam, not a mock)."""

    async def details(self, place_id: str):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug in an adapter")


def stock_to_find_place(client, cid: str) -> None:
    for message in ("Check if JB Hi-Fi has Sony headphones", "3"):
        client.post("/v2/conversation/next", json={
            "conversationId": cid, "agentType": "STOCK_CHECKER", "userMessage": message})


def test_places_provider_down_is_503_everywhere(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with live_server(tmp_path, GOOGLE_PLACES_API_KEY="test-key",
                     GOOGLE_PLACES_BASE_URL=closed) as live, live.client() as client:
        search = client.post("/places/search", json={"query": "JB Hi-Fi"})
        stock_to_find_place(client, "down")
        choose = client.post("/v2/conversation/next", json={
            "conversationId": "down", "agentType": "STOCK_CHECKER",
            "slots": {"place_id": "ChIJN1t_tDeuEmsRUsoyG83frY4"}})
    assert search.status_code == 503
    assert search.json()["error"]["code"] == "provider_unavailable"
    assert "test-key" not in search.text
    assert choose.status_code == 503


def test_a_v2_failure_is_answered_by_v1_and_counted(tmp_path: Path) -> None:
    places = BrokenDetails(clock=lambda: datetime.now(UTC))
    log = tmp_path / "app.log"
    with live_server(tmp_path / "d", places=places, PROXYCALL_LOG_FILE=log) as live, \
            live.client() as client:
        stock_to_find_place(client, "bug")
        answer = client.post("/v2/conversation/next", json={
            "conversationId": "bug", "agentType": "STOCK_CHECKER",
            "slots": {"place_id": "bundled:jb-hifi-chermside"}})
        figures = client.get("/admin/metrics").json()["overall"]
    assert answer.status_code == 200
    assert answer.json()["engineVersion"] == "v1"
    assert figures["fallbacks"] == 1
    assert "[V2-ANOMALY] kind=engine_error" in log.read_text()
