"""Pre-applications: a resident's details typed at home, sealed under a reference code (issue 11)

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "preapplications",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preapplications")),
    )
    with op.batch_alter_table("preapplications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_preapplications_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("preapplications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preapplications_created_at"))
    op.drop_table("preapplications")
