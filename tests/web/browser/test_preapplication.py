"""The pre-application end to end in a browser: a resident fills it in in Spanish and gets the code
and its QR (which zbar reads back as the code); a clerk signs in, scans the code into the
register page as a keyboard-wedge scanner types it, finds the form filled, and registers. axe on
every screen, a screenshot of each (and of the code page as it prints)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.web.browser.screens import Screens, open_as

RESIDENT = {
    "#given_name": "Lucía",
    "#family_name": "Hernández Quispe",
    "#date_of_birth": "1991-07-23",
    "#address_street": "48 Grand Avenue",
    "#address_unit": "Apt 3B",
    "#address_city": "New Haven",
    "#address_postal_code": "06513",
    "#phone": "203 555 0187",
    "#emergency_contact_name": "Rosa Quispe",
    "#emergency_contact_phone": "203 555 0142",
}
CODE = re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")


def _resident_pre_applies(browser: Browser, server: str, screens: Screens, shots: Path) -> str:
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto("/")
        page.locator("button[lang=es]").click()
        page.wait_for_load_state("load")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        page.get_by_role("link", name="Complete sus datos", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Complete sus datos antes de venir"
        )
        screens.look(page, "form")

        # A first try with the date written the local way: named at its field, answers kept.
        for selector, value in RESIDENT.items():
            page.fill(selector, value)
        page.fill("#date_of_birth", "23/07/1991")
        page.get_by_role("button", name="Enviar y recibir mi código").click()
        expect(page.get_by_role("heading", name="Hay un problema")).to_be_visible()
        expect(page.locator("#date_of_birth")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#family_name")).to_have_value("Hernández Quispe")
        screens.look(page, "form-error")

        page.fill("#date_of_birth", "1991-07-23")
        page.locator("label[for=gender-F]").click()
        page.select_option("#language_1", "Español")
        page.get_by_role("button", name="Enviar y recibir mi código").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Su código de solicitud previa")
        code = page.locator(".rid-preapply-code__code").inner_text().strip()
        assert CODE.match(code), code
        qr = page.get_by_role("img", name="Código QR de su código")
        expect(qr).to_be_visible()
        expect(page.get_by_role("button", name="Imprimir esta página")).to_be_visible()
        # Switching the language would reload the form and lose the code shown only once.
        expect(page.locator("button[lang=en]")).to_have_count(0)
        screens.look(page, "code")

        # The QR reads back as the code, as the counter's scanner will read it.
        qr_png = shots / f"{screens.prefix}-qr.png"
        qr.screenshot(path=qr_png)
        read = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(qr_png)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert read.stdout.strip() == code, read.stderr

        # On a phone the code and its QR fit the screen: nothing scrolls sideways.
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screens.look(page, "code-phone")
        page.set_viewport_size({"width": 1280, "height": 900})

        page.emulate_media(media="print")
        screens.count += 1
        page.screenshot(path=shots / f"{screens.prefix}-{screens.count:02d}-code-printed.png")
        page.emulate_media(media="screen")
        return code
    finally:
        context.close()


def _clerk_registers(page: Page, code: str, screens: Screens) -> None:
    page.goto("/console/register")
    screens.look(page, "register")
    # A keyboard-wedge scanner types the code and presses Enter.
    page.get_by_label("Pre-application code").fill(code)
    page.get_by_label("Pre-application code").press("Enter")
    expect(page.get_by_text("pre-application is filled in below")).to_be_visible()
    for selector, value in RESIDENT.items():
        expect(page.locator(selector)).to_have_value(value)
    expect(page.locator("#gender-F")).to_be_checked()
    expect(page.locator("#language_1")).to_have_value("Español")
    screens.look(page, "register-filled")

    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.locator(".usa-alert--success")).to_contain_text("The person is registered.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lucía Hernández Quispe")
    screens.look(page, "registered")

    # Used once: the same code now opens nothing.
    page.goto("/console/register")
    page.get_by_label("Pre-application code").fill(code)
    page.get_by_role("button", name="Open the pre-application").click()
    expect(page.get_by_text("No pre-application has this code")).to_be_visible()
    expect(page.locator("#family_name")).to_have_value("")
    screens.look(page, "code-used")


def test_a_resident_pre_applies_in_spanish_and_a_clerk_registers_them_by_the_code(
    browser: Browser, server: str, shots: Path
) -> None:
    screens = Screens(shots, "preapply-es")
    code = _resident_pre_applies(browser, server, screens, shots)
    context, page, _ = open_as(browser, server, "clerk", "en")
    try:
        _clerk_registers(page, code, screens)
    finally:
        context.close()
