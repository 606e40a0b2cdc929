from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.kit.paging import keyset
from app.merchants.models import Merchant, MerchantStaff


def by_key_hash(session: Session, key_hash: str) -> Merchant | None:
    return session.scalars(
        sa.select(Merchant).where(Merchant.api_key_hash == key_hash)
    ).one_or_none()


def get(session: Session, merchant_id: str, *, for_update: bool = False) -> Merchant | None:
    query = sa.select(Merchant).where(Merchant.id == merchant_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def present(merchant_id: str) -> sa.Subquery:
    """One row with the merchant's `id` while it exists, none once it is gone: for another
    domain's statement that must write only for a merchant that exists, checked as it runs."""
    return sa.select(Merchant.id).where(Merchant.id == merchant_id).subquery()


def page(session: Session, after: list[str] | None, limit: int) -> list[Merchant]:
    order = [Merchant.name, Merchant.id]
    return list(session.scalars(keyset(sa.select(Merchant), order, after, limit)))


def list_all(session: Session) -> list[Merchant]:
    return list(session.scalars(sa.select(Merchant).order_by(Merchant.name, Merchant.id)))


def add(session: Session, row: Merchant | MerchantStaff) -> None:
    session.add(row)
    session.flush()


def staff_by_username(session: Session, username: str) -> MerchantStaff | None:
    query = sa.select(MerchantStaff).where(MerchantStaff.username == username)
    return session.scalars(query).one_or_none()


def staff_page(
    session: Session, merchant_id: str, after: list[str] | None, limit: int
) -> list[MerchantStaff]:
    query = sa.select(MerchantStaff).where(MerchantStaff.merchant_id == merchant_id)
    return list(session.scalars(keyset(query, [MerchantStaff.username], after, limit)))


def staff_member(session: Session, staff_id: str) -> MerchantStaff | None:
    return session.get(MerchantStaff, staff_id)


def by_ids(session: Session, ids: list[str]) -> list[Merchant]:
    if not ids:
        return []
    return list(session.scalars(sa.select(Merchant).where(Merchant.id.in_(ids))))
