"""An applicant's address is optional and may be "care of" someone (issue 10)

A person without a fixed address still lives in the city and can hold a card; one who gets mail
at a shelter or at a relative's names whose address it is.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applicants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("care_of", sa.String(length=200), nullable=True))
        batch_op.alter_column("street", existing_type=sa.String(length=200), nullable=True)
        batch_op.alter_column("city", existing_type=sa.String(length=100), nullable=True)
        batch_op.alter_column("postal_code", existing_type=sa.String(length=20), nullable=True)


def downgrade() -> None:
    # Going back needs every applicant to have an address again; refuse rather than invent one.
    with op.batch_alter_table("applicants", schema=None) as batch_op:
        batch_op.alter_column("postal_code", existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column("city", existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column("street", existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_column("care_of")
