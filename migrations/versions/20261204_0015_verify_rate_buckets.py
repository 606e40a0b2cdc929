"""Verification rate limits in the database: one token bucket per merchant key (issue 14)

Each worker process kept its own buckets, so with N workers a key got N times its limit.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verify_rate_buckets",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("full_at", sa.Double(), nullable=False),
        sa.Column("admitted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_verify_rate_buckets")),
    )


def downgrade() -> None:
    op.drop_table("verify_rate_buckets")
