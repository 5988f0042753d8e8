"""No dead end in the picker: a business that is not in the directory is called on the number the
person enters with "Enter their number", for every agent whose phone can come from a place, in a
real browser, through the card to the call."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The day typed is the weekday two days ahead (Monday if that is a Sunday) in the browser's
# timezone (conftest: Brisbane): never Sunday, which the default call window lacks ("tomorrow"
# typed on a Saturday would rightly be refused at start as too late to help), and a plain name,
# as "next wednesday" typed early in a week is rightly asked back (this week's or the next?).
_AHEAD = datetime.now(ZoneInfo("Australia/Brisbane")) + timedelta(days=2)
DAY = (_AHEAD + timedelta(days=1 if _AHEAD.weekday() == 6 else 0)).strftime("%A").lower()
TASKS = {  # task button: (what is typed before the place step, after it, the business)
    "Book a table": ([f"table for 2 at Zed's Noodle Bar {DAY} at 7pm under Sam"], [],
                     "Zed's Noodle Bar"),
    "Stock check": (["check if Zed's Hifi Hut has a Sony WH-1000XM5", "1"], [],
                    "Zed's Hifi Hut"),
    "Cancel an appointment": ([f"cancel my appointment at Zed's Dental {DAY} at 10am",
                               "Sam"], [], "Zed's Dental"),
    "Call in sick": (["call in sick to Zed's Hifi Hut, I don't know their number"],
                     ["Richard", DAY, "9am", "I'm sick"], "Zed's Hifi Hut"),
}


@pytest.mark.parametrize("task", sorted(TASKS))
def test_enter_their_number_reaches_the_card_and_a_call(chat, shot, task: str) -> None:
    before_place, after_place, business = TASKS[task]
    page = chat.page
    chat.start(task)
    for message in before_place:
        chat.say(message)
    chat.expect_action("FIND_PLACE")
    picker = page.get_by_test_id("place-picker")
    expect(chat.last_assistant()).to_contain_text("their number")

    picker.get_by_test_id("enter-number").click()
    number_form = picker.get_by_test_id("place-number-form")
    number_form.get_by_label("Their phone number").fill("03 7010 0099")
    shot("picker-enter-number")
    before = chat.turns()
    number_form.get_by_role("button", name="Use this number").click()
    chat.wait_for_turns(before + 1)
    for message in after_place:
        chat.say(message)
    chat.expect_action("CONFIRM")
    card = page.get_by_test_id("confirmation-card")
    expect(card).to_contain_text(business)
    expect(card).to_contain_text("(03) 7010 0099")
    shot("card-with-given-number")

    chat.tap(card.get_by_role("button").first.inner_text().strip(), within=card)
    chat.expect_action("COMPLETE")
    start = page.get_by_role("button", name="Start call")
    expect(start).to_be_visible()
    start.click()
    # dialled now inside the call window, or scheduled for its next opening (evenings, weekends)
    placed = page.get_by_test_id("call-status")
    scheduled = page.get_by_role("link", name="View the scheduled call")
    expect(placed.or_(scheduled)).to_be_visible()
