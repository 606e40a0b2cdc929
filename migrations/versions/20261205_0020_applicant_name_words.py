"""Applicants' name words, for name search (issue 14, second design)

The trigram indexes of 0019 still read every holder with a common trigram: "maria garcia" took
367-664 ms at 1.5 million holders. Here each word of an applicant's name key and skeleton is a
row of `applicant_name_words`, indexed by the word (to count and read a rare word's rows) and by
its first three letters (`head`) then the sort key, so the rows a searched word can match come in
the order search answers in, each checked for the other words on the row
(app/applicants/search_repository.py).
The words of existing applicants are filled in; the trigram indexes, which nothing reads now,
are dropped (downgrade makes them again).

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TRIGRAM_COLUMNS = ("name_key", "name_skeleton")
# Each applicant's words once, with where each came from; one pass, no sort of the whole table.
FILL_POSTGRESQL = """
INSERT INTO applicant_name_words
    (applicant_id, word, head, in_key, in_skeleton, name_key, name_skeleton, date_of_birth)
SELECT a.id, w.word, left(w.word, 3), w.in_key, w.in_skeleton, a.name_key, a.name_skeleton,
    a.date_of_birth
FROM applicants AS a
CROSS JOIN LATERAL (
    SELECT part.word, bool_or(part.from_key) AS in_key, bool_or(NOT part.from_key) AS in_skeleton
    FROM (
        SELECT unnest(string_to_array(a.name_key, ' ')) AS word, true AS from_key
        UNION ALL
        SELECT unnest(string_to_array(a.name_skeleton, ' ')), false
    ) AS part
    WHERE part.word <> ''
    GROUP BY part.word
) AS w
"""
BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "applicant_name_words",
        sa.Column("applicant_id", sa.String(length=36), nullable=False),
        sa.Column(
            "word",
            sa.String(length=220).with_variant(sa.String(length=220, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "head",
            sa.String(length=220).with_variant(sa.String(length=220, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("in_key", sa.Boolean(), nullable=False),
        sa.Column("in_skeleton", sa.Boolean(), nullable=False),
        sa.Column("name_key", sa.String(length=220), nullable=False),
        sa.Column("name_skeleton", sa.String(length=220), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicants.id"],
            name=op.f("fk_applicant_name_words_applicant_id_applicants"),
        ),
        sa.PrimaryKeyConstraint("applicant_id", "word", name=op.f("pk_applicant_name_words")),
    )
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute(FILL_POSTGRESQL)
    else:
        _fill_in_batches(connection)
    op.create_index(
        "ix_applicant_name_words_word",
        "applicant_name_words",
        ["word", "name_key", "date_of_birth", "applicant_id", "name_skeleton"],
        unique=False,
    )
    op.create_index(
        "ix_applicant_name_words_head_order",
        "applicant_name_words",
        ["head", "name_key", "date_of_birth", "applicant_id", "word", "name_skeleton"],
        unique=False,
    )
    for column in TRIGRAM_COLUMNS:
        op.drop_index(f"ix_applicants_{column}_trgm", table_name="applicants")


def _fill_in_batches(connection: sa.Connection) -> None:
    applicants = sa.table(
        "applicants",
        sa.column("id", sa.String),
        sa.column("name_key", sa.String),
        sa.column("name_skeleton", sa.String),
        sa.column("date_of_birth", sa.Date),
    )
    words = sa.table(
        "applicant_name_words",
        sa.column("applicant_id", sa.String),
        sa.column("word", sa.String),
        sa.column("head", sa.String),
        sa.column("in_key", sa.Boolean),
        sa.column("in_skeleton", sa.Boolean),
        sa.column("name_key", sa.String),
        sa.column("name_skeleton", sa.String),
        sa.column("date_of_birth", sa.Date),
    )
    rows: list[dict[str, object]] = []
    query = sa.select(
        applicants.c.id,
        applicants.c.name_key,
        applicants.c.name_skeleton,
        applicants.c.date_of_birth,
    )
    for applicant_id, key, skeleton, born in connection.execute(query).all():
        in_key, in_skeleton = set(key.split()), set(skeleton.split())
        rows += [
            {
                "applicant_id": applicant_id,
                "word": word,
                "head": word[:3],
                "in_key": word in in_key,
                "in_skeleton": word in in_skeleton,
                "name_key": key,
                "name_skeleton": skeleton,
                "date_of_birth": born,
            }
            for word in sorted(in_key | in_skeleton)
        ]
        if len(rows) >= BATCH:
            connection.execute(words.insert(), rows)
            rows = []
    if rows:
        connection.execute(words.insert(), rows)


def downgrade() -> None:
    for column in TRIGRAM_COLUMNS:
        op.create_index(
            f"ix_applicants_{column}_trgm",
            "applicants",
            [column],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
            sqlite_where=sa.text("0"),
        )
    op.drop_index("ix_applicant_name_words_head_order", table_name="applicant_name_words")
    op.drop_index("ix_applicant_name_words_word", table_name="applicant_name_words")
    op.drop_table("applicant_name_words")
