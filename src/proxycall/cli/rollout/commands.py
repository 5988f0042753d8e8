"""`proxycall rollout`: smoke, watch, report and check, over HTTP against a running server."""

from __future__ import annotations

import functools
import math
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from proxycall.cli.rollout import render as render
from proxycall.cli.rollout.charts import write_charts
from proxycall.cli.rollout.client import RolloutClient, RolloutHttpError
from proxycall.cli.rollout.ops import (
    MetricsSampler,
    check_data,
    rollback,
    run_smoke,
    safe_get,
    stamp_of,
)
from proxycall.cli.rollout.records import ReportInputs
from proxycall.cli.rollout.report import render_report
from proxycall.cli.rollout.watch import (
    LogTail,
    WatchFigures,
    evaluate,
    interval_line,
    run_watch,
    summary_lines,
)

rollout_app = typer.Typer(help="The rollout log as commands: smoke, watch, report, check.",
                          no_args_is_help=True)
console = Console(highlight=False)

CHECK_WINDOWS = {"24h": 1440, "48h": 2880}

BaseUrl = Annotated[str, typer.Option("--base-url", help="Where the service runs.",
                                      envvar="PROXYCALL_BASE_URL")]
Token = Annotated[str, typer.Option("--token", help="Admin bearer token (never printed).",
                                    envvar="PROXYCALL_ADMIN_TOKEN", show_default=False)]


class Engine(StrEnum):
    """The engine a rollout step targets."""

    v1 = "v1"
    v2 = "v2"


class Stage(StrEnum):
    """Where in the rollout a step is."""

    staging = "staging"
    production = "production"


class Label(StrEnum):
    """The time label of a rollout step (24h, 48h)."""

    day = "24h"
    two_days = "48h"


@rollout_app.command()
def smoke(
    base_url: BaseUrl,
    token: Token,
    out: Annotated[Path | None, typer.Option(
        help="Artifacts folder [default: ./rollout-artifacts/<stamp>/].")] = None,
    screenshot: Annotated[bool, typer.Option(
        help="Screenshot the confirmation cards in the web app (needs Playwright and "
        "Chromium).")] = True,
    expect_engine: Annotated[Engine, typer.Option(
        help="Engine that should answer /v2: v1 while the kill switch is on.")] = Engine.v2,
    stage: Annotated[Stage, typer.Option(help="Which part of the rollout log this run fills.")]
    = Stage.staging,
    call_timeout: Annotated[float, typer.Option(help="Seconds to wait for the call to end.")]
    = 60.0,
) -> None:
    """Run the rollout log's three scenarios plus brief, start, status; exit 0 if all pass."""
    stamp = stamp_of(datetime.now(UTC))
    out_dir = out or Path("rollout-artifacts") / stamp
    with RolloutClient(base_url, token) as client:
        result, recorded = run_smoke(client, stamp, out_dir, console, expect=expect_engine.value,
                                     stage=stage.value, screenshot=screenshot,
                                     call_timeout=call_timeout)
    for table in render.smoke_tables(result.rows):
        console.print(table)
    console.print("[bold][V2-SUMMARY] lines[/bold]")
    for line in render.summary_lines(result.conversations) or ["(none returned)"]:
        console.print(f"  {line}", markup=False)
    failed = sum(1 for r in result.rows if not r.passed)
    console.print(f"Artifacts: {out_dir}")
    console.print(f"Recorded on the server: {'yes' if recorded else 'NO'}")
    verdict = "[bold green]PASS[/]" if result.passed else f"[bold red]FAIL[/] ({failed} rows)"
    console.print(f"Smoke (expecting {expect_engine.value}): {verdict}")
    raise typer.Exit(0 if result.passed and recorded else 1)


@rollout_app.command()
def watch(
    base_url: BaseUrl,
    token: Token,
    minutes: Annotated[float, typer.Option(min=0.01, help="Length of the watch period.")] = 15.0,
    interval: Annotated[float, typer.Option(min=0.1, help="Seconds between samples.")] = 10.0,
    auto_rollback: Annotated[bool, typer.Option(
        help="On the first breach, turn the runtime kill switch on and confirm recovery.")]
    = False,
    log: Annotated[Path | None, typer.Option(
        help="Read [V2-*] lines from this log file instead of /admin/metrics.")] = None,
    log_from_start: Annotated[bool, typer.Option(
        help="With --log: count the whole file, not only lines written during the watch.")]
    = False,
) -> None:
    """Track the watch-period figures against the rollout log's thresholds; exit 1 on a breach."""
    started = datetime.now(UTC)
    with RolloutClient(base_url, token) as client:
        if log is not None:
            if not log.is_file():
                console.print(f"[red]No log file at {log}[/]")
                raise typer.Exit(2)
            sampler: Any = LogTail(log, from_start=log_from_start)
            source = f"log {log}"
        else:
            sampler = MetricsSampler(client, max(1, math.ceil(minutes)))
            source = f"/admin/metrics?windowMinutes={max(1, math.ceil(minutes))}"
        outcome = _watch_live(sampler.sample, minutes * 60, interval, auto_rollback)
        failures = getattr(sampler, "failures", 0)
        if failures and failures >= outcome.samples:
            console.print("[red]No figures: every metrics request failed.[/]")
            raise typer.Exit(2)
        if console.is_terminal:
            console.print(render.watch_table(outcome.rows))
        for reason in outcome.breaches:
            console.print(f"[bold red]BREACH[/] {reason}")
        for line in summary_lines(outcome.figures, outcome.rows, outcome.samples):
            console.print(line, markup=False, highlight=False, soft_wrap=True)
        rolled = bool(outcome.breaches and auto_rollback)
        data = {"startedAt": started.isoformat(), "endedAt": datetime.now(UTC).isoformat(),
                "minutes": minutes, "intervalSeconds": interval, "source": source,
                "figures": outcome.figures.as_dict(),
                "rows": [r.as_dict() for r in outcome.rows], "breaches": outcome.breaches,
                "samples": outcome.samples, "fetchErrors": failures,
                "firstBreachSeconds": outcome.first_breach_at, "rollback": rolled}
        recorded = _record(client, "watch", data)
        if rolled:
            recovered = rollback(client, "; ".join(outcome.breaches), console)
            recorded = recorded and recovered is not None
    console.print(f"Recorded on the server: {'yes' if recorded else 'NO'}")
    raise typer.Exit(1 if outcome.breaches or not recorded else 0)


def _watch_live(sample: Any, duration_s: float, interval: float, stop_on_breach: bool) -> Any:
    """run_watch with a progress bar and the live table on a terminal; else a line a sample."""
    if not console.is_terminal:
        def print_line(elapsed: float, figures: WatchFigures, rows: list[Any]) -> None:
            console.print(interval_line(elapsed, duration_s, figures, rows), markup=False,
                          highlight=False, soft_wrap=True)

        return run_watch(sample, duration_s, interval, on_tick=print_line,
                         stop_on_breach=stop_on_breach)
    progress = Progress(TextColumn("Watch period"), BarColumn(), TimeElapsedColumn(),
                        TextColumn("{task.completed:.0f}/{task.total:.0f} s"),
                        console=console)
    task = progress.add_task("watch", total=duration_s)
    holder = {"table": render.watch_table(evaluate(WatchFigures()))}
    with Live(Group(progress, holder["table"]), console=console, refresh_per_second=4,
              transient=True) as live:
        def on_tick(elapsed: float, _figures: WatchFigures, rows: list[Any]) -> None:
            progress.update(task, completed=elapsed)
            live.update(Group(progress, render.watch_table(rows)))

        return run_watch(sample, duration_s, interval, on_tick=on_tick,
                         stop_on_breach=stop_on_breach)


def _record(client: RolloutClient, kind: str, data: dict[str, Any]) -> bool:
    try:
        client.add_record(kind, data)
    except RolloutHttpError as exc:
        console.print(f"[red]Could not record the {kind} on the server: {exc}[/]", markup=True)
        return False
    return True


@rollout_app.command()
def report(
    base_url: BaseUrl,
    token: Token,
    out: Annotated[Path, typer.Option(help="Markdown file to write.")] = Path("ROLLOUT_LOG.md"),
) -> None:
    """Write the rollout log filled in from the records stored on the server."""
    with RolloutClient(base_url, token) as client:
        try:
            records = client.records()
        except RolloutHttpError as exc:
            console.print(f"[red]Could not read the rollout records: {exc}[/]")
            raise typer.Exit(1) from None
        inputs = ReportInputs(
            records=records,
            startup=safe_get(client.startup, console, "startup lines"),
            metrics=safe_get(client.metrics, console, "metrics"),
            metrics_24h=safe_get(lambda: client.metrics(CHECK_WINDOWS["24h"]), console,
                                 "24 h metrics"),
            metrics_48h=safe_get(lambda: client.metrics(CHECK_WINDOWS["48h"]), console,
                                 "48 h metrics"),
        )
        charts = _report_charts(client, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(inputs) + _charts_section(charts, out), encoding="utf-8")
    console.print(f"Wrote {out} from {len(records)} records, with {len(charts)} charts.")


CHART_WINDOWS = ("15m", "1h", "24h")  # the watch period, and the day the 24/48 h checks read


def _report_charts(client: RolloutClient, out: Path) -> list[Path]:
    """The console's charts as SVG files beside the report (none if the server has no series)."""
    folder = out.with_name(f"{out.stem}-charts")
    written: list[Path] = []
    for window in CHART_WINDOWS:
        body = safe_get(functools.partial(client.metrics_series, window), console,
                        f"{window} chart figures")
        if body:
            written += write_charts(body, folder)
    return written


def _charts_section(charts: list[Path], out: Path) -> str:
    if not charts:
        return ""
    lines = ["", "## Charts", "",
             "The watch figures over the last 15 minutes, hour and day when this report was "
             "written (dashed: the rollout log's threshold; orange: a kill-switch flip).", ""]
    lines += [f"![{path.stem}]({path.relative_to(out.parent).as_posix()})" for path in charts]
    return "\n".join(lines) + "\n"


@rollout_app.command()
def check(
    base_url: BaseUrl,
    token: Token,
    label: Annotated[Label, typer.Option(help="Which post-rollout check: 24h or 48h.")],
) -> None:
    """Record the 24 h or 48 h post-rollout check; exit 1 when a threshold is breached."""
    minutes = CHECK_WINDOWS[label.value]
    with RolloutClient(base_url, token) as client:
        try:
            body = client.metrics(minutes)
        except RolloutHttpError as exc:
            console.print(f"[red]Could not read the metrics: {exc}[/]")
            raise typer.Exit(1) from None
        data = check_data(label.value, minutes, body, datetime.now(UTC))
        recorded = _record(client, "check", data)
    console.print(render.watch_table(evaluate(WatchFigures(**{
        k: v for k, v in data["figures"].items() if k != "anomaly_kinds"})),
        title=f"{label.value} check (last {minutes} minutes, "
        f"{data['overall'].get('total', 0)} requests)"))
    console.print(f"Recorded on the server: {'yes' if recorded else 'NO'}")
    raise typer.Exit(1 if data["breaches"] or not recorded else 0)
