"""The print queue through HTTP: what the printer lists, fetches, and reports printed or failed."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.cards.models import Card
from app.cards.printing.models import PrintJob
from app.kit.types import utcnow
from tests.support.builders import make_applicant, make_card, make_printed_card
from tests.support.http import Headers, Login

# PDFs carry a signed QR: the city needs a signing key first.
pytestmark = pytest.mark.usefixtures("signing_key")


def _queued(client: TestClient, headers: Headers) -> list[dict[str, object]]:
    response = client.get("/v1/print-jobs", params={"status": "queued"}, headers=headers)
    assert response.status_code == 200, response.text
    jobs: list[dict[str, object]] = response.json()
    return jobs


def _job_for(session: Session, card: Card) -> PrintJob:
    session.expire_all()
    return session.scalars(sa.select(PrintJob).where(PrintJob.card_id == card.id)).one()


def _audit_count(session: Session, action: str) -> int:
    query = sa.select(sa.func.count()).where(AuditEvent.action == action)
    return session.scalar(query) or 0


def test_approval_puts_the_card_in_the_queue_and_printing_activates_it(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_card(session, status="pending_print")
    printer = login("printer")
    (job,) = _queued(client, printer)
    assert job["card_number"] == card.number
    assert (job["kind"], job["status"], job["attempts"]) == ("issue", "queued", 0)

    pdf = client.get(f"/v1/print-jobs/{job['id']}/card.pdf", headers=printer)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["cache-control"] == "no-store"
    assert pdf.content.startswith(b"%PDF")

    done = client.post(f"/v1/print-jobs/{job['id']}/printed", headers=printer)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["attempts"]) == ("printed", 1)
    assert _queued(client, printer) == []
    session.refresh(card)
    assert card.status == "active"
    assert card.activated_at is not None


def test_a_job_is_printed_once_and_its_card_activated_once(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_card(session, status="pending_print")
    printer = login("printer")
    job_id = _job_for(session, card).id
    assert client.post(f"/v1/print-jobs/{job_id}/printed", headers=printer).status_code == 200
    session.refresh(card)
    first_activation = card.activated_at
    again = client.post(f"/v1/print-jobs/{job_id}/printed", headers=printer)
    assert again.status_code == 409
    assert again.json()["error"] == "PrintJobAlreadyPrinted"
    failed = client.post(
        f"/v1/print-jobs/{job_id}/failed", json={"reason": "late"}, headers=printer
    )
    assert failed.status_code == 409
    session.refresh(card)
    assert card.activated_at == first_activation
    assert _audit_count(session, "card.activate") == 1
    assert _job_for(session, card).attempts == 1


def test_a_failed_print_goes_back_in_the_queue_and_counts_the_attempt(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_card(session, status="pending_print")
    printer = login("printer")
    job_id = _job_for(session, card).id
    for n in (1, 2):
        response = client.post(
            f"/v1/print-jobs/{job_id}/failed", json={"reason": "ribbon out"}, headers=printer
        )
        assert response.status_code == 200, response.text
        assert (response.json()["status"], response.json()["attempts"]) == ("queued", n)
        assert response.json()["last_failure"] == "ribbon out"
    assert [job["id"] for job in _queued(client, printer)] == [job_id]
    session.refresh(card)
    assert card.status == "pending_print"
    printed = client.post(f"/v1/print-jobs/{job_id}/printed", headers=printer)
    assert printed.json()["attempts"] == 3
    session.refresh(card)
    assert card.status == "active"


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "x" * 301}, {"why": "jam"}])
def test_a_failure_needs_a_short_reason(
    client: TestClient, session: Session, login: Login, body: dict[str, str]
) -> None:
    card = make_card(session, status="pending_print")
    job_id = _job_for(session, card).id
    response = client.post(f"/v1/print-jobs/{job_id}/failed", json=body, headers=login("printer"))
    assert response.status_code == 422
    assert _job_for(session, card).attempts == 0


def test_unknown_jobs_are_not_found(client: TestClient, login: Login) -> None:
    printer = login("printer")
    for method, path, body in (
        ("GET", "card.pdf", None),
        ("POST", "printed", None),
        ("POST", "failed", {"reason": "jam"}),
    ):
        response = client.request(method, f"/v1/print-jobs/nope/{path}", json=body, headers=printer)
        assert response.status_code == 404
        assert response.json()["error"] == "PrintJobNotFound"


def test_only_the_printer_handles_card_pdfs(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_card(session, status="pending_print")
    job_id = _job_for(session, card).id
    for role in ("clerk", "supervisor", "auditor", "admin"):
        headers = login(role)
        assert client.get(f"/v1/print-jobs/{job_id}/card.pdf", headers=headers).status_code == 403
        assert client.post(f"/v1/print-jobs/{job_id}/printed", headers=headers).status_code == 403
    # A supervisor may look at the queue to see what is stuck; a clerk may not.
    assert len(_queued(client, login("supervisor"))) == 1
    assert client.get("/v1/print-jobs", headers=login("clerk")).status_code == 403
    session.refresh(card)
    assert card.status == "pending_print"


def test_the_queue_lists_by_status_in_arrival_order(
    client: TestClient, session: Session, login: Login
) -> None:
    cards = [make_card(session, status="pending_print") for _ in range(3)]
    printer = login("printer")
    jobs = _queued(client, printer)
    assert [job["card_number"] for job in jobs] == [card.number for card in cards]
    client.post(f"/v1/print-jobs/{jobs[0]['id']}/printed", headers=printer)
    assert [job["id"] for job in _queued(client, printer)] == [jobs[1]["id"], jobs[2]["id"]]
    printed = client.get("/v1/print-jobs?status=printed", headers=printer).json()
    assert [job["id"] for job in printed] == [jobs[0]["id"]]
    assert len(client.get("/v1/print-jobs?limit=2", headers=printer).json()) == 2
    for bad in ("status=lost", "limit=0", "limit=501", "limit=x"):
        assert client.get(f"/v1/print-jobs?{bad}", headers=printer).status_code == 422


def test_a_card_revoked_before_printing_never_comes_out(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_card(session, status="pending_print")
    job_id = _job_for(session, card).id
    client.post(
        f"/v1/cards/{card.number}/revoke",
        json={"reason": "issued_in_error"},
        headers=login("clerk"),
    )
    printer = login("printer")
    assert _queued(client, printer) == []
    pdf = client.get(f"/v1/print-jobs/{job_id}/card.pdf", headers=printer)
    assert (pdf.status_code, pdf.json()["error"]) == (409, "PrintJobCancelled")
    printed = client.post(f"/v1/print-jobs/{job_id}/printed", headers=printer)
    assert (printed.status_code, printed.json()["error"]) == (409, "PrintJobCancelled")
    session.refresh(card)
    assert card.status == "revoked"


def test_fetching_a_printed_cards_pdf_again_is_recorded_as_a_reprint(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_card(session, status="pending_print")
    printer = login("printer")
    job_id = _job_for(session, card).id
    client.get(f"/v1/print-jobs/{job_id}/card.pdf", headers=printer)
    client.post(f"/v1/print-jobs/{job_id}/printed", headers=printer)
    again = client.get(f"/v1/print-jobs/{job_id}/card.pdf", headers=printer)
    assert again.status_code == 200
    job = _job_for(session, card)
    assert (job.reprints, job.attempts) == (1, 1)
    assert _audit_count(session, "print_job.reprint") == 1
    assert _audit_count(session, "print_job.pdf") == 1
    # Once the card is revoked, no copy of it may be made.
    client.post(f"/v1/cards/{card.number}/revoke", json={"reason": "lost"}, headers=login("clerk"))
    refused = client.get(f"/v1/print-jobs/{job_id}/card.pdf", headers=printer)
    assert (refused.status_code, refused.json()["error"]) == (409, "CardNotPrintable")
    assert _job_for(session, card).reprints == 1


def test_a_reprint_job_prints_another_copy_without_a_second_activation(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_printed_card(session)
    activated = card.activated_at
    job = client.post(
        f"/v1/cards/{card.number}/reprint", json={"reason": "jammed"}, headers=login("clerk")
    ).json()
    printer = login("printer")
    assert [j["id"] for j in _queued(client, printer)] == [job["id"]]
    assert client.get(f"/v1/print-jobs/{job['id']}/card.pdf", headers=printer).status_code == 200
    done = client.post(f"/v1/print-jobs/{job['id']}/printed", headers=printer)
    assert done.status_code == 200
    session.refresh(card)
    assert (card.status, card.activated_at) == ("active", activated)
    assert _audit_count(session, "card.activate") == 0


def test_printing_a_renewal_retires_the_card_it_renews(
    client: TestClient, session: Session, login: Login
) -> None:
    old = make_printed_card(session, expires_on=utcnow().date() + timedelta(days=20))
    new = client.post(f"/v1/cards/{old.number}/renew", headers=login("clerk")).json()
    printer = login("printer")
    client.post(f"/v1/print-jobs/{new['print_job_id']}/printed", headers=printer)
    session.refresh(old)
    assert (old.status, old.revoke_reason) == ("revoked", "renewed")
    renewed = client.get(f"/v1/cards/{new['number']}", headers=login("clerk")).json()
    assert renewed["status"] == "active"


def test_a_batch_pdf_holds_the_jobs_in_the_order_asked(
    client: TestClient, session: Session, login: Login
) -> None:
    applicant = make_applicant(session)
    cards = [make_card(session, applicant, status="pending_print") for _ in range(3)]
    ids = [_job_for(session, card).id for card in reversed(cards)]
    printer = login("printer")
    for layout in ("cards", "sheet"):
        response = client.post(
            f"/v1/print-jobs/batch.pdf?layout={layout}", json={"job_ids": ids}, headers=printer
        )
        assert response.status_code == 200, response.text
        assert response.content.startswith(b"%PDF")
    assert _audit_count(session, "print_job.pdf") == 6


def test_a_bad_batch_releases_nothing(client: TestClient, session: Session, login: Login) -> None:
    card = make_card(session, status="pending_print")
    revoked = make_card(session, status="pending_print")
    printer = login("printer")
    job_id, revoked_job = _job_for(session, card).id, _job_for(session, revoked).id
    client.post(
        f"/v1/cards/{revoked.number}/revoke", json={"reason": "lost"}, headers=login("clerk")
    )
    before = _audit_count(session, "print_job.pdf")
    for body, layout, status in (
        ({"job_ids": [job_id, "nope"]}, "cards", 404),
        ({"job_ids": [job_id, revoked_job]}, "cards", 409),
        ({"job_ids": []}, "cards", 422),
        ({"job_ids": [job_id, job_id]}, "cards", 422),
        ({"job_ids": [f"id-{n}" for n in range(51)]}, "cards", 422),
        ({"job_ids": [job_id]}, "poster", 422),
        ({"jobs": [job_id]}, "cards", 422),
    ):
        response = client.post(
            f"/v1/print-jobs/batch.pdf?layout={layout}", json=body, headers=printer
        )
        assert response.status_code == status, (body, layout, response.text)
    assert _audit_count(session, "print_job.pdf") == before
    assert (
        client.post(
            "/v1/print-jobs/batch.pdf", json={"job_ids": [job_id]}, headers=login("clerk")
        ).status_code
        == 403
    )


@pytest.mark.postgres
def test_concurrent_printed_reports_activate_the_card_once(
    client: TestClient, session: Session, login: Login
) -> None:
    card = make_card(session, status="pending_print")
    job_id = _job_for(session, card).id
    printer = login("printer")
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def report() -> None:
        barrier.wait()
        statuses.append(
            client.post(f"/v1/print-jobs/{job_id}/printed", headers=printer).status_code
        )

    threads = [threading.Thread(target=report) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 7
    assert _audit_count(session, "card.activate") == 1
    assert _job_for(session, card).attempts == 1


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(5))
def test_revoking_while_the_printer_reports_leaves_one_consistent_story(
    client: TestClient, session: Session, login: Login, attempt: int
) -> None:
    printer, clerk = login("printer"), login("clerk")
    card = make_card(session, status="pending_print")
    # Read here: a session is not for threads.
    job_id, number = _job_for(session, card).id, card.number
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def printed() -> None:
        barrier.wait()
        response = client.post(f"/v1/print-jobs/{job_id}/printed", headers=printer)
        statuses["printed"] = response.status_code

    def revoke() -> None:
        barrier.wait()
        response = client.post(f"/v1/cards/{number}/revoke", json={"reason": "lost"}, headers=clerk)
        statuses["revoke"] = response.status_code

    threads = [threading.Thread(target=printed), threading.Thread(target=revoke)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    job = _job_for(session, card)
    session.refresh(card)
    assert statuses["revoke"] == 200
    assert card.status == "revoked"
    if statuses["printed"] == 200:  # printed first: activated, then revoked
        assert (job.status, card.activated_at is not None) == ("printed", True)
    else:  # revoked first: the job was cancelled and the card never activated
        assert statuses["printed"] == 409
        assert (job.status, card.activated_at) == ("cancelled", None)
