"""The signature signed on the pad with a pointer, in English and in Spanish: the stroke goes
into the form's file field, is saved, and comes back as the ink the card prints."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session

from tests.support.builders import make_applicant
from tests.web.browser.screens import Screens, open_as, wait_until

SAVED = {"en": "The signature is saved.", "es": "La firma está guardada."}


@pytest.mark.parametrize("locale", ["en", "es"])
def test_a_signature_signed_on_the_pad_is_saved_as_ink(
    browser: Browser, server: str, shots: Path, session: Session, locale: str
) -> None:
    applicant_id = make_applicant(session, status="pending").id
    session.commit()
    screens = Screens(shots, f"signature-{locale}")
    context, page, _ = open_as(browser, server, "clerk", locale)
    try:
        page.goto(f"/console/people/{applicant_id}")
        page.locator(f"a[href='/console/people/{applicant_id}/signature']").first.click()
        pad = page.locator("#pad-canvas")
        expect(pad).to_be_visible()
        screens.look(page, "empty")
        box = pad.bounding_box()
        assert box is not None
        x, y, w, h = box["x"], box["y"], box["width"], box["height"]
        page.mouse.move(x + 0.1 * w, y + 0.7 * h)
        page.mouse.down()
        for i in range(1, 21):  # a zigzag across the pad, as a hand signs
            page.mouse.move(x + (0.1 + 0.04 * i) * w, y + (0.3 if i % 2 else 0.7) * h, steps=3)
        page.mouse.up()
        wait_until(page, "document.getElementById('signature').files.length === 1")
        expect(page.locator("#pad-status")).not_to_be_empty()
        screens.look(page, "signed")
        page.locator("#signature-form button[type=submit]").click()
        expect(page.locator(".usa-alert--success")).to_contain_text(SAVED[locale])
        wait_until(page, "(document.getElementById('signature-on-file') || {}).naturalWidth > 0")
        screens.look(page, "saved")
    finally:
        context.close()
