"""The auditor's view of offline parking: who is charged most, and which meters book most.

An upload is the meter's word, not proof that the holder parked; a card or a merchant far above
the others is where an auditor looks first."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.config import settings
from app.kit.dates import city_day, day_bounds
from app.kit.errors import Unprocessable
from app.kit.types import utcnow
from app.merchants import repository as merchants
from app.payments.ledger import accounts as ledger
from app.payments.models import AccountKind
from app.payments.parking import repository
from app.payments.parking.schemas import OfflineCardTotal, OfflineMerchantTotal, OfflineReport

DEFAULT_DAYS = 30


def report(
    session: Session, reader: Principal, since: date | None, until: date | None, limit: int
) -> OfflineReport:
    """Offline charges made from `since` to `until` (city days, the last 30 by default)."""
    until = until or city_day(utcnow())
    since = since or until - timedelta(days=DEFAULT_DAYS)
    if since > until:
        raise Unprocessable(f"since ({since}) is after until ({until})")
    start, _ = day_bounds(since)
    _, end = day_bounds(until)
    by_card = repository.offline_by_holder(session, start, end, limit)
    owed = ledger.cached_balances(session, AccountKind.SHORTFALL, [row[0] for row in by_card])
    by_merchant = repository.offline_by_merchant(session, start, end, limit)
    names = {m.id: m.name for m in merchants.by_ids(session, sorted({r[0] for r in by_merchant}))}
    audit.record(
        session, actor=reader.actor, action="payment.offline_report.read", subject="parking"
    )
    return OfflineReport(
        since=since,
        until=until,
        timezone=settings.city_timezone,
        cards=[
            OfflineCardTotal(
                applicant_id=owner,
                charges_count=count,
                charged_cents=cents,
                owed_cents=owed.get(owner, 0),
            )
            for owner, count, cents in by_card
        ],
        merchants=[
            OfflineMerchantTotal(
                merchant_id=merchant_id,
                merchant_name=names[merchant_id],
                charges_count=count,
                charged_cents=cents,
                shortfall_cents=short,
            )
            for merchant_id, count, cents, short in by_merchant
        ],
    )
