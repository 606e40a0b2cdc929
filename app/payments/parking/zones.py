"""Parking zones: each zone's rate and longest stay, and who may park cars at all (parking
merchants)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.kit.paging import Page
from app.kit.types import utcnow
from app.merchants import repository as merchants
from app.payments.errors import NotAParkingMerchant, StayTooLong, ZoneClosed, ZoneNotFound
from app.payments.models import ParkingZone
from app.payments.parking import repository
from app.payments.parking.schemas import ZoneRead, ZoneUpsert

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
    zone = repository.zone(session, code, for_update=True)
    created = zone is None
    if zone is None:
        zone = ParkingZone(code=code)
        repository.add_zone(session, zone)
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
    rows, next_cursor = repository.zones_page(session, cursor, limit)
    return Page(items=[ZoneRead.model_validate(z) for z in rows], next_cursor=next_cursor)


def open_zone(session: Session, code: str, minutes: int) -> ParkingZone:
    """The zone, if it is open and sells a stay this long."""
    zone = repository.zone(session, code)
    if zone is None:
        raise ZoneNotFound("no parking zone has this code")
    if not zone.active:
        raise ZoneClosed("this parking zone is closed")
    if minutes > zone.max_minutes:
        raise StayTooLong(f"this zone sells at most {zone.max_minutes} minutes per stay")
    return zone
