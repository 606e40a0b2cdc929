"""The books read back: a cardholder's statement, a merchant's day (a branch drawer's day is in
drawers.py)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.config import settings
from app.kit.dates import city_day, day_bounds
from app.kit.types import utcnow
from app.merchants.models import Merchant
from app.payments.cardholders import card_by_number
from app.payments.errors import MerchantNotFound
from app.payments.ledger import accounts as ledger
from app.payments.models import (
    AccountKind,
    Charge,
    LedgerEntry,
    LedgerTransfer,
    Load,
    ParkingSession,
    Refund,
)
from app.payments.schemas import (
    PurposeTotal,
    SettlementRead,
    StatementLine,
    StatementRead,
)


def _signed_sum(normal: str) -> sa.ColumnElement[int]:
    amount = LedgerEntry.amount_cents
    return sa.func.coalesce(
        sa.func.sum(sa.case((LedgerEntry.side == normal, amount), else_=-amount)), 0
    )


def _lines(
    session: Session, account: ledger.Account, limit: int, before: int | None
) -> list[StatementLine]:
    newest_first = (sa.desc(LedgerTransfer.at), sa.desc(LedgerEntry.id))
    query = (
        sa.select(LedgerEntry, LedgerTransfer)
        .join(LedgerTransfer, LedgerTransfer.id == LedgerEntry.transfer_id)
        .where(LedgerEntry.account_id == account.id)
    )
    if before is not None:
        cursor = session.execute(
            sa.select(LedgerTransfer.at, LedgerEntry.id)
            .join(LedgerTransfer, LedgerTransfer.id == LedgerEntry.transfer_id)
            .where(LedgerEntry.id == before, LedgerEntry.account_id == account.id)
        ).one_or_none()
        if cursor is None:
            return []
        query = query.where(sa.tuple_(LedgerTransfer.at, LedgerEntry.id) < tuple(cursor))
    rows = session.execute(query.order_by(*newest_first).limit(limit)).all()
    if not rows:
        return []
    oldest_entry, oldest_transfer = rows[-1]
    # The balance after the oldest line on the page: every entry up to and including it.
    running = session.scalar(
        sa.select(_signed_sum(ledger.NORMAL_SIDE[AccountKind.STORED_VALUE]))
        .select_from(LedgerEntry)
        .join(LedgerTransfer, LedgerTransfer.id == LedgerEntry.transfer_id)
        .where(
            LedgerEntry.account_id == account.id,
            sa.tuple_(LedgerTransfer.at, LedgerEntry.id) <= (oldest_transfer.at, oldest_entry.id),
        )
    )
    transfer_ids = [transfer.id for _, transfer in rows]
    charges = {
        c.transfer_id: (c, name, zone)
        for c, name, zone in session.execute(
            sa.select(Charge, Merchant.name, ParkingSession.zone_code)
            .join(Merchant, Merchant.id == Charge.merchant_id)
            .outerjoin(ParkingSession, ParkingSession.id == Charge.parking_session_id)
            .where(Charge.transfer_id.in_(transfer_ids))
        ).all()
    }
    refunds = {
        r.transfer_id: (r, name, receipt)
        for r, name, receipt in session.execute(
            sa.select(Refund, Merchant.name, Charge.receipt_number)
            .join(Merchant, Merchant.id == Refund.merchant_id)
            .outerjoin(Charge, Charge.id == Refund.charge_id)
            .where(Refund.transfer_id.in_(transfer_ids))
        ).all()
    }
    loads_at = sa.select(Load.transfer_id, Load.branch).where(Load.transfer_id.in_(transfer_ids))
    branches: dict[str, str] = dict(session.execute(loads_at).all())
    lines: list[StatementLine] = []
    oldest_amount = ledger.signed(
        AccountKind.STORED_VALUE, oldest_entry.side, oldest_entry.amount_cents
    )
    # Walk from the oldest line up, each line's balance the one before it plus its amount.
    balance_after = int(running or 0) - oldest_amount
    for entry, transfer in reversed(rows):
        amount = ledger.signed(AccountKind.STORED_VALUE, entry.side, entry.amount_cents)
        balance_after += amount
        line = StatementLine(
            entry_id=entry.id,
            at=transfer.at,
            kind=transfer.kind,
            amount_cents=amount,
            balance_after_cents=balance_after,
            branch=branches.get(transfer.id),
        )
        if transfer.id in charges:
            charge, name, zone = charges[transfer.id]
            line.merchant_name, line.purpose, line.reference = (
                name,
                charge.purpose,
                charge.reference,
            )
            line.receipt_number, line.parking_zone = charge.receipt_number, zone
        if transfer.id in refunds:
            _, name, receipt = refunds[transfer.id]
            line.merchant_name, line.receipt_number = name, receipt
        lines.append(line)
    lines.reverse()
    return lines


def statement(
    session: Session, reader: Principal, number: str, *, limit: int, before: int | None
) -> StatementRead:
    """The cardholder's statement, newest first, with the balance after each line."""
    card = card_by_number(session, number)
    account = ledger.find(session, AccountKind.STORED_VALUE, card.applicant_id)
    owed = ledger.find(session, AccountKind.SHORTFALL, card.applicant_id)
    audit.record(
        session,
        actor=reader.actor,
        action="payment.statement.read",
        subject=f"applicant:{card.applicant_id}",
        detail={"card": card.id},
    )
    lines = _lines(session, account, limit + 1, before) if account else []
    today = city_day(utcnow())
    return StatementRead(
        balance_cents=ledger.cached_balance(session, account) if account else 0,
        owed_cents=ledger.cached_balance(session, owed) if owed else 0,
        spent_today_cents=ledger.spent_today(session, account, today) if account else 0,
        daily_spend_limit_cents=settings.daily_spend_limit_cents,
        balance_cap_cents=settings.balance_cap_cents,
        items=lines[:limit],
        next_cursor=str(lines[limit - 1].entry_id) if len(lines) > limit else None,
        lines=lines[:limit],
        next_before=lines[limit - 1].entry_id if len(lines) > limit else None,
    )


def settlement(
    session: Session, reader: Principal, merchant_id: str, day: date | None
) -> SettlementRead:
    """A merchant's charges and refunds booked on one city day (today when no date is given)."""
    merchant = session.get(Merchant, merchant_id)
    if merchant is None:
        raise MerchantNotFound("no merchant has this id")
    day = day or city_day(utcnow())
    start, end = day_bounds(day)
    by_purpose = session.execute(
        sa.select(
            Charge.purpose,
            sa.func.count(),
            sa.func.sum(Charge.amount_cents),
            sa.func.sum(Charge.shortfall_cents),
        )
        .where(Charge.merchant_id == merchant.id, Charge.at >= start, Charge.at < end)
        .group_by(Charge.purpose)
        .order_by(Charge.purpose)
    ).all()
    refunds_count, refunded = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Refund.amount_cents), 0)).where(
            Refund.merchant_id == merchant.id, Refund.at >= start, Refund.at < end
        )
    ).one()
    payable = ledger.find(session, AccountKind.PAYABLE, merchant.id)
    charged = sum(int(total) for _, _, total, _ in by_purpose)
    if reader.actor != f"merchant:{merchant.id}":
        audit.record(
            session,
            actor=reader.actor,
            action="payment.settlement.read",
            subject=f"merchant:{merchant.id}",
        )
    return SettlementRead(
        merchant_id=merchant.id,
        merchant_name=merchant.name,
        date=day,
        timezone=settings.city_timezone,
        charges_count=sum(int(count) for _, count, _, _ in by_purpose),
        charged_cents=charged,
        refunds_count=int(refunds_count),
        refunded_cents=int(refunded),
        net_cents=charged - int(refunded),
        shortfall_cents=sum(int(short) for _, _, _, short in by_purpose),
        by_purpose=[
            PurposeTotal(purpose=purpose, count=int(count), cents=int(total))
            for purpose, count, total, _ in by_purpose
        ],
        payable_balance_cents=ledger.balance_of(session, payable) if payable else 0,
    )
