"""Branches as a table, and applicants' name skeletons (issue 9).

Staff accounts and drawers name only branches that exist. No branch is inserted here: each city
adds its own (POST /v1/branches, `resident-id branches add`). Every applicant gets the confusable
skeleton of their name (Unicode TS 39), computed here for those already registered.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.applicants.names import name_skeleton

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
    # Expand: nullable, filled, then required.
    with op.batch_alter_table("applicants") as batch_op:
        batch_op.add_column(sa.Column("name_skeleton", sa.String(length=220), nullable=True))
    applicants = sa.table(
        "applicants",
        sa.column("id", sa.String),
        sa.column("given_name", sa.String),
        sa.column("family_name", sa.String),
        sa.column("name_skeleton", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(applicants.c.id, applicants.c.given_name, applicants.c.family_name)
    ).all()
    for applicant_id, given, family in rows:
        connection.execute(
            applicants.update()
            .where(applicants.c.id == applicant_id)
            .values(name_skeleton=name_skeleton(given, family))
        )
    with op.batch_alter_table("applicants") as batch_op:
        batch_op.alter_column("name_skeleton", existing_type=sa.String(length=220), nullable=False)
        batch_op.create_index(
            batch_op.f("ix_applicants_name_skeleton"), ["name_skeleton"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("applicants") as batch_op:
        batch_op.drop_index(batch_op.f("ix_applicants_name_skeleton"))
        batch_op.drop_column("name_skeleton")
    op.drop_table("branches")
