"""The smoke checks on canned responses: what passes, and what must fail."""

from __future__ import annotations

from typing import Any

import pytest

from proxycall.cli.rollout import checks as checks


def turn(action: str = "ASK_QUESTION", ask: str | None = None, engine: str = "v2",
         **data: Any) -> dict[str, Any]:
    return {"engineVersion": engine, "nextAction": action, "extractedData": data,
            "question": {"field": ask} if ask else None,
            "agentMeta": {"phoneSource": "DIRECT_SLOT", "directPhoneSlot": "employer_phone"}}


SICK_CARD = {"title": "Call in sick", "confirmLabel": "Make the call",
             "rejectLabel": "Change something", "cardId": "abc",
             "lines": ["Calling: Bunnings on 0412 345 678", "From: Richard",
                       "Shift: Monday 2 February at 9 am", "Reason: I'm sick"]}
SICK_VALUES = {"employer_name": ("text", "Bunnings"), "employer_phone": ("phone", "+61412345678"),
               "caller_name": ("text", "Richard"), "shift_date": ("date", "2026-02-02"),
               "shift_start_time": ("time", "09:00"), "reason_category": ("choice", "SICK")}


def test_slot_present_with_the_expected_value_passes() -> None:
    ok, actual = checks.slot_check(turn(ask="caller_name", employer_name="Bunnings"),
                                   "employer_name", "bunnings")
    assert ok
    assert actual == "employer_name=Bunnings; ASK_QUESTION(caller_name)"


def test_a_missing_key_fails() -> None:
    ok, actual = checks.slot_check(turn(ask="employer_name"), "employer_name")
    assert not ok
    assert actual.startswith("employer_name missing")


def test_a_wrong_value_fails_and_says_what_was_expected() -> None:
    ok, actual = checks.slot_check(turn(shift_start_time="10:00"), "shift_start_time", "09:00")
    assert not ok
    assert "(expected 09:00)" in actual


def test_a_phone_value_is_masked_in_the_actual_text() -> None:
    ok, actual = checks.slot_check(turn(employer_phone="+61412345678"), "employer_phone",
                                   "+61412345678")
    assert ok
    assert "+61412345678" not in actual
    assert "+6141****678" in actual


def test_wrong_engine_version_fails() -> None:
    ok, actual = checks.engine_check([turn(), turn(engine="v1")], "v2")
    assert not ok
    assert actual == "engineVersion v1 on 1 of 2 turns"


def test_engine_v1_passes_when_v1_is_expected() -> None:
    assert checks.engine_check([turn(engine="v1")] * 3, "v1")[0]


def test_agent_meta_missing_fails() -> None:
    response = turn()
    del response["agentMeta"]
    ok, actual = checks.meta_check([response], "phoneSource", "DIRECT_SLOT")
    assert not ok
    assert "<no agentMeta>" in actual


def test_no_responses_never_pass() -> None:
    assert not checks.engine_check([], "v2")[0]
    assert not checks.meta_check([], "phoneSource", "PLACE")[0]
    assert not checks.summary_check([])[0]


def test_summary_line_is_found_anywhere_in_debug_payload() -> None:
    line = "[V2-SUMMARY] id=x agent=SICK_CALLER action=CONFIRM"
    response = {"debugPayload": {"trace": [{"other": 1}, {"summary": line}]}}
    assert checks.find_summary_line(response) == line
    assert checks.find_summary_line({"debugPayload": {"summary": "no"}}) is None
    assert not checks.summary_check([response, {}])[0]


def test_repeated_question_is_caught() -> None:
    responses = [turn(ask="caller_name"), turn(ask="caller_name")]
    assert checks.repeated_question(responses) == "caller_name"
    assert checks.repeated_question([turn(ask="a"), turn(ask="b"), turn(ask="a")]) is None


def test_lost_keys_are_listed_once() -> None:
    responses = [turn(a="1"), turn(a="1", b="2"), turn(b="2"), turn(b="2")]
    assert checks.lost_keys(responses) == ["a"]
    assert checks.lost_keys([turn(a="1"), turn(a="1", b="2")]) == []


@pytest.mark.parametrize(("kind", "value", "text"), [
    ("date", "2026-02-02", "Shift: Monday 2 February at 9 am"),
    ("date", "2026-02-02", "on 2026-02-02"),
    ("time", "09:00", "at 9 am"),
    ("time", "21:30", "at 9:30 pm"),
    ("phone", "+61412345678", "on 0412 345 678"),
    ("phone", "+61412345678", "+61 412 345 678"),
    ("choice", "SICK", "Reason: I'm sick"),
    ("number", 3, "Quantity: 3"),
])
def test_values_are_recognised_as_templates_render_them(kind: str, value: Any, text: str) -> None:
    assert checks.mentions(text, kind, value)


@pytest.mark.parametrize(("kind", "value", "text"), [
    ("date", "2026-02-02", "Shift: Tuesday 3 February"),
    ("time", "09:00", "at 10 am"),
    ("phone", "+61412345678", "on 0412 345 679"),
    ("number", 3, "Quantity: 30"),
])
def test_other_values_are_not_mistaken_for_them(kind: str, value: Any, text: str) -> None:
    assert not checks.mentions(text, kind, value)


def test_a_card_with_every_value_passes() -> None:
    ok, actual = checks.card_check({"confirmationCard": SICK_CARD}, SICK_VALUES)
    assert ok, actual


def test_a_card_missing_a_slot_fails_naming_it() -> None:
    card = dict(SICK_CARD, lines=[*SICK_CARD["lines"][:2], "Reason: I'm sick"])
    ok, actual = checks.card_check({"confirmationCard": card}, SICK_VALUES)
    assert not ok
    assert "missing shift_date" in actual
    assert "missing shift_start_time" in actual


def test_a_card_with_an_unrendered_placeholder_fails() -> None:
    card = dict(SICK_CARD, lines=[*SICK_CARD["lines"], "Note: {note_for_team}"])
    ok, actual = checks.card_check({"confirmationCard": card}, SICK_VALUES)
    assert not ok
    assert "placeholder" in actual


def test_no_card_fails() -> None:
    assert not checks.card_check(turn(), SICK_VALUES)[0]


def test_brief_must_name_the_card_values_and_the_same_number() -> None:
    brief = {"objective": "Tell Bunnings that Richard can't make the shift on Monday 2 February "
                          "at 9 am.", "normalizedPhoneE164": "+61412345678",
             "requiredFieldsMissing": []}
    values = {k: SICK_VALUES[k] for k in ("employer_name", "caller_name", "shift_date",
                                          "shift_start_time")}
    assert checks.brief_check(brief, values, "+61412345678")[0]
    other = dict(brief, normalizedPhoneE164="+61755501234")
    assert not checks.brief_check(other, values, "+61412345678")[0]
    wrong_day = dict(brief, objective=brief["objective"].replace("2 February", "3 February"))
    ok, actual = checks.brief_check(wrong_day, values, "+61412345678")
    assert not ok
    assert "shift_date" in actual


def test_call_checks_need_zero_llm_calls_and_a_terminal_status() -> None:
    done = {"status": "completed", "terminal": True, "llmCalls": 0}
    (llm_ok, _), (ended_ok, _) = checks.call_checks(done, timed_out=False)
    assert llm_ok
    assert ended_ok
    (llm_ok, text), _ = checks.call_checks(dict(done, llmCalls=2), timed_out=False)
    assert not llm_ok
    assert text == "llmCalls=2"
    _, (ended_ok, text) = checks.call_checks(dict(done, status="ringing", terminal=False),
                                             timed_out=True)
    assert not ended_ok
    assert "gave up waiting" in text
