"""The whole path, through the public surface only: a clerk approves, the printer prints the
PDF, a camera reads the QR off the printed page, and a merchant verifies it online and offline;
after the card is reported lost both paths say `revoked` (offline once the new list is synced)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.keys import service as keys
from tests.support.applicants import ready_to_approve
from tests.support.builders import make_merchant
from tests.support.http import Headers, Login
from tests.support.verification import export_keys, export_status_list, run_cli

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
        reason="needs pdftoppm and zbarimg (make tools installs them)",
    ),
]


def _scan(pdf: bytes, workdir: Path) -> str:
    """What a camera reads off the printed card: the PDF rasterised at 300 dpi, read by zbar."""
    (workdir / "card.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", str(workdir / "card.pdf"), str(workdir / "page")],
        check=True,
    )
    found: list[str] = []
    for page in sorted(workdir.glob("page*.png")):
        done = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(page)],
            capture_output=True,
            text=True,
            check=False,
        )
        found.extend(line for line in done.stdout.splitlines() if line)
    assert len(found) == 1, found
    return found[0]


def _online(client: TestClient, merchant: Headers, qr: str) -> dict[str, str]:
    response = client.post("/v1/verify", json={"qr": qr}, headers=merchant)
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def test_a_printed_card_verifies_online_and_offline_and_is_revoked_on_both_when_lost(
    client: TestClient,
    session: Session,
    login: Login,
    cli_env: dict[str, str],
    tmp_path: Path,
) -> None:
    keys.ensure_signing_key(session, actor="test")
    session.commit()
    clerk, printer = login("clerk"), login("printer")
    applicant = ready_to_approve(client, clerk, given_name="María José", family_name="Núñez")
    # Approved by someone other than the clerk who registered them (four eyes).
    approved = client.post(f"/v1/applicants/{applicant}/approve", headers=login("supervisor"))
    assert approved.status_code == 201, approved.text
    number = approved.json()["card"]["number"]

    (job,) = client.get("/v1/print-jobs?status=queued", headers=printer).json()
    pdf = client.get(f"/v1/print-jobs/{job['id']}/card.pdf", headers=printer)
    assert pdf.status_code == 200, pdf.text
    qr = _scan(pdf.content, tmp_path)
    # Not handed out yet: the printer has not confirmed it.
    _, merchant = make_merchant()
    assert _online(client, merchant, qr)["reason"] == "not_issued"
    printed = client.post(f"/v1/print-jobs/{job['id']}/printed", headers=printer)
    assert printed.status_code == 200, printed.text

    answer = _online(client, merchant, qr)
    assert answer["status"] == "valid"
    assert (answer["given_name"], answer["family_name"]) == ("María José", "Núñez")

    key_file = export_keys(cli_env, tmp_path / "keys.json")
    synced = export_status_list(cli_env, tmp_path / "list-1.cwt")
    offline = run_cli(cli_env, "verify", qr, "--keys", str(key_file), "--status-list", str(synced))
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert offline.stdout.startswith("valid: María José Núñez")

    lost = client.post(f"/v1/cards/{number}/revoke", json={"reason": "lost"}, headers=clerk)
    assert lost.status_code == 200, lost.text
    assert _online(client, merchant, qr)["status"] == "revoked"
    resynced = export_status_list(cli_env, tmp_path / "list-2.cwt")
    offline = run_cli(
        cli_env, "verify", qr, "--keys", str(key_file), "--status-list", str(resynced)
    )
    assert offline.returncode == 2, offline.stdout + offline.stderr
    assert offline.stdout.startswith("revoked: María José Núñez")
