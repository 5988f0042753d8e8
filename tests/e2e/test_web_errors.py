"""Errors the person can act on: outbound calls paused by an operator, then resumed."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _pause_calls(web_server, paused: bool) -> None:
    response = httpx.put(f"{web_server.base_url}/admin/calls-paused", json={"paused": paused},
                         headers={"Authorization": f"Bearer {web_server.admin_token}"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["paused"] is paused


def test_paused_calls_are_explained_and_the_same_task_starts_later(chat, web_server, shot) -> None:
    page = chat.page
    card = chat.sick_call_to_card(shot)
    chat.tap("Make the call", within=card)
    chat.expect_action("COMPLETE")
    _pause_calls(web_server, True)
    try:
        page.get_by_role("button", name="Start call").click()
        alert = page.locator("[data-error-code='calls_paused']")
        expect(alert).to_be_visible()
        expect(alert).to_have_attribute("role", "alert")
        expect(alert).to_contain_text("paused")
        expect(page.get_by_role("button", name="Start call")).to_be_enabled()
        shot("calls-paused")
    finally:
        _pause_calls(web_server, False)
    page.get_by_role("button", name="Start call").click()
    expect(page.get_by_role("heading", name="Your call")).to_be_visible()
    expect(page.get_by_test_id("call-status")).to_be_visible()
