"""Accuracy and speed of the typed parsers and of understanding, with no LLM configured.

Reads the held-out corpus tests/data/eval/heldout.yaml (single replies per input type, and whole
messages per agent read by `understand`) and prints, per parser and overall: exact canonical
values correct, median and p95 microseconds per parse, and the share of conversation replies on
which the engine would consult an LLM (understand proposes SlotRejected for the asked slot and
nothing fills it: the engine's trigger for the fallback), for the seed's scenarios (driven through
the planner) and for the corpus. The older replies.yaml / openers.yaml were tuned against and are
reported separately. Always exits 0.

    .venv/bin/python bench/eval_parsers.py
"""

from __future__ import annotations

import re
import statistics
import sys
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from proxycall.core.agents import default_registry  # noqa: E402
from proxycall.core.agents.spec import InputType, SlotSpec, TextKind, TimeHint  # noqa: E402
from proxycall.core.conversation import (  # noqa: E402
    Command,
    ConversationState,
    DontKnow,
    NeedsClarification,
    SetSlot,
    SlotRejected,
)
from proxycall.core.parsers import (  # noqa: E402
    Ambiguous,
    ParseContext,
    Parsed,
    ParseResult,
    Rejected,
    parse_slot,
)
from proxycall.core.planner import decide  # noqa: E402
from proxycall.core.understanding import understand  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "eval"
HELDOUT = CORPUS / "heldout.yaml"
CTX = ParseContext(today=date(2026, 11, 27), now=time(10, 15))
REGISTRY = default_registry()
REASONS = REGISTRY.agents["SICK_CALLER"].slot("reason_category").choices
REPEAT = 15  # timing runs per input, for a stable median
CONVERSATION = "CONVERSATION (understand)"
_COMMAND_KEYS: dict[str, type] = {"rejected": SlotRejected, "clarify": NeedsClarification,
                                  "dont_know": DontKnow}
# The seed's scenarios (ROLLOUT_LOG.md): each message and the slot it must fill.
SEED = {
    "STOCK_CHECKER": [("Check if JB Hi-Fi has Sony headphones", "product_name", "Sony headphones"),
                      ("3", "quantity", 3)],
    "SICK_CALLER": [("Call in sick to Bunnings", "employer_name", "Bunnings"),
                    ("+61412345678", "employer_phone", "+61412345678"),
                    ("Richard", "caller_name", "Richard"),
                    ("tomorrow", "shift_date", "2026-11-28"),
                    ("9am", "shift_start_time", "09:00"),
                    ("SICK", "reason_category", "SICK")],
}


@dataclass
class Tally:
    """Results for one parser: how many were right, timings, and what went wrong."""

    ok: int = 0
    total: int = 0
    micros: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, right: bool, micros: float, failure: str) -> None:
        self.ok += right
        self.total += 1
        self.micros.append(micros)
        if not right:
            self.failures.append(failure)


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


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    samples = []
    result: Any = None
    for _ in range(REPEAT):
        started = clock.perf_counter()
        result = call()
        samples.append(clock.perf_counter() - started)
    return result, statistics.median(samples) * 1e6


def eval_replies(corpus: dict[str, list[dict[str, Any]]]) -> dict[str, Tally]:
    """Each single reply read by its type's parser."""
    report: dict[str, Tally] = {}
    for kind, cases in corpus.items():
        tally = report.setdefault(kind, Tally())
        for case in cases:
            slot = _slot(kind, case)
            result, micros = _timed(lambda s=slot, c=case: parse_slot(s, c["input"], CTX))
            tally.add(_matches(result, case["expect"]), micros,
                      f"{kind}: {case['input']!r} → {result} (want {case['expect']!r})")
    return report


def llm_consulted(commands: list[Command], asked: str | None) -> bool:
    """The engine's trigger: a refusal for the asked slot and nothing fills it."""
    rejected = any(isinstance(c, SlotRejected) for c in commands)
    filled = any(isinstance(c, SetSlot) and c.slot == asked for c in commands)
    return rejected and not filled


def eval_conversations(cases: list[dict[str, Any]]) -> tuple[Tally, int, int, int]:
    """Whole messages read by understand(); also LLM consulted, of those expected, replies asked."""
    tally, consulted, expected, asked_count = Tally(), 0, 0, 0
    for case in cases:
        spec = REGISTRY.agents[case["agent"]]
        asked = case.get("asked")
        commands, micros = _timed(lambda s=spec, c=case: understand(
            s, c["message"], c.get("asked"), c.get("values", {}), CTX))
        got = {c.slot: c.value for c in commands if isinstance(c, SetSlot)}
        right = got == case["set"] and all(
            any(isinstance(c, kind) and c.slot == case[key] for c in commands)
            for key, kind in _COMMAND_KEYS.items() if key in case)
        tally.add(right, micros, f"{case['agent']} asked={asked}: {case['message']!r} → "
                  f"{got or [type(c).__name__ for c in commands]} (want {case['set']})")
        if asked:
            asked_count += 1
            consulted += llm_consulted(commands, asked)
            expected += llm_consulted(commands, asked) and case.get("rejected") == asked
    return tally, consulted, expected, asked_count


def eval_seed() -> tuple[int, int, list[str]]:
    """The seed's scenarios through understand() and the planner, as the engine runs them."""
    consulted, replies, problems = 0, 0, []
    for agent, turns in SEED.items():
        spec = REGISTRY.agents[agent]
        state = ConversationState(agent_type=agent)
        for message, slot, value in turns:
            commands = understand(spec, message, state.asked_slot, dict(state.values), CTX)
            replies += 1
            consulted += llm_consulted(commands, state.asked_slot)
            decide(spec, state, commands)
            if state.values.get(slot) != value:
                problems.append(f"{agent}: {message!r} → {slot}={state.values.get(slot)!r}")
    return consulted, replies, problems


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


def _row(name: str, tally: Tally) -> str:
    share = 100 * tally.ok / tally.total if tally.total else 0.0
    return (f"{name:<27}{tally.ok:>8}{tally.total:>7}{share:>9.1f}%"
            f"{statistics.median(tally.micros):>11.1f}{_p95(tally.micros):>9.1f}")


def _first_run_note() -> str:
    match = re.search(r"^# (first run: .*)$", HELDOUT.read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1) if match else "first run: not recorded"


def _print_table(report: dict[str, Tally]) -> Tally:
    print(f"{'parser':<27}{'correct':>8}{'total':>7}{'accuracy':>10}{'median µs':>11}"
          f"{'p95 µs':>9}")
    overall = Tally()
    for name, tally in report.items():
        print(_row(name, tally))
        overall.ok += tally.ok
        overall.total += tally.total
        overall.micros += tally.micros
        overall.failures += tally.failures
    print(_row("OVERALL", overall))
    return overall


def _tuned_corpus() -> Tally:
    replies = yaml.safe_load((CORPUS / "replies.yaml").read_text(encoding="utf-8"))
    openers = yaml.safe_load((CORPUS / "openers.yaml").read_text(encoding="utf-8"))
    total = Tally()
    for tally in [*eval_replies(replies).values(), eval_conversations(openers)[0]]:
        total.ok += tally.ok
        total.total += tally.total
        total.micros += tally.micros
        total.failures += tally.failures
    return total


def main() -> int:
    """Print the accuracy table, the LLM share and the failures; the exit code is always 0."""
    heldout = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    report = eval_replies(heldout["replies"])
    conversations, consulted, expected, asked = eval_conversations(heldout["conversations"])
    report[CONVERSATION] = conversations
    print(f"Held-out corpus {HELDOUT.relative_to(ROOT)}: "
          f"{sum(t.total for t in report.values())} entries, no LLM configured "
          f"({_first_run_note()})")
    overall = _print_table(report)
    seed_consulted, seed_replies, seed_problems = eval_seed()
    print("\nLLM would be consulted (understand refuses the asked slot and nothing fills it):")
    print(f"  seed scenarios:           {seed_consulted}/{seed_replies} replies "
          f"({100 * seed_consulted / seed_replies:.1f}%)")
    print(f"  held-out conversations:   {consulted}/{asked} replies to a question "
          f"({100 * consulted / max(asked, 1):.1f}%; {expected} of them are unusable replies "
          f"the corpus expects to be refused)")
    tuned = _tuned_corpus()
    print(f"\nTuned corpus (replies.yaml + openers.yaml; tuned against, not held out): "
          f"{tuned.ok}/{tuned.total} ({100 * tuned.ok / tuned.total:.1f}%)")
    failures = overall.failures + seed_problems + [f"tuned: {f}" for f in tuned.failures]
    if failures:
        print("\nFailures:")
        for line in failures:
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
