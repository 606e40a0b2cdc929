"""Branches as a table (issue 9): staff accounts and drawers name only branches that exist.

No branch is inserted here: each city adds its own (POST /v1/branches, `resident-id branches add`).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "branches",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("opening_hours", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_branches")),
    )


def downgrade() -> None:
    op.drop_table("branches")
