"""Data-table cases for every typed parser (tests/data/parsers/*.yaml)."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
import yaml

from proxycall.core.agents.sick_caller import SPEC as SICK
from proxycall.core.agents.spec import TextKind, TimeHint
from proxycall.core.parsers import (
    Ambiguous,
    ParseContext,
    Parsed,
    ParseResult,
    Rejected,
    is_bare_category,
    is_unsure,
    parse_choice,
    parse_date,
    parse_money,
    parse_number,
    parse_phone,
    parse_text,
    parse_time,
    parse_yes_no,
)

DATA = Path(__file__).parents[2] / "data" / "parsers"
TODAY = date(2026, 11, 27)  # a Friday
CTX = ParseContext(today=TODAY, now=time(10, 15))
REASONS = SICK.slot("reason_category").choices


def _cases(name: str) -> list[Any]:
    cases = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    return [pytest.param(case, id=f"{case['input']!r}") for case in cases]


def _check(result: ParseResult, expect: object) -> None:
    if expect == "reject":
        assert isinstance(result, Rejected), result
        assert result.reason.strip(), "a refusal must say why"
    elif expect == "ambiguous":
        assert isinstance(result, Ambiguous), result
        assert len(result.options) >= 2 and result.question.endswith("?")
    else:
        assert result == Parsed(expect)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", _cases("phone"))
def test_phone(case: dict[str, Any]) -> None:
    _check(parse_phone(case["input"], "AU"), case["expect"])


@pytest.mark.parametrize("case", _cases("dates"))
def test_date(case: dict[str, Any]) -> None:
    today = date.fromisoformat(case.get("today", TODAY.isoformat()))
    _check(parse_date(case["input"], ParseContext(today=today, now=time(10, 15))),
           case["expect"])


@pytest.mark.parametrize("case", _cases("times"))
def test_time(case: dict[str, Any]) -> None:
    hint = TimeHint(case.get("hint", "SHIFT"))
    _check(parse_time(case["input"], CTX, hint), case["expect"])


@pytest.mark.parametrize("case", _cases("numbers"))
def test_number(case: dict[str, Any]) -> None:
    _check(parse_number(case["input"]), case["expect"])


@pytest.mark.parametrize("case", _cases("yes_no"))
def test_yes_no(case: dict[str, Any]) -> None:
    _check(parse_yes_no(case["input"]), case["expect"])


@pytest.mark.parametrize("case", _cases("choice"))
def test_choice(case: dict[str, Any]) -> None:
    _check(parse_choice(case["input"], REASONS), case["expect"])


@pytest.mark.parametrize("case", _cases("text"))
def test_text(case: dict[str, Any]) -> None:
    _check(parse_text(case["input"], TextKind(case["kind"])), case["expect"])


@pytest.mark.parametrize("case", _cases("money"))
def test_money(case: dict[str, Any]) -> None:
    _check(parse_money(case["input"]), case["expect"])


_PREDICATES = yaml.safe_load((DATA / "predicates.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", _PREDICATES["bare_category"], ids=lambda c: c["input"])
def test_bare_category(case: dict[str, Any]) -> None:
    assert is_bare_category(case["input"]) is case["expect"]


@pytest.mark.parametrize("case", _PREDICATES["unsure"], ids=lambda c: c["input"])
def test_unsure(case: dict[str, Any]) -> None:
    assert is_unsure(case["input"]) is case["expect"]
