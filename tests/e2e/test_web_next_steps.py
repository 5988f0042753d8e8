"""Next steps you can act on, in a real browser: an out-of-stock result's "Try another store"
opens the picker with the same product and quantity, and a second call can be made from it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, WebServer, _serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    """Calls go at any hour here, so the first call is made now and its result comes back."""
    with _serve(tmp_path_factory.mktemp("e2e-next-steps"), ARTIFACTS / "e2e-next-steps.log",
                {"PROXYCALL_CALL_WINDOW": "always", "PROXYCALL_CHECK_OPENING_HOURS": "false",
                 "PROXYCALL_SIMULATOR_PACE": "0"}) as server:
        yield server


def choose(chat, name: str) -> None:
    picker = chat.page.get_by_test_id("place-picker")
    places = picker.get_by_role("list", name="Places found").get_by_role("button")
    expect(places.first).to_be_visible()
    before = chat.turns()
    places.filter(has_text=name).first.click()
    chat.wait_for_turns(before + 1)


def confirm_and_call(chat) -> None:
    page = chat.page
    chat.expect_action("CONFIRM")
    card = page.get_by_test_id("confirmation-card")
    chat.tap(card.get_by_role("button").first.inner_text().strip(), within=card)
    chat.expect_action("COMPLETE")
    page.get_by_role("button", name="Start call").click()


def test_try_another_store_after_an_out_of_stock_result(chat, shot) -> None:
    page = chat.page
    chat.start("Stock check")
    chat.say("Check if JB Hi-Fi has Sony headphones")
    chat.say("2")
    chat.expect_action("FIND_PLACE")
    choose(chat, "JB Hi-Fi Carindale")  # the simulator's out-of-stock store
    confirm_and_call(chat)
    result = page.get_by_test_id("result-card")
    expect(result).to_be_visible(timeout=30_000)
    expect(result.locator(".badge")).to_have_text("Not in stock")
    expect(result.locator(".next-steps")).to_contain_text("Ask me to check again")
    shot("out-of-stock-result")

    result.get_by_role("button", name="Try another store").click()
    chat.expect_action("FIND_PLACE")
    picker = page.get_by_test_id("place-picker")
    expect(picker.get_by_label("Business")).to_have_value("JB Hi-Fi")
    shot("picker-again")
    choose(chat, "JB Hi-Fi Chermside")
    card = page.get_by_test_id("confirmation-card")
    expect(card).to_contain_text("Sony headphones")
    expect(card).to_contain_text("2")
    expect(card).to_contain_text("JB Hi-Fi Chermside")
    confirm_and_call(chat)
    second = page.get_by_test_id("result-card")
    expect(second).to_be_visible(timeout=30_000)
    expect(second).to_contain_text("JB Hi-Fi Chermside")
    shot("second-call-result")
