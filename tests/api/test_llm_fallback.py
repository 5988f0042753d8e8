"""The LLM is a validated fallback: asked only when the parsers cannot read a reply."""

from __future__ import annotations

from pathlib import Path

from tests.api.test_conversation_seed import SICK_TURNS
from tests.support.server import live_server

from proxycall.adapters.llm.fake_openai import FakeMode, run_fake_openai


def send(client, cid: str, message: str) -> dict:
    response = client.post("/v2/conversation/next", json={
        "conversationId": cid, "agentType": "SICK_CALLER", "userMessage": message})
    assert response.status_code == 200, response.text
    return response.json()


def test_seed_scenario_makes_zero_llm_calls_even_with_an_llm_configured(tmp_path: Path) -> None:
    with run_fake_openai() as llm, live_server(
        tmp_path, OPENAI_API_KEY=llm.api_key, OPENAI_BASE_URL=llm.base_url
    ) as live, live.client() as client:
        for message, _slot, _value in SICK_TURNS:
            assert send(client, "seed", message)["aiCallMade"] is False
        assert llm.fake.request_count == 0
        figures = client.get("/admin/metrics").json()
    assert figures["agents"]["SICK_CALLER"]["llmRate"] == 0.0


def test_unreadable_reply_goes_to_the_llm_and_is_validated(tmp_path: Path) -> None:
    with run_fake_openai() as llm, live_server(
        tmp_path, OPENAI_API_KEY=llm.api_key, OPENAI_BASE_URL=llm.base_url
    ) as live, live.client() as client:
        send(client, "odd", "Call in sick to Bunnings")
        send(client, "odd", "0412 345 678")
        send(client, "odd", "Richard")
        llm.fake.reply_content = '{"shift_date": "tomorrow"}'
        body = send(client, "odd", "whenever my roster says")
        assert llm.fake.request_count == 1
        assert body["aiCallMade"] is True and body["aiModel"] != "deterministic"
        assert "shift_date" in body["extractedData"]
        llm.fake.reply_content = '{"shift_start_time": "banana o\'clock"}'
        refused = send(client, "odd", "when the sun is properly up I reckon")
        assert "shift_start_time" not in refused["extractedData"]
        assert refused["validationError"]["field"] == "shift_start_time"


def test_llm_outage_is_a_fallback_and_an_anomaly(tmp_path: Path) -> None:
    log_file = tmp_path / "app.log"
    with run_fake_openai() as llm, live_server(
        tmp_path / "data", OPENAI_API_KEY=llm.api_key, OPENAI_BASE_URL=llm.base_url,
        PROXYCALL_LOG_FILE=log_file,
    ) as live, live.client() as client:
        llm.fake.mode = FakeMode.SERVER_ERROR
        send(client, "down", "Call in sick to Bunnings")
        body = send(client, "down", "the usual number, you know the one")
        figures = client.get("/admin/metrics").json()["overall"]
    assert body["nextAction"] == "ASK_QUESTION"
    assert body["question"]["field"] == "employer_phone"
    assert figures["fallbacks"] == 1
    assert "[V2-ANOMALY] kind=llm_failure" in log_file.read_text()
