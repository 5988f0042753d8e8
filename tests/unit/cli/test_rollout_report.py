"""The rollout log written from records: filled where something was done, blank where not."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.unit.cli.fake_server import FakeServer

from proxycall.cli.rollout.client import RolloutClient
from proxycall.cli.rollout.ops import check_data
from proxycall.cli.rollout.records import ReportInputs
from proxycall.cli.rollout.report import render_report
from proxycall.cli.rollout.smoke import SmokeOptions, SmokeRun
from proxycall.cli.rollout.watch import WatchFigures, evaluate

NOW = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)
SEED_HEADINGS = [
    "# V2 Engine Rollout Log", "## 1. Staging Go/No-Go", "### 1.1 Deployment Configuration",
    "### 1.2 Startup Log Verification", "### 1.3 Smoke Run Results",
    "#### Scenario 1: STOCK_CHECKER", "#### Scenario 2: SICK_CALLER",
    "#### Scenario 3: Rejection Flow", "### 1.4 Acceptance Criteria Checklist",
    "## 2. Production Rollout", "### 2.1 Initial Deployment (Kill Switch ON)",
    "### 2.2 Boot Log Verification", "### 2.3 Kill Switch Flip (OFF)",
    "### 2.4 Production Smoke Runs", "#### Scenario 1: STOCK_CHECKER",
    "#### Scenario 2: SICK_CALLER", "#### Scenario 3: Rejection Flow",
    "### 2.5 15-Minute Watch Period", "## 3. Rollback Events (if any)", "### Rollback #1",
    "## 4. Post-Rollout Status", "### 24-Hour Check", "### 48-Hour Check", "## 5. Sign-Off",
    "## Appendix: Quick Reference", "### Fast Rollback Command",
    "### Key Log Patterns to Watch",
]
STARTUP = {"startedAt": "2026-01-31T23:50:00+00:00",
           "lines": ["[STARTUP] Conversation engine: v2", "[STARTUP] Kill switch active: False"]}


def headings(markdown: str) -> list[str]:
    found, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif line.startswith("#") and not fenced:
            found.append(line)
    return found


def smoke_record(server: FakeServer, stage: str = "staging", expect: str = "v2",
                 created: str = "2026-02-01T00:05:00+00:00",
                 startup: dict[str, Any] | None = STARTUP) -> dict[str, Any]:
    client = RolloutClient("http://proxycall.test", "secret-token", transport=server.transport())
    options = SmokeOptions(stamp="s1", expect_engine=expect)
    result = SmokeRun(client, options, now=lambda: NOW, sleep=lambda _: None).run()
    data = result.record_data() | {"stage": stage, "expectEngine": expect, "startup": startup,
                                   "artifactsDir": "/tmp/artifacts"}
    return {"id": 1, "kind": "smoke", "createdAt": created, "data": data}


def watch_record(figures: WatchFigures, rollback: bool = False) -> dict[str, Any]:
    rows = evaluate(figures)
    return {"id": 2, "kind": "watch", "createdAt": "2026-02-01T01:00:00+00:00", "data": {
        "startedAt": "2026-02-01T00:45:00+00:00", "endedAt": "2026-02-01T01:00:00+00:00",
        "figures": figures.as_dict(), "rows": [r.as_dict() for r in rows],
        "breaches": [f"{r.metric} {r.observed}" for r in rows if r.status == "BREACH"],
        "samples": 90, "source": "/admin/metrics", "rollback": rollback}}


def test_nothing_recorded_keeps_the_seed_document_blank() -> None:
    report = render_report(ReportInputs(records=[], generated_at=NOW))
    assert headings(report) == SEED_HEADINGS
    assert "**Engineer**: _______________" in report
    assert "**Rollout Date**: 2026-02-01" in report
    assert "| 1 | \"Check if JB Hi-Fi has Sony headphones\" | product_name |  |  |" in report
    assert "| 7 | (CONFIRM) | COMPLETE |  |  |" in report
    assert "(paste startup log lines here)" in report
    assert "(paste final turn summary log)" in report
    assert "**Watch start**: _______________" in report
    assert "- [x]" not in report
    assert "_No rollback recorded._" in report
    assert "**STAGING GO/NO-GO DECISION**: [ ] GO / [ ] NO-GO" in report


def test_a_staging_smoke_run_fills_section_one() -> None:
    report = render_report(ReportInputs(records=[smoke_record(FakeServer())], generated_at=NOW))
    assert headings(report) == SEED_HEADINGS
    assert ('| 1 | "Check if JB Hi-Fi has Sony headphones" | product_name | '
            "product_name=Sony headphones; retailer_name=JB Hi-Fi; ASK_QUESTION(quantity) | PASS |"
            ) in report
    assert ('| 2 | "+61412345678" | employer_phone | employer_phone=+6141****678; '
            "ASK_QUESTION(caller_name) | PASS |") in report
    assert "| REJECT | ASK_QUESTION (employer_name) | ASK_QUESTION(employer_name); all 6 values " \
           "kept | PASS |" in report
    assert "- [x] `[STARTUP] Conversation engine: v2` visible" in report
    assert "- [x] Response: `agentMeta.phoneSource: \"DIRECT_SLOT\"`" in report
    assert "- [x] Twilio: Zero OpenAI calls in deterministic flow — PASS: llmCalls=0" in report
    assert "| /call/status terminates cleanly | PASS |" in report
    assert "[V2-SUMMARY] id=x agent=SICK_CALLER action=COMPLETE" in report
    assert "Recommendation from the recorded smoke run: GO — all" in report
    assert "**STAGING GO/NO-GO DECISION**: [ ] GO / [ ] NO-GO" in report  # a person decides
    assert "**Timestamp**: 2026-02-01 09:50:00 AEST" in report  # Brisbane time
    assert "**Decision timestamp**: _______________" in report
    assert "secret-token" not in report


def test_a_failing_run_recommends_no_go_and_leaves_artifacts_unticked() -> None:
    report = render_report(ReportInputs(records=[smoke_record(FakeServer(engine="v1"))],
                                        generated_at=NOW))
    assert "- [ ] Response: `engineVersion: \"v2\"` — FAIL: engineVersion v1 on 4 of 4 turns" \
        in report
    assert "Recommendation from the recorded smoke run: NO-GO" in report


def test_unknown_startup_lines_are_not_ticked_but_explained() -> None:
    record = smoke_record(FakeServer(), startup=None)
    report = render_report(ReportInputs(records=[record], generated_at=NOW))
    assert "- [ ] `[STARTUP] Conversation engine: v2` visible — no [STARTUP] lines" in report
    assert "| CONVERSATION_ENGINE_VERSION | v2 (not verified: no [STARTUP] line) |" in report


def test_production_runs_watch_rollback_and_checks_fill_sections_two_to_four() -> None:
    boot = {"startedAt": "2026-02-01T02:00:00+00:00",
            "lines": ["[STARTUP] Conversation engine: v2", "[STARTUP] Kill switch active: True"]}
    after = {"startedAt": "2026-02-01T02:30:00+00:00",
             "lines": ["[STARTUP] Conversation engine: v2", "[STARTUP] Kill switch active: False"]}
    body = {"overall": {"total": 1200, "llmRate": 4.0, "fallbackRate": 0.5, "anomalies": 0},
            "agents": {"SICK_CALLER": {"total": 300, "llmRate": 2.0}}, "anomalies": []}
    records = [
        smoke_record(FakeServer(engine="v1"), "production", "v1", "2026-02-01T02:05:00+00:00",
                     boot),
        smoke_record(FakeServer(), "production", "v2", "2026-02-01T02:35:00+00:00", after),
        watch_record(WatchFigures(fallback_rate=8.0, anomaly_kinds=("llm_failure",),
                                  anomalies=1), rollback=True),
        {"id": 4, "kind": "rollback", "createdAt": "2026-02-01T01:00:05+00:00", "data": {
            "at": "2026-02-01T01:00:01+00:00", "trigger": "fallback_rate % 8.0%",
            "killSwitch": True, "recoveryConfirmed": True, "timeToRecoverySeconds": 3.2,
            "actions": "PUT /admin/kill-switch active=true"}},
        {"id": 5, "kind": "check", "createdAt": "2026-02-02T02:00:00+00:00",
         "data": check_data("24h", 1440, body, datetime(2026, 2, 2, 2, tzinfo=UTC))},
    ]
    report = render_report(ReportInputs(records=records, generated_at=NOW))
    assert headings(report) == SEED_HEADINGS
    assert "- [x] `[STARTUP] Kill switch active: True` visible" in report
    assert "**Deployment timestamp**: 2026-02-01 12:00:00 AEST" in report
    assert "- [x] Service restarted/reloaded" in report
    assert "- [x] `[STARTUP] Kill switch active: False` confirmed" in report
    assert "| Result | PASS |" in report
    assert "| fallback_rate % | 8.0% | <5% | BREACH |" in report
    assert "anomaly kinds: llm_failure" in report
    assert "| Trigger reason | fallback_rate % 8.0% |" in report
    assert "| Recovery confirmed | YES |" in report
    assert "| Time to recovery | 3.2 s |" in report
    assert "| Total v2 requests | 1200 | OK |" in report
    assert "| llm_rate % | 4.0% overall, 2.0% SICK_CALLER | OK |" in report
    assert "**Timestamp**: 2026-02-02 12:00:00 AEST" in report
    # nothing recorded for 48 h: it stays blank and stability is not claimed
    day_two = report.split("### 48-Hour Check", 1)[1].split("## 5.", 1)[0]
    assert "**Timestamp**: _______________" in day_two
    assert "| Total v2 requests | | |" in day_two
    assert "**48-Hour Stability Confirmed**: [ ] YES / [ ] NO" in report
    # a person signs
    assert "| Engineer |  |  | |" in report


def test_live_figures_are_shown_apart_from_recorded_checks() -> None:
    live = {"overall": {"total": 7, "llmRate": 0.0, "fallbackRate": 0.0, "anomalies": 0}}
    report = render_report(ReportInputs(records=[], metrics_48h=live, generated_at=NOW))
    assert "_Live figures at report time for the last 48 h (not a recorded check): 7 requests" \
        in report
    assert "| Total v2 requests | | |" in report


def test_table_cells_escape_pipes() -> None:
    record = smoke_record(FakeServer())
    record["data"]["rows"][0]["actual"] = "a | b"
    report = render_report(ReportInputs(records=[record], generated_at=NOW))
    assert "a \\| b" in report
