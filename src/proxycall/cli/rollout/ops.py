"""What the rollout commands do beyond drawing: smoke with artifacts, sampling, rollback, checks."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from proxycall.cli.rollout.browser import CardScreenshotter, browser_unavailable
from proxycall.cli.rollout.client import RolloutClient, RolloutHttpError
from proxycall.cli.rollout.smoke import SCENARIOS, SmokeOptions, SmokeResult, SmokeRun
from proxycall.cli.rollout.watch import (
    WatchFigures,
    breaches,
    evaluate,
    figures_from_metrics,
)

RECOVERY_ATTEMPTS = 5  # re-runs of the stock scenario expecting v1 after a rollback
RECOVERY_WAIT_SECONDS = 1.0  # the runtime switch reaches every process within 2 s


def stamp_of(moment: datetime) -> str:
    """A UTC stamp for ids and folders, unique to the millisecond ("20260201T031500123Z")."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%S}{moment.microsecond // 1000:03d}Z"


def safe_get(fetch: Callable[[], Any], console: Console | None = None,
             what: str = "") -> Any:
    """The fetched body, or None (with a printed note) when the server refused."""
    try:
        return fetch()
    except RolloutHttpError as exc:
        if console is not None:
            console.print(f"[yellow]Could not read the {what}: {exc}[/]")
        return None


def save_json(path: Path, value: Any) -> None:
    """Write JSON for a person to read (the artifacts of a run)."""
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False, default=str),
                    encoding="utf-8")


def run_smoke(client: RolloutClient, stamp: str, out_dir: Path, console: Console, *,
              expect: str = "v2", stage: str = "staging", screenshot: bool = True,
              call_timeout: float = 60.0, scenarios: tuple[str, ...] = SCENARIOS,
              record: bool = True) -> tuple[SmokeResult, bool]:
    """Run the scenarios, save every exchange under out_dir, and record the run on the server."""
    first = len(client.exchanges)
    startup = safe_get(client.startup)
    kill_switch = safe_get(client.kill_switch)
    out_dir.mkdir(parents=True, exist_ok=True)
    smoke_client = client.as_smoke_user()
    hook = None
    if screenshot:
        reason = browser_unavailable()
        if reason:
            console.print(f"screenshot: not taken ({reason})")
        hook = CardScreenshotter(client.base_url, smoke_client.token, out_dir)
    options = SmokeOptions(stamp=stamp, expect_engine=expect, call_timeout_s=call_timeout)
    try:
        result = SmokeRun(smoke_client, options, on_card=hook).run(scenarios)
    finally:
        smoke_client.close()
    data = result.record_data() | {
        "stage": stage, "expectEngine": expect, "scenarios": list(scenarios),
        "startup": startup, "killSwitch": kill_switch,
        "artifactsDir": str(out_dir.resolve()), "baseUrl": client.base_url,
    }
    save_json(out_dir / "exchanges.json", [e.as_dict() for e in client.exchanges[first:]])
    save_json(out_dir / "summaries.json", data["summaries"])
    save_json(out_dir / "rows.json", data["rows"])
    save_json(out_dir / "record.json", data)
    if not record:
        return result, True
    try:
        client.add_record("smoke", data)
    except RolloutHttpError as exc:
        console.print(f"[red]Could not record the smoke run on the server: {exc}[/]")
        return result, False
    return result, True


class MetricsSampler:
    """Samples /admin/metrics; a failed request keeps the previous figures and is counted."""

    def __init__(self, client: RolloutClient, window_minutes: int) -> None:
        self.client, self.window = client, window_minutes
        self.failures = 0
        self.last = WatchFigures()

    def sample(self) -> WatchFigures:
        """The figures over the watch window now."""
        try:
            self.last = figures_from_metrics(self.client.metrics(self.window))
        except RolloutHttpError:
            self.failures += 1
        return self.last


def rollback(client: RolloutClient, trigger: str, console: Console,
             sleep: Callable[[float], None] = time.sleep) -> dict[str, Any] | None:
    """Turn the runtime kill switch on, confirm v1 answers, and record the rollback event."""
    at = datetime.now(UTC)
    console.print(f"[bold red]Rolling back[/]: {trigger}")
    try:
        switch = client.set_kill_switch(True)
    except RolloutHttpError as exc:
        data = {"at": at.isoformat(), "trigger": trigger, "killSwitch": True,
                "killSwitchSet": False, "recoveryConfirmed": False,
                "timeToRecoverySeconds": None,
                "actions": f"Watch breached ({trigger}); setting the kill switch failed: {exc}"}
        return data if _record_rollback(client, data, console) else None
    started = time.monotonic()
    result: SmokeResult | None = None
    attempts = 0
    for attempts in range(1, RECOVERY_ATTEMPTS + 1):
        stamp = f"{stamp_of(datetime.now(UTC))}-recovery{attempts}"
        result, _ = run_smoke(client, stamp, Path("rollout-artifacts") / stamp, console,
                              expect="v1", stage="production", screenshot=False,
                              scenarios=("stock",), record=False)
        if result.passed:
            break
        sleep(RECOVERY_WAIT_SECONDS)
    confirmed = bool(result and result.passed)
    seconds = round(time.monotonic() - started, 1) if confirmed else None
    data = {
        "at": at.isoformat(), "trigger": trigger, "killSwitch": True, "killSwitchSet": True,
        "killSwitchEffective": switch.get("effective"), "recoveryConfirmed": confirmed,
        "timeToRecoverySeconds": seconds, "recoveryAttempts": attempts,
        "recoveryRows": [r.as_dict() for r in (result.rows if result else [])],
        "actions": f"Watch breached: {trigger}. PUT /admin/kill-switch active=true "
        f"(effective={switch.get('effective')}). Stock scenario re-run expecting engine v1: "
        + (f"PASS after {attempts} attempt(s), {seconds} s." if confirmed
           else f"still failing after {attempts} attempts."),
    }
    console.print(f"Recovery confirmed: {'YES' if confirmed else 'NO'}"
                  + (f" in {seconds} s" if confirmed else ""))
    return data if _record_rollback(client, data, console) else None


def _record_rollback(client: RolloutClient, data: dict[str, Any], console: Console) -> bool:
    try:
        client.add_record("rollback", data)
    except RolloutHttpError as exc:
        console.print(f"[red]Could not record the rollback on the server: {exc}[/]")
        return False
    return True


def check_data(label: str, minutes: int, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The "check" record for a 24 h or 48 h post-rollout check."""
    figures = figures_from_metrics(body)
    rows = evaluate(figures)
    return {"label": label, "at": now.isoformat(), "windowMinutes": minutes,
            "overall": body.get("overall") or {},
            "sickCaller": (body.get("agents") or {}).get("SICK_CALLER") or {},
            "figures": figures.as_dict(), "rows": [r.as_dict() for r in rows],
            "breaches": breaches(rows)}
