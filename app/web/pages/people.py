"""Finding a person, and the person's page: their record, application, cards and balance."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from babel.dates import parse_date
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.applicants import images
from app.applicants import service as applicants
from app.approvals.fees import fee_for
from app.auth.principal import Principal
from app.cards import service as cards
from app.cards.errors import CardNotFound
from app.cards.schemas import CardRead
from app.db import SessionDep
from app.kit.types import utcnow
from app.payments.loads import service as loads
from app.proofs import service as proofs
from app.web.errors import message_for, requirement_text
from app.web.routing import PageRoute
from app.web.sessions import CheckedVisitor, Counter, Visitor
from app.web.templating import render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)

_CARD_NUMBER = re.compile(r"^[\d\s-]{12,}$")


def cards_of(session: Session, applicant_id: str) -> list[CardRead] | None:
    """The person's cards, newest first; None until `app.cards.service.cards_of_applicant`
    (the webapi branch of issue 10) is merged, and then the page lists them."""
    found = getattr(cards, "cards_of_applicant", None)
    if found is None:
        return None
    return [cards.read(session, card) for card in found(session, applicant_id)]


def balance_of(session: Session, reader: Principal, card_list: list[CardRead] | None) -> int | None:
    if not card_list:
        return None
    return loads.balance(session, reader, card_list[0].number).balance_cents


def _search_date(text: str, locale: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    if not re.fullmatch(r"[\d./-]{6,10}", text):
        return None
    try:
        return parse_date(text, locale=locale)
    except (ValueError, IndexError):
        return None


def _results(db: Session, v: Visitor, query: str) -> list[dict[str, Any]]:
    assert v.principal is not None
    actor = v.principal.actor
    if _CARD_NUMBER.match(query):
        card = cards.get_card(db, query, actor=actor)
        people = [applicants.read(db, card.applicant_id, actor=actor)]
    else:
        born = _search_date(query, v.locale)
        people = applicants.search(  # type: ignore[assignment]
            db, None if born else query, born, actor=actor
        ).items
    held = cards.cards_of_applicants(db, [person.id for person in people])
    read = iter(
        cards.read_many(db, [card for person in people for card in held.get(person.id, [])])
    )
    # The balance as the person page shows it: the holder's, read through their newest card.
    balances = loads.balances(db, v.principal, [held[p.id][0] for p in people if p.id in held])
    out = []
    for person in people:
        card_list = [next(read) for _ in held.get(person.id, [])]
        out.append({"person": person, "cards": card_list, "balance": balances.get(person.id)})
    return out


@router.get("/")
def home(request: Request, v: Counter) -> HTMLResponse:
    return render(request, v, "console/search.html", query="", results=None, errors={})


@router.post("/search")
def search(
    request: Request,
    db: SessionDep,
    v: Counter,
    _csrf: CheckedVisitor,
    q: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Names are posted, never put in a URL: they stay out of logs and the browser's history."""
    query = q.strip()
    try:
        results = _results(db, v, query) if query else []
    except CardNotFound as exc:
        db.rollback()
        return render(
            request,
            v,
            "console/search.html",
            404,
            query=query,
            results=None,
            errors={"q": message_for(v.t, exc)},
        )
    if not query:
        return render(
            request,
            v,
            "console/search.html",
            422,
            query=query,
            results=None,
            errors={"q": v.t.gettext("Enter a name, a date of birth or a card number.")},
        )
    return render(request, v, "console/search.html", query=query, results=results, errors={})


@router.get("/people/{applicant_id}")
def person(
    request: Request, db: SessionDep, v: Counter, applicant_id: str, registered: str = ""
) -> HTMLResponse:
    assert v.principal is not None
    actor = v.principal.actor
    record = applicants.read(db, applicant_id, actor=actor)
    summary = proofs.summary(db, applicant_id, actor=actor)
    card_list = cards_of(db, applicant_id)
    fee, waiver = fee_for(record.date_of_birth, utcnow().date(), None)
    notices = []
    if registered:
        notices.append(
            ("success", v.t.gettext("The person is registered. Next: the photo and the documents."))
        )
    if request.query_params.get("corrected"):
        notices.append(("success", v.t.gettext("The record is corrected.")))
    if request.query_params.get("replace"):
        notices.append(
            (
                "warning",
                v.t.gettext(
                    "The card shows the old name or date of birth: replace it (open the card and choose Replace)."
                ),
            )
        )
    return render(
        request,
        v,
        "console/person.html",
        person=record,
        summary=summary,
        missing=[requirement_text(v.t, m.requirement) for m in summary.missing],
        cards=card_list,
        balance=balance_of(db, v.principal, card_list),
        fee_cents=fee,
        fee_waiver=waiver,
        notices=notices,
    )


@router.get("/people/{applicant_id}/photo.jpg")
def photo(db: SessionDep, v: Counter, applicant_id: str) -> Response:
    assert v.principal is not None
    jpeg = images.download_photo(db, applicant_id, actor=v.principal.actor)
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store"})
