"""The stored-value ledger: accounts, immutable balanced transfers and their entries, and the
records that say what a transfer was (a load, a charge, a refund, a parking session).

What a transaction keeps is the merchant, the amount, the purpose and the time; for parking the
zone and the times. Never a licence plate, never where a person went beyond a parking zone.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from app.db import Model
from app.kit.types import CreatedAt, UTCDateTime, UUIDPk

# An integer primary key that autoincrements on both backends (SQLite needs INTEGER exactly).
BigIntPk = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class AccountKind(StrEnum):
    STORED_VALUE = "stored_value"
    DRAWER = "drawer"
    PAYABLE = "payable"
    SHORTFALL = "shortfall"
    # What the city earned from card fees (one account, owner "city").
    FEE_REVENUE = "fee_revenue"


class TransferKind(StrEnum):
    LOAD = "load"
    CHARGE = "charge"
    REFUND = "refund"
    SHORTFALL_RECOVERY = "shortfall_recovery"
    FEE = "fee"
    # A month's detail past the retention period, replaced by its totals.
    ROLLUP = "rollup"


class Side(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


class ChargePurpose(StrEnum):
    LIBRARY_FINE = "library_fine"
    PARKING = "parking"
    OTHER = "other"


class KeyScope(StrEnum):
    # The Idempotency-Key header.
    HTTP = "http"
    # An offline meter's own request id.
    METER = "meter"


E = TypeVar("E", bound=StrEnum)


class EnumText(TypeDecorator[E], Generic[E]):
    """A StrEnum stored as its plain value in a VARCHAR, as these columns always were (no
    database enum, no CHECK): the database type is unchanged, the Python side is typed."""

    impl = sa.String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else str(self.enum(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)


class LedgerAccount(Model):
    """One account: a cardholder's stored value, a branch's cash drawer, a merchant's payable, a
    cardholder's shortfall receivable. `owner` is the applicant id, branch name or merchant id."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (
        sa.UniqueConstraint("kind", "owner"),
        # The database itself refuses an overdrawn card, whatever the code above it does.
        sa.CheckConstraint(
            "kind <> 'stored_value' OR balance_cents >= 0", name="stored_value_not_negative"
        ),
    )

    id: Mapped[UUIDPk]
    kind: Mapped[AccountKind] = mapped_column(EnumText(AccountKind, 16))
    owner: Mapped[str] = mapped_column(sa.String(64))
    # The cached balance on the account's normal side; NULL for merchant payables, which are hot
    # (every sale credits one) and are summed from their entries instead of locked per sale.
    balance_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The cardholder's spending on one city day, for the daily limit (stored value only).
    spent_on: Mapped[date | None] = mapped_column(sa.Date)
    spent_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    created_at: Mapped[CreatedAt]


class LedgerTransfer(Model):
    """A balanced movement of money: immutable once written; a correction is a new transfer."""

    __tablename__ = "ledger_transfers"

    id: Mapped[UUIDPk]
    kind: Mapped[TransferKind] = mapped_column(EnumText(TransferKind, 24))
    # The transfer's total: the sum of its debits, which equals the sum of its credits.
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class LedgerEntry(Model):
    """One side of a transfer on one account."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.CheckConstraint("side IN ('debit', 'credit')", name="side_known"),
        sa.Index("ix_ledger_entries_account_id_id", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    transfer_id: Mapped[str] = mapped_column(sa.ForeignKey("ledger_transfers.id"), index=True)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("ledger_accounts.id"))
    side: Mapped[Side] = mapped_column(EnumText(Side, 6))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)


class Load(Model):
    """Cash taken at a branch counter onto a cardholder's stored value."""

    __tablename__ = "loads"
    __table_args__ = (sa.Index("ix_loads_branch_at", "branch", "at"),)

    id: Mapped[UUIDPk]
    transfer_id: Mapped[str] = mapped_column(sa.ForeignKey("ledger_transfers.id"), unique=True)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("ledger_accounts.id"), index=True)
    branch: Mapped[str] = mapped_column(sa.String(64))
    clerk_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id"))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    # The part of the cash that paid back what offline parking charges could not take.
    recovered_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ParkingZone(Model):
    """A zone's rate: cents per hour and the longest stay one session may buy."""

    __tablename__ = "parking_zones"

    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    rate_cents_per_hour: Mapped[int]
    max_minutes: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ParkingSession(Model):
    """Paid parking in one zone from one time to another: no plate, no place finer than the zone."""

    __tablename__ = "parking_sessions"

    id: Mapped[UUIDPk]
    zone_code: Mapped[str] = mapped_column(sa.ForeignKey("parking_zones.code"))
    merchant_id: Mapped[str] = mapped_column(sa.ForeignKey("merchants.id"), index=True)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("ledger_accounts.id"), index=True)
    # The rate when the session started: an extension is priced as the session was.
    rate_cents_per_hour: Mapped[int]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    minutes: Mapped[int]
    charged_cents: Mapped[int] = mapped_column(sa.BigInteger)
    # Uploaded later by a meter that was offline when the card was presented.
    offline: Mapped[bool] = mapped_column(default=False)


class Charge(Model):
    """A merchant's charge to a cardholder's stored value; the receipt's content."""

    __tablename__ = "charges"
    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.CheckConstraint(
            "refunded_cents >= 0 AND refunded_cents <= amount_cents", name="refunds_within_amount"
        ),
        sa.CheckConstraint(
            "shortfall_cents >= 0 AND shortfall_cents <= amount_cents", name="shortfall_within"
        ),
        sa.Index("ix_charges_merchant_id_at", "merchant_id", "at"),
    )

    id: Mapped[UUIDPk]
    transfer_id: Mapped[str] = mapped_column(sa.ForeignKey("ledger_transfers.id"), unique=True)
    merchant_id: Mapped[str] = mapped_column(sa.ForeignKey("merchants.id"))
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("ledger_accounts.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    # Booked to the cardholder's shortfall receivable: an offline meter charge the balance
    # could not cover.
    shortfall_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    refunded_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    purpose: Mapped[ChargePurpose] = mapped_column(EnumText(ChargePurpose, 16))
    reference: Mapped[str] = mapped_column(sa.String(64))
    receipt_number: Mapped[str] = mapped_column(sa.String(16), unique=True)
    parking_session_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("parking_sessions.id"), index=True
    )
    # When an offline meter says the charge happened; `at` is when it was booked.
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Refund(Model):
    """Money given back on a charge, by the merchant that charged or a supervisor."""

    __tablename__ = "refunds"

    id: Mapped[UUIDPk]
    # NULL once the charge's detail has been rolled up past the retention period.
    charge_id: Mapped[str | None] = mapped_column(sa.ForeignKey("charges.id"), index=True)
    transfer_id: Mapped[str] = mapped_column(sa.ForeignKey("ledger_transfers.id"), unique=True)
    merchant_id: Mapped[str] = mapped_column(sa.ForeignKey("merchants.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    refunded_by: Mapped[str] = mapped_column(sa.String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class IdempotencyRecord(Model):
    """A money-moving request's key and its first answer, written in the transaction that moved
    the money: a retry replays the answer, and a concurrent duplicate waits on the unique key."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("principal", "scope", "key"),)

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    # The caller as the audit trail names it: keys are scoped per merchant or staff account.
    principal: Mapped[str] = mapped_column(sa.String(80))
    scope: Mapped[KeyScope] = mapped_column(EnumText(KeyScope, 8))
    key: Mapped[str] = mapped_column(sa.String(255))
    # SHA-256 of the request (route, path parameters, body): the same key with another request
    # is refused rather than replayed.
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int]
    response_body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[CreatedAt] = mapped_column(index=True)


class Fee(Model):
    """A card fee taken in cash at a branch counter: the drawer holds it, the city earned it.
    A waived fee books nothing."""

    __tablename__ = "fees"
    __table_args__ = (sa.Index("ix_fees_branch_at", "branch", "at"),)

    id: Mapped[UUIDPk]
    transfer_id: Mapped[str] = mapped_column(sa.ForeignKey("ledger_transfers.id"), unique=True)
    card_id: Mapped[str] = mapped_column(sa.ForeignKey("cards.id"), index=True)
    # card (a first card) | replacement | renewal
    kind: Mapped[str] = mapped_column(sa.String(16))
    branch: Mapped[str] = mapped_column(sa.String(64))
    clerk_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id"))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class DrawerClose(Model):
    """A branch's day closed: the cash the books expected, what was counted, the difference."""

    __tablename__ = "drawer_closes"
    __table_args__ = (sa.UniqueConstraint("branch", "day"),)

    id: Mapped[UUIDPk]
    branch: Mapped[str] = mapped_column(sa.String(64))
    day: Mapped[date] = mapped_column(sa.Date)
    expected_cents: Mapped[int] = mapped_column(sa.BigInteger)
    counted_cents: Mapped[int] = mapped_column(sa.BigInteger)
    # counted - expected: negative when cash is missing, positive when there is too much.
    difference_cents: Mapped[int] = mapped_column(sa.BigInteger)
    closed_by: Mapped[str] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime())
