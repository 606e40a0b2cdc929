"""Registration from the keyboard alone, and what the first load of a page weighs."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, Request, expect

from tests.web.browser.screens import Screens, open_as

MAX_TABS = 60


def _tab_to(page: Page, element_id: str) -> None:
    """Tab until the field has focus, and check the focus is visible (an outline is drawn)."""
    for _ in range(MAX_TABS):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{element_id} has focus but no visible outline"
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{element_id} cannot be reached with Tab")


def _type_into(page: Page, element_id: str, text: str) -> None:
    _tab_to(page, element_id)
    page.keyboard.type(text)


def test_registration_works_from_the_keyboard_alone(
    browser: Browser, server: str, shots: Path
) -> None:
    screens = Screens(shots, "keyboard")
    context, page, _ = open_as(browser, server, "clerk", "en")
    try:
        page.goto("/console/register")
        page.keyboard.press("Tab")  # from the top of the page: the skip link first
        assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
        _type_into(page, "given_name", "Kofi")
        _type_into(page, "family_name", "Mensah")
        _type_into(page, "date_of_birth", "1979-11-30")
        _tab_to(page, "gender-none")  # the radio group is one stop; arrows choose in it
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        expect(page.locator("#gender-M")).to_be_checked()
        _type_into(page, "address_street", "55 Whitney Ave")
        _type_into(page, "address_city", "New Haven")
        _type_into(page, "address_postal_code", "06511")
        _tab_to(page, "address_on_card")
        page.keyboard.press("Space")
        expect(page.locator("#address_on_card")).to_be_checked()
        _tab_to(page, "language_1")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        expect(page.locator("#language_1")).to_have_value("Español")
        screens.look(page, "register-filled")
        for _ in range(MAX_TABS):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.type") == "submit":
                break
        page.keyboard.press("Enter")
        expect(page.locator(".usa-alert--success")).to_contain_text("The person is registered.")
        expect(page.locator("main")).to_contain_text("Kept off the card")
        expect(page.locator("main")).to_contain_text("Español")
        screens.look(page, "registered")
    finally:
        context.close()


def test_the_first_load_of_a_console_page_transfers_under_300_kb(
    browser: Browser, server: str
) -> None:
    """Counted as sent over the wire (compressed), with an empty cache, styles, scripts and
    fonts included: the issue's budget for a branch library's connection."""
    context = browser.new_context(base_url=server)
    page = context.new_page()
    sizes: list[int] = []
    page.on("requestfinished", lambda request: sizes.append(_wire_size(request)))
    try:
        page.goto("/console/sign-in")
        page.wait_for_load_state("networkidle")
        total = sum(sizes)
        print(f"first load of /console/sign-in: {total} bytes in {len(sizes)} responses")  # noqa: T201 - the figure, for the report
        assert len(sizes) > 3  # the page, its styles, its scripts, its fonts
        assert total < 300_000
    finally:
        context.close()


def _wire_size(request: Request) -> int:
    sizes = request.sizes()
    return int(sizes["responseBodySize"]) + int(sizes["responseHeadersSize"])
