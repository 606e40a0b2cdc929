"""One offline stay booked, once the upload has judged it acceptable: its parking session, the
charge paying the merchant in full, and the split of that charge between what the card holds and
its shortfall receivable (offline.py has the upload around it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.kit.types import new_id
from app.payments.charges import repository as charge_repository
from app.payments.charges.service import receipt_number
from app.payments.ledger import accounts as ledger
from app.payments.ledger import shortfall
from app.payments.ledger.accounts import Account, Leg
from app.payments.models import (
    AccountKind,
    Charge,
    ChargePurpose,
    ParkingSession,
    ParkingZone,
    Side,
    TransferKind,
)
from app.payments.parking import offline_limits as limits
from app.payments.parking import repository as parking_repository
from app.payments.parking.schemas import OfflineCharge, OfflineResult
from app.payments.parking.zones import price


def _stay(
    merchant: Principal, item: OfflineCharge, zone: ParkingZone, stored_value: Account
) -> ParkingSession:
    return ParkingSession(
        id=new_id(),
        zone_code=zone.code,
        merchant_id=merchant.id,
        account_id=stored_value.id,
        rate_cents_per_hour=zone.rate_cents_per_hour,
        starts_at=item.occurred_at,
        ends_at=item.occurred_at + timedelta(minutes=item.minutes),
        minutes=item.minutes,
        charged_cents=price(zone.rate_cents_per_hour, item.minutes),
        offline=True,
    )


def _legs(
    session: Session, stored_value: Account, payable: Account, taken: int, rest: int
) -> list[Leg]:
    """The merchant is paid in full: the card pays what it holds, its shortfall the rest."""
    legs = [Leg(payable, Side.CREDIT, taken + rest)]
    if taken:
        legs.append(Leg(stored_value, Side.DEBIT, taken))
    if rest:
        owed = ledger.find(session, AccountKind.SHORTFALL, stored_value.owner)
        assert owed is not None, "made before the stored value was locked"
        legs.append(Leg(owed, Side.DEBIT, rest))
    return legs


def _charge(stay: ParkingSession, transfer_id: str, rest: int, now: datetime) -> Charge:
    return Charge(
        id=new_id(),
        transfer_id=transfer_id,
        merchant_id=stay.merchant_id,
        account_id=stay.account_id,
        amount_cents=stay.charged_cents,
        shortfall_cents=rest,
        refunded_cents=0,
        purpose=ChargePurpose.PARKING,
        reference=f"parking {stay.id}",
        receipt_number=receipt_number(),
        parking_session_id=stay.id,
        occurred_at=stay.starts_at,
        at=now,
    )


def book_stay(
    session: Session,
    merchant: Principal,
    item: OfflineCharge,
    zone: ParkingZone,
    accounts: tuple[Account, Account],
    now: datetime,
    cap: int,
) -> OfflineResult:
    """Book one accepted offline stay: (stored value, payable) are the card's and merchant's."""
    stored_value, payable = accounts
    stay = _stay(merchant, item, zone, stored_value)
    amount = stay.charged_cents
    taken = min(ledger.cached_balance(session, stored_value, lock=True), amount)
    rest = amount - taken
    owed = shortfall.owed(session, stored_value.owner)
    limits.check(session, stored_value, stay, rest=rest, owed=owed, cap=cap)
    limits.count_spent(session, stored_value, amount, starts=item.occurred_at)
    parking_repository.add_session(session, stay)
    legs = _legs(session, stored_value, payable, taken, rest)
    transfer_id, _ = ledger.post(session, TransferKind.CHARGE, legs, at=now)
    charge = _charge(stay, transfer_id, rest, now)
    charge_repository.add_charge(session, charge)
    audit.record(
        session,
        actor=merchant.actor,
        action="payment.charge.offline",
        subject=f"charge:{charge.id}",
        detail={"applicant": stored_value.owner, "transfer": transfer_id, "zone": zone.code},
    )
    return OfflineResult(
        request_id=item.request_id,
        outcome="charged",
        charge_id=charge.id,
        session_id=stay.id,
        receipt_number=charge.receipt_number,
        amount_cents=amount,
        taken_cents=taken,
        shortfall_cents=rest,
    )
