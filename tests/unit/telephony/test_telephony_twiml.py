"""render_twiml: parse the XML back and check every verb and attribute Twilio will read."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proxycall.adapters.telephony.twiml import LANGUAGE, render_twiml
from proxycall.core.voice import Hangup, Listen, Pause, Say

ACTION = "https://calls.example.test/twilio/gather?callId=c-1&step=2"


def parse(directives: list) -> ET.Element:
    return ET.fromstring(render_twiml(directives, ACTION))


def test_say_pause_hangup_in_order() -> None:
    root = parse([Say("Hello there."), Pause(3), Say("Goodbye."), Hangup()])

    assert root.tag == "Response"
    assert [child.tag for child in root] == ["Say", "Pause", "Say", "Hangup"]
    assert root[0].text == "Hello there."
    assert root[0].get("language") == LANGUAGE == "en-AU"
    assert root[1].get("length") == "3"
    assert root[2].text == "Goodbye."


def test_listen_becomes_gather_with_nested_prompt() -> None:
    root = parse([Say("Hi."), Listen(prompt=("Do you have any in stock?", "Take your time."),
                                     timeout_seconds=12, hints=("yes", "no"))])

    gather = root[1]
    assert gather.tag == "Gather"
    assert gather.get("input") == "speech dtmf"
    assert gather.get("action") == ACTION
    assert gather.get("method") == "POST"
    assert gather.get("timeout") == "12"
    assert gather.get("speechTimeout") == "auto"
    assert gather.get("numDigits") == "1"
    assert gather.get("actionOnEmptyResult") == "true"
    assert gather.get("language") == "en-AU"
    assert gather.get("hints") == "yes, no"
    assert [(el.tag, el.text) for el in gather] == [
        ("Say", "Do you have any in stock?"),
        ("Say", "Take your time."),
    ]


def test_speech_only_listen_has_no_digit_settings() -> None:
    gather = parse([Listen(prompt=("Still there?",), digits=False)])[0]

    assert gather.get("input") == "speech"
    assert gather.get("numDigits") is None


def test_digits_only_listen() -> None:
    gather = parse([Listen(speech=False)])[0]

    assert gather.get("input") == "dtmf"
    assert gather.get("speechTimeout") is None
    assert list(gather) == []


def test_listen_that_accepts_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="speech, digits"):
        render_twiml([Listen(speech=False, digits=False)], ACTION)


@pytest.mark.parametrize("last", [Listen(), Hangup()])
def test_nothing_may_follow_a_listen_or_hangup(last: Listen | Hangup) -> None:
    with pytest.raises(ValueError, match="must be the last"):
        render_twiml([last, Say("never heard")], ACTION)


def test_empty_directives_render_an_empty_response() -> None:
    root = parse([])

    assert root.tag == "Response"
    assert list(root) == []


SPOKEN = st.text(
    alphabet=st.characters(min_codepoint=0x20, exclude_categories=("Cs",),
                           exclude_characters="\ufffe\uffff"),
    min_size=1,
    max_size=200,
)


@given(SPOKEN)
def test_any_spoken_text_survives_escaping(text: str) -> None:
    root = parse([Say(text), Listen(prompt=(text,))])

    assert root[0].text == text
    assert root[1][0].text == text
