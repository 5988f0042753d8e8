"""The fake server's rule-based "model" reads plausible values by declared type."""

from __future__ import annotations

import json

import pytest

from proxycall.adapters.llm import fake_model, prompt
from proxycall.core.agents import default_registry
from proxycall.core.agents.spec import InputType

REGISTRY = default_registry()


def _body(agent: str, message: str, asked: str | None = None) -> dict[str, object]:
    spec = REGISTRY.agents[agent]
    return {
        "model": "m",
        "messages": prompt.extraction_messages(spec, message, asked, {}),
        "response_format": prompt.response_format("x", prompt.extraction_schema(spec)),
    }


def test_reads_a_multi_slot_opener() -> None:
    answer = fake_model.answer(_body(
        "SICK_CALLER", "Call Bunnings on 0412 345 678, I've got the flu and can't make my 9am "
        "shift tomorrow"))
    assert answer["employer_phone"] == "0412 345 678"
    assert answer["shift_start_time"] == "9am"
    assert answer["shift_date"] == "tomorrow"
    assert answer["reason_category"] == "SICK"
    assert answer["expected_return_date"] is None  # one phrase fills one field
    assert answer["caller_name"] is None  # TEXT only for the asked field


def test_asked_text_field_gets_the_reply() -> None:
    answer = fake_model.answer(_body("SICK_CALLER", "  Richard ", "caller_name"))
    assert answer["caller_name"] == "Richard"


@pytest.mark.parametrize(
    ("message", "expected"),
    [("looking after my kid", "CARER"), ("dentist", "MEDICAL_APPOINTMENT"),
     ("a", None), ("stressed out", "MENTAL_HEALTH")],
)
def test_choice_by_value_label_or_synonym(message: str, expected: str | None) -> None:
    answer = fake_model.answer(_body("SICK_CALLER", message, "reason_category"))
    assert answer["reason_category"] == expected


def test_number_and_time_do_not_collide() -> None:
    answer = fake_model.answer(_body(
        "RESTAURANT_RESERVATION", "table for 4 on Saturday at 7pm"))
    assert answer["party_size"] == "4"
    assert answer["time"] == "7pm"
    assert answer["date"] == "on Saturday"


@pytest.mark.parametrize(
    ("expects", "said", "expected"),
    [(InputType.YES_NO, "yeah we've got heaps", "yes"), (InputType.YES_NO, "nah sold out", "no"),
     (InputType.NUMBER, "we've got five", "5"), (InputType.DATE, "next Tuesday", "next Tuesday"),
     (InputType.MONEY, "it's $249.00", "$249.00"), (InputType.TEXT, "ask for Sam", "ask for Sam")],
)
def test_reads_answers(expects: InputType, said: str, expected: str) -> None:
    body = {
        "model": "m",
        "messages": prompt.answer_messages("Q?", said, "field", expects),
        "response_format": prompt.response_format("a", prompt.answer_schema("field", expects)),
    }
    assert fake_model.answer(body) == {"answer": expected}


def test_plain_text_user_content_is_read_as_the_message() -> None:
    assert fake_model.user_data([{"role": "user", "content": "at 9am"}]) == {"message": "at 9am"}
    assert json.dumps(fake_model.user_data("nonsense")) == '{"message": ""}'
