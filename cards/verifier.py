"""Offline verification: a merchant device with the key set and a status list, nothing else.

`verify` never raises. Without a current status list for the card's entry the answer is
`revocation_unknown`, never a plain `valid`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from cards.credential import decode_qr
from cards.errors import CredentialError, Expired, Malformed, StaleStatusList
from cards.keys import KeySet
from cards.status_list import VALID, VerifiedStatusList, verify_status_list_token

Status = Literal["valid", "revoked", "expired", "invalid", "revocation_unknown"]


@dataclass(frozen=True)
class VerificationResult:
    status: Status
    reason: str | None = None
    card_number: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    expires_on: date | None = None


class OfflineVerifier:
    def __init__(
        self,
        keys: KeySet,
        status_lists: tuple[VerifiedStatusList, ...] | list[VerifiedStatusList] = (),
    ) -> None:
        self.keys = keys
        self._lists: dict[str, VerifiedStatusList] = {}
        for held in status_lists:
            self._lists[held.uri] = held

    def update_status_list(
        self, token: bytes, *, now: datetime | None = None
    ) -> VerifiedStatusList:
        """Take a newer status list; an older one than held is refused (a replayed list)."""
        fresh = verify_status_list_token(token, self.keys, now=now)
        held = self._lists.get(fresh.uri)
        if held is not None and fresh.issued_at < held.issued_at:
            raise StaleStatusList("this status list is older than the one held")
        self._lists[fresh.uri] = fresh
        return fresh

    def verify(self, qr_text: str, *, now: datetime | None = None) -> VerificationResult:
        now = now or datetime.now(UTC)
        try:
            decoded = decode_qr(qr_text)
            decoded.cose.verify(self.keys)
        except CredentialError as exc:
            return VerificationResult(status="invalid", reason=exc.reason)
        except Exception:
            return VerificationResult(status="invalid", reason=Malformed.reason)
        claims = decoded.claims
        holder = VerificationResult(
            status="valid",
            card_number=claims.card_number,
            given_name=claims.given_name,
            family_name=claims.family_name,
            date_of_birth=claims.date_of_birth,
            expires_on=claims.expires_at.date(),
        )
        if claims.expires_at <= now:
            return replace(holder, status="expired", reason=Expired.reason)
        held = self._lists.get(claims.status_list_uri)
        if held is None or held.expires_at <= now:
            return replace(holder, status="revocation_unknown", reason="no current status list")
        try:
            status = held.statuses.get(claims.status_index)
        except IndexError:
            return VerificationResult(status="invalid", reason=Malformed.reason)
        return holder if status == VALID else replace(holder, status="revoked")


def load_keyset(path: Path) -> KeySet:
    """A key set file as written by `resident-id keys export` (a JWK set)."""
    try:
        return KeySet.from_jwks(json.loads(path.read_text()))
    except (OSError, ValueError) as exc:
        raise Malformed(f"cannot read the key set {path}: {exc}") from None
