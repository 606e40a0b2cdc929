"""The console's header at a counter screen: one line for every role, in English and Spanish,
and the account's links (password, sign out) reachable from the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.web.browser.screens import Screens, open_as

ROLES = ("clerk", "supervisor", "printer", "admin", "auditor")


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("role", ROLES)
def test_the_header_fits_on_one_line_and_its_account_menu_works_from_the_keyboard(
    browser: Browser, server: str, shots: Path, role: str, locale: str
) -> None:
    screens = Screens(shots, f"header-{locale}-{role}")
    context, page, username = open_as(browser, server, role, locale)
    try:
        screens.look(page, "home")
        header = page.locator("header.usa-header")
        items = header.locator(".usa-logo, .usa-nav__primary > li, .rid-nav__tools > *")
        boxes = [box for box in (items.nth(k).bounding_box() for k in range(items.count())) if box]
        assert len(boxes) >= 4
        middles = [box["y"] + box["height"] / 2 for box in boxes]
        assert max(middles) - min(middles) < 12, f"the header wraps: {boxes}"

        account = header.get_by_role("button", name=username)
        expect(
            page.get_by_role(
                "link", name="Change password" if locale == "en" else "Cambiar la contraseña"
            )
        ).to_be_hidden()
        for _ in range(40):
            if (
                page.evaluate("document.activeElement.getAttribute('aria-controls')")
                == "rid-account"
            ):
                break
            page.keyboard.press("Tab")
        else:
            raise AssertionError("the account menu cannot be reached with Tab")
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        page.keyboard.press("Enter")
        expect(account).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == "/console/password"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        screens.look(page, "account-menu")
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{server}/console/password")
    finally:
        context.close()
