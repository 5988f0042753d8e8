"""The operator console in a real browser: charts with threshold lines fed by real turns, the
kill switch flipped with a reason (and the next v2 turn answered by v1), no console for a person."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, WebServer, _serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    """A server of its own: this module flips the kill switch."""
    with _serve(tmp_path_factory.mktemp("e2e-ops-data"), ARTIFACTS / "e2e-ops-server.log",
                {}) as server:
        yield server


def turn(server: WebServer, cid: str, message: str, token: str | None = None) -> dict:
    response = httpx.post(f"{server.base_url}/v2/conversation/next", timeout=10,
                          headers={"Authorization": f"Bearer {token or server.admin_token}"},
                          json={"conversationId": cid, "agentType": "SICK_CALLER",
                                "userMessage": message})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_the_console_draws_the_watch_and_flips_the_kill_switch(
        page: Page, web_server: WebServer, viewport: str, shot) -> None:
    for n, message in enumerate(["Call in sick to Bunnings", "0491 570 006", "Richard"]):
        turn(web_server, f"ops-{viewport}-{n}", message)
    page.goto(f"{web_server.base_url}/ops#token={web_server.admin_token}")
    expect(page.get_by_role("heading", name="Operator console")).to_be_visible()
    requests = page.locator('[data-chart="Requests by agent"]')
    expect(requests.locator('polyline[data-series="SICK_CALLER"]')).to_have_count(1)
    expect(page.locator('[data-chart="SICK_CALLER llm_rate"] line[data-threshold="25"]')
           ).to_have_count(1)
    expect(page.locator('[data-chart="fallback_rate"] line[data-threshold="5"]')).to_have_count(1)
    expect(page.locator("pre.ops-lines")).to_contain_text("[STARTUP] Conversation engine: v2")
    shot("console")

    switch = page.get_by_role("region", name="Kill switch")
    expect(switch.get_by_test_id("kill-switch-state")).to_contain_text("off")
    switch.get_by_label("Reason for changing kill switch").fill(f"e2e rollback drill {viewport}")
    page.once("dialog", lambda dialog: dialog.accept())
    switch.get_by_role("button", name="Turn kill switch on").click()
    expect(switch.get_by_test_id("kill-switch-state")).to_contain_text("ON")
    expect(page.locator("line.flip[data-flip='on']").first).to_be_attached()
    shot("kill-switch-on")
    try:
        assert turn(web_server, f"after-{viewport}", "test")["engineVersion"] == "v1"
        records = httpx.get(f"{web_server.base_url}/admin/rollout/records?kind=note",
                            headers={"Authorization": f"Bearer {web_server.admin_token}"}).json()
        reasons = [r["data"].get("reason") for r in records["records"]]
        assert f"e2e rollback drill {viewport}" in reasons
    finally:
        httpx.put(f"{web_server.base_url}/admin/kill-switch", json={"active": False},
                  headers={"Authorization": f"Bearer {web_server.admin_token}"})


def test_a_person_gets_no_console(page: Page, web_server: WebServer, shot) -> None:
    person = web_server.new_user("Not An Operator")
    direct = httpx.get(f"{web_server.base_url}/ops",
                       headers={"Authorization": f"Bearer {person}"})
    assert direct.status_code == 403
    admin = httpx.get(f"{web_server.base_url}/ops",
                      headers={"Authorization": f"Bearer {web_server.admin_token}"})
    assert admin.status_code == 200 and "operator console" in admin.text
    page.goto(f"{web_server.base_url}/#token={person}")
    expect(page.get_by_role("heading", name="What should I call about?")).to_be_visible()
    expect(page.get_by_role("link", name="Operations")).to_be_hidden()
    page.goto(f"{web_server.base_url}/ops")
    expect(page.get_by_role("alert")).to_contain_text("needs the admin token")
    shot("person-denied")
