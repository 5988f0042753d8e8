"""Signing in: a wrong or missing token shows the sign-in screen; a pasted token recovers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_wrong_token_shows_the_sign_in_screen(page, web_server, user_token, shot) -> None:
    page.goto(f"{web_server.base_url}/#token=not-a-real-token")
    expect(page.get_by_role("heading", name="Sign in to proxycall")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("didn't work")
    expect(page.get_by_text("printed when the proxycall service started")).to_be_visible()
    assert "token=" not in page.url, "the token must be removed from the address bar"
    assert page.evaluate("localStorage.getItem('proxycall.token')") is None
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    shot("sign-in-rejected")

    box = page.get_by_label("Access token")
    box.fill(f"{web_server.base_url}/#token={user_token}")
    box.press("Enter")
    expect(page.get_by_role("heading", name="What should I call about?")).to_be_visible()
    expect(page.get_by_role("button", name="Call in sick")).to_be_visible()
    assert page.evaluate("localStorage.getItem('proxycall.token')") == user_token


def test_no_token_explains_where_the_link_is(page, web_server, shot) -> None:
    page.goto(f"{web_server.base_url}/")
    expect(page.get_by_role("heading", name="Sign in to proxycall")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_label("Access token")).to_be_visible()
    shot("sign-in")


def test_signing_out_forgets_the_token(signed_in, shot) -> None:
    page = signed_in
    shot("tasks")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to proxycall")).to_be_visible()
    assert page.evaluate("localStorage.getItem('proxycall.token')") is None
