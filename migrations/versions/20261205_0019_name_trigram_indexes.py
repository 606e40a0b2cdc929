"""Trigram indexes on the name keys (issue 14: name search at 1.5 million holders)

A name search without a date of birth matches a word at the start of any word of the name
(`LIKE 'w%' OR LIKE '% w%'`), which no btree serves: a sequential scan of every applicant, p99
11.7 s at 1.5 million holders (docs/benchmarks.md). pg_trgm's GIN indexes serve both patterns;
the repository reads the matches through them before ordering (app/applicants/repository.py).
pg_trgm is a trusted extension, so the database owner may create it. SQLite has no such index:
it gets empty partial indexes of the same names, so the models and the schema agree.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

COLUMNS = ("name_key", "name_skeleton")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        op.create_index(
            f"ix_applicants_{column}_trgm",
            "applicants",
            [column],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
            sqlite_where=sa.text("0"),
        )


def downgrade() -> None:
    # The extension stays: other schemas in the database may use it.
    for column in COLUMNS:
        op.drop_index(f"ix_applicants_{column}_trgm", table_name="applicants")
