"""Typing at any time: an unusable reply is flagged, several details at once, a fix at the card."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_validation_message_then_corrections_by_typing(chat, shot) -> None:
    page = chat.page
    chat.start("Call in sick")
    chat.say("Call in sick to Bunnings")
    chat.say("blue")
    invalid = page.get_by_test_id("validation-error")
    expect(invalid).to_have_count(1)
    expect(invalid).to_contain_text("phone number")
    expect(invalid.locator(".bubble")).not_to_have_css(
        "background-color", page.locator(".msg-assistant .bubble").first.evaluate(
            "el => getComputedStyle(el).backgroundColor"))
    expect(chat.reply).to_have_attribute("type", "tel")
    shot("validation-error")

    chat.say("0491 570 006")
    chat.say("Richard")
    chat.say("tomorrow at 9am, I've got the flu")
    chat.expect_action("CONFIRM")
    card = page.get_by_test_id("confirmation-card")
    expect(card).to_contain_text("Calling: Bunnings on 0491 570 006")
    expect(card).to_contain_text("at 9 am")
    expect(card).to_contain_text("Reason: I'm sick")

    chat.say("actually it starts at 10am")
    chat.expect_action("CONFIRM")
    card = page.get_by_test_id("confirmation-card")
    expect(card).to_contain_text("at 10 am")
    expect(card).not_to_contain_text("at 9 am")
    shot("corrected-card")
