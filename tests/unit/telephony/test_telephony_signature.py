"""signature_valid/sign: what the simulator signs, the webhook accepts; any tampering fails."""

from __future__ import annotations

import base64
import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from proxycall.adapters.telephony.signature import sign, signature_valid

TOKEN = "simulator-token-123"
URL = "https://calls.example.test/twilio/voice?callId=c-1"
FORM = {"CallSid": "CA" + "0" * 32, "CallStatus": "in-progress", "To": "+61491570006"}


def test_signed_request_is_valid() -> None:
    assert signature_valid(TOKEN, URL, FORM, sign(TOKEN, URL, FORM)) is True


def test_signature_is_twilios_documented_hmac() -> None:
    # Twilio's algorithm: URL + each param name and value sorted by name, HMAC-SHA1, base64.
    payload = URL + "".join(name + FORM[name] for name in sorted(FORM))
    expected = base64.b64encode(
        hmac.new(TOKEN.encode(), payload.encode(), hashlib.sha1).digest()
    ).decode()

    assert sign(TOKEN, URL, FORM) == expected


def test_tampered_param_fails() -> None:
    signature = sign(TOKEN, URL, FORM)

    assert signature_valid(TOKEN, URL, {**FORM, "CallStatus": "completed"}, signature) is False
    assert signature_valid(TOKEN, URL, {**FORM, "Extra": "1"}, signature) is False
    assert signature_valid(TOKEN, URL, {k: v for k, v in FORM.items() if k != "To"},
                           signature) is False


def test_tampered_url_fails() -> None:
    signature = sign(TOKEN, URL, FORM)

    assert signature_valid(TOKEN, URL.replace("c-1", "c-2"), FORM, signature) is False
    assert signature_valid(TOKEN, URL.replace("https", "http"), FORM, signature) is False


def test_wrong_token_missing_or_garbage_signature_fails() -> None:
    signature = sign(TOKEN, URL, FORM)

    assert signature_valid("another-token", URL, FORM, signature) is False
    assert signature_valid(TOKEN, URL, FORM, None) is False
    assert signature_valid(TOKEN, URL, FORM, "") is False
    assert signature_valid(TOKEN, URL, FORM, signature[:-2] + "xx") is False
    assert signature_valid("", URL, FORM, signature) is False


@given(
    st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=30), max_size=6),
    st.text(min_size=1, max_size=20),
)
def test_any_form_round_trips_and_any_change_breaks_it(form: dict, extra: str) -> None:
    signature = sign(TOKEN, URL, form)

    assert signature_valid(TOKEN, URL, form, signature)
    changed = {**form, "Zz" + extra: "1"}
    assert not signature_valid(TOKEN, URL, changed, signature)
