"""What every browser test does on every screen: check it with axe, save a screenshot."""

from __future__ import annotations

import time
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from tests.support.builders import TEST_PASSWORD, make_user

_axe = Axe()
SERIOUS = ("serious", "critical")


class Screens:
    """Numbered screenshots of one walk, e.g. var/screenshots/<run>/en-07-proofs.png."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self.folder = folder
        self.prefix = prefix
        self.count = 0

    def look(self, page: Page, name: str) -> None:
        """axe finds no serious or critical violation, and a person can look at the screen."""
        page.wait_for_load_state("load")
        results = _axe.run(page)
        violations = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v.get("impact") in SERIOUS
        ]
        self.count += 1
        page.screenshot(
            path=self.folder / f"{self.prefix}-{self.count:02d}-{name}.png", full_page=True
        )
        assert violations == [], f"{name}: {violations}"


def open_as(
    browser: Browser, base_url: str, role: str, locale: str
) -> tuple[BrowserContext, Page, str]:
    """A new context (its own cookies) signed in as a new account of `role`, in `locale`."""
    user = make_user(role)
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["camera"], origin=base_url)
    page = context.new_page()
    page.goto("/console/sign-in")
    if locale == "es":
        page.locator("button[lang=es]").click()
    page.fill("#username", user.username)
    page.fill("#password", TEST_PASSWORD)
    page.locator("form[action='/console/sign-in'] button[type=submit]").click()
    page.wait_for_load_state("load")
    return context, page, user.username


def wait_until(page: Page, expression: str, timeout_s: float = 15.0) -> None:
    """Poll a JavaScript expression until true. (wait_for_function evaluates strings, which the
    pages' Content-Security-Policy rightly forbids; evaluate goes through the debugger.)"""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {expression}")
        page.wait_for_timeout(100)
