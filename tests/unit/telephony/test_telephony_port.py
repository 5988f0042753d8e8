"""The provider's words in ours: one table for call statuses, one for AnsweredBy."""

from __future__ import annotations

import pytest

from proxycall.adapters.telephony.webhooks import (
    TWILIO_CALL_STATUS,
    answered_by_from_twilio,
    call_status_from_twilio,
    read_gathered,
    read_report,
)
from proxycall.core.calls import CallStatus
from proxycall.core.telephony import CallNotFound, TelephonyError, TelephonyUnavailable
from proxycall.core.voice import AnsweredBy


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("queued", CallStatus.QUEUED),
        ("initiated", CallStatus.INITIATED),
        ("ringing", CallStatus.RINGING),
        ("in-progress", CallStatus.IN_PROGRESS),
        ("answered", CallStatus.IN_PROGRESS),
        ("completed", CallStatus.COMPLETED),
        ("busy", CallStatus.BUSY),
        ("no-answer", CallStatus.NO_ANSWER),
        ("failed", CallStatus.FAILED),
        ("canceled", CallStatus.CANCELED),
        (" Completed ", CallStatus.COMPLETED),
    ],
)
def test_twilio_status_words(word: str, expected: CallStatus) -> None:
    assert call_status_from_twilio(word) is expected


def test_every_status_word_of_the_twilio_sdk_is_mapped() -> None:
    from twilio.rest.api.v2010.account.call import CallInstance

    words = {value for name, value in vars(CallInstance.Status).items()
             if not name.startswith("_")}
    assert words, "the SDK lists its call statuses"
    assert words <= set(TWILIO_CALL_STATUS), words - set(TWILIO_CALL_STATUS)


def test_a_status_form_is_read_into_our_words() -> None:
    report = read_report({"CallSid": "CA" + "1" * 32, "CallStatus": "completed",
                          "AnsweredBy": "machine_end_beep", "CallDuration": "42",
                          "Price": "-0.01300", "PriceUnit": "aud"})
    assert (report.status, report.answered_by) == (CallStatus.COMPLETED, AnsweredBy.MACHINE)
    assert (report.duration_seconds, report.cost, report.cost_currency) == (42, "0.0130", "AUD")
    assert report.unreadable == ()


def test_fields_out_of_range_are_unknown_and_named() -> None:
    report = read_report({"CallStatus": "bogus-word", "CallDuration": "-5",
                          "Price": "NaN", "PriceUnit": "dollars"})
    assert report.status is None and report.status_word == "bogus-word"
    assert report.unreadable == ("CallDuration", "Price", "PriceUnit")


def test_a_gather_form_is_what_was_heard() -> None:
    gathered = read_gathered({"SpeechResult": "  yes we have five ", "Confidence": "inf"})
    assert (gathered.speech, gathered.digits, gathered.confidence) == ("yes we have five", "",
                                                                      None)


@pytest.mark.parametrize("word", [None, "", "scheduled", "cancelled", "done"])
def test_unknown_status_words_are_none(word: str | None) -> None:
    assert call_status_from_twilio(word) is None


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("human", AnsweredBy.HUMAN),
        ("machine_start", AnsweredBy.MACHINE),
        ("machine_end_beep", AnsweredBy.MACHINE),
        ("machine_end_silence", AnsweredBy.MACHINE),
        ("machine_end_other", AnsweredBy.MACHINE),
        ("fax", AnsweredBy.FAX),
        ("unknown", AnsweredBy.UNKNOWN),
        ("something_new", AnsweredBy.UNKNOWN),
        (None, None),
        ("", None),
    ],
)
def test_answered_by_words(word: str | None, expected: AnsweredBy | None) -> None:
    assert answered_by_from_twilio(word) is expected


def test_error_tree() -> None:
    assert issubclass(TelephonyUnavailable, TelephonyError)
    assert issubclass(CallNotFound, TelephonyError)
    error = TelephonyError("refused", provider_code=21211, http_status=400)
    assert (error.message, error.provider_code, error.http_status) == ("refused", 21211, 400)
