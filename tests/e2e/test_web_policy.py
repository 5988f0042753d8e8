"""The call policy in a real browser: a business call deferred by calling hours, a refused number.

This module runs against a second server whose calling window is one minute a week
(`policy_web_server`), so a stock check is always scheduled rather than dialled.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import WebServer

pytestmark = pytest.mark.browser

BRISBANE = ZoneInfo("Australia/Brisbane")
BRISBANE_CBD = {"latitude": -27.4698, "longitude": 153.0251}
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T|\d{2}:\d{2}:\d{2}")
PREMIUM_NUMBER = "1900 123 456"


@pytest.fixture(scope="session")
def web_server(policy_web_server: WebServer) -> WebServer:
    """Every fixture in this module (page, user, chat) talks to the policy server."""
    return policy_web_server


def _api(server: WebServer, token: str, path: str) -> dict:
    response = httpx.get(f"{server.base_url}{path}",
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_business_call_outside_calling_hours_is_scheduled_and_says_when(
        chat, shot, web_server, user_token) -> None:
    page = chat.page
    page.context.grant_permissions(["geolocation"], origin=web_server.base_url)
    page.context.set_geolocation(BRISBANE_CBD)
    chat.start("Stock check")
    chat.say("Check if JB Hi-Fi has Sony headphones")
    chat.say("3")
    chat.expect_action("FIND_PLACE")
    picker = page.get_by_test_id("place-picker")
    picker.get_by_role("button", name="Use my location").click()
    places = picker.get_by_role("list", name="Places found").get_by_role("button")
    expect(places.first.locator(".place-distance")).to_be_visible()
    before = chat.turns()
    places.first.click()
    chat.wait_for_turns(before + 1)
    chat.expect_action("CONFIRM")
    card = page.get_by_test_id("confirmation-card")
    expect(card.get_by_test_id("destination-warning")).to_have_count(0)
    chat.tap(card.get_by_role("button").first.inner_text().strip(), within=card)
    chat.expect_action("COMPLETE")
    expect(page.get_by_test_id("brief").locator(".brief-objective")).to_contain_text("Sony")

    page.get_by_role("button", name="Start call").click()
    scheduled = page.get_by_test_id("scheduled")
    expect(scheduled).to_be_visible()
    expect(scheduled).to_have_attribute("role", "status")
    view = page.get_by_role("link", name="View the scheduled call")
    expect(view).to_be_visible()
    expect(page.get_by_role("button", name="Start call")).to_have_count(0)
    expect(page.get_by_role("heading", name="Your call")).to_have_count(0)
    shot("scheduled")

    # The call exists, is scheduled (not dialled) for the window's next opening, and the
    # banner names that moment the way a person says it: weekday, day, month, time of day.
    call_id = (view.get_attribute("href") or "").rsplit("/", 1)[-1]
    status = _api(web_server, user_token, f"/call/status/{call_id}")
    assert status["status"] == "scheduled", status
    assert status["transcript"] == []
    at = datetime.fromisoformat(status["scheduledFor"]).astimezone(BRISBANE)
    assert (at.strftime("%a"), at.hour, at.minute) == ("Sun", 3, 0), at
    text = scheduled.inner_text()
    assert re.search(rf"\bSunday,? {at.day} {at.strftime('%B')}\b", text), text
    assert re.search(r"\b3:00\s?am\b", text, re.IGNORECASE), text
    assert not ISO_DATETIME.search(text), text

    view.click()
    expect(page.get_by_role("heading", name="Your call")).to_be_visible()
    pill = page.get_by_test_id("call-status")
    expect(pill).to_have_attribute("data-status", "scheduled")
    expect(pill).to_have_text("Scheduled")
    subtitle = page.locator(".call-sub")
    expect(subtitle).to_contain_text(re.compile(rf"Scheduled for Sunday,? {at.day} "))
    expect(subtitle).not_to_contain_text("Started")  # it hasn't: it was booked
    expect(page.get_by_role("log", name="Call transcript").locator("li")).to_have_count(0)
    shot("scheduled-call-screen")
    assert _api(web_server, user_token, f"/call/status/{call_id}")["status"] == "scheduled"


def test_a_premium_number_is_flagged_at_the_card_and_refused_at_start(
        chat, shot, web_server, user_token) -> None:
    page = chat.page
    chat.start("Call in sick")
    chat.say("Call in sick to Bunnings")
    chat.say(PREMIUM_NUMBER)
    chat.say("Richard")
    chat.say("tomorrow")
    chat.say("9am")
    chat.tap("I'm sick", within=page.get_by_role("group", name="Quick replies"))
    chat.expect_action("CONFIRM")
    expect(chat.last_assistant()).to_contain_text("won't be able to call")
    card = page.get_by_test_id("confirmation-card")
    expect(card).to_contain_text(PREMIUM_NUMBER)
    warning = card.get_by_test_id("destination-warning")
    expect(warning).to_be_visible()
    expect(warning).to_have_attribute("role", "note")
    expect(warning).to_contain_text("can't call")
    expect(warning).to_have_attribute("data-reason", "premium_number")
    warning.scroll_into_view_if_needed()
    shot("card-warning")

    chat.tap("Make the call", within=card)
    chat.expect_action("COMPLETE")
    page.get_by_role("button", name="Start call").click()
    alert = page.locator("[data-error-code='destination_blocked']")
    expect(alert).to_be_visible()
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("I can't call that number")
    expect(alert).to_contain_text("Premium-rate")
    expect(alert).not_to_contain_text("premium_number")  # words for a person, not a code
    expect(page.get_by_role("button", name="Start call")).to_be_enabled()
    expect(page.get_by_role("heading", name="Your call")).to_have_count(0)
    shot("start-refused")
    assert _api(web_server, user_token, "/calls")["calls"] == []


def test_a_scheduled_call_can_be_cancelled_from_its_page(chat, shot, web_server,
                                                         user_token) -> None:
    page = chat.page
    chat.start("Stock check")
    chat.say("Check if JB Hi-Fi has Sony headphones")
    chat.say("3")
    chat.expect_action("FIND_PLACE")
    places = page.get_by_test_id("place-picker").get_by_role(
        "list", name="Places found").get_by_role("button")
    before = chat.turns()
    places.first.click()
    chat.wait_for_turns(before + 1)
    card = page.get_by_test_id("confirmation-card")
    chat.tap(card.get_by_role("button").first.inner_text().strip(), within=card)
    chat.expect_action("COMPLETE")
    page.get_by_role("button", name="Start call").click()
    page.get_by_role("link", name="View the scheduled call").click()

    controls = page.get_by_test_id("scheduled-controls")
    expect(controls).to_be_visible()
    expect(page.locator(".call-sub")).to_contain_text("Scheduled for")
    shot("scheduled-call-page")
    page.once("dialog", lambda dialog: dialog.accept())
    controls.get_by_role("button", name="Cancel call").click()
    expect(page.get_by_test_id("call-status")).to_have_text("Cancelled")
    expect(controls).to_be_hidden()
    shot("scheduled-call-cancelled")
    call_id = page.url.rsplit("/", 1)[-1]
    status = _api(web_server, user_token, f"/call/status/{call_id}")
    assert status["status"] == "canceled" and status["endReason"] == "canceled_by_person"
