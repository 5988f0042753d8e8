"""The seed's stock check in a real browser, through the place picker to the card."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


BRISBANE_CBD = {"latitude": -27.4698, "longitude": 153.0251}


def test_stock_check_through_the_place_picker(chat, shot, web_server) -> None:
    page = chat.page
    page.context.grant_permissions(["geolocation"], origin=web_server.base_url)
    page.context.set_geolocation(BRISBANE_CBD)
    chat.start("Stock check")
    expect(chat.last_assistant()).to_contain_text("Which shop")
    chat.say("Check if JB Hi-Fi has Sony headphones")
    expect(chat.last_assistant()).to_contain_text("How many")
    expect(chat.reply).to_have_attribute("inputmode", "numeric")
    chat.say("3")
    chat.expect_action("FIND_PLACE")

    picker = page.get_by_test_id("place-picker")
    expect(picker.get_by_label("Business")).to_have_value("JB Hi-Fi")
    expect(picker.get_by_label("Area")).to_be_visible()
    expect(picker.get_by_role("button", name="Use my location")).to_be_visible()
    places = picker.get_by_role("list", name="Places found").get_by_role("button")
    expect(places.first).to_be_visible()
    expect(places.first.locator(".place-name")).to_contain_text("JB Hi-Fi")
    expect(places.first.locator(".place-address")).not_to_be_empty()
    expect(picker.locator(".badge").first).to_have_text(re.compile(r"^(Open now|Closed)$"))
    shot("place-picker")

    picker.get_by_role("button", name="Use my location").click()
    expect(places.first.locator(".place-distance")).to_have_text(re.compile(r"^[\d.]+ k?m away$"))
    expect(places.first.locator(".place-address")).to_contain_text("QLD")
    shot("places-near-me")

    chosen = places.first.locator(".place-name").inner_text()
    before = chat.turns()
    places.first.click()
    chat.wait_for_turns(before + 1)
    expect(page.locator(".msg-user").last).to_have_text(f"Call {chosen}")
    chat.expect_action("CONFIRM")
    card = page.get_by_test_id("confirmation-card")
    expect(card).to_contain_text(chosen)
    expect(card).to_contain_text("Sony headphones")
    expect(card).to_contain_text("3")
    shot("confirmation-card")

    chat.tap(card.get_by_role("button").first.inner_text().strip(), within=card)
    chat.expect_action("COMPLETE")
    brief = page.get_by_test_id("brief")
    expect(brief.locator(".brief-objective")).to_contain_text("Sony headphones")
    expect(page.get_by_role("button", name="Start call")).to_be_visible()
    shot("brief")
