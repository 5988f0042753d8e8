"""Directives to TwiML, built only with the twilio SDK's builders (never by concatenation)."""

from __future__ import annotations

from collections.abc import Sequence

from proxycall.core.voice import Directive, Hangup, Listen, Pause, Say

LANGUAGE = "en-AU"
VOICE = "Polly.Olivia-Neural"  # an Australian English neural voice


def render_twiml(directives: Sequence[Directive], gather_action_url: str) -> str:
    """TwiML for the directives, in order; a `Listen` becomes a `<Gather>` posting to the URL.

    A `Listen` or `Hangup` must be last: with `actionOnEmptyResult` Twilio always leaves a
    `<Gather>` for its action URL, so anything after it would never be played.
    """
    # Imported here: the SDK is slow to import and only this adapter needs it.
    from twilio.twiml.voice_response import VoiceResponse

    _check_order(directives)
    response = VoiceResponse()
    for directive in directives:
        if isinstance(directive, Say):
            response.say(directive.text, voice=VOICE, language=LANGUAGE)
        elif isinstance(directive, Pause):
            response.pause(length=max(1, directive.seconds))
        elif isinstance(directive, Listen):
            response.append(_gather(directive, gather_action_url))
        elif isinstance(directive, Hangup):
            response.hangup()
        else:  # pragma: no cover - the Directive union is closed; mypy checks it
            raise TypeError(f"not a directive: {directive!r}")
    return str(response.to_xml())


def _check_order(directives: Sequence[Directive]) -> None:
    for directive in directives[:-1]:
        if isinstance(directive, Listen | Hangup):
            kind = type(directive).__name__
            raise ValueError(f"{kind} must be the last directive; nothing after it is played")


def _gather(listen: Listen, action_url: str) -> object:
    from twilio.twiml.voice_response import Gather

    wanted = (("speech", listen.speech), ("dtmf", listen.digits))
    inputs = [name for name, on in wanted if on]
    if not inputs:
        raise ValueError("a Listen must accept speech, digits, or both")
    gather = Gather(
        input=" ".join(inputs),
        action=action_url,
        method="POST",
        timeout=max(1, listen.timeout_seconds),
        speech_timeout="auto" if listen.speech else None,
        num_digits=1 if listen.digits else None,
        action_on_empty_result=True,
        language=LANGUAGE,
        hints=", ".join(listen.hints) if listen.hints else None,
    )
    for text in listen.prompt:
        if text:
            gather.say(text, voice=VOICE, language=LANGUAGE)
    return gather
