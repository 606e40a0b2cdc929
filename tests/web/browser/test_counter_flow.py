"""The whole counter in a real browser, in English and in Spanish: sign in and search, register,
the photo (fake camera in one language, a file in the other), proofs with the live tally, the
supervisor's approval with the fee in cash, printing, a cash load with its receipt, replacing a
lost card, and the day's drawer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from app.keys.service import ensure_signing_key
from app.kit.types import utcnow
from cards.numbers import grouped
from tests.web.browser.media import photo_file
from tests.web.browser.screens import Screens, open_as, wait_until

# What a person reads at each step, in each language.
SAYS = {
    "en": {
        "no_match": "No one matches",
        "problem": "There is a problem",
        "registered": "The person is registered.",
        "photo_saved": "The photo is saved.",
        "enough": "These documents are enough.",
        "recorded": "The documents are recorded.",
        "approved": "Approved. The card is in the print queue.",
        "printed": "Marked printed: the card is active.",
        "active": "Active",
        "loaded": "$20.00",
        "amount": "20.00",
        "replaced": "The old card is revoked. The new card is in the print queue.",
        "revoked": "Revoked",
        "drawer": "Cash drawer of city-hall",
    },
    "es": {
        "no_match": "Nadie coincide",
        "problem": "Hay un problema",
        "registered": "La persona está registrada.",
        "photo_saved": "La foto está guardada.",
        "enough": "Estos documentos son suficientes.",
        "recorded": "Los documentos están registrados.",
        "approved": "Aprobada. La tarjeta está en la cola de impresión.",
        "printed": "Marcado como impreso: la tarjeta está activa.",
        "active": "Activa",
        "loaded": "20,00 US$",
        "amount": "20,00",
        "replaced": "La tarjeta anterior está revocada. La nueva tarjeta está en la cola de impresión.",
        "revoked": "Revocada",
        "drawer": "Caja de city-hall",
    },
}


@pytest.fixture
def signing_key(session: Session) -> None:
    ensure_signing_key(session)
    session.commit()


def _register(page: Page, screens: Screens, says: dict[str, str], family: str) -> str:
    page.locator("a[href='/console/register']").first.click()
    screens.look(page, "register")
    # Sent empty first: the errors show at the top and at each field, tied by aria-describedby.
    page.locator("form[action='/console/register'] button[type=submit]").click()
    expect(page.locator("#error-summary")).to_contain_text(says["problem"])
    expect(page.locator("#family_name")).to_have_attribute("aria-describedby", "family_name-error")
    expect(page.locator("#family_name-error")).to_be_visible()
    screens.look(page, "register-errors")
    page.fill("#given_name", "Amara")
    page.fill("#family_name", family)
    page.fill("#date_of_birth", "1988-07-21")
    page.locator("label[for=gender-X]").click()
    page.fill("#address_street", "200 Orange St")
    page.fill("#address_unit", "4B")
    page.fill("#address_city", "New Haven")
    page.fill("#address_postal_code", "06510")
    page.locator("label[for=address_on_card]").click()
    page.fill("#phone", "203 555 0100")
    page.select_option("#language_1", "Français")
    page.select_option("#language_2", "English")
    page.fill("#emergency_contact_name", "Moussa Diallo")
    page.fill("#emergency_contact_phone", "203 555 0199")
    page.locator("form[action='/console/register'] button[type=submit]").click()
    expect(page.locator(".usa-alert--success")).to_contain_text(says["registered"])
    screens.look(page, "person")
    return page.url.split("/console/people/")[1].split("?")[0]


def _photo(page: Page, screens: Screens, says: dict[str, str], *, camera: bool, tmp: Path) -> None:
    page.locator("a[href$='/photo']").click()
    if camera:
        page.locator("#camera-start").click()
        expect(page.locator("#camera-take")).to_be_enabled()
        wait_until(page, "document.getElementById('camera-video').videoWidth > 0")
        page.locator("#camera-take").click()
        wait_until(page, "document.getElementById('photo').files.length === 1")
    else:
        page.set_input_files("#photo", photo_file(tmp / "portrait.jpg"))
    expect(page.locator("#photo-preview")).to_be_visible()
    screens.look(page, "photo-chosen")
    page.locator("#photo-form button[type=submit]").click()
    expect(page.locator(".usa-alert--success")).to_contain_text(says["photo_saved"])
    wait_until(page, "(document.getElementById('photo-preview') || {}).naturalWidth === 600")
    screens.look(page, "photo-saved")


def _proofs(page: Page, screens: Screens, says: dict[str, str]) -> None:
    page.locator("a[href$='/proofs']").first.click()
    page.locator("label[for=doc-consular_id]").click()
    page.locator("label[for=doc-utility_bill]").click()
    page.fill("#date_utility_bill", (utcnow().date() - timedelta(days=12)).isoformat())
    # The live tally (a small script asking the eligibility rules) says they are enough.
    expect(page.locator("#tally-enough")).to_be_visible()
    expect(page.locator("#tally-enough")).to_have_text(says["enough"])
    screens.look(page, "proofs-tally")
    page.locator("button[name=action][value=record]").click()
    expect(page.locator(".usa-alert--success").first).to_contain_text(says["recorded"])
    screens.look(page, "proofs-recorded")


def _approve(page: Page, screens: Screens, says: dict[str, str], family: str) -> str:
    page.locator("a[href='/console/approvals']").first.click()
    screens.look(page, "approvals")
    page.get_by_role("link", name=f"Amara {family}").click()
    page.wait_for_url("**/console/approvals/*")
    wait_until(page, "(document.querySelector('.rid-card-preview') || {}).naturalWidth > 0")
    screens.look(page, "approval-review")
    page.locator("label[for=fee-cash]").click()
    page.locator("form[action$='/approve'] button[type=submit]").click()
    expect(page.locator(".usa-alert--success")).to_contain_text(says["approved"])
    screens.look(page, "card-approved")
    return page.url.split("/console/cards/")[1].split("?")[0]


def _print(page: Page, screens: Screens, says: dict[str, str], number: str) -> None:
    page.goto("/console/print-queue")
    expect(page.locator("#jobs")).to_contain_text(number)
    screens.look(page, "print-queue")
    with page.expect_download() as download:
        page.locator("button[form=batch-form]").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    page.locator(f"form[action$='/printed'] button:has-text('{number[-4:]}')").click()
    expect(page.locator(".usa-alert--success")).to_contain_text(says["printed"])
    screens.look(page, "printed")


def _load_and_replace(page: Page, screens: Screens, says: dict[str, str], number: str) -> None:
    page.locator("a[href='/console/']").first.click()
    page.fill("#q", grouped(number))
    page.locator("form[action='/console/search'] button[type=submit]").click()
    screens.look(page, "search-card")
    page.locator(".rid-table a[href^='/console/people/']").click()
    page.goto(f"/console/cards/{number}")
    expect(page.locator(".rid-facts")).to_contain_text(says["active"])
    screens.look(page, "card-active")
    page.fill("#amount", says["amount"])
    page.locator("form[action$='/loads'] button[type=submit]").click()
    expect(page.locator("#receipt-amount")).to_have_text(says["loaded"])
    expect(page.locator("#receipt-balance")).to_have_text(says["loaded"])
    screens.look(page, "receipt")
    page.emulate_media(media="print")
    expect(page.locator("header.usa-header")).to_be_hidden()
    page.screenshot(path=screens.folder / f"{screens.prefix}-receipt-print.png")
    page.emulate_media(media="screen")
    page.goto(f"/console/cards/{number}")
    page.select_option("#replace-reason", "lost")
    page.select_option("#replace-fee", "")
    page.locator("form[action$='/replace'] button[type=submit]").click()
    expect(page.locator(".usa-alert--success")).to_contain_text(says["replaced"])
    assert number not in page.url
    screens.look(page, "card-replaced")
    page.goto(f"/console/cards/{number}")
    expect(page.locator(".rid-facts")).to_contain_text(says["revoked"])


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_counter_from_search_to_a_printed_card_and_a_cash_load(
    browser: Browser, server: str, shots: Path, signing_key: None, locale: str, tmp_path: Path
) -> None:
    says = SAYS[locale]
    screens = Screens(shots, locale)
    family = f"Diallo-{locale.upper()}"
    clerk_context, clerk, clerk_name = open_as(browser, server, "clerk", locale)
    supervisor_context, supervisor, _ = open_as(browser, server, "supervisor", locale)
    printer_context, printer, _ = open_as(browser, server, "printer", locale)
    try:
        page = clerk
        screens.look(page, "search")
        page.fill("#q", f"Amara {family}")
        page.locator("form[action='/console/search'] button[type=submit]").click()
        expect(page.locator("main")).to_contain_text(says["no_match"])
        screens.look(page, "search-empty")
        _register(page, screens, says, family)
        _photo(page, screens, says, camera=locale == "en", tmp=tmp_path)
        _proofs(page, screens, says)
        number = _approve(supervisor, screens, says, family)
        _print(printer, screens, says, number)
        _load_and_replace(clerk, screens, says, number)
        supervisor.goto("/console/drawer")
        expect(supervisor.locator("main")).to_contain_text(says["drawer"])
        expect(supervisor.locator("main table")).to_contain_text(clerk_name)
        expect(supervisor.locator("main table")).to_contain_text(says["loaded"])
        screens.look(supervisor, "drawer")
    finally:
        for context in (clerk_context, supervisor_context, printer_context):
            context.close()
