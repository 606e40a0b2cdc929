"""Merchant accounts through HTTP: register, list, disable, enable, rotate; the key shown once."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.merchants.models import Merchant
from tests.support.http import Headers, Login


def _create(client: TestClient, admin: Headers, **body: str) -> dict[str, str]:
    response = client.post(
        "/v1/merchants", json={"name": "Ives Library", "category": "library", **body}, headers=admin
    )
    assert response.status_code == 201, response.text
    created: dict[str, str] = response.json()
    return created


def _bearer(api_key: str) -> Headers:
    return {"Authorization": f"Bearer {api_key}"}


def _verify(client: TestClient, api_key: str) -> int:
    # Any text will do: what matters here is whether the key is admitted.
    return client.post("/v1/verify", json={"qr": "NOT A QR"}, headers=_bearer(api_key)).status_code


def test_an_admin_registers_a_merchant_and_sees_its_key_once(
    client: TestClient, session: Session, login: Login
) -> None:
    admin = login("admin")
    created = _create(client, admin)
    assert set(created) == {"id", "api_key"}
    api_key = created["api_key"]
    assert api_key.startswith("rid_mk_")
    # 256 random bits after the prefix: 43 base64url characters.
    assert len(api_key) == len("rid_mk_") + 43

    stored = session.get(Merchant, created["id"])
    assert stored is not None
    assert api_key not in {stored.api_key_hash, stored.api_key_prefix}
    assert len(stored.api_key_hash) == 64

    listed = client.get("/v1/merchants", headers=admin).json()["items"]
    assert [m["id"] for m in listed] == [created["id"]]
    assert listed[0]["category"] == "library"
    assert listed[0]["active"] is True
    assert api_key.startswith(listed[0]["api_key_prefix"])
    assert api_key not in client.get(f"/v1/merchants/{created['id']}", headers=admin).text
    assert _verify(client, api_key) == 200

    actions = list(session.scalars(sa.select(AuditEvent.action)))
    assert "merchant.create" in actions
    assert all(api_key not in e.detail for e in session.scalars(sa.select(AuditEvent)))


def test_two_merchants_get_different_keys(client: TestClient, login: Login) -> None:
    admin = login("admin")
    first = _create(client, admin, name="Parking meters", category="parking")
    second = _create(client, admin, name="Elm Pharmacy", category="pharmacy")
    assert first["api_key"] != second["api_key"]
    assert first["id"] != second["id"]


def test_a_disabled_merchant_is_refused_and_can_be_enabled_again(
    client: TestClient, session: Session, login: Login
) -> None:
    admin = login("admin")
    created = _create(client, admin)
    disabled = client.post(f"/v1/merchants/{created['id']}/disable", headers=admin)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["active"] is False
    assert disabled.json()["disabled_at"] is not None

    refused = client.post("/v1/verify", json={"qr": "X"}, headers=_bearer(created["api_key"]))
    assert refused.status_code == 401
    assert refused.json()["error"] == "NotAuthenticated"
    assert (
        client.post(f"/v1/merchants/{created['id']}/rotate-key", headers=admin).status_code == 409
    )

    enabled = client.post(f"/v1/merchants/{created['id']}/enable", headers=admin)
    assert enabled.json()["active"] is True
    assert enabled.json()["disabled_at"] is None
    assert _verify(client, created["api_key"]) == 200
    actions = list(session.scalars(sa.select(AuditEvent.action)))
    assert actions.count("merchant.disable") == 1
    assert actions.count("merchant.enable") == 1


def test_rotating_a_key_retires_the_old_one_at_once(client: TestClient, login: Login) -> None:
    admin = login("admin")
    created = _create(client, admin)
    rotated = client.post(f"/v1/merchants/{created['id']}/rotate-key", headers=admin)
    assert rotated.status_code == 200, rotated.text
    new_key = rotated.json()["api_key"]
    assert rotated.json()["id"] == created["id"]
    assert new_key.startswith("rid_mk_")
    assert new_key != created["api_key"]
    assert _verify(client, created["api_key"]) == 401
    assert _verify(client, new_key) == 200


def test_bad_merchant_input_is_refused_and_changes_nothing(
    client: TestClient, session: Session, login: Login
) -> None:
    admin = login("admin")
    for body in (
        {"name": "Ives Library", "category": "casino"},
        {"name": "", "category": "library"},
        {"name": "x" * 121, "category": "library"},
        {"category": "library"},
        {"name": "Ives Library", "category": "library", "nationality": "any"},
    ):
        response = client.post("/v1/merchants", json=body, headers=admin)
        assert response.status_code == 422, body
        assert response.json()["error"] == "ValidationError"
    unknown = "00000000-0000-0000-0000-000000000000"
    for action in ("disable", "enable", "rotate-key"):
        missing = client.post(f"/v1/merchants/{unknown}/{action}", headers=admin)
        assert missing.status_code == 404
        assert missing.json()["error"] == "MerchantNotFound"
    assert session.scalars(sa.select(Merchant)).all() == []


def test_only_admins_manage_merchants(client: TestClient, login: Login) -> None:
    created = _create(client, login("admin"))
    for role in ("clerk", "supervisor", "printer"):
        headers = login(role)
        body = {"name": "Sneaky", "category": "other"}
        assert client.post("/v1/merchants", json=body, headers=headers).status_code == 403
        assert client.get("/v1/merchants", headers=headers).status_code == 403
        rotate = client.post(f"/v1/merchants/{created['id']}/rotate-key", headers=headers)
        assert rotate.status_code == 403
    # A merchant cannot manage merchants, not even itself.
    own = _bearer(created["api_key"])
    assert client.post(f"/v1/merchants/{created['id']}/rotate-key", headers=own).status_code == 403
    assert client.get("/v1/merchants", headers=login("auditor")).status_code == 200
