"""The provider's words in ours: one table for call statuses, one for AnsweredBy."""

from __future__ import annotations

import pytest

from proxycall.core.calls import CallStatus
from proxycall.core.telephony import (
    CallNotFound,
    TelephonyError,
    TelephonyUnavailable,
    answered_by_from_twilio,
    call_status_from_twilio,
)
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
