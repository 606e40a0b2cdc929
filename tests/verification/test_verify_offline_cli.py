"""Offline verification with the `resident-id` command: the files a merchant device syncs, and
`resident-id verify` answering from them alone (no database, no server)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.kit.types import utcnow
from tests.support.http import Login
from tests.support.verification import (
    bad_qr_texts,
    export_keys,
    export_status_list,
    run_cli,
    signed_card,
)

pytestmark = pytest.mark.slow


def test_a_printed_card_verifies_offline_then_reads_revoked_once_the_new_list_is_synced(
    client: TestClient,
    session: Session,
    login: Login,
    cli_env: dict[str, str],
    offline_env: dict[str, str],
    tmp_path: Path,
) -> None:
    card, qr = signed_card(session)
    keys = export_keys(cli_env, tmp_path / "keys.json")
    synced = export_status_list(cli_env, tmp_path / "status-list.cwt")

    valid = run_cli(offline_env, "verify", qr, "--keys", str(keys), "--status-list", str(synced))
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.startswith("valid: Ánh Nguyễn, born 1990-04-12")
    assert card.number[:4] in valid.stdout

    lost = client.post(
        f"/v1/cards/{card.number}/revoke", json={"reason": "lost"}, headers=login("clerk")
    )
    assert lost.status_code == 200, lost.text
    resynced = export_status_list(cli_env, tmp_path / "status-list-2.cwt")
    revoked = run_cli(
        offline_env, "verify", qr, "--keys", str(keys), "--status-list", str(resynced)
    )
    assert revoked.returncode == 2, revoked.stderr
    assert revoked.stdout.startswith("revoked: Ánh Nguyễn")

    # The scanner can pipe the text in.
    piped = run_cli(
        offline_env, "verify", "--keys", str(keys), "--status-list", str(resynced), stdin=qr
    )
    assert piped.returncode == 2


def test_without_a_status_list_the_answer_is_revocation_unknown_never_valid(
    session: Session, cli_env: dict[str, str], offline_env: dict[str, str], tmp_path: Path
) -> None:
    _card, qr = signed_card(session)
    keys = export_keys(cli_env, tmp_path / "keys.json")
    done = run_cli(offline_env, "verify", qr, "--keys", str(keys))
    assert done.returncode == 4
    assert done.stdout.startswith("signature valid, revocation unknown")
    assert "Ánh Nguyễn" in done.stdout


def test_an_expired_status_list_is_set_aside(
    session: Session, cli_env: dict[str, str], offline_env: dict[str, str], tmp_path: Path
) -> None:
    _card, qr = signed_card(session)
    keys = export_keys(cli_env, tmp_path / "keys.json")
    # A list whose lifetime is zero has expired by the time anyone reads it.
    stale = export_status_list(
        {**cli_env, "RESIDENT_ID_STATUS_LIST_LIFETIME_HOURS": "0"}, tmp_path / "stale.cwt"
    )
    done = run_cli(offline_env, "verify", qr, "--keys", str(keys), "--status-list", str(stale))
    assert done.returncode == 4
    assert "revocation unknown" in done.stdout
    assert "expired" in done.stderr


def test_an_expired_card_exits_3(
    session: Session, cli_env: dict[str, str], offline_env: dict[str, str], tmp_path: Path
) -> None:
    _card, qr = signed_card(session, expires_on=utcnow().date() - timedelta(days=1))
    keys = export_keys(cli_env, tmp_path / "keys.json")
    synced = export_status_list(cli_env, tmp_path / "status-list.cwt")
    done = run_cli(offline_env, "verify", qr, "--keys", str(keys), "--status-list", str(synced))
    assert done.returncode == 3
    assert done.stdout.startswith("expired: Ánh Nguyễn")


def test_bad_input_is_invalid_with_its_reason_and_never_a_crash(
    session: Session, cli_env: dict[str, str], offline_env: dict[str, str], tmp_path: Path
) -> None:
    _card, qr = signed_card(session)
    keys = export_keys(cli_env, tmp_path / "keys.json")
    synced = export_status_list(cli_env, tmp_path / "status-list.cwt")
    cases = {
        **bad_qr_texts(qr),
        "longer than any QR code": ("A" * 5000, "malformed"),
    }
    for name, (text, reason) in cases.items():
        # Through stdin: some of these texts are not valid command-line arguments.
        done = run_cli(
            offline_env,
            "verify",
            "-",
            "--keys",
            str(keys),
            "--status-list",
            str(synced),
            stdin=text,
        )
        assert done.returncode == 1, (name, done.stdout, done.stderr)
        assert done.stdout.strip() == f"invalid: {reason}", name
        assert "Traceback" not in done.stderr, name


def test_unreadable_files_exit_5(
    session: Session, offline_env: dict[str, str], tmp_path: Path
) -> None:
    _card, qr = signed_card(session)
    missing = run_cli(offline_env, "verify", qr, "--keys", str(tmp_path / "none.json"))
    assert missing.returncode == 5
    # Not click's usage error (2, which would read as "revoked").
    no_keys = run_cli(offline_env, "verify", qr)
    assert no_keys.returncode == 5
    assert "--keys" in no_keys.stderr
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    assert run_cli(offline_env, "verify", qr, "--keys", str(garbage)).returncode == 5


def test_help_documents_the_exit_codes(offline_env: dict[str, str]) -> None:
    done = run_cli(offline_env, "verify", "--help")
    assert done.returncode == 0
    for line in ("0  valid", "1  invalid", "2  revoked", "3  expired", "4  signature valid", "5  "):
        assert line in done.stdout
