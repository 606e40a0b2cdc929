"""The merchant desk in a real browser, in English and in Spanish: sign in, a keyboard-wedge scan
of a real card's QR, a card typed by number and date of birth, a revoked card, a charge and its
receipt, a refund by receipt number, the day's charges and their CSV; axe on every screen."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy.orm import Session

from app.cards.credentials import status_list_uri
from app.config import settings
from app.keys import service as keys
from app.kit.types import utcnow
from cards.numbers import grouped
from cards.status_list import StatusList, issue_status_list_token
from tests.support.applicants import ready_to_approve
from tests.support.builders import TEST_PASSWORD, make_desk_staff, make_merchant
from tests.support.http import Headers
from tests.support.ledger_http import load
from tests.support.verification import signed_card
from tests.web.browser.conftest import CHROMIUM
from tests.web.browser.media import write_fake_camera_of
from tests.web.browser.screens import Screens, wait_until

SAYS = {
    "en": {
        "sign_in": "Sign in to the merchant desk",
        "scan": "Scan a card",
        "valid": "Valid",
        "revoked": "Revoked",
        "not_valid": "Not valid",
        "born": "April 12, 1990",
        "amount": "2.50",
        "charged": "$2.50",
        "left": "$17.50",
        "refund": "1.00",
        "refundable": "$1.50",
        "net": "$1.50",
        "as_of": "Offline: revocation as of",
        "unknown": "Signature valid, revocation unknown",
        "no_charge": "Charges need the network.",
    },
    "es": {
        "sign_in": "Iniciar sesión en el mostrador del comercio",
        "scan": "Escanear una tarjeta",
        "valid": "Válida",
        "revoked": "Revocada",
        "not_valid": "No válida",
        "born": "12 de abril de 1990",
        "amount": "2,50",
        "charged": "2,50\xa0US$",
        "left": "17,50\xa0US$",
        "refund": "1,00",
        "refundable": "1,50\xa0US$",
        "net": "1,50\xa0US$",
        "as_of": "Sin conexión: revocaciones al",
        "unknown": "Firma válida, revocación desconocida",
        "no_charge": "Los cobros necesitan la red.",
    },
}


def desk_as(
    browser: Browser, server: str, locale: str, screens: Screens | None = None
) -> tuple[BrowserContext, Page]:
    """A new browser context signed in to the desk of a new library, in `locale`."""
    merchant = make_merchant()[0]
    staff = make_desk_staff(merchant)
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["camera"], origin=server)
    page = context.new_page()
    page.goto("/merchant/")
    if locale == "es":
        page.locator("button[lang=es]").click()
    expect(page.locator("h1")).to_have_text(SAYS[locale]["sign_in"])
    if screens:
        screens.look(page, "sign-in")
    page.fill("#username", staff.username)
    page.fill("#password", TEST_PASSWORD)
    page.locator("form[action='/merchant/sign-in'] button[type=submit]").click()
    expect(page.locator("#desk-scan h1")).to_have_text(SAYS[locale]["scan"])
    return context, page


@pytest.mark.parametrize("locale", ["en", "es"])
def test_desk_scans_types_charges_refunds_and_exports(
    browser: Browser,
    server: str,
    shots: Path,
    session: Session,
    client: TestClient,
    login: Callable[..., Headers],
    tmp_path: Path,
    locale: str,
) -> None:
    says = SAYS[locale]
    card, qr = signed_card(session)
    _, revoked_qr = signed_card(session, status="revoked")
    assert load(client, login("clerk"), card.number, 2000).status_code == 201
    screens = Screens(shots, f"desk-{locale}")
    context, page = desk_as(browser, server, locale, screens)
    screens.look(page, "scan")

    # A keyboard-wedge scanner: keystrokes into the field the page focused, then Enter.
    expect(page.locator("#qr")).to_be_focused()
    page.keyboard.type(qr)
    page.keyboard.press("Enter")
    expect(page.locator("#verdict-word")).to_have_text(says["valid"])
    expect(page.locator(".rid-verdict")).to_contain_text("Ánh Nguyễn")
    expect(page.locator(".rid-verdict")).to_contain_text(says["born"])
    screens.look(page, "valid")

    # Charge from the result; the receipt prints on its own.
    page.fill("#amount", says["amount"])
    page.fill("#reference", "FINE-42")
    page.locator("#charge-form button[type=submit]").click()
    receipt = page.locator("#receipt")
    expect(receipt).to_contain_text(says["charged"])
    expect(receipt).to_contain_text(says["left"])
    screens.look(page, "receipt")
    page.emulate_media(media="print")
    page.screenshot(path=shots / f"desk-{locale}-receipt-print.png", full_page=True)
    page.emulate_media(media="screen")
    number = receipt.locator("dd").first.inner_text().strip()

    # A revoked card.
    page.goto("/merchant/")
    page.locator("#qr").focus()
    page.keyboard.type(revoked_qr)
    page.keyboard.press("Enter")
    expect(page.locator("#verdict-word")).to_have_text(says["revoked"])
    expect(page.locator("#charge-form")).to_have_count(0)
    screens.look(page, "revoked")

    # Typed by hand: the number and the date of birth.
    page.goto("/merchant/")
    page.fill("#number", grouped(card.number))
    page.fill("#date_of_birth", "1990-04-12")
    page.locator("form[action='/merchant/verify-number'] button[type=submit]").click()
    expect(page.locator("#verdict-word")).to_have_text(says["valid"])
    screens.look(page, "typed")

    # Refund part of the charge by the receipt number the customer holds.
    page.goto("/merchant/refund")
    screens.look(page, "refund")
    page.fill("#receipt_number", number.lower())
    page.fill("#amount", says["refund"])
    page.locator("form[action='/merchant/refund'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(says["refundable"])
    screens.look(page, "refunded")

    # Today's charges, totals and the CSV.
    page.goto("/merchant/charges")
    expect(page.locator("main")).to_contain_text(number)
    expect(page.locator(".rid-desk-totals")).to_contain_text(says["net"])
    screens.look(page, "charges")
    with page.expect_download() as download:
        page.locator("a[href^='/merchant/charges.csv']").click()
    saved = tmp_path / "charges.csv"
    download.value.save_as(saved)
    lines = saved.read_text().splitlines()
    assert lines[0] == "receipt_number,at,purpose,reference,amount,refunded"
    assert lines[1].startswith(number + ",")
    assert lines[1].endswith(",2.50,1.00")
    context.close()


def _printed_card_page(client: TestClient, login: Callable[..., Headers], folder: Path) -> Path:
    """A card approved, printed (the print station's PDF) and handed out: the page of its PDF
    that carries the QR code, rasterised by pdftoppm at 300 dpi."""
    clerk, printer = login("clerk"), login("printer")
    applicant = ready_to_approve(client, clerk, given_name="María José", family_name="Núñez")
    approved = client.post(f"/v1/applicants/{applicant}/approve", headers=login("supervisor"))
    assert approved.status_code == 201, approved.text
    (job,) = client.get("/v1/print-jobs?status=queued", headers=printer).json()
    pdf = client.get(f"/v1/print-jobs/{job['id']}/card.pdf", headers=printer)
    assert pdf.status_code == 200, pdf.text
    assert client.post(f"/v1/print-jobs/{job['id']}/printed", headers=printer).status_code == 200
    (folder / "card.pdf").write_bytes(pdf.content)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", str(folder / "card.pdf"), str(folder / "page")],
        check=True,
    )
    for page in sorted(folder.glob("page*.png")):
        read = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(page)],
            capture_output=True,
            check=False,
        )
        if read.stdout.strip():
            return page
    raise AssertionError("no page of the printed card carries a QR code")


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs pdftoppm and zbarimg (make tools installs them)",
)
@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_camera_reads_a_printed_card(
    browser: Browser,
    server: str,
    shots: Path,
    session: Session,
    client: TestClient,
    login: Callable[..., Headers],
    tmp_path: Path,
    locale: str,
) -> None:
    keys.ensure_signing_key(session, actor="test")
    session.commit()
    camera = write_fake_camera_of(
        _printed_card_page(client, login, tmp_path), tmp_path / "card.y4m"
    )
    # A browser of its own whose fake camera films the printed card (the session's films a face).
    filming = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={camera}",
        ],
    )
    try:
        screens = Screens(shots, f"desk-camera-{locale}")
        context, page = desk_as(filming, server, locale)
        page.locator("#camera-start").click()
        expect(page.locator("#verdict-word")).to_have_text(SAYS[locale]["valid"], timeout=30_000)
        expect(page.locator(".rid-verdict")).to_contain_text("María José Núñez")
        screens.look(page, "camera-valid")
        context.close()
    finally:
        filming.close()


def _visited_once(browser: Browser, server: str, locale: str) -> tuple[BrowserContext, Page]:
    """The desk opened once with the network: its service worker holds the page, keys and list."""
    context, page = desk_as(browser, server, locale)
    wait_until(page, "navigator.serviceWorker.controller !== null")
    page.reload()
    wait_until(
        page,
        "caches.match(document.getElementById('offline-result').dataset.statusList)"
        ".then(function (hit) { return !!hit; })",
    )
    return context, page


@pytest.mark.parametrize("locale", ["en", "es"])
def test_offline_the_desk_still_verifies_a_valid_and_a_revoked_card(
    browser: Browser, server: str, shots: Path, session: Session, locale: str
) -> None:
    says = SAYS[locale]
    _, qr = signed_card(session)
    _, revoked_qr = signed_card(session, status="revoked")
    screens = Screens(shots, f"desk-offline-{locale}")
    context, page = _visited_once(browser, server, locale)

    context.set_offline(True)
    page.goto("/merchant/")
    page.locator("#qr").focus()
    page.keyboard.type(qr)
    page.keyboard.press("Enter")
    expect(page.locator("#offline-word")).to_have_text(says["valid"])
    expect(page.locator("#offline-result")).to_contain_text("Ánh Nguyễn")
    expect(page.locator("#offline-note")).to_contain_text(says["as_of"])
    expect(page.locator("#offline-result")).to_contain_text(says["no_charge"])
    screens.look(page, "offline-valid")

    page.locator("#offline-again").click()
    page.keyboard.type(revoked_qr)
    page.keyboard.press("Enter")
    expect(page.locator("#offline-word")).to_have_text(says["revoked"])
    screens.look(page, "offline-revoked")
    context.close()


def test_offline_with_an_expired_list_the_signature_is_valid_and_revocation_unknown(
    browser: Browser, server: str, shots: Path, session: Session
) -> None:
    _, qr = signed_card(session)
    context, page = _visited_once(browser, server, "en")
    # The list the desk holds has expired (as if the desk stayed offline past it), signed as the
    # server signs lists.
    now = utcnow()
    expired = issue_status_list_token(
        StatusList(),
        uri=status_list_uri(settings.status_list_id),
        key=keys.current_signing_key(session),
        issued_at=now - timedelta(days=2),
        expires_at=now - timedelta(days=1),
        ttl_seconds=3600,
    )
    path = f"/v1/status-lists/{settings.status_list_id}"
    # Put in the worker's cache, again until it stays: the page's own warm-up fetch may still be
    # writing the fresh list there.
    for _ in range(20):
        page.evaluate(
            "([path, bytes]) => caches.open('rid-desk-v1')"
            ".then((cache) => cache.put(path, new Response(new Uint8Array(bytes))))",
            [path, list(expired)],
        )
        page.wait_for_timeout(250)
        held = page.evaluate(
            "(path) => caches.match(path).then((r) => r.arrayBuffer()).then((b) => b.byteLength)",
            path,
        )
        if held == len(expired):
            break
    else:
        raise AssertionError("the expired list never stayed in the cache")
    context.set_offline(True)
    page.goto("/merchant/")
    page.locator("#qr").focus()
    page.keyboard.type(qr)
    page.keyboard.press("Enter")
    expect(page.locator("#offline-word")).to_have_text(SAYS["en"]["unknown"])
    expect(page.locator("#offline-result")).to_contain_text("Ánh Nguyễn")
    Screens(shots, "desk-offline-expired-list").look(page, "revocation-unknown")
    context.close()


def test_a_charge_with_the_network_gone_says_so_and_takes_nothing(
    browser: Browser,
    server: str,
    shots: Path,
    session: Session,
    client: TestClient,
    login: Callable[..., Headers],
) -> None:
    card, qr = signed_card(session)
    assert load(client, login("clerk"), card.number, 2000).status_code == 201
    context, page = desk_as(browser, server, "en")
    page.keyboard.type(qr)
    page.keyboard.press("Enter")
    expect(page.locator("#verdict-word")).to_have_text("Valid")
    page.fill("#amount", "3.00")
    page.fill("#reference", "FINE-7")
    context.set_offline(True)
    page.locator("#charge-form button[type=submit]").click()
    expect(page.locator("#charge-offline")).to_be_visible()
    expect(page.locator("#charge-offline")).to_contain_text("Charges need the network.")
    Screens(shots, "desk-charge-offline").look(page, "charge-needs-network")
    context.set_offline(False)
    page.goto("/merchant/charges")
    expect(page.locator("main")).to_contain_text("No charges yet on this day.")
    context.close()
