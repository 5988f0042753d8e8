"""Accuracy of the typed parsers and of understanding on the held-out corpus.

Reads tests/data/eval/replies.yaml (single replies per input type) and openers.yaml (whole
messages per agent), prints accuracy per parser and overall, the median microseconds per parse,
and each failure. Deterministic only: no LLM is configured or called. Always exits 0.

    .venv/bin/python bench/eval_parsers.py
"""

from __future__ import annotations

import statistics
import sys
import time as clock
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from proxycall.core.agents import default_registry  # noqa: E402
from proxycall.core.agents.spec import InputType, SlotSpec, TextKind, TimeHint  # noqa: E402
from proxycall.core.conversation import SetSlot  # noqa: E402
from proxycall.core.parsers import (  # noqa: E402
    Ambiguous,
    ParseContext,
    Parsed,
    ParseResult,
    Rejected,
    parse_slot,
)
from proxycall.core.understanding import understand  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "eval"
CTX = ParseContext(today=date(2026, 11, 27), now=time(10, 15))
REGISTRY = default_registry()
REASONS = REGISTRY.agents["SICK_CALLER"].slot("reason_category").choices
REPEAT = 20  # timing runs per input, for a stable median


def _slot(kind: str, case: dict[str, Any]) -> SlotSpec:
    return SlotSpec(
        name="eval", type=InputType(kind), label="eval",
        choices=REASONS if kind == "CHOICE" else (),
        text_kind=TextKind(case.get("kind", "FREE")),
        time_hint=TimeHint(case.get("hint", "BUSINESS_HOURS")),
    )


def _matches(result: ParseResult, expect: object) -> bool:
    if expect == "reject":
        return isinstance(result, Rejected)
    if expect == "ambiguous":
        return isinstance(result, Ambiguous)
    return isinstance(result, Parsed) and result.value == expect


def _timed(call: Callable[[], object]) -> tuple[object, float]:
    samples = []
    result: object = None
    for _ in range(REPEAT):
        started = clock.perf_counter()
        result = call()
        samples.append(clock.perf_counter() - started)
    return result, statistics.median(samples) * 1e6


def _eval_replies() -> dict[str, tuple[int, int, list[float], list[str]]]:
    corpus = yaml.safe_load((CORPUS / "replies.yaml").read_text(encoding="utf-8"))
    report = {}
    for kind, cases in corpus.items():
        ok, timings, failures = 0, [], []
        for case in cases:
            slot = _slot(kind, case)
            result, micros = _timed(lambda s=slot, c=case: parse_slot(s, c["input"], CTX))
            timings.append(micros)
            if _matches(result, case["expect"]):  # type: ignore[arg-type]
                ok += 1
            else:
                failures.append(f"{kind}: {case['input']!r} → {result} (want {case['expect']!r})")
        report[kind] = (ok, len(cases), timings, failures)
    return report


def _eval_openers() -> tuple[int, int, list[float], list[str]]:
    cases = yaml.safe_load((CORPUS / "openers.yaml").read_text(encoding="utf-8"))
    ok, timings, failures = 0, [], []
    for case in cases:
        spec = REGISTRY.agents[case["agent"]]
        commands, micros = _timed(lambda s=spec, c=case: understand(
            s, c["message"], c.get("asked"), c.get("values", {}), CTX))
        timings.append(micros)
        got = {c.slot: c.value for c in commands if isinstance(c, SetSlot)}  # type: ignore[attr-defined]
        if got == case["set"]:
            ok += 1
        else:
            failures.append(f"{case['agent']}: {case['message']!r} → {got} (want {case['set']})")
    return ok, len(cases), timings, failures


def main() -> int:
    """Print the accuracy table and failures; the exit code is always 0."""
    report = _eval_replies()
    report["OPENERS (understand)"] = _eval_openers()
    print(f"{'parser':<22}{'correct':>9}{'total':>7}{'accuracy':>10}{'median µs':>11}")
    total_ok = total = 0
    all_timings: list[float] = []
    failures: list[str] = []
    for name, (ok, count, timings, fails) in report.items():
        total_ok, total = total_ok + ok, total + count
        all_timings += timings
        failures += fails
        print(f"{name:<22}{ok:>9}{count:>7}{100 * ok / count:>9.1f}%"
              f"{statistics.median(timings):>11.1f}")
    print(f"{'OVERALL':<22}{total_ok:>9}{total:>7}{100 * total_ok / total:>9.1f}%"
          f"{statistics.median(all_timings):>11.1f}")
    print("LLM calls: 0 (deterministic only)")
    if failures:
        print("\nFailures:")
        for line in failures:
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
