"""Pre-applications: sealed under a reference code, opened by it, consumed or purged.

The code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 59 bits:
far beyond guessing. The table keeps an HMAC of it (the row's id) and the details sealed with
AES-GCM under a key that is another HMAC of it, so neither a copy of the database nor a guess at
the secret alone finds or reads one. Nothing about who sent it (address, language) is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.applicants.schemas import ApplicantCreate
from app.auth import repository as throttles
from app.auth.tokens import token_secret
from app.config import settings
from app.kit.types import utcnow
from app.preapplications import repository
from app.preapplications.errors import TooManyPreApplications
from app.preapplications.models import PreApplication

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
GROUP = 4
_LIMIT_PREFIX = "preapply:"


@dataclass(frozen=True)
class PurgeReport:
    preapplications: int
    limits: int


def new_code() -> str:
    """A fresh reference code, grouped for reading aloud: `K7QM-3RTX-9ABH`."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def normalized(code: str) -> str | None:
    """The code as typed or scanned (any case, spaces or hyphens anywhere), or None when it
    cannot be one."""
    raw = "".join(ch for ch in code.upper() if ch not in " -\t")
    if len(raw) != CODE_LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return raw


def _keyed(purpose: bytes, value: str) -> bytes:
    return hmac.new(token_secret().encode(), purpose + value.encode(), hashlib.sha256).digest()


def _id_of(raw: str) -> str:
    return _keyed(b"preapplication-id:", raw).hex()


def _seal(raw: str, row_id: str, body: ApplicantCreate) -> bytes:
    plain = body.model_dump_json(exclude_unset=True).encode()
    nonce = secrets.token_bytes(12)
    key = _keyed(b"preapplication-key:", raw)
    return nonce + AESGCM(key).encrypt(nonce, plain, row_id.encode())


def _unseal(raw: str, row: PreApplication) -> ApplicantCreate | None:
    key = _keyed(b"preapplication-key:", raw)
    try:
        plain = AESGCM(key).decrypt(row.sealed[:12], row.sealed[12:], row.id.encode())
        return ApplicantCreate.model_validate(json.loads(plain))
    except (InvalidTag, ValueError, ValidationError):
        # Sealed under an earlier secret, or no longer valid under today's rules: the clerk
        # registers the person from the start, as without a code.
        return None


def _limit_key(client_address: str) -> str:
    # Keyed: the table never holds an address, nor a hash that could be reversed by trying them.
    return _LIMIT_PREFIX + _keyed(b"preapplication-client:", client_address).hex()


def _count_submission(session: Session, client_address: str | None, now: datetime) -> None:
    """Refuse (429) a client that has sent its allowance this window; else count this one."""
    if not client_address:
        return
    key = _limit_key(client_address)
    window = timedelta(minutes=settings.preapplication_window_minutes)
    for row in throttles.throttles(session, [key]):
        if row.blocked_until is not None and row.blocked_until > now:
            raise TooManyPreApplications(
                max(1, math.ceil((row.blocked_until - now).total_seconds()))
            )
    sent = throttles.count_failure(session, key, now=now, forget_before=now - window)
    if sent >= settings.preapplication_per_client:
        throttles.block(session, key, now + window)


def submit(session: Session, body: ApplicantCreate, *, client_address: str | None) -> str:
    """Keep the details sealed under a new code; answers the code (shown once, kept nowhere)."""
    now = utcnow()
    _count_submission(session, client_address, now)
    code = new_code()
    raw = normalized(code)
    assert raw is not None
    row_id = _id_of(raw)
    repository.add(
        session, PreApplication(id=row_id, sealed=_seal(raw, row_id, body), created_at=now)
    )
    return code


def open_by_code(session: Session, code: str) -> ApplicantCreate | None:
    """The details under this code, or None: unknown, mistyped, or past the retention period
    (even before the purge has run). Reads only, and records nothing."""
    raw = normalized(code)
    if raw is None:
        return None
    row = repository.get(session, _id_of(raw))
    if row is None or row.created_at < utcnow() - timedelta(days=settings.preapplication_days):
        return None
    return _unseal(raw, row)


def consume(session: Session, code: str) -> None:
    """The person is registered: their pre-application is deleted with the registration."""
    raw = normalized(code)
    if raw is not None:
        repository.delete(session, _id_of(raw))


def purge(session: Session, *, days: int | None = None) -> PurgeReport:
    """Delete pre-applications older than the retention period, and submission counts no longer
    needed to enforce the limit."""
    now = utcnow()
    cutoff = now - timedelta(days=settings.preapplication_days if days is None else days)
    window = timedelta(minutes=settings.preapplication_window_minutes)
    return PurgeReport(
        preapplications=repository.delete_created_before(session, cutoff),
        limits=throttles.delete_idle_throttles(
            session, _LIMIT_PREFIX, idle_before=now - window, now=now
        ),
    )
