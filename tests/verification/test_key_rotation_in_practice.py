"""Key rotation as a city does it: `resident-id keys rotate` and `keys withdraw`, then cards
scanned online (HTTP) and offline (`resident-id verify`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cards.credential import decode_qr
from cards.keys import b64url
from tests.support.builders import make_merchant
from tests.support.verification import (
    export_keys,
    export_status_list,
    run_cli,
    signed_card,
)

pytestmark = pytest.mark.slow


def _online(client: TestClient, headers: dict[str, str], qr: str) -> dict[str, str]:
    response = client.post("/v1/verify", json={"qr": qr}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def _offline(env: dict[str, str], tmp_path: Path, qr: str, tag: str) -> tuple[int, str]:
    keys = export_keys(env, tmp_path / f"keys-{tag}.json")
    status_list = export_status_list(env, tmp_path / f"list-{tag}.cwt")
    done = run_cli(env, "verify", qr, "--keys", str(keys), "--status-list", str(status_list))
    return done.returncode, done.stdout.strip()


def test_old_cards_verify_after_a_rotation_and_stop_when_their_key_is_withdrawn(
    client: TestClient, session: Session, cli_env: dict[str, str], tmp_path: Path
) -> None:
    _, merchant = make_merchant()
    _old_card, old_qr = signed_card(session)
    old_kid = b64url(decode_qr(old_qr).kid)

    rotated = run_cli(cli_env, "keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    _new_card, new_qr = signed_card(session)
    new_kid = b64url(decode_qr(new_qr).kid)
    assert new_kid != old_kid

    # While the old key is published, both generations of cards verify, on both paths.
    assert _online(client, merchant, old_qr)["status"] == "valid"
    assert _online(client, merchant, new_qr)["status"] == "valid"
    assert _offline(cli_env, tmp_path, old_qr, "rotated")[0] == 0
    assert _offline(cli_env, tmp_path, new_qr, "rotated")[0] == 0

    # "--": a key id is base64url and may begin with "-", which would read as an option.
    withdrawn = run_cli(cli_env, "keys", "withdraw", "--", old_kid)
    assert withdrawn.returncode == 0, withdrawn.stderr
    published = {key["kid"] for key in client.get("/v1/keys").json()["keys"]}
    assert published == {new_kid}

    assert _online(client, merchant, old_qr) == {"status": "invalid", "reason": "unknown_key"}
    assert _online(client, merchant, new_qr)["status"] == "valid"
    assert _offline(cli_env, tmp_path, old_qr, "withdrawn") == (1, "invalid: unknown_key")
    assert _offline(cli_env, tmp_path, new_qr, "withdrawn")[0] == 0
