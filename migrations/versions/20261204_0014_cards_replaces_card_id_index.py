"""An index on cards.replaces_card_id: every card read asks for the card's successor (issue 10)

Without it each read scanned the cards table: a search listing 50 people read 50 cards, and the
console's search took 150 ms at 10,000 applicants (bench/console.py).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cards_replaces_card_id", "cards", ["replaces_card_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_cards_replaces_card_id", table_name="cards")
