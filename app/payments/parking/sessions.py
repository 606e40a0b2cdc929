"""Parking sessions a parking merchant starts with a card's QR, charged at the zone's rate and
extendable up to the zone's longest stay. What is kept is the zone and the times: no licence
plate, no place finer than the zone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.kit.types import new_id, utcnow
from app.payments.cardholders import accepted_card
from app.payments.charges.service import book_charge, holder_accounts
from app.payments.errors import SessionEnded, SessionNotFound, StayTooLong
from app.payments.ledger import accounts as ledger
from app.payments.models import AccountKind, ChargePurpose, ParkingSession
from app.payments.parking import repository
from app.payments.parking.schemas import SessionRead, SessionStart
from app.payments.parking.zones import open_zone, price, require_parking
from app.payments.schemas import ChargeRead


def _read(parking: ParkingSession, charge: ChargeRead | None) -> SessionRead:
    return SessionRead(
        id=parking.id,
        zone=parking.zone_code,
        starts_at=parking.starts_at,
        ends_at=parking.ends_at,
        minutes=parking.minutes,
        rate_cents_per_hour=parking.rate_cents_per_hour,
        charged_cents=parking.charged_cents,
        charge=charge,
    )


def start(session: Session, merchant: Principal, body: SessionStart) -> SessionRead:
    """Start paid parking in a zone, charged now at the zone's rate."""
    require_parking(session, merchant)
    zone = open_zone(session, body.zone, body.minutes)
    card = accepted_card(session, body.qr)
    stored_value, payable = holder_accounts(session, merchant, card.applicant_id)
    now = utcnow()
    amount = price(zone.rate_cents_per_hour, body.minutes)
    parking = ParkingSession(
        id=new_id(),
        zone_code=zone.code,
        merchant_id=merchant.id,
        account_id=stored_value.id,
        rate_cents_per_hour=zone.rate_cents_per_hour,
        starts_at=now,
        ends_at=now + timedelta(minutes=body.minutes),
        minutes=body.minutes,
        charged_cents=amount,
        offline=False,
    )
    repository.add_session(session, parking)
    audit.record(
        session,
        actor=merchant.actor,
        action="parking.start",
        subject=f"parking_session:{parking.id}",
        detail={"zone": zone.code},
    )
    charge = book_charge(
        session,
        merchant,
        stored_value,
        payable,
        amount=amount,
        purpose=ChargePurpose.PARKING,
        reference=f"parking {parking.id}",
        parking_session_id=parking.id,
    )
    return _read(parking, charge)


def _own_session(
    session: Session, merchant: Principal, session_id: str, *, for_update: bool = False
) -> ParkingSession:
    # Locked for an extension: two at once queue here, so each is priced from the other's result.
    parking = repository.parking_session(session, session_id, for_update=for_update)
    if parking is None or parking.merchant_id != merchant.id:
        raise SessionNotFound("this merchant has no parking session with this id")
    return parking


def get_session(session: Session, merchant: Principal, session_id: str) -> SessionRead:
    require_parking(session, merchant)
    return _read(_own_session(session, merchant, session_id), None)


def extend(session: Session, merchant: Principal, session_id: str, minutes: int) -> SessionRead:
    """Add minutes to a running session, up to the zone's longest stay; priced as it started."""
    require_parking(session, merchant)
    payable = ledger.ensure(session, AccountKind.PAYABLE, merchant.id)
    parking = _own_session(session, merchant, session_id, for_update=True)
    now = utcnow()
    if parking.ends_at <= now:
        raise SessionEnded("this parking session ended; start a new one")
    zone = repository.zone(session, parking.zone_code)
    assert zone is not None, "a session's zone is never deleted"
    total = parking.minutes + minutes
    if total > zone.max_minutes:
        raise StayTooLong(
            f"zone {zone.code!r} sells at most {zone.max_minutes} minutes per stay; "
            f"this one has {parking.minutes}"
        )
    # The session's price for the whole stay, less what it already paid: no rounding adds up.
    amount = price(parking.rate_cents_per_hour, total) - parking.charged_cents
    parking.minutes = total
    parking.ends_at = parking.ends_at + timedelta(minutes=minutes)
    parking.charged_cents += amount
    session.flush()
    audit.record(
        session,
        actor=merchant.actor,
        action="parking.extend",
        subject=f"parking_session:{parking.id}",
        detail={"fields": ["minutes", "ends_at", "charged_cents"]},
    )
    if amount == 0:
        return _read(parking, None)
    charge = book_charge(
        session,
        merchant,
        ledger.by_id(session, parking.account_id),
        payable,
        amount=amount,
        purpose=ChargePurpose.PARKING,
        reference=f"parking {parking.id}",
        parking_session_id=parking.id,
    )
    return _read(parking, charge)
