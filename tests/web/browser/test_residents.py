"""A resident's walk with no account, in English and Spanish: the landing page, the document
pre-check (tick, submit, read the answer) and what to bring with the branches; axe on every
screen, a screenshot of each."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app.branches.models import Branch
from app.db import session_factory
from tests.web.browser.screens import Screens

WORDS = {
    "en": {
        "never": "We never ask for",
        "check": "Check your documents",
        "submit": "Check these documents",
        "not_enough": "These documents are not enough yet",
        "enough": "These documents are enough",
        "bring": "What to bring and where to go",
        "passport": "Passport from another country",
        "birth": "Birth certificate",
        "bill": "Utility bill",
    },
    "es": {
        "never": "Nunca le pedimos",
        "check": "Revise sus documentos",
        "submit": "Revisar estos documentos",
        "not_enough": "Estos documentos todavía no son suficientes",
        "enough": "Estos documentos son suficientes",
        "bring": "Qué traer y adónde ir",
        "passport": "Pasaporte de otro país",
        "birth": "Acta de nacimiento",
        "bill": "Factura de servicios",
    },
}


def _tick(page: Page, name: str) -> None:
    """Tick a document as a person does: USWDS draws the box on the label, the input is hidden."""
    page.locator("label.usa-checkbox__label", has_text=name).click()


@pytest.fixture
def branch() -> str:
    """A branch with an address and opening hours, as an administrator would add it."""
    code = f"library-{secrets.token_hex(3)}"
    with session_factory()(expire_on_commit=True) as s:
        s.add(
            Branch(
                code=code,
                name="Main Library",
                address="133 Elm Street, New Haven, CT 06510",
                opening_hours="Mon–Fri 9:00–17:00; Sat 10:00–14:00",
            )
        )
        s.commit()
    return code


@pytest.mark.parametrize("locale", ["en", "es"])
def test_a_resident_checks_their_documents_and_finds_where_to_go(
    browser: Browser, server: str, shots: Path, branch: str, locale: str
) -> None:
    words = WORDS[locale]
    screens = Screens(shots, f"residents-{locale}")
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto("/")
        if locale == "es":
            page.locator("button[lang=es]").click()
            page.wait_for_load_state("load")
        expect(page.locator("html")).to_have_attribute("lang", locale)
        expect(page.get_by_role("heading", name=words["never"])).to_be_visible()
        screens.look(page, "landing")

        page.get_by_role("link", name=words["check"]).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(words["check"])
        screens.look(page, "pre-check")

        _tick(page, words["birth"])
        page.get_by_role("button", name=words["submit"]).click()
        expect(page.get_by_role("heading", name=words["not_enough"])).to_be_visible()
        expect(page.get_by_label(words["birth"], exact=False)).to_be_checked()
        screens.look(page, "not-enough")

        _tick(page, words["passport"])
        _tick(page, words["bill"])
        page.get_by_role("button", name=words["submit"]).click()
        expect(page.get_by_role("heading", name=words["enough"], exact=True)).to_be_visible()
        screens.look(page, "enough")

        page.get_by_role("link", name=words["bring"]).last.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(words["bring"])
        expect(page.get_by_text("133 Elm Street, New Haven, CT 06510")).to_be_visible()
        expect(page.get_by_text("Mon–Fri 9:00–17:00; Sat 10:00–14:00")).to_be_visible()
        screens.look(page, "what-to-bring")
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["en", "es"])
def test_on_a_phone_the_residents_pages_fit_and_the_language_switch_shows(
    browser: Browser, server: str, shots: Path, branch: str, locale: str
) -> None:
    screens = Screens(shots, f"residents-phone-{locale}")
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto("/")
        other = "es" if locale == "en" else "en"
        if locale == "es":
            page.locator("button[lang=es]").click()
            page.wait_for_load_state("load")
        expect(page.locator(f"button[lang={other}]")).to_be_visible()
        for url, name in [("/", "landing"), ("/eligibility", "pre-check")]:
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            screens.look(page, name)
        page.goto("/what-to-bring")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screens.look(page, "what-to-bring")
    finally:
        context.close()


def _tab_to(page: Page, expression: str) -> None:
    """Press Tab until the focused element makes `expression` true, as a keyboard user does."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate(expression):
            return
    raise AssertionError(f"never reached with Tab: {expression}")


def test_the_pre_check_works_from_the_keyboard_alone(
    browser: Browser, server: str, shots: Path
) -> None:
    screens = Screens(shots, "residents-keyboard")
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto("/eligibility")
        for code in ("consular_id", "utility_bill"):
            _tab_to(page, f"document.activeElement.value === '{code}'")
            page.keyboard.press("Space")
        _tab_to(page, "document.activeElement.type === 'submit'")
        page.keyboard.press("Enter")
        enough = page.get_by_role("heading", name="These documents are enough", exact=True)
        expect(enough).to_be_visible()
        expect(page.locator("#doc-consular_id")).to_be_checked()
        expect(page.locator("#doc-utility_bill")).to_be_checked()
        screens.look(page, "enough")
    finally:
        context.close()
