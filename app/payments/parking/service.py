"""Parking: each zone's rate, and sessions a parking merchant starts with a card's QR, charged at
the zone's rate and extendable up to the zone's longest stay. What is kept is the zone and the
times: no licence plate, no place finer than the zone."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.kit.paging import Page, decode, keyset, page_of
from app.kit.types import new_id, utcnow
from app.merchants import repository as merchants
from app.payments.cardholders import accepted_card
from app.payments.charges.service import book_charge, holder_accounts
from app.payments.errors import (
    NotAParkingMerchant,
    SessionEnded,
    SessionNotFound,
    StayTooLong,
    ZoneClosed,
    ZoneNotFound,
)
from app.payments.ledger import accounts as ledger
from app.payments.models import AccountKind, ChargePurpose, ParkingSession, ParkingZone
from app.payments.parking.schemas import SessionRead, SessionStart, ZoneRead, ZoneUpsert
from app.payments.schemas import ChargeRead

PARKING_CATEGORY = "parking"


def price(rate_cents_per_hour: int, minutes: int) -> int:
    """A stay's price, rounded up to the next cent."""
    return -(-rate_cents_per_hour * minutes // 60)


def require_parking(session: Session, merchant: Principal) -> None:
    found = merchants.get(session, merchant.id)
    if found is None or found.category != PARKING_CATEGORY:
        raise NotAParkingMerchant("only parking merchants may use the parking endpoints")


def upsert_zone(
    session: Session, admin: Principal, code: str, body: ZoneUpsert
) -> tuple[ZoneRead, bool]:
    """Create or change a zone's rate; answers the zone and whether it was created."""
    zone = session.get(ParkingZone, code, with_for_update=True)
    created = zone is None
    if zone is None:
        zone = ParkingZone(code=code)
        session.add(zone)
    zone.name = body.name
    zone.rate_cents_per_hour = body.rate_cents_per_hour
    zone.max_minutes = body.max_minutes
    zone.active = body.active
    zone.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=admin.actor,
        action="parking.zone.create" if created else "parking.zone.update",
        subject=f"parking_zone:{code}",
        detail={"fields": ["name", "rate_cents_per_hour", "max_minutes", "active"]},
    )
    return ZoneRead.model_validate(zone), created


def list_zones(session: Session, cursor: str | None, limit: int) -> Page[ZoneRead]:
    """Zones by code, a page at a time."""
    query = keyset(sa.select(ParkingZone), [ParkingZone.code], decode(cursor, 1), limit)
    rows, next_cursor = page_of(list(session.scalars(query)), limit, lambda z: [z.code])
    return Page(items=[ZoneRead.model_validate(z) for z in rows], next_cursor=next_cursor)


def open_zone(session: Session, code: str, minutes: int) -> ParkingZone:
    zone = session.get(ParkingZone, code)
    if zone is None:
        raise ZoneNotFound("no parking zone has this code")
    if not zone.active:
        raise ZoneClosed("this parking zone is closed")
    if minutes > zone.max_minutes:
        raise StayTooLong(f"this zone sells at most {zone.max_minutes} minutes per stay")
    return zone


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
    session.add(parking)
    session.flush()
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
    query = sa.select(ParkingSession).where(ParkingSession.id == session_id)
    if for_update:
        # Two extensions at once queue here, so each is priced from the other's result.
        query = query.with_for_update(key_share=True)
    parking = session.scalars(query.execution_options(populate_existing=True)).one_or_none()
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
    zone = session.get(ParkingZone, parking.zone_code)
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
