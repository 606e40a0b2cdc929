"""Login, status and the fine lookup (63/64) against a library on loopback built on pysip2."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import pytest
import trustme
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import settings
from tests.library.conftest import FEES, LATE
from tests.payments.conftest import holder_of
from tests.support.builders import make_card, make_merchant
from tests.support.ledger_http import Holder, MerchantKey
from tests.support.library import fines
from tests.support.sip2_library import USER, TestLibrary


def _status(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [".venv/bin/resident-id", "library", "status"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_login_and_status_with_the_settings_deployments_use(
    sip2_env: dict[str, str], sip2: TestLibrary
) -> None:
    done = _status(sip2_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "NHFPL (New Haven Free Public Library): online" in done.stdout
    assert "takes Fee Paid: yes" in done.stdout
    assert sip2.state.logins == [USER]
    assert sip2.received() == ["93", "99"]


def test_a_wrong_password_is_a_refused_login(sip2_env: dict[str, str], sip2: TestLibrary) -> None:
    done = _status({**sip2_env, "RESIDENT_ID_SIP2_PASSWORD": "not-it"})
    assert done.returncode == 1
    assert "refused our login" in done.stdout
    assert sip2.received() == ["93"]


def test_off_without_a_host(cli_env: dict[str, str]) -> None:
    done = _status({**cli_env, "RESIDENT_ID_SIP2_HOST": ""})
    assert done.returncode == 2
    assert "RESIDENT_ID_SIP2_HOST is empty" in done.stdout


def test_the_desk_sees_the_patrons_fines(
    client: TestClient, desk: MerchantKey, patron: Holder, sip2: TestLibrary
) -> None:
    response = fines(client, desk.headers, patron.number)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "items": [
            {"fee_id": fee_id, "amount_cents": cents, "description": text}
            for fee_id, cents, text in FEES
        ],
        "next_cursor": None,
    }
    # The card's number went as the patron id, in a message the library parsed and answered.
    assert sip2.received() == ["93", "63"]


def test_a_card_the_library_does_not_know(
    client: TestClient, desk: MerchantKey, session: Session, sip2: TestLibrary
) -> None:
    stranger = holder_of(session, make_card(session))
    response = fines(client, desk.headers, stranger.number)
    assert response.status_code == 404
    assert response.json()["error"] == "PatronNotKnown"


def test_not_a_card_and_not_a_library(
    client: TestClient, desk: MerchantKey, patron: Holder, sip2: TestLibrary
) -> None:
    assert fines(client, desk.headers, "1234").json()["error"] == "CardNotFound"
    _, parking = make_merchant(name="Downtown Parking", category="parking")
    response = fines(client, parking, patron.number)
    assert response.status_code == 403
    assert response.json()["error"] == "NotALibrary"
    assert sip2.received() == []


def test_sip2_off_and_library_down(
    client: TestClient,
    desk: MerchantKey,
    patron: Holder,
    sip2: TestLibrary,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as off:
        off.setattr(settings, "sip2_host", "")
        response = fines(client, desk.headers, patron.number)
        assert response.status_code == 409
        assert response.json()["error"] == "LibraryNotConnected"
    sip2.stop()
    response = fines(client, desk.headers, patron.number)
    assert response.status_code == 503
    assert response.json()["error"] == "LibraryUnavailable"
    sip2.start()
    assert fines(client, desk.headers, patron.number).status_code == 200


def test_a_reply_with_a_bad_checksum_is_asked_for_again(
    client: TestClient, desk: MerchantKey, patron: Holder, sip2: TestLibrary
) -> None:
    sip2.state.garble_replies = 2  # the login's answer and the fines' answer
    response = fines(client, desk.headers, patron.number)
    assert response.status_code == 200, response.text
    assert len(response.json()["items"]) == len(FEES)
    assert sip2.received() == ["93", "97", "63", "97"]


def test_a_slow_answer_past_the_timeout_then_a_prompt_one(
    client: TestClient, desk: MerchantKey, patron: Holder, sip2: TestLibrary
) -> None:
    sip2.state.patron_information_delay = LATE
    response = fines(client, desk.headers, patron.number)
    assert response.status_code == 503
    assert "did not answer in time" in response.json()["detail"]
    sip2.state.patron_information_delay = 0.0
    assert fines(client, desk.headers, patron.number).status_code == 200


def test_over_tls_with_the_librarys_own_ca(sip2_env: dict[str, str], tmp_path: Path) -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    secure = TestLibrary(tls=server_context)
    secure.start()
    try:
        ca_file = tmp_path / "library-ca.pem"
        authority.cert_pem.write_to_path(str(ca_file))
        env = {
            **sip2_env,
            "RESIDENT_ID_SIP2_PORT": str(secure.port),
            "RESIDENT_ID_SIP2_TLS": "true",
        }
        untrusted = _status(env)
        assert untrusted.returncode == 1
        assert "SSLCertVerificationError" in untrusted.stdout
        trusted = _status({**env, "RESIDENT_ID_SIP2_TLS_CA_FILE": str(ca_file)})
        assert trusted.returncode == 0, trusted.stdout + trusted.stderr
        assert "online" in trusted.stdout
        assert secure.state.logins == [USER]
    finally:
        secure.close()
