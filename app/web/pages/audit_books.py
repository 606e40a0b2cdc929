"""The auditor's figures: verifications per merchant and day as server-drawn SVG charts, each
merchant's settlement for a day, and the ledger check (run from a button, its outcome kept in the
audit trail, where the page reads the last one back)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.db import SessionDep, reads
from app.kit.dates import city_day
from app.kit.types import utcnow
from app.merchants import service as merchants
from app.payments.ledger import checks
from app.payments.reports import statements
from app.verification import service as verification
from app.verification.repository import OUTCOMES
from app.web.charts import Bar, bar_chart
from app.web.i18n import Translator
from app.web.pages.audit_trail import DATE_MESSAGE
from app.web.routing import PageRoute
from app.web.sessions import Auditors, CheckedVisitor
from app.web.templating import redirect, render

router = APIRouter(prefix="/console/audit", route_class=PageRoute, include_in_schema=False)

DEFAULT_DAYS = 14
MAX_DAYS = 92


# (day, valid, revoked, expired, invalid, total) for a day with any verification.
DayRow = tuple[date, int, int, int, int, int]


def _row(day: date, outcomes: dict[str, int]) -> DayRow:
    valid, revoked, expired, invalid = (outcomes.get(o, 0) for o in OUTCOMES)
    return (day, valid, revoked, expired, invalid, valid + revoked + expired + invalid)


@dataclass(frozen=True)
class MerchantDays:
    merchant_id: str
    name: str
    chart: str
    rows: list[DayRow]
    total: int


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _charts(
    t: Translator,
    names: dict[str, str],
    counts: list[tuple[str, date, dict[str, int]]],
    since: date,
    until: date,
) -> list[MerchantDays]:
    by_merchant: dict[str, dict[date, dict[str, int]]] = defaultdict(dict)
    for merchant_id, day, outcomes in counts:
        by_merchant[merchant_id][day] = outcomes
    days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
    found = []
    for merchant_id, per_day in by_merchant.items():
        name = names.get(merchant_id, merchant_id)
        bars = []
        for day in days:
            total = sum(per_day.get(day, {}).values())
            description = t.ngettext(
                "%(day)s: %(count)s verification", "%(day)s: %(count)s verifications", total
            ) % {"day": t.date(day), "count": total}
            bars.append(Bar(label=str(day.day), value=total, description=description))
        title = t.gettext("Verifications per day by %(merchant)s, %(since)s to %(until)s") % {
            "merchant": name,
            "since": t.date(since),
            "until": t.date(until),
        }
        rows = [_row(day, per_day[day]) for day in days if day in per_day]
        found.append(
            MerchantDays(
                merchant_id=merchant_id,
                name=name,
                chart=bar_chart(f"chart-{merchant_id}", title, bars),
                rows=rows,
                total=sum(bar.value for bar in bars),
            )
        )
    return sorted(found, key=lambda m: m.name.lower())


@router.get("/verifications")
def verifications(request: Request, db: SessionDep, v: Auditors) -> HTMLResponse:
    today = city_day(utcnow())
    errors: dict[str, str] = {}
    raw_since, raw_until = (
        request.query_params.get("since", ""),
        request.query_params.get("until", ""),
    )
    since = _day(raw_since) or today - timedelta(days=DEFAULT_DAYS - 1)
    until = _day(raw_until) or today
    for name, raw in (("since", raw_since), ("until", raw_until)):
        if raw and _day(raw) is None:
            errors[name] = v.t.gettext(DATE_MESSAGE)
    if not errors and until < since:
        errors["until"] = v.t.gettext("The last day comes before the first day.")
    if not errors and (until - since).days >= MAX_DAYS:
        errors["since"] = v.t.gettext("Show at most 92 days at a time.")
    found: list[MerchantDays] = []
    if not errors:
        names = {m.id: m.name for m in merchants.list_merchants(db)}
        counts = [
            (row.merchant_id, row.day, {o: int(getattr(row, o)) for o in OUTCOMES})
            for row in verification.folded_counts(db, since, until)
        ]
        found = _charts(v.t, names, counts, since, until)
    values = {"since": raw_since or since.isoformat(), "until": raw_until or until.isoformat()}
    return render(
        request,
        v,
        "audit/verifications.html",
        422 if errors else 200,
        merchants=found,
        values=values,
        errors=errors,
        outcomes=OUTCOMES,
    )


@router.get("/settlements")
def settlements(request: Request, db: SessionDep, v: Auditors) -> HTMLResponse:
    assert v.principal is not None
    raw = request.query_params.get("day", "")
    day = _day(raw)
    errors = {"day": v.t.gettext(DATE_MESSAGE)} if raw and day is None else {}
    day = day or city_day(utcnow())
    rows = [statements.settlement(db, v.principal, m.id, day) for m in merchants.list_merchants(db)]
    notices = []
    if request.query_params.get("checked"):
        notices.append(("success", v.t.gettext("The ledger was checked. The result is below.")))
    return render(
        request,
        v,
        "audit/settlements.html",
        422 if errors else 200,
        day=day,
        values={"day": raw or day.isoformat()},
        errors=errors,
        settlements=rows,
        last_check=checks.last_check(db),
        notices=notices,
    )


@router.post("/settlements/check")
@reads  # the check only reads; its outcome is appended to the trail by the trail's own writer
def check_ledger(db: SessionDep, v: Auditors, _csrf: CheckedVisitor) -> Response:
    assert v.principal is not None
    checks.check_and_record(db, actor=v.principal.actor)
    return redirect(v, "/console/audit/settlements?checked=1")
