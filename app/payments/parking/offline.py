"""Charges that parking meters made while offline, uploaded later (store and forward).

Each charge carries the meter's own request id, remembered like an idempotency key: sending it
again, in this upload or a later one, books nothing and repeats the first figures. The meter has
already sold the time, so a charge is never declined for money: it takes what the balance holds
and books the rest to the cardholder's shortfall receivable, which the next load pays back.
A charge is refused when the card was not valid when presented (forged, not yet issued, expired
then, or revoked before), the zone or stay is unknown or too long, its time is in the future or
older than meters may hold charges, or it breaks a per-card limit (offline_limits.py): a stay
overlapping another, the day's spending limit, the cap on what a card may owe.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cards.models import Card
from app.config import settings
from app.kit.errors import ResidentIdError
from app.kit.types import utcnow
from app.payments import idempotency
from app.payments.cardholders import check_qr
from app.payments.errors import (
    CardNotAccepted,
    IdempotencyKeyReused,
    OccurredAtRefused,
    StayTooLong,
    ZoneNotFound,
)
from app.payments.ledger import accounts as ledger
from app.payments.ledger.accounts import Account
from app.payments.models import (
    AccountKind,
    KeyScope,
    ParkingZone,
)
from app.payments.parking import offline_limits as limits
from app.payments.parking import repository as parking_repository
from app.payments.parking.offline_booking import book_stay
from app.payments.parking.schemas import OfflineCharge, OfflineResult, OfflineUploadRead
from app.payments.parking.schemas import OfflineUpload as OfflineUploadBody
from app.payments.parking.zones import require_parking
from app.verification.models import Outcome

# Meters' clocks drift: a charge dated this far ahead of ours is still believed.
CLOCK_SKEW = timedelta(minutes=5)


def _rejected(item: OfflineCharge, error: ResidentIdError) -> OfflineResult:
    return OfflineResult(
        request_id=item.request_id, outcome="rejected", error=error.name, detail=error.detail
    )


def _judge(session: Session, item: OfflineCharge, now: datetime) -> tuple[Card, ParkingZone]:
    """The card and zone of an acceptable offline charge; raises why it is not acceptable."""
    if item.occurred_at > now + CLOCK_SKEW:
        raise OccurredAtRefused("occurred_at is in the future")
    oldest = now - timedelta(days=settings.offline_charge_max_age_days)
    if item.occurred_at < oldest:
        raise OccurredAtRefused(
            f"occurred_at is older than {settings.offline_charge_max_age_days} days"
        )
    zone = parking_repository.zone(session, item.zone)
    if zone is None:
        raise ZoneNotFound("no parking zone has this code")
    if item.minutes > zone.max_minutes:
        raise StayTooLong(f"zone {zone.code!r} sells at most {zone.max_minutes} minutes per stay")
    # Judged as the card stood when it was presented: a card revoked after the stay still pays.
    check = check_qr(session, item.qr, now=item.occurred_at)
    if check.status != Outcome.VALID or check.card is None:
        raise CardNotAccepted(check.status, check.reason)
    if item.occurred_at < check.card.issued_at:
        raise CardNotAccepted(Outcome.INVALID, "the stay is dated before the card was issued")
    return check.card, zone


def _fingerprint(item: OfflineCharge) -> str:
    return idempotency.request_hash("meter", {}, item.model_dump(mode="json"))


def _claim(
    session: Session,
    merchant: Principal,
    items: list[OfflineCharge],
    first: dict[str, int],
    results: list[OfflineResult | None],
) -> list[int]:
    """Claim each request id (sorted: the first lock order); answers the items to book. A
    request id seen before gets its first answer again, as a duplicate."""
    claimed: list[int] = []
    for request_id in sorted(first):
        index = first[request_id]
        try:
            earlier = idempotency.claim(
                session, merchant.actor, KeyScope.METER, request_id, _fingerprint(items[index])
            )
        except IdempotencyKeyReused as error:
            results[index] = _rejected(items[index], error)
            continue
        if earlier is None:
            claimed.append(index)
        else:
            replay = OfflineResult.model_validate_json(earlier.response_body)
            results[index] = replay.model_copy(update={"outcome": "duplicate"})
    return claimed


def _judged(
    session: Session,
    merchant: Principal,
    items: list[OfflineCharge],
    claimed: list[int],
    results: list[OfflineResult | None],
    now: datetime,
) -> list[tuple[int, Card, ParkingZone]]:
    """The claimed items that may be booked, with their card and zone; the others rejected."""
    accepted: list[tuple[int, Card, ParkingZone]] = []
    for index in claimed:
        try:
            card, zone = _judge(session, items[index], now)
        except ResidentIdError as error:
            # Not remembered: the meter may send it again once the zone or clock is fixed.
            idempotency.release(session, merchant.actor, KeyScope.METER, items[index].request_id)
            results[index] = _rejected(items[index], error)
            continue
        accepted.append((index, card, zone))
    return accepted


def _holder_accounts(session: Session, holders: list[str]) -> dict[str, Account]:
    """Each holder's stored value, made with their shortfall first (by kind, then owner)."""
    for kind in (AccountKind.SHORTFALL, AccountKind.STORED_VALUE):
        for holder in holders:
            ledger.ensure(session, kind, holder)
    return {holder: ledger.ensure(session, AccountKind.STORED_VALUE, holder) for holder in holders}


def _book_all(
    session: Session,
    merchant: Principal,
    items: list[OfflineCharge],
    accepted: list[tuple[int, Card, ParkingZone]],
    results: list[OfflineResult | None],
    now: datetime,
) -> None:
    payable = ledger.ensure(session, AccountKind.PAYABLE, merchant.id)
    accounts = _holder_accounts(session, sorted({card.applicant_id for _, card, _ in accepted}))
    cap = limits.owed_cap(session)
    for index, card, zone in sorted(
        accepted, key=lambda entry: (accounts[entry[1].applicant_id].id, entry[0])
    ):
        item = items[index]
        try:
            result = book_stay(
                session, merchant, item, zone, (accounts[card.applicant_id], payable), now, cap
            )
        except ResidentIdError as error:
            idempotency.release(session, merchant.actor, KeyScope.METER, item.request_id)
            results[index] = _rejected(item, error)
            continue
        answer = result.model_dump(mode="json")
        idempotency.remember(session, merchant.actor, KeyScope.METER, item.request_id, 201, answer)
        results[index] = result


def _repeats(
    items: list[OfflineCharge], first: dict[str, int], results: list[OfflineResult | None]
) -> None:
    """The same request id twice in one upload: the second repeats the first."""
    for index, item in enumerate(items):
        if results[index] is not None:
            continue
        origin = first[item.request_id]
        earlier_result = results[origin]
        assert earlier_result is not None
        if _fingerprint(item) != _fingerprint(items[origin]):
            results[index] = _rejected(
                item, IdempotencyKeyReused("this request_id was used for a different charge")
            )
        elif earlier_result.outcome == "rejected":
            results[index] = earlier_result
        else:
            results[index] = earlier_result.model_copy(update={"outcome": "duplicate"})


def upload(session: Session, merchant: Principal, body: OfflineUploadBody) -> OfflineUploadRead:
    """Book a meter's offline charges; each answers charged, duplicate or rejected."""
    require_parking(session, merchant)
    now = utcnow()
    items = body.charges
    results: list[OfflineResult | None] = [None] * len(items)
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        first.setdefault(item.request_id, index)
    # Every lock below is taken in one sorted order (ledger/accounts.py): request ids, then
    # accounts made by kind and owner, then stored value by account id. Uploads overlapping in
    # any order queue.
    claimed = _claim(session, merchant, items, first, results)
    accepted = _judged(session, merchant, items, claimed, results, now)
    _book_all(session, merchant, items, accepted, results, now)
    _repeats(items, first, results)
    return OfflineUploadRead(results=[result for result in results if result is not None])
