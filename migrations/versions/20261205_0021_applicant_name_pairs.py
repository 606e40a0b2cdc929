"""Applicants' name pairs, for two-word name search (issue 14, third step)

At 1.5 million holders a search of two words through the words table (0020) still took up to
200 ms: rows of one word read in name order until the other word turns up ("maria" meets "hu" a
hundred thousand rows on), and a word of two letters has no three-letter head to be read by.
Here each pair of different words of a name (key's and skeleton's, two letters or more) is one
row under the words' first two letters, lower first, with the sort key: a two-word search reads
one range of `ix_applicant_name_pairs_heads_order`, already in name order, and checks the words
on each row (app/applicants/search_pairs.py). Filled from the words table for every applicant.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# Every two different words of an applicant, by their heads, each pair of heads once. substr and
# CASE, not left and least: the same statement on SQLite.
FILL = """
INSERT INTO applicant_name_pairs
    (applicant_id, head_low, head_high, name_key, name_skeleton, date_of_birth)
SELECT DISTINCT one.applicant_id,
    CASE WHEN substr(one.word, 1, 2) <= substr(two.word, 1, 2)
        THEN substr(one.word, 1, 2) ELSE substr(two.word, 1, 2) END,
    CASE WHEN substr(one.word, 1, 2) <= substr(two.word, 1, 2)
        THEN substr(two.word, 1, 2) ELSE substr(one.word, 1, 2) END,
    one.name_key, one.name_skeleton, one.date_of_birth
FROM applicant_name_words AS one
JOIN applicant_name_words AS two
    ON two.applicant_id = one.applicant_id AND one.word < two.word
WHERE length(one.word) >= 2 AND length(two.word) >= 2
"""
HEAD = sa.String(length=220).with_variant(sa.String(length=220, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "applicant_name_pairs",
        sa.Column("applicant_id", sa.String(length=36), nullable=False),
        sa.Column("head_low", HEAD, nullable=False),
        sa.Column("head_high", HEAD, nullable=False),
        sa.Column("name_key", sa.String(length=220), nullable=False),
        sa.Column("name_skeleton", sa.String(length=220), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicants.id"],
            name=op.f("fk_applicant_name_pairs_applicant_id_applicants"),
        ),
        sa.PrimaryKeyConstraint(
            "applicant_id", "head_low", "head_high", name=op.f("pk_applicant_name_pairs")
        ),
    )
    op.execute(FILL)
    op.create_index(
        "ix_applicant_name_pairs_heads_order",
        "applicant_name_pairs",
        ["head_low", "head_high", "name_key", "date_of_birth", "applicant_id", "name_skeleton"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_applicant_name_pairs_heads_order", table_name="applicant_name_pairs")
    op.drop_table("applicant_name_pairs")
