"""Rich tables for the rollout commands: smoke rows, summary lines and the watch table."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from proxycall.cli.rollout.checks import FAIL, PASS, Row
from proxycall.cli.rollout.smoke import SmokeConversation
from proxycall.cli.rollout.watch import BREACH, MetricRow

SCENARIO_TITLES = {
    "stock": "Scenario 1: STOCK_CHECKER",
    "sick": "Scenario 2: SICK_CALLER (then brief, start, status)",
    "rejection": "Scenario 3: Rejection Flow",
    "acceptance": "1.4 Acceptance Criteria",
}
_STATUS_STYLE = {PASS: "bold green", FAIL: "bold red"}


def status_text(status: str) -> Text:
    """PASS in green, FAIL in red, anything else dim."""
    return Text(status, style=_STATUS_STYLE.get(status, "dim"))


def rows_table(scenario: str, rows: Sequence[Row]) -> Table:
    """One scenario's PASS/FAIL table: Turn, Input, Expected, Actual, Pass."""
    table = Table(title=SCENARIO_TITLES.get(scenario, scenario), title_justify="left",
                  expand=False, show_lines=False)
    for name in ("Turn", "Input", "Expected", "Actual", "Pass"):
        table.add_column(name, overflow="fold")
    for item in rows:
        table.add_row(item.turn, item.input, item.expected, item.actual, status_text(item.status))
    return table


def smoke_tables(rows: Sequence[Row]) -> list[Table]:
    """A table per scenario, in the rollout log's order."""
    order = [s for s in SCENARIO_TITLES if any(r.scenario == s for r in rows)]
    return [rows_table(s, [r for r in rows if r.scenario == s]) for s in order]


def summary_lines(conversations: dict[str, SmokeConversation]) -> list[str]:
    """Every turn's [V2-SUMMARY] line, labelled with its scenario and turn."""
    lines: list[str] = []
    for scenario, conv in conversations.items():
        for item in conv.summaries:
            lines.append(f"{scenario} {item['turn']}: {item['line']}")
    return lines


def watch_table(rows: Sequence[MetricRow], title: str = "2.5 Watch Period") -> Table:
    """The rollout log's watch table: Metric, Observed Value, Threshold, Status."""
    table = Table(title=title, title_justify="left")
    for name in ("Metric", "Observed Value", "Threshold", "Status"):
        table.add_column(name)
    for item in rows:
        style = "bold red" if item.status == BREACH else "bold green"
        table.add_row(item.metric, item.observed, item.threshold, Text(item.status, style=style))
    return table
