"""Browser tests: `proxycall serve` as a subprocess, driven by Debian's Chromium via Playwright.

Each test runs at a phone (390×844) and a desktop (1280×800) viewport and saves a screenshot
of every screen under test-artifacts/screenshots/<viewport>/.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
STARTUP_SECONDS = 40
# Variables that would make the server use real vendors or another database: the browser tests
# run on the offline defaults (SQLite, bundled places, the Twilio simulator, no LLM).
VENDOR_ENV = (
    "PROXYCALL_DATABASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "GOOGLE_PLACES_API_KEY",
    "GOOGLE_PLACES_BASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_PHONE_NUMBER",
    "WEBHOOK_BASE_URL", "CONVERSATION_ENGINE_KILL_SWITCH", "CONVERSATION_ENGINE_VERSION",
    "PROXYCALL_LOG_FILE",
)

expect.set_options(timeout=15_000)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _proxycall_command() -> list[str]:
    script = Path(sys.executable).with_name("proxycall")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "proxycall.cli.main"]


@dataclass
class WebServer:
    base_url: str
    admin_token: str
    log_path: Path

    def new_user(self, name: str) -> str:
        """A user created through the admin API; returns their bearer token."""
        response = httpx.post(f"{self.base_url}/admin/users", json={"name": name},
                              headers={"Authorization": f"Bearer {self.admin_token}"},
                              timeout=30)
        assert response.status_code == 201, response.text
        return str(response.json()["token"])


def _wait_until_healthy(proc: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"proxycall serve exited ({proc.returncode}):\n"
                               f"{log_path.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"proxycall serve not healthy after {STARTUP_SECONDS} s:\n"
                               f"{log_path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)  # polling for readiness, not waiting for a result


@contextmanager
def _serve(data_dir: Path, log_path: Path, extra_env: dict[str, str]) -> Iterator[WebServer]:
    """`proxycall serve` on a free loopback port with `data_dir` and `extra_env`, stopped after."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    admin_token = "e2e-admin-" + secrets.token_urlsafe(16)
    env = {k: v for k, v in os.environ.items() if k not in VENDOR_ENV}
    env.update({
        "PROXYCALL_DATA_DIR": str(data_dir),
        "PROXYCALL_ADMIN_TOKEN": admin_token,
        "PROXYCALL_RATE_LIMIT": "10000/minute",
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    })
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [*_proxycall_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=data_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_healthy(proc, base_url, log_path)
            yield WebServer(base_url, admin_token, log_path)
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    """`proxycall serve` on a free loopback port with its own data directory."""
    with _serve(tmp_path_factory.mktemp("e2e-data"), ARTIFACTS / "e2e-server.log", {}) as server:
        yield server


# The calling-hours window is one minute a week, so a business call is (practically) always
# deferred. Opening hours are not checked: no bundled store is open at 3 am on a Sunday, and
# window and hours together would leave no time at all (409 no_call_time) instead of a
# scheduled call. Only a module that overrides `web_server` with this one uses it.
POLICY_ENV = {"PROXYCALL_CALL_WINDOW": "sun 03:00-03:01", "PROXYCALL_CHECK_OPENING_HOURS": "false"}


@pytest.fixture(scope="session")
def policy_web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    """A second `proxycall serve` whose calling window is almost never open."""
    with _serve(tmp_path_factory.mktemp("e2e-policy-data"), ARTIFACTS / "e2e-policy-server.log",
                POLICY_ENV) as server:
        yield server


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        message = ("Debian's chromium is not installed "
                   "(make test installs it: apt-get install chromium)")
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; browser tests may not skip in CI")
        pytest.skip(message)
    return path


# Package scope, not session: Playwright's sync API keeps an event loop running in this
# thread while it is open, which would break every later test that calls asyncio.run().
@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright, chromium_path: str) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=chromium_path,
                                                   args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@dataclass
class Watch:
    """What the page did that a test must not allow: script errors and off-machine requests."""

    page_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)


@pytest.fixture
def page(browser: Browser, viewport: str, web_server: WebServer) -> Iterator[Page]:
    """A fresh browser profile at the viewport, Brisbane time, Australian English."""
    is_phone = viewport == "phone"
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], device_scale_factor=2 if is_phone else 1,
        is_mobile=is_phone, has_touch=is_phone, locale="en-AU",
        timezone_id="Australia/Brisbane")
    watch = Watch()
    host = urlparse(web_server.base_url).netloc

    def guard(route, request) -> None:  # type: ignore[no-untyped-def]
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != host:
            watch.external_requests.append(request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    yield page
    context.close()
    assert watch.page_errors == [], f"JavaScript errors: {watch.page_errors}"
    assert watch.external_requests == [], f"requests off this machine: {watch.external_requests}"


@pytest.fixture
def shot(page: Page, viewport: str, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """shot("card") saves test-artifacts/screenshots/<viewport>/<test>-<n>-card.png."""
    test = re.sub(r"^test_|\[.*\]$", "", request.node.name)
    folder = SCREENSHOTS / viewport
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{test}-*.png"):  # an earlier run's numbering would mix in
        stale.unlink()
    counter = iter(range(1, 100))

    def save(name: str) -> Path:
        path = folder / f"{test}-{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), animations="disabled", caret="hide")
        # A screen wider than the viewport scrolls sideways on a phone: always a layout bug.
        # (Measured against the viewport we set: a mobile page may widen its layout viewport.)
        width = page.evaluate("document.documentElement.scrollWidth")
        limit = VIEWPORTS[viewport]["width"]
        assert width <= limit, f"{path.name}: the page is {width}px wide, the screen {limit}px"
        return path

    return save


@pytest.fixture
def user_token(web_server: WebServer) -> str:
    return web_server.new_user("Richard Tester")


@pytest.fixture
def signed_in(page: Page, web_server: WebServer, user_token: str) -> Page:
    """The app opened with the start-up style link `/#token=…`: the task picker is showing."""
    page.goto(f"{web_server.base_url}/#token={user_token}")
    expect(page.get_by_role("heading", name="What should I call about?")).to_be_visible()
    assert "token=" not in page.url, "the token must be removed from the address bar"
    stored = page.evaluate("localStorage.getItem('proxycall.token')")
    assert stored == user_token
    return page


class Chat:
    """Drives the chat screen; every step waits for the server's answer, never for a clock."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.screen = page.locator("section.chat")
        self.reply = page.get_by_role("textbox", name=re.compile(r"^Your (reply|message)"))

    def start(self, task_title: str) -> None:
        self.page.get_by_role("button", name=re.compile(rf"^{re.escape(task_title)}")).click()
        self.wait_for_turns(1)

    def turns(self) -> int:
        return int(self.screen.get_attribute("data-turns") or "0")

    def wait_for_turns(self, count: int) -> None:
        expect(self.screen).to_have_attribute("data-turns", str(count))
        expect(self.screen).to_have_attribute("data-state", "idle")

    def say(self, text: str) -> None:
        """Types a reply and presses Enter (the keyboard path), then waits for the answer."""
        before = self.turns()
        self.reply.fill(text)
        self.reply.press("Enter")
        expect(self.page.locator(".msg-user").last).to_have_text(text)
        self.wait_for_turns(before + 1)

    def tap(self, name: str, *, within: Locator | None = None) -> None:
        """Taps a button (chip, card button, place) and waits for the answer."""
        before = self.turns()
        (within or self.page).get_by_role("button", name=name, exact=True).click()
        self.wait_for_turns(before + 1)

    def last_assistant(self) -> Locator:
        return self.page.locator(".msg-assistant").last

    def expect_action(self, action: str) -> None:
        expect(self.screen).to_have_attribute("data-next-action", action)

    def sick_call_to_card(self, shot: Callable[[str], Path]) -> Locator:
        """The seed's SICK_CALLER path, typed and tapped as a person would, up to the card."""
        self.start("Call in sick")
        expect(self.last_assistant()).to_contain_text("Who should I call")
        shot("first-question")
        self.say("Call in sick to Bunnings")
        expect(self.last_assistant()).to_contain_text("phone number")
        expect(self.reply).to_have_attribute("type", "tel")
        expect(self.reply).to_have_attribute("inputmode", "tel")
        self.say("+61412345678")
        expect(self.last_assistant()).to_contain_text("What name")
        self.say("Richard")
        self.say("tomorrow")
        self.say("9am")
        expect(self.last_assistant()).to_contain_text("reason")
        chips = self.page.get_by_role("group", name="Quick replies")
        expect(chips.get_by_role("button", name="I'm sick", exact=True)).to_be_visible()
        shot("reason-chips")
        self.tap("I'm sick", within=chips)
        expect(self.page.locator(".msg-user").last).to_have_text("I'm sick")
        self.expect_action("CONFIRM")
        card = self.page.get_by_test_id("confirmation-card")
        expect(card.get_by_role("heading", name="Call in sick")).to_be_visible()
        return card


@pytest.fixture
def chat(signed_in: Page) -> Chat:
    return Chat(signed_in)
