"""The earlier system's parsing failures, one test each: none of them can happen here."""

from __future__ import annotations

from datetime import date, time

from proxycall.core.agents import default_registry
from proxycall.core.parsers import parse_choice, parse_date, parse_phone, parse_yes_no
from proxycall.core.parsers.result import ParseContext, Parsed

REASONS = default_registry().agents["SICK_CALLER"].slot("reason_category").choices
FRIDAY = ParseContext(today=date(2026, 11, 27), now=time(23, 0))  # 11 pm in Brisbane


def test_a_single_letter_is_not_a_choice() -> None:
    for text in ("a", "s", "M", "c"):
        assert not isinstance(parse_choice(text, REASONS), Parsed), text


def test_not_sure_is_neither_yes_nor_no() -> None:
    for text in ("not sure", "maybe", "dunno"):
        assert not isinstance(parse_yes_no(text), Parsed), text
    assert parse_yes_no("Yes.") == Parsed("YES")


def test_1800_numbers_stay_australian() -> None:
    assert parse_phone("1800 160 401") == Parsed("+611800160401")
    assert parse_phone("1300 975 707") == Parsed("+611300975707")


def test_any_eight_digits_are_not_a_phone_number() -> None:
    assert not isinstance(parse_phone("12345678"), Parsed)


def test_tomorrow_with_punctuation_is_the_persons_tomorrow() -> None:
    assert parse_date("Tomorrow!", FRIDAY) == Parsed("2026-11-28")
