from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Model
from app.kit.types import CreatedAt, UTCDateTime, UUIDPk

WORD = sa.String(220).with_variant(sa.String(220, collation="C"), "postgresql")


class ApplicantStatus(StrEnum):
    """Where an application stands: pending until a decision approves or denies it."""

    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"


class DecisionOutcome(StrEnum):
    """What a decision did: the status it gave the application."""

    APPROVED = "approved"
    DENIED = "denied"


class Applicant(Model):
    """A person applying for (or holding) a card: only what the card and the city need.

    Deliberately absent: immigration status, citizenship, nationality, country of birth, any
    identity-document number. What is not stored cannot be demanded.
    """

    __tablename__ = "applicants"

    id: Mapped[UUIDPk]
    given_name: Mapped[str] = mapped_column(sa.String(100))
    family_name: Mapped[str] = mapped_column(sa.String(100))
    # The name in Latin letters as the holder writes it, for a name in another script.
    latin_name: Mapped[str | None] = mapped_column(sa.String(100))
    # Case- and accent-folded "given family" for search and duplicate warnings.
    name_key: Mapped[str] = mapped_column(sa.String(220), index=True)
    # The name's confusable skeleton (Unicode TS 39), folded like name_key: Cyrillic "Аnа" and
    # Latin "Ana" share one, so look-alikes are found by search and the duplicate warning.
    name_skeleton: Mapped[str] = mapped_column(sa.String(220), index=True)
    date_of_birth: Mapped[date] = mapped_column(sa.Date, index=True)
    # The address is optional (a person without a fixed address still lives in the city); when
    # there is one, street, city and postal code are all set. `care_of` names whose address it
    # is when the person gets mail at a shelter or at someone else's home.
    street: Mapped[str | None] = mapped_column(sa.String(200))
    unit: Mapped[str | None] = mapped_column(sa.String(50))
    city: Mapped[str | None] = mapped_column(sa.String(100))
    postal_code: Mapped[str | None] = mapped_column(sa.String(20))
    care_of: Mapped[str | None] = mapped_column(sa.String(200))
    # False for domestic-violence survivors and people without a fixed address.
    address_on_card: Mapped[bool] = mapped_column(default=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    language_1: Mapped[str | None] = mapped_column(sa.String(40))
    language_2: Mapped[str | None] = mapped_column(sa.String(40))
    # Self-designated: F, M, X, or NULL when the person chose none.
    gender: Mapped[str | None] = mapped_column(sa.String(1))
    emergency_contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    emergency_contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    status: Mapped[ApplicantStatus] = mapped_column(
        sa.String(16), default=ApplicantStatus.PENDING, index=True
    )
    # Who registered them (as the audit trail names staff): by default not who may approve them.
    registered_by: Mapped[str | None] = mapped_column(sa.String(80))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApplicantNameWord(Model):
    """One word of an applicant's name key or skeleton, for name search (migration 0020).

    A search matches a word at the start of any word of the name, which no index on the whole
    name serves; here each word is a row, indexed by its first three letters and then search's
    order (name_key, date_of_birth, id): the rows a searched word can match are read in the order
    search answers in, a page at a time, and the other words checked on the row (its skeleton
    rides along too). Only what the applicant's row stores already: no new personal data.
    Kept in step by app.applicants.search_repository.index_name.
    """

    __tablename__ = "applicant_name_words"
    __table_args__ = (
        # A word's own rows, for counting them and reading a rare word's whole.
        sa.Index(
            "ix_applicant_name_words_word",
            "word",
            "name_key",
            "date_of_birth",
            "applicant_id",
            "name_skeleton",
        ),
        # Every row of a head, in search's order: a common word's rows read a page at a time.
        sa.Index(
            "ix_applicant_name_words_head_order",
            "head",
            "name_key",
            "date_of_birth",
            "applicant_id",
            "word",
            "name_skeleton",
        ),
    )

    applicant_id: Mapped[str] = mapped_column(sa.ForeignKey("applicants.id"), primary_key=True)
    # Bytewise ("C") order on PostgreSQL, as SQLite compares: a prefix is then one range.
    word: Mapped[str] = mapped_column(WORD, primary_key=True)
    # The word's first three letters: the rows of every word a searched word of three letters
    # or more can match come together, in search's order.
    head: Mapped[str] = mapped_column(WORD)
    # Which the word came from: the query word is matched against the key's words and its
    # skeleton against the skeleton's, as before the table (they differ for look-alike letters).
    in_key: Mapped[bool]
    in_skeleton: Mapped[bool]
    # The applicant's, for the order and for checking the other searched words on the row.
    name_key: Mapped[str] = mapped_column(sa.String(220))
    name_skeleton: Mapped[str] = mapped_column(sa.String(220))
    date_of_birth: Mapped[date] = mapped_column(sa.Date)


class Photo(Model):
    """The applicant's normalised portrait (JPEG, metadata stripped), kept to reprint a lost card."""

    __tablename__ = "photos"

    applicant_id: Mapped[str] = mapped_column(sa.ForeignKey("applicants.id"), primary_key=True)
    jpeg: Mapped[bytes] = mapped_column(sa.LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    uploaded_by: Mapped[str] = mapped_column(sa.String(80))
    uploaded_at: Mapped[CreatedAt]


class Signature(Model):
    """The holder's signature as a bare PNG (ink on transparency), printed on the card."""

    __tablename__ = "signatures"

    applicant_id: Mapped[str] = mapped_column(sa.ForeignKey("applicants.id"), primary_key=True)
    png: Mapped[bytes] = mapped_column(sa.LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(sa.String(80))
    uploaded_at: Mapped[CreatedAt]


class Decision(Model):
    """An approval (with its fee and any waiver) or a denial (with its reason code)."""

    __tablename__ = "decisions"

    id: Mapped[UUIDPk]
    applicant_id: Mapped[str] = mapped_column(sa.ForeignKey("applicants.id"), index=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(sa.String(16))
    # Denials only: a code from a fixed list, never free text.
    reason: Mapped[str | None] = mapped_column(sa.String(32))
    # Approvals only: what the applicant owes, and the (coarse) waiver that lowered it.
    fee_cents: Mapped[int | None]
    fee_waiver: Mapped[str | None] = mapped_column(sa.String(32))
    card_id: Mapped[str | None] = mapped_column(sa.ForeignKey("cards.id"))
    decided_by: Mapped[str] = mapped_column(sa.String(80))
    decided_at: Mapped[CreatedAt]


class ApplicantNamePair(Model):
    """Two words of an applicant's name by their first two letters, for name search (migration
    0021).

    Most searches are two words or more ("maria garcia", "mar garc", "wei hu"). Rows of one word
    read in name order must be checked for the other, and "maria" meets "garcia" only at the
    m's, after tens of thousands of rows; a word of two letters ("hu") has no head of three to be
    read by at all. Here each pair of the name's words (key's and skeleton's alike) is a row
    under its two heads, lower first, in search's order: the rows of a two-word search are one
    range, each checked on the row's own key and skeleton with search's LIKEs. Only what the
    applicant's row stores already. Kept in step by app.applicants.search_repository.index_name.
    """

    __tablename__ = "applicant_name_pairs"
    __table_args__ = (
        sa.Index(
            "ix_applicant_name_pairs_heads_order",
            "head_low",
            "head_high",
            "name_key",
            "date_of_birth",
            "applicant_id",
            "name_skeleton",
        ),
    )

    applicant_id: Mapped[str] = mapped_column(sa.ForeignKey("applicants.id"), primary_key=True)
    # The first two letters of two different words of the name, the lower (bytewise) first.
    head_low: Mapped[str] = mapped_column(WORD, primary_key=True)
    head_high: Mapped[str] = mapped_column(WORD, primary_key=True)
    name_key: Mapped[str] = mapped_column(sa.String(220))
    name_skeleton: Mapped[str] = mapped_column(sa.String(220))
    date_of_birth: Mapped[date] = mapped_column(sa.Date)
