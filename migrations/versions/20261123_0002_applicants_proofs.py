"""Applicant photos, proof checks and decisions (issue 2)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "photos",
        sa.Column("applicant_id", sa.String(length=36), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=80), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["applicants.id"], name=op.f("fk_photos_applicant_id_applicants")
        ),
        sa.PrimaryKeyConstraint("applicant_id", name=op.f("pk_photos")),
    )
    # What a document proved, never which document: no code, type, number or issuer column.
    op.create_table(
        "proof_checks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("applicant_id", sa.String(length=36), nullable=False),
        sa.Column("identity_points", sa.Integer(), nullable=False),
        sa.Column("shows_photo", sa.Boolean(), nullable=False),
        sa.Column("shows_date_of_birth", sa.Boolean(), nullable=False),
        sa.Column("proves_residency", sa.Boolean(), nullable=False),
        sa.Column("residency_valid_until", sa.Date(), nullable=True),
        sa.Column("checked_by", sa.String(length=80), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicants.id"],
            name=op.f("fk_proof_checks_applicant_id_applicants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proof_checks")),
    )
    with op.batch_alter_table("proof_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proof_checks_applicant_id"), ["applicant_id"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("applicant_id", sa.String(length=36), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("fee_cents", sa.Integer(), nullable=True),
        sa.Column("fee_waiver", sa.String(length=32), nullable=True),
        sa.Column("card_id", sa.String(length=36), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["applicants.id"], name=op.f("fk_decisions_applicant_id_applicants")
        ),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name=op.f("fk_decisions_card_id_cards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decisions_applicant_id"), ["applicant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_applicant_id"))
    op.drop_table("decisions")
    with op.batch_alter_table("proof_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proof_checks_applicant_id"))
    op.drop_table("proof_checks")
    op.drop_table("photos")
