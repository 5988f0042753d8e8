"""A rejection at the card that changes one value and keeps the rest."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_rejection_changes_the_time_and_keeps_the_rest(chat, shot) -> None:
    page = chat.page
    card = chat.sick_call_to_card(shot)
    expect(card).to_contain_text("at 9 am")
    chat.tap("Change something", within=card)
    chat.expect_action("ASK_QUESTION")
    expect(page.get_by_test_id("confirmation-card")).to_have_count(0)
    chips = page.get_by_role("group", name="Quick replies")
    expect(chips.get_by_role("button", name="Keep Bunnings")).to_be_visible()
    shot("keep-chips")

    chat.say("change the time to 10am")  # naming a change ends the review: the card returns
    chat.expect_action("CONFIRM")
    card = page.get_by_test_id("confirmation-card")
    expect(card.get_by_role("listitem")).to_have_text([
        "Calling: Bunnings on 0412 345 678",
        "From: Richard",
        re.compile(r"^Shift: \w+day \d{1,2} \w+ at 10 am$"),
        "Reason: I'm sick",
    ])
    shot("changed-card")

    chat.tap("Make the call", within=card)
    expect(page.get_by_test_id("brief").locator(".brief-objective")).to_contain_text("10 am")
