"""The auditor's pages through the app's client: the trail filtered by day, actor, action and card
number with actors named; the chain verified from a button; the verification chart as SVG whose
bars match the counts; settlements and the ledger check. Other roles are refused."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.kit.dates import city_day
from app.kit.types import utcnow
from app.verification.repository import add_counts
from tests.support.builders import fresh_look, make_merchant, make_printed_card, make_user
from tests.support.console import csrf_of, post_form, signed_in, text_of

OTHER_ROLES = ("clerk", "supervisor", "printer", "admin")


def _note(session: Session, actor: str, action: str, subject: str) -> None:
    audit.record(session, actor=actor, action=action, subject=subject)
    session.commit()


def _rows(page_text: str) -> int:
    return page_text.count('<th scope="row">')


def test_the_trail_names_actors_and_filters_by_card_number(
    client: TestClient, session: Session
) -> None:
    card = make_printed_card(session)
    other = make_printed_card(session)
    clerk = make_user("clerk", username="marisol")
    _note(session, f"user:{clerk.id}", "card.read", f"card:{card.id}")
    _note(session, f"user:{clerk.id}", "applicant.read", f"applicant:{card.applicant_id}")
    _note(session, f"user:{clerk.id}", "card.read", f"card:{other.id}")
    signed_in(client, "auditor")

    page = client.get("/console/audit/trail")
    assert page.status_code == 200
    assert "marisol" in text_of(page)
    assert f"user:{clerk.id}" not in page.text

    page = client.get("/console/audit/trail", params={"card": card.number})
    words = text_of(page)
    assert f"card:{card.id}" in words
    assert f"applicant:{card.applicant_id}" in words
    assert f"card:{other.id}" not in words
    page = client.get(
        "/console/audit/trail", params={"card": card.number, "action": "applicant.read"}
    )
    assert _rows(page.text) == 1
    page = client.get("/console/audit/trail", params={"actor": "Marisol", "action": "card.read"})
    assert _rows(page.text) == 2
    page = client.get("/console/audit/trail", params={"actor": "nobody-here"})
    assert "No entry matches." in text_of(page)


def test_the_trail_filters_by_the_city_days(client: TestClient, session: Session) -> None:
    _note(session, "system", "test.today", "test:1")
    today = city_day(utcnow())
    signed_in(client, "auditor")
    page = client.get("/console/audit/trail", params={"since": today.isoformat()})
    assert "test.today" in text_of(page)
    yesterday = (today - timedelta(days=1)).isoformat()
    page = client.get("/console/audit/trail", params={"until": yesterday, "action": "test.today"})
    assert "No entry matches." in text_of(page)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"since": "12/01/2026"}, "since", "Enter the date as YYYY-MM-DD, for example 2026-12-01."),
        (
            {"since": "2026-12-05", "until": "2026-12-01"},
            "until",
            "The last day comes before the first day.",
        ),
        ({"card": "1234"}, "card", "No card has this number. Check the number on the card."),
    ],
)
def test_a_bad_filter_shows_the_error_at_its_field(
    client: TestClient, params: dict[str, str], field: str, message: str
) -> None:
    signed_in(client, "auditor")
    page = client.get("/console/audit/trail", params=params)
    assert page.status_code == 422
    assert text_of(page).count(message) == 2
    assert f'href="#{field}"' in page.text
    assert 'id="events"' not in page.text


def test_verifying_the_chain_says_up_to_which_entry_and_when(
    client: TestClient, session: Session
) -> None:
    _note(session, "system", "test.one", "test:1")
    _note(session, "system", "test.two", "test:2")
    signed_in(client, "auditor")
    assert "The chain has not been verified here yet." in text_of(
        client.get("/console/audit/trail")
    )
    page = post_form(client, "/console/audit/trail", "/console/audit/trail/verify", {})
    words = text_of(page)
    assert "The chain was verified." in words
    assert "Verified up to entry 2 on" in words
    fresh_look(session)
    last = session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert last is not None
    assert (last.action, last.seq) == ("audit.verify", 3)


def test_a_broken_chain_is_said_to_be_broken(client: TestClient, session: Session) -> None:
    _note(session, "system", "test.one", "test:1")
    _note(session, "system", "test.two", "test:2")
    session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 2).values(subject="test:9"))
    session.commit()
    signed_in(client, "auditor")
    page = post_form(client, "/console/audit/trail", "/console/audit/trail/verify", {})
    assert "the chain was sound up to entry 1 and broken at entry 2" in text_of(page)


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_may_not_read_the_trail(client: TestClient, role: str) -> None:
    signed_in(client, role)
    assert client.get("/console/audit/trail").status_code == 403
    token = csrf_of(client.get("/console/password"))
    assert client.post("/console/audit/trail/verify", data={"csrf_token": token}).status_code == 403


def _svg_bars(page_text: str, chart_id: str) -> list[int]:
    """The chart parsed as XML (so it must be well-formed SVG): each bar's height and value."""
    start = page_text.index(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rid-chart" id="{chart_id}"'
    )
    end = page_text.index("</svg>", start) + len("</svg>")
    root = ElementTree.fromstring(page_text[start:end])
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    rects = root.findall("{http://www.w3.org/2000/svg}rect")
    values = [int(r.get("data-value", "-1")) for r in rects]
    heights = [float(r.get("height", "-1")) for r in rects]
    top = max(values)
    tallest = max(heights)
    for value, height in zip(values, heights, strict=True):
        assert height == pytest.approx(tallest * value / top, abs=0.01)
    return values


def test_the_verification_chart_is_svg_whose_bars_match_the_counts(
    client: TestClient, session: Session
) -> None:
    library, _ = make_merchant(name="Ives Library")
    garage, _ = make_merchant(name="Temple Garage", category="parking")
    today = city_day(utcnow())
    add_counts(session, library.id, today, {"valid": 7, "revoked": 1})
    add_counts(session, library.id, today - timedelta(days=2), {"valid": 3, "invalid": 1})
    add_counts(session, garage.id, today - timedelta(days=1), {"expired": 5})
    session.commit()
    signed_in(client, "auditor")
    page = client.get(
        "/console/audit/verifications",
        params={"since": (today - timedelta(days=3)).isoformat(), "until": today.isoformat()},
    )
    assert page.status_code == 200
    assert "<script" not in page.text.split("</main>")[0].split("<main")[1]
    assert _svg_bars(page.text, f"chart-{library.id}") == [0, 4, 0, 8]
    assert _svg_bars(page.text, f"chart-{garage.id}") == [0, 0, 5, 0]
    words = text_of(page)
    assert "12 verifications in these days." in words
    assert "5 verifications in these days." in words


def test_a_bad_period_is_refused_with_its_error(client: TestClient) -> None:
    signed_in(client, "auditor")
    page = client.get(
        "/console/audit/verifications", params={"since": "2026-01-01", "until": "2026-12-31"}
    )
    assert page.status_code == 422
    assert "Show at most 92 days at a time." in text_of(page)
    page = client.get("/console/audit/verifications", params={"since": "yesterday"})
    assert page.status_code == 422
    assert 'class="rid-chart"' not in page.text


def test_settlements_per_merchant_and_the_last_ledger_check(
    client: TestClient, session: Session
) -> None:
    make_merchant(name="Ives Library")
    make_merchant(name="Temple Garage", category="parking")
    signed_in(client, "auditor")
    page = client.get("/console/audit/settlements")
    assert page.status_code == 200
    words = text_of(page)
    assert "Ives Library" in words
    assert "Temple Garage" in words
    assert "The ledger has not been checked here yet." in words
    page = post_form(client, "/console/audit/settlements", "/console/audit/settlements/check", {})
    words = text_of(page)
    assert "The ledger was checked." in words
    assert "The books hold" in words
    actions = _actions(session)
    assert "ledger.check" in actions
    # Each merchant's settlement read is audited, as through the API.
    assert actions.count("payment.settlement.read") >= 4


def test_a_ledger_with_problems_says_how_many(client: TestClient, session: Session) -> None:
    _note(session, "system", "ledger.check", "ledger:books")
    session.execute(
        sa.update(AuditEvent)
        .where(AuditEvent.action == "ledger.check")
        .values(detail='{"entries":4,"ok":false,"problems":2,"transfers":2}')
    )
    session.commit()
    signed_in(client, "auditor")
    words = text_of(client.get("/console/audit/settlements"))
    assert "2 problems found." in words


def _actions(session: Session) -> list[str]:
    fresh_look(session)
    return list(session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)))


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_may_not_read_the_figures(
    client: TestClient, session: Session, role: str
) -> None:
    signed_in(client, role)
    assert client.get("/console/audit/verifications").status_code == 403
    assert client.get("/console/audit/settlements").status_code == 403
    token = csrf_of(client.get("/console/password"))
    answer = client.post("/console/audit/settlements/check", data={"csrf_token": token})
    assert answer.status_code == 403
    assert "ledger.check" not in _actions(session)


def test_the_trail_shows_the_newest_entries_first_and_pages_to_older_ones(
    client: TestClient, session: Session
) -> None:
    for n in range(105):
        audit.record(session, actor="system", action="test.many", subject=f"test:{n}")
    session.commit()
    signed_in(client, "auditor")
    page = client.get("/console/audit/trail", params={"action": "test.many"})
    seqs = [int(s) for s in re.findall(r'<th scope="row">(\d+)</th>', page.text)]
    assert seqs == list(range(105, 5, -1))
    older = re.search(r'href="(/console/audit/trail\?[^"]*below=6)"', page.text)
    assert older is not None
    page = client.get(html.unescape(older.group(1)))
    seqs = [int(s) for s in re.findall(r'<th scope="row">(\d+)</th>', page.text)]
    assert seqs == [5, 4, 3, 2, 1]
    assert "Older entries" not in text_of(page)
