"""/metrics: request rate and latency by route template (never a card number or a name), and the
figures kept in the database (verifications, charges, money, print queue, status list age, failed
sign-ins)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session

from app.config import settings
from tests.support.builders import make_merchant
from tests.support.http import Login
from tests.support.verification import signed_card


def _samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _value(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_route_template_never_by_card_number(
    client: TestClient, session: Session, login: Login
) -> None:
    card, _qr = signed_card(session)
    clerk = login("clerk")
    before = _samples(client)
    for _ in range(3):
        assert client.get(f"/v1/cards/{card.number}", headers=clerk).status_code == 200
    assert client.get("/v1/no-such-thing/4000123412341234").status_code == 404
    after = _samples(client)
    route = {"method": "GET", "route": "/v1/cards/{number}"}
    counted = _value(after, "resident_id_http_requests_total", **route, status="200")
    assert counted - _value(before, "resident_id_http_requests_total", **route, status="200") == 3
    timed = _value(after, "resident_id_http_request_duration_seconds_count", **route)
    assert timed - _value(before, "resident_id_http_request_duration_seconds_count", **route) == 3
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert _value(after, "resident_id_http_requests_total", **unmatched) >= 1
    text = client.get("/metrics").text
    assert card.number not in text
    assert "4000123412341234" not in text
    assert "no-such-thing" not in text


def test_verifications_by_outcome_and_the_status_list_age(
    client: TestClient, session: Session
) -> None:
    _card, qr = signed_card(session)
    _merchant, merchant = make_merchant()
    assert client.post("/v1/verify", json={"qr": qr}, headers=merchant).status_code == 200
    assert client.post("/v1/verify", json={"qr": "garbage"}, headers=merchant).status_code == 200
    assert client.get(f"/v1/status-lists/{settings.status_list_id}").status_code == 200
    samples = _samples(client)
    assert _value(samples, "resident_id_verifications_total", outcome="valid") == 1
    assert _value(samples, "resident_id_verifications_total", outcome="invalid") == 1
    age = samples[("resident_id_status_list_age_seconds", (("list", settings.status_list_id),))]
    assert age >= 0
    assert _value(samples, "resident_id_database_up") == 1


def test_print_queue_depth_and_failed_sign_ins(
    client: TestClient, session: Session, login: Login
) -> None:
    before = _samples(client)
    queued = _value(before, "resident_id_print_queue_depth")
    signed_card(session, status="pending_print")  # issued: its print job waits in the queue
    refused = client.post("/v1/auth/token", data={"username": "nobody", "password": "wrong-one"})
    assert refused.status_code == 401
    after = _samples(client)
    failed = _value(after, "resident_id_failed_sign_ins_total")
    assert failed - _value(before, "resident_id_failed_sign_ins_total") == 1
    assert _value(after, "resident_id_print_queue_depth") == queued + 1
