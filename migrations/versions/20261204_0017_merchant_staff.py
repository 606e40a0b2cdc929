"""Merchant staff accounts and their desk sessions (issue 11: the merchant desk)

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "merchant_staff",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("merchant_id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("token_version", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_merchant_staff_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merchant_staff")),
        sa.UniqueConstraint("username", name=op.f("uq_merchant_staff_username")),
    )
    with op.batch_alter_table("merchant_staff", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_merchant_staff_merchant_id"), ["merchant_id"], unique=False
        )
    op.create_table(
        "desk_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["merchant_staff.id"],
            name=op.f("fk_desk_sessions_staff_id_merchant_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_sessions")),
    )
    with op.batch_alter_table("desk_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_desk_sessions_staff_id"), ["staff_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("desk_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_desk_sessions_staff_id"))
    op.drop_table("desk_sessions")
    with op.batch_alter_table("merchant_staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merchant_staff_merchant_id"))
    op.drop_table("merchant_staff")
