"""An administrator and an auditor at work in a real browser, in English and in Spanish: the
admin creates a clerk and a merchant, rotates the merchant's key (shown once, as text and QR) and
withdraws an old signing key after its confirmation; the auditor filters the trail by a card's
number, verifies the chain, and reads the verification chart. axe on every screen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.keys.service import ensure_signing_key
from app.kit.dates import city_day
from app.kit.types import utcnow
from app.verification.repository import add_counts
from tests.support.builders import make_merchant, make_printed_card, make_user
from tests.web.browser.screens import Screens, open_as

SAYS = {
    "en": {
        "created": "is created.",
        "problem": "There is a problem",
        "shown_once": "Shown this once",
        "stopped": "The old key has stopped working.",
        "what_stops": "What stops verifying",
        "withdrawn": "The key is withdrawn and no longer published.",
        "verified": "Verified up to entry",
        "chart": "verifications in these days.",
    },
    "es": {
        "created": "está creada.",
        "problem": "Hay un problema",
        "shown_once": "Se muestra una sola vez",
        "stopped": "La clave anterior ha dejado de funcionar.",
        "what_stops": "Qué deja de verificarse",
        "withdrawn": "La clave está retirada y ya no se publica.",
        "verified": "Verificada hasta la entrada",
        "chart": "verificaciones en estos días.",
    },
}


def _submit(page: Page, action: str) -> None:
    page.locator(f"form[action='{action}'] button[type=submit]").first.click()
    page.wait_for_load_state("load")


def _admin(page: Page, screens: Screens, says: dict[str, str], locale: str) -> None:
    screens.look(page, "staff")
    # Sent with a short password first: the error shows on top and at the field.
    page.fill("#username", f"clerk-{locale}")
    page.fill("#password", "short")
    _submit(page, "/console/admin/staff")
    expect(page.locator("#error-summary")).to_contain_text(says["problem"])
    expect(page.locator("#password")).to_have_attribute(
        "aria-describedby", "password-hint password-error"
    )
    screens.look(page, "staff-error")
    page.fill("#password", "a long enough phrase")
    page.select_option("#role", "clerk")
    page.select_option("#branch", "city-hall")
    _submit(page, "/console/admin/staff")
    expect(page.locator("main")).to_contain_text(f"clerk-{locale} {says['created']}")
    expect(page.locator("#accounts")).to_contain_text(f"clerk-{locale}")
    page.locator("#accounts a", has_text=f"clerk-{locale}").click()
    screens.look(page, "account")

    page.locator("a[href='/console/admin/merchants']").first.click()
    page.fill("#name", f"Ives Library {locale}")
    page.select_option("#category", "library")
    _submit(page, "/console/admin/merchants")
    expect(page.locator("main")).to_contain_text(says["shown_once"])
    first_key = page.locator("#api-key").inner_text()
    screens.look(page, "merchant-key")
    page.locator("main a.usa-button").click()
    screens.look(page, "merchants")
    page.locator("#merchants form[action$='/rotate-key'] button").first.click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text(says["stopped"])
    second_key = page.locator("#api-key").inner_text()
    assert second_key.startswith("rid_mk_")
    assert second_key != first_key
    expect(page.locator("img.rid-qr")).to_be_visible()
    screens.look(page, "merchant-rotated")

    page.goto("/console/admin/keys")
    _submit(page, "/console/admin/keys/rotate")
    screens.look(page, "keys")
    # The older key, signing no more: withdraw it after reading what stops.
    page.locator("#keys a[href$='/withdraw']").last.click()
    expect(page.locator("#what-stops")).to_contain_text(says["what_stops"])
    screens.look(page, "withdraw-confirm")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text(says["withdrawn"])
    screens.look(page, "key-withdrawn")

    page.locator("a[href='/console/admin/branches']").first.click()
    screens.look(page, "branches")
    page.locator("a[href='/console/admin/settings']").first.click()
    screens.look(page, "settings")


def _auditor(page: Page, screens: Screens, says: dict[str, str], number: str) -> None:
    screens.look(page, "trail")
    page.fill("#card", number)
    _submit(page, "/console/audit/trail")
    expect(page.locator("#events")).to_contain_text("card.issue")
    screens.look(page, "trail-by-card")
    _submit(page, "/console/audit/trail/verify")
    expect(page.locator("#chain-state")).to_contain_text(says["verified"])
    screens.look(page, "trail-verified")
    page.locator("a[href='/console/audit/verifications']").first.click()
    expect(page.locator("main")).to_contain_text(says["chart"])
    expect(page.locator("svg.rid-chart rect").first).to_be_attached()
    screens.look(page, "verifications")
    page.locator("a[href='/console/audit/settlements']").first.click()
    _submit(page, "/console/audit/settlements/check")
    expect(page.locator("#ledger-state")).to_be_visible()
    screens.look(page, "settlements")


@pytest.mark.parametrize("locale", ["en", "es"])
def test_an_admin_and_an_auditor_at_work(
    browser: Browser, server: str, shots: Path, session: Session, locale: str
) -> None:
    ensure_signing_key(session)
    session.commit()
    card = make_printed_card(session)
    clerk = make_user("clerk")
    audit.record(session, actor=f"user:{clerk.id}", action="card.read", subject=f"card:{card.id}")
    library, _ = make_merchant(name="Ives Memorial Library")
    garage, _ = make_merchant(name="Temple Street Garage", category="parking")
    today = city_day(utcnow())
    for back, (lib, park) in enumerate([(40, 12), (55, 9), (0, 0), (31, 20), (62, 14)]):
        day = today - timedelta(days=back)
        add_counts(session, library.id, day, {"valid": lib, "revoked": 1 if lib else 0})
        add_counts(session, garage.id, day, {"valid": park, "expired": 2 if park else 0})
    session.commit()
    says = SAYS[locale]
    admin_context, admin, _ = open_as(browser, server, "admin", locale)
    auditor_context, auditor, _ = open_as(browser, server, "auditor", locale)
    try:
        _admin(admin, Screens(shots, f"admin-{locale}"), says, locale)
        _auditor(auditor, Screens(shots, f"audit-{locale}"), says, card.number)
    finally:
        admin_context.close()
        auditor_context.close()
