"""The smoke run end to end against a scripted server: all pass, and each planted fault fails."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.unit.cli.fake_server import FakeServer

from proxycall.cli.rollout.checks import FAIL, PASS, SKIP
from proxycall.cli.rollout.client import RolloutClient
from proxycall.cli.rollout.smoke import SmokeOptions, SmokeResult, SmokeRun

NOW = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)  # 10 am in Brisbane: "tomorrow" is 2026-02-02


def run(server: FakeServer, expect: str = "v2", **kwargs: Any) -> SmokeResult:
    client = RolloutClient("http://proxycall.test", "secret-token",
                           transport=server.transport())
    sleeps: list[float] = []
    options = SmokeOptions(stamp="20260201T000000000Z", expect_engine=expect)
    result = SmokeRun(client, options, now=lambda: NOW, sleep=sleeps.append, **kwargs).run()
    assert len(sleeps) <= 121  # the poll is bounded
    return result


def failing(result: SmokeResult) -> list[tuple[str, str, str]]:
    return [(r.scenario, r.turn, r.expected) for r in result.rows if r.status == FAIL]


def test_a_correct_server_passes_every_row() -> None:
    result = run(FakeServer())
    assert failing(result) == []
    assert result.passed
    assert result.call_id == "CA1"


def test_every_row_of_the_seed_tables_is_there() -> None:
    result = run(FakeServer())
    turns = [(r.scenario, r.turn) for r in result.rows if r.turn not in ("artifact", "criterion")]
    assert turns == [("stock", t) for t in "1234"] + [("sick", t) for t in "1234567"] + [
        ("rejection", "CONFIRM"), ("rejection", "REJECT")]
    criteria = [r.expected for r in result.rows if r.scenario == "acceptance"]
    assert len(criteria) == 6
    artifacts = {(r.scenario, r.expected) for r in result.rows if r.turn == "artifact"}
    assert ("stock", 'engineVersion: "v2"') in artifacts
    assert ("sick", 'agentMeta.directPhoneSlot: "employer_phone"') in artifacts
    assert ("sick", "Twilio: zero OpenAI calls") in artifacts


def test_conversation_ids_are_unique_per_scenario_and_run() -> None:
    server = FakeServer()
    run(server)
    assert sorted(server.state) == [f"smoke-20260201T000000000Z-{s}"
                                    for s in ("rejection", "sick", "stock")]


def test_summary_lines_are_collected_per_turn() -> None:
    result = run(FakeServer())
    sick = result.conversations["sick"].summaries
    assert [s["turn"] for s in sick] == [str(n) for n in range(1, 8)]
    assert all(s["line"].startswith("[V2-SUMMARY]") for s in sick)
    assert result.record_data()["summaries"]["rejection"][-2]["turn"] == "REJECT"


def test_v1_answering_fails_the_engine_rows() -> None:
    result = run(FakeServer(engine="v1"))
    assert ("stock", "artifact", 'engineVersion: "v2"') in failing(result)
    assert ("sick", "artifact", 'engineVersion: "v2"') in failing(result)
    assert not result.passed


def test_expecting_v1_passes_when_v1_answers() -> None:
    result = run(FakeServer(engine="v1"), expect="v1")
    assert failing(result) == []


def test_a_key_lost_on_one_turn_fails_that_row_and_the_cumulative_criterion() -> None:
    result = run(FakeServer(drop_key_on_turn=3))
    failed = failing(result)
    assert ("sick", "3", "caller_name") not in failed  # the asked slot itself was read
    assert ("acceptance", "criterion", "extractedData is cumulative, never loses keys") in failed


def test_a_card_missing_the_shift_fails_turn_six_and_the_card_criterion() -> None:
    lines = ("Calling: Bunnings on 0412 345 678", "From: Richard", "Reason: I'm sick")
    result = run(FakeServer(card_lines=lines))
    failed = failing(result)
    assert ("sick", "6", "reason_category") in failed
    assert ("acceptance", "criterion", "CONFIRM card matches slots + templates") in failed
    row6 = next(r for r in result.rows if (r.scenario, r.turn) == ("sick", "6"))
    assert "missing shift_date" in row6.actual


def test_llm_calls_during_the_call_fail_the_zero_openai_rows() -> None:
    result = run(FakeServer(llm_calls=1))
    assert ("sick", "artifact", "Twilio: zero OpenAI calls") in failing(result)
    assert ("acceptance", "criterion",
            "Twilio deterministic flow makes zero OpenAI calls") in failing(result)


def test_a_call_that_never_ends_fails_after_the_bounded_wait() -> None:
    result = run(FakeServer(status_polls_before_end=10_000))
    assert ("acceptance", "criterion", "/call/status terminates cleanly") in failing(result)


def test_screenshot_problems_are_skips_not_failures() -> None:
    def no_browser(scenario: str, conversation_id: str, response: Any) -> dict[str, Any]:
        return {"taken": False, "reason": "no browser here"}

    result = run(FakeServer(), on_card=no_browser)
    shots = [r for r in result.rows if r.expected == "Screenshot: confirmation card"]
    assert [r.status for r in shots] == [SKIP, SKIP]
    assert shots[0].actual == "not taken (no browser here)"
    assert result.passed


def test_a_screenshot_taken_passes_its_row() -> None:
    def shot(scenario: str, conversation_id: str, response: Any) -> dict[str, Any]:
        assert response["nextAction"] == "CONFIRM"
        return {"taken": True, "path": f"/tmp/card-{scenario}.png"}

    result = run(FakeServer(), on_card=shot)
    shots = [r for r in result.rows if r.expected == "Screenshot: confirmation card"]
    assert [r.status for r in shots] == [PASS, PASS]


def test_token_never_appears_in_the_saved_exchanges() -> None:
    server = FakeServer()
    client = RolloutClient("http://proxycall.test", "secret-token",
                           transport=server.transport())
    SmokeRun(client, SmokeOptions(stamp="s"), now=lambda: NOW, sleep=lambda _: None).run()
    assert client.exchanges
    assert "secret-token" not in repr(client)
    assert all("secret-token" not in str(e.as_dict()) for e in client.exchanges)
