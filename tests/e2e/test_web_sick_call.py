"""The seed's sick call in a real browser: first message, chips, card, brief, live call, result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CALL_SECONDS = 90_000  # the simulator's paced call: ring, greeting, message, goodbye


def test_sick_call_from_first_message_to_result_card(chat, shot) -> None:
    page = chat.page
    shot("tasks")
    card = chat.sick_call_to_card(shot)
    lines = card.get_by_role("listitem")
    expect(lines).to_have_text([
        "Calling: Bunnings on 0412 345 678",
        "From: Richard",
        re.compile(r"^Shift: \w+day \d{1,2} \w+ at 9 am$"),
        "Reason: I'm sick",
    ])
    shot("confirmation-card")

    chat.tap("Make the call", within=card)
    chat.expect_action("COMPLETE")
    brief = page.get_by_test_id("brief")
    expect(brief.locator(".brief-objective")).to_contain_text("Bunnings")
    expect(brief.locator(".brief-objective")).to_contain_text("Richard")
    expect(brief.locator(".script-preview li").first).to_contain_text("automated assistant")
    expect(brief.locator(".checklist li").first).to_be_visible()
    expect(page.get_by_role("textbox", name=re.compile("^Your"))).to_have_count(0)
    shot("brief")

    page.get_by_role("button", name="Start call").click()
    expect(page.get_by_role("heading", name="Your call")).to_be_visible()
    assert re.search(r"#/call/[^/]+$", page.url), page.url
    transcript = page.get_by_role("log", name="Call transcript")
    expect(transcript.locator("li").first).to_be_visible(timeout=CALL_SECONDS)
    shot("live-call")

    result = page.get_by_test_id("result-card")
    expect(result).to_be_visible(timeout=CALL_SECONDS)
    status = page.get_by_test_id("call-status")
    expect(status).to_have_attribute("data-status", "completed")
    expect(result.get_by_role("heading", level=2)).not_to_be_empty()
    expect(result.locator(".result-summary")).not_to_be_empty()
    expect(transcript.locator(".line-ours").first).to_contain_text("Richard")
    result.scroll_into_view_if_needed()
    shot("result")

    page.get_by_role("link", name="History").first.click()
    tasks = page.get_by_role("region", name="Tasks")
    calls = page.get_by_role("region", name="Calls")
    expect(tasks.get_by_role("link")).to_have_count(1)
    expect(tasks.get_by_role("link").first).to_contain_text("Call in sick")
    expect(calls.get_by_role("link").first).to_contain_text("Bunnings")  # who was called
    expect(calls.get_by_role("link").first).to_contain_text("Done")  # honest words (issue 12)
    shot("history")

    # A reload forgets what the tab held: the task reopens from the server, still signed in.
    page.reload()
    expect(tasks.get_by_role("link")).to_have_count(1)
    tasks.get_by_role("link").first.click()
    expect(page.get_by_text("Picking up where you left off.")).to_be_visible()
    expect(page.get_by_test_id("brief").locator(".brief-objective")).to_contain_text("Bunnings")
    expect(page.get_by_role("link", name="View the call")).to_be_visible()
    expect(page.get_by_role("button", name="Start call")).to_have_count(0)
