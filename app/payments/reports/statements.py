"""The books read back: a cardholder's statement, a merchant's day (a branch drawer's day is in
drawers.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.principal import Principal
from app.cards.service import find as find_card
from app.config import settings
from app.kit.dates import city_day, day_bounds
from app.kit.types import utcnow
from app.merchants import repository as merchant_repository
from app.merchants.errors import MerchantNotFound
from app.payments.charges import repository as charge_repository
from app.payments.ledger import accounts as ledger
from app.payments.models import (
    AccountKind,
    Charge,
    LedgerEntry,
    LedgerTransfer,
    Refund,
)
from app.payments.reports import repository
from app.payments.schemas import (
    PurposeTotal,
    SettlementRead,
    StatementLine,
    StatementRead,
)


def _line(
    entry: LedgerEntry,
    transfer: LedgerTransfer,
    balance_after: int,
    found: _Found,
) -> StatementLine:
    """One statement line: the entry, and what its transfer booked (a load's branch, a charge's
    merchant, purpose and zone, a refund's merchant and receipt)."""
    line = StatementLine(
        entry_id=entry.id,
        at=transfer.at,
        kind=transfer.kind,
        amount_cents=ledger.signed(AccountKind.STORED_VALUE, entry.side, entry.amount_cents),
        balance_after_cents=balance_after,
        branch=found.branches.get(transfer.id),
    )
    if transfer.id in found.charges:
        charge, zone = found.charges[transfer.id]
        line.merchant_name, line.purpose, line.reference = (
            found.names[charge.merchant_id],
            charge.purpose,
            charge.reference,
        )
        line.receipt_number, line.parking_zone = charge.receipt_number, zone
    if transfer.id in found.refunds:
        refund, receipt = found.refunds[transfer.id]
        line.merchant_name, line.receipt_number = found.names[refund.merchant_id], receipt
    return line


@dataclass(frozen=True)
class _Found:
    """What a page of transfers booked, by transfer id, and the merchants' names by id."""

    charges: dict[str, tuple[Charge, str | None]]
    refunds: dict[str, tuple[Refund, str | None]]
    branches: dict[str, str]
    names: dict[str, str]


def _found(session: Session, transfer_ids: list[str]) -> _Found:
    charges = repository.charges_of_transfers(session, transfer_ids)
    refunds = repository.refunds_of_transfers(session, transfer_ids)
    merchant_ids = {c.merchant_id for c, _ in charges.values()}
    merchant_ids |= {r.merchant_id for r, _ in refunds.values()}
    merchants = merchant_repository.by_ids(session, sorted(merchant_ids))
    return _Found(
        charges=charges,
        refunds=refunds,
        branches=repository.load_branches(session, transfer_ids),
        names={merchant.id: merchant.name for merchant in merchants},
    )


def _lines(
    session: Session, account: ledger.Account, limit: int, before: int | None
) -> list[StatementLine]:
    rows = repository.entries_page(session, account.id, limit, before)
    if not rows:
        return []
    oldest_entry, oldest_transfer = rows[-1]
    # The balance after the oldest line on the page: every entry up to and including it.
    normal = ledger.NORMAL_SIDE[AccountKind.STORED_VALUE]
    running = repository.balance_through(
        session, account.id, normal, oldest_transfer.at, oldest_entry.id
    )
    found = _found(session, [transfer.id for _, transfer in rows])
    oldest_amount = ledger.signed(
        AccountKind.STORED_VALUE, oldest_entry.side, oldest_entry.amount_cents
    )
    # Walk from the oldest line up, each line's balance the one before it plus its amount.
    balance_after = running - oldest_amount
    lines: list[StatementLine] = []
    for entry, transfer in reversed(rows):
        balance_after += ledger.signed(AccountKind.STORED_VALUE, entry.side, entry.amount_cents)
        lines.append(_line(entry, transfer, balance_after, found))
    lines.reverse()
    return lines


def statement(
    session: Session, reader: Principal, number: str, *, limit: int, before: int | None
) -> StatementRead:
    """The cardholder's statement, newest first, with the balance after each line."""
    card = find_card(session, number)
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
    merchant = merchant_repository.get(session, merchant_id)
    if merchant is None:
        raise MerchantNotFound("no merchant has this id")
    day = day or city_day(utcnow())
    start, end = day_bounds(day)
    by_purpose = repository.charges_by_purpose(session, merchant.id, start, end)
    refunds_count, refunded = charge_repository.refund_totals(session, merchant.id, start, end)
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
