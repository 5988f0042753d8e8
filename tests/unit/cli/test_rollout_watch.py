"""Watch figures from log lines and from /admin/metrics, thresholds, and the bounded loop."""

from __future__ import annotations

from pathlib import Path

import pytest

from proxycall.cli.rollout.watch import (
    BREACH,
    OK,
    LogTail,
    WatchFigures,
    breaches,
    evaluate,
    figures_from_lines,
    figures_from_metrics,
    run_watch,
)

PREFIX = "2026-02-01 10:00:00,000 INFO "


def summary(agent: str, ai_used: bool, **extra: str) -> str:
    fields = " ".join(f"{k}={v}" for k, v in extra.items())
    return (f"{PREFIX}[V2-SUMMARY] id=c1 agent={agent} action=ASK_QUESTION question=caller_name "
            f"slots_filled=1 ai_used={str(ai_used).lower()} {fields}").rstrip()


def test_sick_caller_llm_rate_counts_only_sick_caller_summaries() -> None:
    lines = [summary("SICK_CALLER", True), summary("SICK_CALLER", False),
             summary("SICK_CALLER", False), summary("SICK_CALLER", False),
             summary("STOCK_CHECKER", True), "unrelated line"]
    figures = figures_from_lines(lines)
    assert figures.total == 5
    assert figures.sick_total == 4
    assert figures.sick_llm_rate == 25.0


def test_fallback_and_replay_fields_on_summaries_are_counted() -> None:
    lines = [summary("SICK_CALLER", False, fallback="true", replay="false"),
             summary("SICK_CALLER", False, fallback="false", replay="true"),
             summary("STOCK_CHECKER", False, fallback="false", replay="true"),
             summary("STOCK_CHECKER", False, fallback="false", replay="false")]
    figures = figures_from_lines(lines)
    assert figures.fallback_rate == 25.0
    assert figures.idempotency_hits == 2


def test_metrics_line_supplies_what_summaries_do_not_carry() -> None:
    lines = [summary("SICK_CALLER", False),
             f"{PREFIX}[V2-METRICS] total=100 llm_rate=3.0% fallback_rate=7.5% "
             "idempotency_hits=4 actions={ASK_QUESTION=60, FIND_PLACE=10, CONFIRM=20, "
             "COMPLETE=10} agent_llm_rate={SICK_CALLER=12.0%, STOCK_CHECKER=1.0%}"]
    figures = figures_from_lines(lines)
    assert figures.fallback_rate == 7.5
    assert figures.idempotency_hits == 4
    assert figures.sick_llm_rate == 0.0  # counted from the one summary line, not the metrics


def test_metrics_line_alone_gives_the_sick_caller_rate() -> None:
    line = (f"{PREFIX}[V2-METRICS] total=10 llm_rate=3.0% fallback_rate=0.0% idempotency_hits=0 "
            "actions={ASK_QUESTION=6} SICK_CALLER=40.0%")
    figures = figures_from_lines([line])
    assert figures.sick_llm_rate == 40.0
    assert figures.total == 10


def test_metrics_line_as_the_server_writes_it() -> None:
    line = (f"{PREFIX}[V2-METRICS] total=100 llm_rate=3.0% fallback_rate=1.0% "
            "idempotency_hits=2 actions={ASK_QUESTION=60, FIND_PLACE=10, CONFIRM=20, COMPLETE=10} "
            "llm_rate[SICK_CALLER]=30.0% llm_rate[STOCK_CHECKER]=1.0%")
    figures = figures_from_lines([line])
    assert figures.sick_llm_rate == 30.0
    assert figures.fallback_rate == 1.0
    assert figures.idempotency_hits == 2
    assert breaches(evaluate(figures)) == [
        "llm_rate % 30.0% (threshold <25% for SICK_CALLER)"]


def test_anomaly_lines_are_counted_with_their_kinds() -> None:
    lines = [f"{PREFIX}[V2-ANOMALY] kind=llm_failure conversationId=c1",
             f"{PREFIX}[V2-ANOMALY] kind=repeated_question conversationId=c2 slot=caller_name"]
    figures = figures_from_lines(lines)
    assert figures.anomalies == 2
    assert figures.anomaly_kinds == ("llm_failure", "repeated_question")


@pytest.mark.parametrize(("figures", "breached"), [
    (WatchFigures(), []),
    (WatchFigures(anomalies=1), ["[V2-ANOMALY] count"]),
    (WatchFigures(sick_llm_rate=24.9), []),
    (WatchFigures(sick_llm_rate=25.0), ["llm_rate %"]),
    (WatchFigures(fallback_rate=4.9), []),
    (WatchFigures(fallback_rate=5.0), ["fallback_rate %"]),
    (WatchFigures(idempotency_hits=500), []),
])
def test_thresholds_follow_the_seed(figures: WatchFigures, breached: list[str]) -> None:
    rows = evaluate(figures)
    assert [r.metric for r in rows if r.status == BREACH] == breached
    assert [r.metric for r in rows] == ["[V2-ANOMALY] count", "llm_rate %", "fallback_rate %",
                                        "idempotency_hits"]
    assert rows[3].status == OK


def test_admin_metrics_body_gives_the_same_figures() -> None:
    body = {"overall": {"total": 40, "llmRate": 5.0, "fallbackRate": 2.5, "idempotencyHits": 3,
                        "anomalies": 1},
            "agents": {"SICK_CALLER": {"total": 10, "llmRate": 30.0}},
            "anomalies": [{"kind": "llm_failure", "conversationId": "c1"}]}
    figures = figures_from_metrics(body)
    assert figures == WatchFigures(anomalies=1, sick_llm_rate=30.0, fallback_rate=2.5,
                                   idempotency_hits=3, total=40, sick_total=10,
                                   anomaly_kinds=("llm_failure",))
    assert breaches(evaluate(figures)) == [
        "[V2-ANOMALY] count 1 (threshold 0)",
        "llm_rate % 30.0% (of 10 SICK_CALLER requests) (threshold <25% for SICK_CALLER)"]


def test_admin_metrics_without_sick_caller_traffic_is_zero() -> None:
    figures = figures_from_metrics({"overall": {"total": 0}, "agents": {}, "anomalies": []})
    assert figures.sick_llm_rate == 0.0
    assert breaches(evaluate(figures)) == []


def test_log_tail_reads_only_new_lines_and_waits_for_unfinished_ones(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(f"{PREFIX}[V2-ANOMALY] kind=old\n")
    tail = LogTail(log, from_start=False)
    assert tail.sample().anomalies == 0
    with log.open("a") as handle:
        handle.write(f"{PREFIX}[V2-ANOMALY] kind=lost_keys\n{PREFIX}[V2-ANOMALY] kind=par")
    assert tail.sample().anomaly_kinds == ("lost_keys",)
    with log.open("a") as handle:
        handle.write("tial\n")
    assert tail.sample().anomaly_kinds == ("lost_keys", "partial")
    assert LogTail(log, from_start=True).sample().anomalies == 3


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_watch_samples_over_the_whole_period_and_keeps_the_breach() -> None:
    clock = FakeClock()
    samples = iter([WatchFigures(), WatchFigures(fallback_rate=9.0), WatchFigures()] * 5)
    ticks: list[float] = []
    outcome = run_watch(lambda: next(samples), 30.0, 10.0, clock=clock, sleep=clock.sleep,
                        on_tick=lambda elapsed, _f, _r: ticks.append(elapsed))
    assert ticks == [0.0, 10.0, 20.0, 30.0]
    assert outcome.samples == 4
    assert outcome.breaches == ["fallback_rate % 9.0% (threshold <5%)"]
    assert outcome.first_breach_at == 10.0
    assert not outcome.stopped_early


def test_watch_stops_on_the_first_breach_when_asked() -> None:
    clock = FakeClock()
    samples = iter([WatchFigures(), WatchFigures(anomalies=2)])
    outcome = run_watch(lambda: next(samples), 900.0, 10.0, stop_on_breach=True, clock=clock,
                        sleep=clock.sleep)
    assert outcome.samples == 2
    assert outcome.stopped_early
    assert outcome.breaches == ["[V2-ANOMALY] count 2 (threshold 0)"]


def test_watch_is_bounded_even_when_the_clock_stands_still() -> None:
    clock = FakeClock()
    outcome = run_watch(WatchFigures, 3.0, 1.0, clock=clock, sleep=lambda _: None)
    assert outcome.samples == 4
    assert outcome.breaches == []
