"""Card fees in the cash drawer, drawer closes, and who registered an applicant (issue 10)

Revision ID: 0012
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applicants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registered_by", sa.String(length=80), nullable=True))
    op.create_table(
        "fees",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("transfer_id", sa.String(length=36), nullable=False),
        sa.Column("card_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("branch", sa.String(length=64), nullable=False),
        sa.Column("clerk_id", sa.String(length=36), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name=op.f("fk_fees_card_id_cards")),
        sa.ForeignKeyConstraint(["clerk_id"], ["users.id"], name=op.f("fk_fees_clerk_id_users")),
        sa.ForeignKeyConstraint(
            ["transfer_id"],
            ["ledger_transfers.id"],
            name=op.f("fk_fees_transfer_id_ledger_transfers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fees")),
        sa.UniqueConstraint("transfer_id", name=op.f("uq_fees_transfer_id")),
    )
    with op.batch_alter_table("fees", schema=None) as batch_op:
        batch_op.create_index("ix_fees_branch_at", ["branch", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_fees_card_id"), ["card_id"], unique=False)
    op.create_table(
        "drawer_closes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("branch", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("expected_cents", sa.BigInteger(), nullable=False),
        sa.Column("counted_cents", sa.BigInteger(), nullable=False),
        sa.Column("difference_cents", sa.BigInteger(), nullable=False),
        sa.Column("closed_by", sa.String(length=36), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["users.id"], name=op.f("fk_drawer_closes_closed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drawer_closes")),
        sa.UniqueConstraint("branch", "day", name=op.f("uq_drawer_closes_branch")),
    )


def downgrade() -> None:
    op.drop_table("drawer_closes")
    with op.batch_alter_table("fees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fees_card_id"))
        batch_op.drop_index("ix_fees_branch_at")
    op.drop_table("fees")
    with op.batch_alter_table("applicants", schema=None) as batch_op:
        batch_op.drop_column("registered_by")
