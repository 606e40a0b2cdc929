"""Merchant staff: the people at a merchant's desk who sign in to the merchant desk (/merchant/).

They have accounts of their own, apart from the city's staff (`users`), so no desk account can
obtain an API token; the merchant's API key stays with its devices. Passwords follow the staff
rules (argon2, NIST policy) and sign-in shares the staff throttle, under names of its own so a
desk account and a staff account of the same name never lock each other out.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import throttle
from app.auth.errors import UsernameTaken
from app.auth.passwords import check_policy, hash_password, verify_password
from app.auth.principal import Principal
from app.auth.roles import Role
from app.db import reading_session_factory
from app.kit.errors import NotAuthenticated
from app.kit.metrics import failed_sign_in
from app.kit.paging import decode, page_of
from app.kit.types import utcnow
from app.merchants import repository
from app.merchants.errors import MerchantDisabled
from app.merchants.models import Merchant, MerchantStaff
from app.merchants.schemas import MerchantStaffCreate
from app.merchants.service import get as get_merchant

_THROTTLE_PREFIX = "desk:"


def by_username(session: Session, username: str) -> MerchantStaff | None:
    return repository.staff_by_username(session, username.lower())


def add(
    session: Session, merchant_id: str, data: MerchantStaffCreate, *, actor: str
) -> MerchantStaff:
    """A new desk account for an active merchant."""
    merchant = get_merchant(session, merchant_id)
    if not merchant.active:
        raise MerchantDisabled(f"merchant {merchant.name!r} is disabled: enable it first")
    check_policy(data.password, username=data.username)
    if by_username(session, data.username) is not None:
        raise UsernameTaken("the username is taken")
    staff = MerchantStaff(
        merchant_id=merchant.id,
        username=data.username,
        password_hash=hash_password(data.password),
    )
    repository.add(session, staff)
    audit.record(
        session,
        actor=actor,
        action="merchant.staff_add",
        subject=f"merchant:{merchant.id}",
        detail={"staff": staff.id},
    )
    return staff


def list_staff(
    session: Session, merchant_id: str, cursor: str | None, limit: int
) -> tuple[list[MerchantStaff], str | None]:
    """The merchant's desk accounts by username, a page at a time, and the next page's cursor."""
    get_merchant(session, merchant_id)
    rows = repository.staff_page(session, merchant_id, decode(cursor, 1), limit)
    return page_of(rows, limit, lambda s: [s.username])


def authenticate(username: str, password: str, client_address: str | None) -> str:
    """The id of the active desk account (of an active merchant) whose password this is; one 401
    for every reason; 429 after repeated failures. Runs in transactions of its own: argon2 is
    slow, and no lock is held meanwhile."""
    keys = throttle.keys_for(_THROTTLE_PREFIX + username, client_address)
    now = utcnow()
    with reading_session_factory()() as reader, reader.begin():
        on_record = throttle.check(reader, keys, now)
        staff = by_username(reader, username)
        merchant = reader.get(Merchant, staff.merchant_id) if staff else None
        staff_id = staff.id if staff else None
        password_hash = staff.password_hash if staff else None
        active = bool(staff and staff.active and merchant and merchant.active)
    if not verify_password(password_hash, password) or not active or staff_id is None:
        throttle.note_failure(keys, now)
        failed_sign_in()
        raise NotAuthenticated("wrong username or password")
    throttle.note_success(on_record)
    return staff_id


def current(session: Session, staff_id: str, version: int) -> tuple[MerchantStaff, Merchant] | None:
    """The desk account and its merchant while both are active and the session is not ended."""
    staff = repository.staff_member(session, staff_id)
    if staff is None or not staff.active or staff.token_version != version:
        return None
    merchant = repository.get(session, staff.merchant_id)
    if merchant is None or not merchant.active:
        return None
    return staff, merchant


def principal(staff: MerchantStaff, merchant: Merchant) -> Principal:
    """The desk acts as its merchant, exactly as the merchant's API key does: the same services,
    rate limit and counts."""
    return Principal(id=merchant.id, role=Role.MERCHANT, name=merchant.name)
