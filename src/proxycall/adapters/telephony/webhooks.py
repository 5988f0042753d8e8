"""Twilio's words in ours: call statuses, answering-machine verdicts, and webhook forms.

Only this package knows Twilio's field names (`CallSid`, `SpeechResult`, `Price`, ...); the
services see `ProviderReport` and `Gathered`. Values are read leniently and kept within what the
call's columns hold: an unreadable or out-of-range field is None and named, never an error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from proxycall.adapters.telephony.signature import SIGNATURE_HEADER, signature_valid
from proxycall.adapters.telephony.twiml import render_twiml
from proxycall.core.calls import CallStatus
from proxycall.core.telephony import Gathered, ProviderReport
from proxycall.core.voice import AnsweredBy, Directive

# What a callback's fields may hold; anything else is recorded as unknown.
MAX_CALL_SECONDS = 24 * 3600
MAX_WORD_LENGTH = 64
MAX_PRICE = Decimal("10000")
MAX_NUMBER_LENGTH = 32
PRICE_STEP = Decimal("0.0001")
_CURRENCY = re.compile(r"[A-Z]{3}")

# Twilio's call statuses are our statuses' words (the contract uses them), so the table is an
# identity on the words Twilio can send.
TWILIO_CALL_STATUS: Mapping[str, CallStatus] = {
    "queued": CallStatus.QUEUED,
    "initiated": CallStatus.INITIATED,
    "ringing": CallStatus.RINGING,
    "in-progress": CallStatus.IN_PROGRESS,
    "answered": CallStatus.IN_PROGRESS,  # the StatusCallbackEvent name for in-progress
    "completed": CallStatus.COMPLETED,
    "busy": CallStatus.BUSY,
    "no-answer": CallStatus.NO_ANSWER,
    "failed": CallStatus.FAILED,
    "canceled": CallStatus.CANCELED,
}

TWILIO_ANSWERED_BY: Mapping[str, AnsweredBy] = {
    "human": AnsweredBy.HUMAN,
    "machine_start": AnsweredBy.MACHINE,
    "machine_end_beep": AnsweredBy.MACHINE,
    "machine_end_silence": AnsweredBy.MACHINE,
    "machine_end_other": AnsweredBy.MACHINE,
    "machine": AnsweredBy.MACHINE,  # older API versions
    "fax": AnsweredBy.FAX,
    "unknown": AnsweredBy.UNKNOWN,
}


def call_status_from_twilio(word: str | None) -> CallStatus | None:
    """Twilio's `CallStatus` word as ours, or None when absent or not a word Twilio uses."""
    if not word:
        return None
    return TWILIO_CALL_STATUS.get(word.strip().lower())


def answered_by_from_twilio(word: str | None) -> AnsweredBy | None:
    """Twilio's `AnsweredBy` word as ours; None when detection was off (no word at all)."""
    if not word:
        return None
    return TWILIO_ANSWERED_BY.get(word.strip().lower(), AnsweredBy.UNKNOWN)


def read_report(form: Mapping[str, str]) -> ProviderReport:
    """A webhook form's call fields (status, verdict, duration, price) in our words."""
    duration = _int(form.get("CallDuration"), MAX_CALL_SECONDS)
    cost = _cost(form.get("Price"))
    currency = (form.get("PriceUnit") or "").strip().upper()
    currency_read = currency if _CURRENCY.fullmatch(currency) else None
    unreadable = tuple(name for name, value in (("CallDuration", duration), ("Price", cost),
                                                ("PriceUnit", currency_read))
                       if form.get(name) and value is None)
    return ProviderReport(
        call_sid=form.get("CallSid") or None,
        status=call_status_from_twilio(form.get("CallStatus")),
        status_word=form.get("CallStatus", "")[:MAX_WORD_LENGTH],
        answered_by=answered_by_from_twilio(form.get("AnsweredBy")),
        duration_seconds=duration, cost=cost, cost_currency=currency_read,
        unreadable=unreadable)


def read_gathered(form: Mapping[str, str]) -> Gathered:
    """A <Gather> callback: the speech or digits heard, with the call fields it carries."""
    return Gathered(report=read_report(form), speech=form.get("SpeechResult", "").strip(),
                    digits=form.get("Digits", "").strip(),
                    confidence=_float(form.get("Confidence")))


class TwilioWebhooks:
    """Twilio's webhooks at the HTTP edge: X-Twilio-Signature, form fields, TwiML replies."""

    signature_header = SIGNATURE_HEADER
    reply_media_type = "application/xml"

    def signed(self, auth_token: str, url: str, form: Mapping[str, str],
               signature: str | None) -> bool:
        """True when Twilio signed exactly this URL and form with this auth token."""
        return signature_valid(auth_token, url, form, signature)

    def report(self, form: Mapping[str, str]) -> ProviderReport:
        """A status or voice callback's form as a typed report."""
        return read_report(form)

    def gathered(self, form: Mapping[str, str]) -> Gathered:
        """A gather callback's form as what was heard."""
        return read_gathered(form)

    def reply(self, directives: Sequence[Directive], gather_action_url: str) -> str:
        """TwiML for the call's next directives."""
        return render_twiml(directives, gather_action_url=gather_action_url)


def _int(text: str | None, highest: int) -> int | None:
    """A whole number from 0 to `highest`, else None (too long, negative, or not a number)."""
    if not text or len(text) > len(str(highest)) or not text.isdigit():
        return None
    value = int(text)
    return value if value <= highest else None


def _float(text: str | None) -> float | None:
    """A finite number (a recognition confidence), else None."""
    if not text or len(text) > MAX_NUMBER_LENGTH:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _cost(text: str | None) -> str | None:
    """What the call cost us: Twilio reports a price as a negative amount ("-0.0130")."""
    if not text or len(text) > MAX_NUMBER_LENGTH:
        return None
    try:
        amount = abs(Decimal(text))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount > MAX_PRICE:
        return None
    return str(amount.quantize(PRICE_STEP))
