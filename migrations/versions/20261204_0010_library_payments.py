"""Library fines over SIP2: the outbox of Fee Paid messages and the library's answers (issue 15)

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "library_payments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("charge_id", sa.String(length=36), nullable=False),
        sa.Column("receipt_number", sa.String(length=16), nullable=False),
        sa.Column("merchant_id", sa.String(length=36), nullable=False),
        sa.Column("patron_barcode", sa.String(length=32), nullable=False),
        sa.Column("fee_id", sa.String(length=64), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outstanding_before_cents", sa.BigInteger(), nullable=True),
        sa.Column("sends", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("settled_by", sa.String(length=8), nullable=True),
        sa.Column("screen_message", sa.String(length=255), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_library_payments_amount_positive")),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'refused')",
            name=op.f("ck_library_payments_status_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_payments")),
        sa.UniqueConstraint("charge_id", name=op.f("uq_library_payments_charge_id")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_library_payments_receipt_number")),
    )
    op.create_index(
        op.f("ix_library_payments_created_at"), "library_payments", ["created_at"], unique=False
    )
    op.create_index(
        "ix_library_payments_status_next_attempt_at",
        "library_payments",
        ["status", "next_attempt_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_library_payments_status_next_attempt_at", table_name="library_payments")
    op.drop_index(op.f("ix_library_payments_created_at"), table_name="library_payments")
    op.drop_table("library_payments")
