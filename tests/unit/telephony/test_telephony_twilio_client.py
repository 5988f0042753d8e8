"""The SDK adapter's translations: Twilio's call resource to ProviderCall, vendor errors to ours."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from proxycall.adapters.telephony.twilio_client import _provider_call, _translate
from proxycall.core.calls import CallStatus
from proxycall.core.telephony import (
    CallNotFound,
    TelephonyError,
    TelephonyUnavailable,
)
from proxycall.core.voice import AnsweredBy


def instance(**fields: object) -> SimpleNamespace:
    base = dict(sid="CA" + "1" * 32, status="completed", answered_by="machine_end_beep",
                duration="42", price="-0.01650", price_unit="USD",
                start_time=datetime(2026, 11, 27, tzinfo=UTC), end_time=None)
    base.update(fields)
    return SimpleNamespace(**base)


def test_provider_call_from_a_call_resource() -> None:
    call = _provider_call(instance())

    assert call.status is CallStatus.COMPLETED
    assert call.answered_by is AnsweredBy.MACHINE
    assert call.duration_seconds == 42
    assert call.cost == Decimal("0.01650")
    assert call.cost_currency == "USD"


def test_missing_values_stay_unknown() -> None:
    call = _provider_call(instance(status="ringing", answered_by=None, duration=None,
                                   price=None, price_unit=None))

    assert call.status is CallStatus.RINGING
    assert (call.answered_by, call.duration_seconds, call.cost, call.cost_currency) == (
        None, None, None, None)


def test_an_unknown_status_is_an_error_not_a_guess() -> None:
    with pytest.raises(TelephonyError, match="unknown call status"):
        _provider_call(instance(status="teleported"))


@pytest.mark.parametrize(
    ("status", "kind"),
    [(400, TelephonyError), (401, TelephonyError), (404, CallNotFound),
     (429, TelephonyUnavailable), (500, TelephonyUnavailable), (503, TelephonyUnavailable)],
)
def test_rest_errors_by_status(status: int, kind: type[TelephonyError]) -> None:
    error = _translate(TwilioRestException(status, "https://x.test", "The number +61412345678",
                                           code=21211))

    assert type(error) is kind
    assert error.http_status == status
    assert error.provider_code == 21211
    assert "+61412345678" not in str(error)


def test_connection_errors_are_unavailable() -> None:
    error = _translate(requests.ConnectionError("refused"))

    assert isinstance(error, TelephonyUnavailable)


def test_other_exceptions_are_not_ours_to_translate() -> None:
    assert _translate(KeyError("x")) is None
