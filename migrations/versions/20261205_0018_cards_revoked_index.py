"""A partial index of the revoked cards by list and index (issue 14: the status list at scale)

The status list read its revoked indexes through the status index and, on every request, worked
out its fingerprint (how many revoked, the last revocation, the top index) by reading every card
on the list: about 1 s a request at 1.5 million cards (docs/benchmarks.md). This index holds only
the revoked cards, so both are read from it alone; revoked_at is in it for the fingerprint.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

REVOKED = sa.text("status = 'revoked'")


def upgrade() -> None:
    op.create_index(
        "ix_cards_revoked_list_index",
        "cards",
        ["status_list_id", "status_index", "revoked_at"],
        unique=False,
        postgresql_where=REVOKED,
        sqlite_where=REVOKED,
    )


def downgrade() -> None:
    op.drop_index("ix_cards_revoked_list_index", table_name="cards")
