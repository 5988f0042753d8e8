"""X-Twilio-Signature: check Twilio's webhooks and sign the simulator's, with the SDK validator."""

from __future__ import annotations

from collections.abc import Mapping

SIGNATURE_HEADER = "X-Twilio-Signature"


def signature_valid(
    auth_token: str, url: str, params: Mapping[str, str], signature: str | None
) -> bool:
    """True when `signature` is Twilio's HMAC of the exact URL and form with this auth token."""
    if not signature or not auth_token:
        return False
    from twilio.request_validator import RequestValidator  # lazy: the SDK is slow to import

    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))


def sign(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send for a POST of `params` to `url`."""
    from twilio.request_validator import RequestValidator

    return str(RequestValidator(auth_token).compute_signature(url, dict(params)))
