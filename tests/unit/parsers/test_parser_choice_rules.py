"""CHOICE rules that hold for any declaration, not only SICK_CALLER's reasons."""

from __future__ import annotations

from proxycall.core.agents.spec import Choice
from proxycall.core.parsers import Ambiguous, Parsed, parse_choice

SELF = Choice("SELF", "I'm unwell", ("ill", "poorly"))
OTHER = Choice("OTHER", "Someone at home", ("my mum", "looking after"))
APPOINTMENT = Choice("APPT", "Appointment", ("appointment",))


def test_an_illness_said_of_family_goes_to_the_choice_that_declares_family() -> None:
    assert parse_choice("my mum is ill", (SELF, OTHER)) == Parsed("OTHER")
    assert parse_choice("grandpa's poorly", (SELF, OTHER)) == Parsed("OTHER")


def test_without_a_family_choice_the_illness_is_the_persons_own() -> None:
    assert parse_choice("my mum is ill", (SELF, APPOINTMENT)) == Parsed("SELF")


def test_first_person_between_keeps_the_illness_the_persons_own() -> None:
    assert parse_choice("my mum is visiting and I am ill", (SELF, OTHER)) == Parsed("SELF")


def test_two_reasons_in_two_clauses_are_asked() -> None:
    result = parse_choice("ill, and I have an appointment", (SELF, APPOINTMENT))
    assert isinstance(result, Ambiguous)
    assert result.options == ("SELF", "APPT")
