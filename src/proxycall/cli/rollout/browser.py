"""Screenshots of the confirmation card in the web app, when Playwright and Chromium exist.

Never fails a smoke run: any problem becomes {"taken": False, "reason": ...}.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

PAGE_TIMEOUT_MS = 10_000  # loading the web app
CARD_TIMEOUT_MS = 5_000  # finding the card once the conversation is open
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
# The web app opens a conversation at #/c/<id> and draws the card as section.confirm-card;
# the other selectors keep working if it is restyled.
OPEN_CONVERSATION_JS = "id => { location.hash = '#/c/' + encodeURIComponent(id); }"
CARD_SELECTORS = (".confirm-card", '[data-testid="confirmation-card"]', ".confirmation-card",
                  "section[data-card-id]")


def browser_unavailable() -> str | None:
    """Why no screenshot can be taken here, or None when Playwright and Chromium are present."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed"
    if shutil.which("chromium") is None:
        return "no system Chromium (shutil.which('chromium') found nothing)"
    return None


class CardScreenshotter:
    """Opens the web app logged in with the token and screenshots a conversation's card."""

    def __init__(self, base_url: str, token: str, out_dir: Path) -> None:
        self.base_url, self._token, self.out_dir = base_url.rstrip("/"), token, out_dir

    def __call__(self, scenario: str, conversation_id: str,
                 response: dict[str, Any]) -> dict[str, Any]:
        """Screenshot the card of `conversation_id`; never raises."""
        reason = browser_unavailable()
        if reason:
            return {"taken": False, "reason": reason}
        path = self.out_dir / f"card-{scenario}.png"
        try:
            card = response.get("confirmationCard") or {}
            found = self._shoot(conversation_id, str(card.get("cardId") or ""), path)
        except Exception as exc:  # a young web app must not fail the smoke: report why
            text = f"browser error: {type(exc).__name__}: {exc}".replace(self._token, "***")
            return {"taken": False, "reason": text[:300]}
        if not found:
            return {"taken": False, "reason": "the confirmation card was not found in the web app"}
        return {"taken": True, "path": str(path)}

    def _shoot(self, conversation_id: str, card_id: str, path: Path) -> bool:
        # imported lazily: optional and slow
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                                 args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page(viewport={"width": 480, "height": 900})
                page.goto(f"{self.base_url}/#token={self._token}", timeout=PAGE_TIMEOUT_MS,
                          wait_until="networkidle")
                page.evaluate(OPEN_CONVERSATION_JS, conversation_id)
                card = page.locator(", ".join(CARD_SELECTORS)).first
                try:
                    card.wait_for(state="visible", timeout=CARD_TIMEOUT_MS)
                except PlaywrightTimeout:
                    return False
                shown_id = card.get_attribute("data-card-id")
                if shown_id and card_id and shown_id != card_id:
                    return False  # another conversation's card: not evidence for this one
                path.parent.mkdir(parents=True, exist_ok=True)
                card.screenshot(path=str(path))
                return True
            finally:
                browser.close()
