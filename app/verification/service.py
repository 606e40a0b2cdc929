"""Online verification of a card's QR, for merchants and for the payments domain.

The QR's signature is checked against the published keys; then the card's row is the authority:
a card revoked a second ago answers `revoked`, whatever list a device last synced. Nothing about
the check is stored except one count per merchant, day and outcome (app.verification.counts):
never which card was shown, so verification leaves no trail of where a cardholder has been, and
the audit trail records none either.

A card still `pending_print` has not been handed to anyone, so its QR can only come from a
misprint, a test sheet or a copy: it answers `invalid` with the reason `not_issued`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cards import repository as cards_repository
from app.cards.models import Card
from app.cards.validity import CardState, CardUse, usable
from app.config import settings
from app.db import write_transaction
from app.keys import service as keys
from app.kit.errors import BadCursor
from app.kit.paging import MAX_LIMIT, Page, decode, page_of
from app.kit.types import utcnow
from app.statements import in_thread, statements
from app.verification import counts, ratelimit, repository
from app.verification.errors import RateLimited
from app.verification.models import Outcome, VerificationCount
from app.verification.schemas import DailyCountRead, VerifyResult
from cards.credential import CardClaims, decode_qr
from cards.errors import CredentialError
from cards.keys import KeySet

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CardCheck:
    """The outcome of checking a QR. `card` is set only when the signature is good and the card
    is on record; the holder fields only when the signature is good (they are what it signs)."""

    status: Outcome
    reason: str | None = None
    card: Card | None = None
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    expires_on: date | None = None

    def result(self) -> VerifyResult:
        return VerifyResult(
            status=self.status,
            reason=self.reason,
            given_name=self.given_name,
            family_name=self.family_name,
            date_of_birth=self.date_of_birth,
            expires_on=self.expires_on,
        )


def read_qr(qr_text: str, keyset: KeySet) -> tuple[CardCheck, CardClaims | None]:
    """The QR's signature checked against the published keys: `invalid` with its reason, or
    `valid` with the holder and the claims it signs (the card not looked up yet). Never raises
    for bad input: every kind of garbage answers `invalid` with its reason."""
    try:
        # Not verify_qr: an expired card's signature is still checked, and its holder shown.
        credential = decode_qr(qr_text)
        credential.cose.verify(keyset)
    except CredentialError as exc:
        return CardCheck(status=Outcome.INVALID, reason=exc.reason), None
    except Exception as exc:
        # A decoder bug met hostile input: still the merchant's answer is "invalid", not a 500.
        # Only the error's type is logged: its message could quote the card's data.
        log.error("QR decoding failed unexpectedly (a bug): %s", type(exc).__name__)
        return CardCheck(status=Outcome.INVALID, reason="malformed"), None
    claims = credential.claims
    signed = CardCheck(
        status=Outcome.VALID,
        given_name=claims.given_name or None,
        family_name=claims.family_name,
        date_of_birth=claims.date_of_birth,
        expires_on=claims.expires_at.date(),
    )
    return signed, claims


def judge(
    signed: CardCheck, claims: CardClaims, card: CardState | None, now: datetime
) -> CardCheck:
    """A signed QR's answer from its card's record as it stood at `now`: the QR's own expiry
    first, as the offline verifier reads it; then the card (app.cards.validity), so both paths
    answer alike."""
    if card is None:
        # Signed by the city yet not on record: a test card, or a database restored from before.
        return replace(signed, status=Outcome.INVALID, reason="unknown_card")
    if now >= claims.expires_at:
        return replace(signed, status=Outcome.EXPIRED)
    status, reason = outcome_of(usable(card, now))
    return replace(signed, status=status, reason=reason)


def check_card_qr(session: Session, qr_text: str, *, now: datetime | None = None) -> CardCheck:
    """Check a scanned QR text against the published keys and the card's record, as they stood
    at `now` (default: this moment)."""
    now = now or utcnow()
    signed, claims = read_qr(qr_text, keys.published_keyset(session))
    if claims is None:
        return signed
    card = cards_repository.get_by_number(session, claims.card_number)
    return replace(judge(signed, claims, card, now), card=card)


def outcome_of(use: CardUse) -> tuple[Outcome, str | None]:
    """A card's usability as verification answers it: the outcome, and why it is `invalid`."""
    if use == CardUse.USABLE:
        return Outcome.VALID, None
    if use == CardUse.EXPIRED:
        return Outcome.EXPIRED, None
    if use == CardUse.REVOKED:
        return Outcome.REVOKED, None
    return Outcome.INVALID, "not_issued"


def verify_for_merchant(session: Session, merchant: Principal, qr_text: str) -> VerifyResult:
    """Check a QR for a merchant and count the outcome (only the count) for its day."""
    now = utcnow()
    check = check_card_qr(session, qr_text, now=now)
    if counts.pending.note(merchant.id, now.date(), check.status):
        counts.fold(session)
    return check.result()


async def verify_scan(merchant: Principal, qr_text: str) -> VerifyResult:
    """verify_for_merchant on the hot path: the keys from this worker's cache, the rate take
    and the card's read as two statements that commit by themselves, no session, no thread on
    PostgreSQL (app.statements). The card's row is still read on every scan."""
    keyset = await keys.published_keyset_cached()
    async with statements() as run:
        wait = await ratelimit.take_now(run, merchant.id, settings.verify_rate_per_minute)
        if wait:
            raise RateLimited(wait)
        now = utcnow()
        check, claims = read_qr(qr_text, keyset)
        if claims is not None:
            card = await cards_repository.state_by_number(run, claims.card_number)
            check = judge(check, claims, card, now)
    if counts.pending.note(merchant.id, now.date(), check.status):
        await in_thread(counts.fold_now)
    return check.result()


def take_rate(session: Session, merchant: Principal) -> None:
    """429 when the key has used its verifications for now (one bucket per key for every way of
    verifying, so typing numbers does not add to scanning's allowance)."""
    wait = ratelimit.take(session, merchant.id, settings.verify_rate_per_minute)
    if wait:
        raise RateLimited(wait)


def check_rate(session: Session, merchant: Principal) -> None:
    """429 when the merchant's key has no verification left this minute (nothing is taken)."""
    wait = ratelimit.wait(session, merchant.id, settings.verify_rate_per_minute)
    if wait:
        raise RateLimited(wait)


def count_refused_charge(session: Session, merchant: Principal, outcome: Outcome) -> None:
    """A refused charge told the merchant what a verification would have (revoked, expired,
    forged, or valid but without the money): count it as one, and take it from the rate limit.

    The refusing request's transaction ends here, rolled back (a refusal leaves nothing), and the
    take is committed in a transaction of its own: it must outlive the refusal, and on SQLite a
    second transaction could not write while the request's held the lock. The count is noted in
    memory, folded later like any other."""
    session.rollback()
    counts.pending.note(merchant.id, utcnow().date(), outcome)
    with write_transaction() as own:
        ratelimit.take(own, merchant.id, settings.verify_rate_per_minute)


def daily_counts(
    session: Session,
    merchant_id: str | None,
    since: date,
    until: date,
    *,
    cursor: str | None = None,
    limit: int = MAX_LIMIT,
) -> Page[DailyCountRead]:
    """Counts per merchant and day, including what this process has not folded in yet, a page
    at a time."""
    counts.fold(session)
    key = decode(cursor, 2)
    try:
        after = None if key is None else (date.fromisoformat(str(key[0])), str(key[1]))
    except ValueError as exc:
        raise BadCursor("cursor: not a cursor this server gave") from exc
    rows = repository.daily_counts(session, merchant_id, since, until, after, limit)
    page, next_cursor = page_of(rows, limit, lambda c: [c.day.isoformat(), c.merchant_id])
    return Page(items=[DailyCountRead.model_validate(c) for c in page], next_cursor=next_cursor)


# The most rows a page's chart reads (merchants times days): far above a city's month.
_CHART_ROWS = 50_000


def folded_counts(session: Session, since: date, until: date) -> list[VerificationCount]:
    """Counts per merchant and day as stored, without folding this process's pending ones in
    (a read for pages, whose GETs never write): at most FOLD_AFTER_SECONDS behind."""
    return repository.daily_counts(session, None, since, until, None, _CHART_ROWS)[:_CHART_ROWS]
