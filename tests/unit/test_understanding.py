"""understand(): openers fill several slots, corrections, keep, don't know, rejections."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
import yaml

from proxycall.core.agents import default_registry
from proxycall.core.conversation import (
    ChangeRequested,
    Command,
    DontKnow,
    KeepValue,
    NeedsClarification,
    SetSlot,
    SlotRejected,
)
from proxycall.core.parsers import ParseContext
from proxycall.core.understanding.reader import slot_named, understand

REGISTRY = default_registry()
CTX = ParseContext(today=date(2026, 11, 27), now=time(10, 15))
CASES = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "parsers" / "understanding.yaml").read_text("utf-8")
)
_KINDS: dict[str, type] = {"rejected": SlotRejected, "dont_know": DontKnow, "keep": KeepValue,
                           "clarify": NeedsClarification, "change": ChangeRequested}


def _run(case: dict[str, Any]) -> list[Command]:
    spec = REGISTRY.get(case["agent"])
    assert spec is not None
    return understand(spec, case["message"], case.get("asked"), case.get("values", {}), CTX)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['agent']}:{c['message']}")
def test_understanding_table(case: dict[str, Any]) -> None:
    commands = _run(case)
    sets = {c.slot: c.value for c in commands if isinstance(c, SetSlot)}
    assert sets == case["set"], commands
    for key, kind in _KINDS.items():
        if key in case:
            assert any(isinstance(c, kind) and c.slot == case[key] for c in commands), commands


def test_task_words_are_not_a_reason() -> None:
    spec = REGISTRY.get("SICK_CALLER")
    assert spec is not None
    commands = understand(spec, "Call in sick to Bunnings", None, {}, CTX)
    assert not any(c.slot == "reason_category" for c in commands)


def test_a_phone_is_never_stored_as_a_name() -> None:
    spec = REGISTRY.get("SICK_CALLER")
    assert spec is not None
    for asked in ("employer_name", "caller_name"):
        commands = understand(spec, "0491 570 006", asked, {}, CTX)
        assert not any(isinstance(c, SetSlot) and c.slot == asked for c in commands)


def test_unusable_reply_is_rejected_with_the_parsers_reason() -> None:
    spec = REGISTRY.get("SICK_CALLER")
    assert spec is not None
    commands = understand(spec, "000", "employer_phone", {}, CTX)
    assert len(commands) == 1 and isinstance(commands[0], SlotRejected)
    assert "emergency" in commands[0].reason


def test_volunteered_value_does_not_overwrite_a_known_one_without_a_correction() -> None:
    spec = REGISTRY.get("SICK_CALLER")
    assert spec is not None
    commands = understand(spec, "Richard, shift is at 10am", "caller_name",
                          {"shift_start_time": "09:00"}, CTX)
    assert SetSlot("caller_name", "Richard") in commands
    assert not any(c.slot == "shift_start_time" for c in commands)


def test_slot_named_resolves_everyday_words() -> None:
    spec = REGISTRY.get("SICK_CALLER")
    assert spec is not None
    assert slot_named(spec, "time").name == "shift_start_time"  # type: ignore[union-attr]
    assert slot_named(spec, "name").name == "caller_name"  # type: ignore[union-attr]
    assert slot_named(spec, "number").name == "employer_phone"  # type: ignore[union-attr]
    assert slot_named(spec, "workplace").name == "employer_name"  # type: ignore[union-attr]
    assert slot_named(spec, "banana") is None
