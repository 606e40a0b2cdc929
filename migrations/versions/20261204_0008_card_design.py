"""The card as a government document: the name in Latin letters and the holder's signature
(issue 12)

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("applicants", sa.Column("latin_name", sa.String(length=100), nullable=True))
    op.create_table(
        "signatures",
        sa.Column("applicant_id", sa.String(length=36), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=80), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicants.id"],
            name=op.f("fk_signatures_applicant_id_applicants"),
        ),
        sa.PrimaryKeyConstraint("applicant_id", name=op.f("pk_signatures")),
    )


def downgrade() -> None:
    op.drop_table("signatures")
    with op.batch_alter_table("applicants") as batch:
        batch.drop_column("latin_name")
