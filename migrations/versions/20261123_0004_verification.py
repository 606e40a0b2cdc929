"""Merchant keys, verification counts and status lists (issue 4)

Revision ID: 0004
Revises: 0003

Merchants and their hashed keys are in 0001; status lists are built from the cards table and
cached in memory, so this revision adds only the per-merchant daily counts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification_counts",
        sa.Column("merchant_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("valid", sa.Integer(), nullable=False),
        sa.Column("revoked", sa.Integer(), nullable=False),
        sa.Column("expired", sa.Integer(), nullable=False),
        sa.Column("invalid", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_verification_counts_merchant_id_merchants"),
        ),
        sa.PrimaryKeyConstraint("merchant_id", "day", name=op.f("pk_verification_counts")),
    )


def downgrade() -> None:
    op.drop_table("verification_counts")
