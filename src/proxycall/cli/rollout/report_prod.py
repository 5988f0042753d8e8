"""The rollout log's production, rollback, post-rollout and sign-off sections (2 to 5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from proxycall.cli.rollout import records as rec
from proxycall.cli.rollout.records import Record, ReportInputs, cell, check, code_block
from proxycall.cli.rollout.watch import FALLBACK_RATE_LIMIT, SICK_LLM_RATE_LIMIT

WATCH_METRICS = (("[V2-ANOMALY] count", "0"), ("llm_rate %", "<25% for SICK_CALLER"),
                 ("fallback_rate %", "<5%"), ("idempotency_hits", "Normal"))

APPENDIX = """## Appendix: Quick Reference

### Fast Rollback Command

```bash
# Set kill switch ON (runtime: every process sees it within 2 seconds, no restart)
proxycall killswitch on

# Or, as before: set kill switch ON in the environment
export CONVERSATION_ENGINE_KILL_SWITCH=true

# Restart service
# (platform-specific command here)

# Verify rollback
proxycall rollout smoke --base-url URL --token T --expect-engine v1
```

### Key Log Patterns to Watch

```bash
# Startup verification
grep -E "\\[STARTUP\\]" app.log

# Kill switch routing
grep -E "\\[KILL_SWITCH\\]" app.log

# V2 request summaries
grep -E "\\[V2-SUMMARY\\]" app.log

# Anomaly detection
grep -E "\\[V2-ANOMALY\\]" app.log

# Metrics summaries
grep -E "\\[V2-METRICS\\]" app.log
```
"""


def production_sections(inputs: ReportInputs) -> str:
    """Sections 2, 3, 4, 5 and the appendix."""
    out = ["## 2. Production Rollout", ""]
    out += initial_deployment(inputs) + kill_switch_flip(inputs) + production_smoke(inputs)
    out += watch_period(inputs) + rollbacks(inputs) + post_rollout(inputs) + sign_off(inputs)
    return "\n".join(out) + "\n" + APPENDIX


def _boot(inputs: ReportInputs) -> Record | None:
    """The first production smoke run made while the kill switch was on (v1 answering)."""
    boots = rec.of_kind(inputs.records, "smoke")
    return next((r for r in reversed(boots) if rec.data(r).get("stage") == "production"
                 and rec.data(r).get("expectEngine") == "v1"), None)


def _first_production(inputs: ReportInputs) -> Record | None:
    runs = rec.of_kind(inputs.records, "smoke")
    return next((r for r in reversed(runs) if rec.data(r).get("stage") == "production"
                 and rec.data(r).get("expectEngine", "v2") == "v2"), None)


def initial_deployment(inputs: ReportInputs) -> list[str]:
    """2.1 and 2.2: the boot with the kill switch on, and a /v2 request answered by v1."""
    boot = _boot(inputs)
    startup = rec.startup_of(boot)
    out = ["### 2.1 Initial Deployment (Kill Switch ON)", ""]
    out += rec.config_table(startup, engine="v2", kill="true")
    out += ["", f"**Deployment timestamp**: {rec.local_time((startup or {}).get('startedAt'))}",
            "", "### 2.2 Boot Log Verification", ""]
    out.append(rec.startup_checks(startup, "True")[1])
    engine_row = rec.find_row(boot, "stock", "artifact", 'engineVersion: "v1"')
    if engine_row and engine_row.get("status") == "PASS":
        note = (f"the /v2 test request at {rec.local_time(rec.when(boot))} was answered by v1 "
                "(engineVersion \"v1\"); the log line itself is not visible over HTTP: "
                "grep `[KILL_SWITCH]` in the server log")
    else:
        note = "no production smoke run with `--expect-engine v1` recorded"
    out.append(check(False, "`[KILL_SWITCH] Routing /v2 request to v1` appears on test request",
                     note))
    out += ["", "**Log snippet**:"]
    out += code_block(list((startup or {}).get("lines", [])), "(paste startup log lines here)")
    return [*out, ""]


def kill_switch_flip(inputs: ReportInputs) -> list[str]:
    """2.3: evidence of the flip from the [STARTUP] lines before and after it."""
    before = rec.startup_of(_boot(inputs))
    after = rec.startup_of(_first_production(inputs))
    restarted = bool(before and after and before.get("startedAt") != after.get("startedAt"))
    off = rec.has_line(after, "[STARTUP] Kill switch active: False")
    notes = [r for r in rec.of_kind(inputs.records, "note")
             if rec.data(r).get("event") == "kill_switch" and rec.data(r).get("active") is False]
    flipped_at = rec.when(notes[0]) if notes else (after or {}).get("startedAt") if (
        restarted and off) else None
    evidence = "from the [STARTUP] lines of the first production smoke run"
    return ["### 2.3 Kill Switch Flip (OFF)", "",
            f"**Flip timestamp**: {rec.local_time(flipped_at)}", "",
            check(off, "`CONVERSATION_ENGINE_KILL_SWITCH=false` set",
                  evidence if off else "no production [STARTUP] lines showing it"),
            check(restarted, "Service restarted/reloaded",
                  f"new start at {rec.local_time((after or {}).get('startedAt'))}" if restarted
                  else "no second production start recorded"),
            check(off, "`[STARTUP] Kill switch active: False` confirmed",
                  evidence if off else "not confirmed by a recorded production run"), ""]


def production_smoke(inputs: ReportInputs) -> list[str]:
    """2.4: the latest production smoke run, one small table per scenario."""
    record = rec.latest_smoke(inputs.records, "production")
    out = ["### 2.4 Production Smoke Runs", ""]
    titles = (("stock", "Scenario 1: STOCK_CHECKER"), ("sick", "Scenario 2: SICK_CALLER"),
              ("rejection", "Scenario 3: Rejection Flow"))
    for scenario, title in titles:
        passed = rec.scenario_passed(record, scenario)
        result = "PASS / FAIL" if passed is None else ("PASS" if passed else "FAIL")
        stamp = rec.local_time(rec.when(record)) if record else ""
        out += [f"#### {title}", "", "| Metric | Value |", "|--------|-------|",
                f"| Timestamp | {stamp} |", f"| Result | {result} |"]
        if scenario != "rejection":
            line = rec.last_summary(record, scenario) or ""
            out.append(f"| [V2-SUMMARY] line | {cell(f'`{line}`') if line else ''} |")
        out.append("")
    return out


def watch_period(inputs: ReportInputs) -> list[str]:
    """2.5: the latest watch record."""
    watches = rec.of_kind(inputs.records, "watch")
    body = rec.data(watches[0]) if watches else {}
    rows = {r.get("metric"): r for r in body.get("rows", []) if isinstance(r, Mapping)}
    out = ["### 2.5 15-Minute Watch Period", "",
           f"**Watch start**: {rec.local_time(body.get('startedAt'))}",
           f"**Watch end**: {rec.local_time(body.get('endedAt'))}", "",
           "| Metric | Observed Value | Threshold | Status |",
           "|--------|---------------|-----------|--------|"]
    for metric, threshold in WATCH_METRICS:
        item = rows.get(metric) or {}
        out.append(f"| {metric} | {cell(item.get('observed', ''))} | {threshold} | "
                   f"{item.get('status', '')} |")
    noted = list(body.get("breaches", []))
    kinds = (body.get("figures") or {}).get("anomaly_kinds") or []
    if kinds:
        noted.append("anomaly kinds: " + ", ".join(sorted(set(map(str, kinds)))))
    if body.get("rollback"):
        noted.append("auto-rollback: kill switch set ON (see section 3)")
    if watches and not noted:
        noted = [f"none ({body.get('samples', '?')} samples from {body.get('source', '?')})"]
    out += ["", "**Anomalies observed**:"]
    out += code_block(noted or None, "(list any anomalies and actions taken)")
    return [*out, "", "---", ""]


def _flips(inputs: ReportInputs) -> list[dict[str, Any]]:
    """Every runtime kill-switch flip, oldest first (on and off, who, why)."""
    notes = [rec.data(r) for r in reversed(rec.of_kind(inputs.records, "note"))]
    return [dict(n) for n in notes if n.get("event") == "kill_switch"]


def _flip_table(flips: list[dict[str, Any]]) -> list[str]:
    if not flips:
        return []
    out = ["**Kill switch flips** (every one, on and off):", "",
           "| When | Set to | By | Reason |", "|------|--------|----|--------|"]
    out += [f"| {rec.local_time(f.get('at'))} | {'ON' if f.get('active') else 'off'} | "
            f"{cell(str(f.get('by') or ''))} | {cell(str(f.get('reason') or ''))} |"
            for f in flips]
    return [*out, ""]


def _as_rollback(flip: dict[str, Any]) -> dict[str, Any]:
    """A kill switch turned on by hand is a rollback, recorded as the flip says."""
    return {"trigger": flip.get("reason") or "kill switch turned on", "at": flip.get("at"),
            "killSwitch": True, "actions": f"kill switch set ON by {flip.get('by')}"}


def rollbacks(inputs: ReportInputs) -> list[str]:
    """3: one table per rollback (recorded, or a kill switch turned on), oldest first."""
    recorded = list(reversed(rec.of_kind(inputs.records, "rollback")))
    flips = _flips(inputs)
    recorded_at = [str(rec.data(r).get("at") or "")[:16] for r in recorded]
    manual = [_as_rollback(f) for f in flips if f.get("active")
              and str(f.get("at") or "")[:16] not in recorded_at]  # an auto-rollback's own flip
    events: list[dict[str, Any]] = [dict(rec.data(r)) for r in recorded] + manual
    out = ["## 3. Rollback Events (if any)", ""]
    out += _flip_table(flips)
    if not events:
        out += ["_No rollback recorded._", ""]
    for number, body in enumerate(events or [{}], start=1):
        confirmed = body.get("recoveryConfirmed")
        seconds = body.get("timeToRecoverySeconds")
        out += [f"### Rollback #{number}", "", "| Field | Value |", "|-------|-------|",
                f"| Trigger reason | {cell(body.get('trigger', ''))} |",
                f"| Timestamp | {rec.local_time(body.get('at')) if body else ''} |",
                f"| Kill switch set to | {str(body.get('killSwitch', True)).lower()} |",
                "| Recovery confirmed | "
                f"{'YES / NO' if confirmed is None else ('YES' if confirmed else 'NO')} |",
                f"| Time to recovery | {f'{seconds:.1f} s' if seconds is not None else ''} |",
                "", "**Actions taken**:"]
        out += code_block([str(body["actions"])] if body.get("actions") else None,
                          "(describe what happened and resolution)")
        out += [""]
    return [*out, "---", ""]


def _check_table(record: Record | None) -> list[str]:
    body = rec.data(record)
    overall = body.get("overall") or {}
    figures = body.get("figures") or {}
    out = ["| Metric | Value | Status |", "|--------|-------|--------|"]
    if record is None:
        return out + [f"| {name} | | |" for name in (
            "Total v2 requests", "llm_rate %", "fallback_rate %", "Errors/anomalies")]
    sick = figures.get("sick_llm_rate", 0.0)
    fallback = figures.get("fallback_rate", 0.0)
    anomalies = figures.get("anomalies", 0)
    return [
        *out,
        f"| Total v2 requests | {overall.get('total', figures.get('total', ''))} | OK |",
        f"| llm_rate % | {overall.get('llmRate', '')}% overall, {sick}% SICK_CALLER | "
        f"{'OK' if sick < SICK_LLM_RATE_LIMIT else 'BREACH'} |",
        f"| fallback_rate % | {fallback}% | "
        f"{'OK' if fallback < FALLBACK_RATE_LIMIT else 'BREACH'} |",
        f"| Errors/anomalies | {anomalies} | {'OK' if anomalies == 0 else 'BREACH'} |",
    ]


def _live(label: str, metrics: Mapping[str, Any] | None) -> str | None:
    overall = (metrics or {}).get("overall")
    if not isinstance(overall, Mapping):
        return None
    return (f"_Live figures at report time for the last {label} (not a recorded check): "
            f"{overall.get('total')} requests, llm_rate {overall.get('llmRate')}%, fallback_rate "
            f"{overall.get('fallbackRate')}%, {overall.get('anomalies')} anomalies._")


def post_rollout(inputs: ReportInputs) -> list[str]:
    """4: the 24 h and 48 h checks from "check" records."""
    out = ["## 4. Post-Rollout Status", ""]
    for label, title, live in (("24h", "24-Hour Check", inputs.metrics_24h),
                               ("48h", "48-Hour Check", inputs.metrics_48h)):
        record = rec.latest_check(inputs.records, label)
        out += [f"### {title}", "", f"**Timestamp**: {rec.local_time(rec.when(record))}", ""]
        out += _check_table(record)
        note = _live(label.replace("h", " h"), live) if record is None else None
        out += ["", note, ""] if note else [""]
    stable = rec.latest_check(inputs.records, "48h")
    breached = bool(rec.data(stable).get("breaches")) if stable else None
    yes, no = ("x" if breached is False else " "), ("x" if breached else " ")
    out += [f"**48-Hour Stability Confirmed**: [{yes}] YES / [{no}] NO", "", "---", ""]
    return out


def sign_off(inputs: ReportInputs) -> list[str]:
    """5: names from sign-off records; signatures are always left for people."""
    out = ["## 5. Sign-Off", "", "| Role | Name | Date | Signature |",
           "|------|------|------|-----------|"]
    for role, key in (("Engineer", "engineer"), ("Reviewer", "reviewer")):
        record = next((r for r in rec.of_kind(inputs.records, "signoff")
                       if rec.data(r).get(key)), None)
        name = cell(rec.data(record).get(key, "")) if record else ""
        date = rec.local_date(rec.when(record)) if record else ""
        out.append(f"| {role} | {name} | {date or ''} | |")
    return [*out, "", "---", ""]
