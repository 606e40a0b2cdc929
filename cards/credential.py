"""The card's QR credential in the MOSIP Claim 169 format.

claims → CBOR (CWT) → COSE_Sign1 (Ed25519) → zlib → Base45. Claim 169 carries only what the card
prints: card number, first and last name, date of birth, and gender only when the holder chose one.
Never address (10), nationality (13) or photo (16).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

import cbor2

from cards.base45 import b45decode, b45encode
from cards.cose import Sign1, decode_sign1, is_map, loads, sign1
from cards.errors import Expired, Malformed
from cards.keys import KeySet, SigningKey

Gender = Literal["F", "M", "X"]

CWT_ISS, CWT_SUB, CWT_EXP, CWT_IAT = 1, 2, 4, 6
CLAIM_169 = 169
CLAIM_STATUS = 65535
ID, FIRST_NAME, LAST_NAME, DATE_OF_BIRTH, GENDER = 1, 5, 7, 8, 9
_GENDER_CODES: dict[str, int] = {"M": 1, "F": 2, "X": 3}
_GENDERS: dict[int, Gender] = {1: "M", 2: "F", 3: "X"}

# Bounds on every size, so hostile input costs little: the largest QR holds 4,296 alphanumerics.
MAX_QR_CHARS = 4296
MAX_DECOMPRESSED = 8192
# The last second datetime can hold (9999-12-31T23:59:59Z): a later time is malformed, not a crash.
MAX_TIMESTAMP = 253_402_300_799


@dataclass(frozen=True)
class CardClaims:
    card_number: str
    given_name: str
    family_name: str
    date_of_birth: date
    gender: Gender | None
    issuer: str
    issued_at: datetime
    expires_at: datetime
    status_list_uri: str
    status_index: int


@dataclass(frozen=True)
class DecodedCredential:
    """A parsed credential whose signature has NOT been checked."""

    cose: Sign1
    claims: CardClaims

    @property
    def kid(self) -> bytes:
        return self.cose.kid


@dataclass(frozen=True)
class VerifiedCredential:
    kid: bytes
    claims: CardClaims


def _payload(claims: CardClaims) -> bytes:
    identity: dict[int, Any] = {
        ID: claims.card_number,
        LAST_NAME: claims.family_name,
        DATE_OF_BIRTH: claims.date_of_birth.strftime("%Y%m%d"),
    }
    # Claim 169's keys are all optional: a person with one name has no first name to sign.
    if claims.given_name:
        identity[FIRST_NAME] = claims.given_name
    if claims.gender is not None:
        identity[GENDER] = _GENDER_CODES[claims.gender]
    cwt: dict[int, Any] = {
        CWT_ISS: claims.issuer,
        CWT_EXP: int(claims.expires_at.timestamp()),
        CWT_IAT: int(claims.issued_at.timestamp()),
        CLAIM_169: identity,
        CLAIM_STATUS: {"status_list": {"idx": claims.status_index, "uri": claims.status_list_uri}},
    }
    return cbor2.dumps(cwt)


def issue_qr(claims: CardClaims, key: SigningKey) -> str:
    """The QR text: Base45 of the zlib-compressed, signed credential."""
    return b45encode(zlib.compress(sign1(_payload(claims), key), 9))


def inflate(data: bytes, limit: int) -> bytes:
    """zlib-decompress at most `limit` bytes; a bomb or a broken stream is Malformed."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit)
    except zlib.error as exc:
        raise Malformed(f"corrupt zlib stream: {exc}") from None
    if inflater.unconsumed_tail:
        raise Malformed(f"decompresses to more than {limit} bytes")
    if not inflater.eof:
        raise Malformed("truncated zlib stream")
    if inflater.unused_data:
        # Bytes after the stream are not signed over: a text carrying them is not one we issued.
        raise Malformed("bytes after the compressed data")
    return out


def _text(value: Any, what: str, longest: int = 200) -> str:
    if not isinstance(value, str) or not value or len(value) > longest:
        raise Malformed(f"{what} missing or not text")
    return value


def _time(value: Any, what: str) -> datetime:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_TIMESTAMP:
        raise Malformed(f"{what} missing or not a time")
    return datetime.fromtimestamp(value, UTC)


def _index(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Malformed("no status list entry")
    return value


def _claims(payload: bytes) -> CardClaims:
    cwt = loads(payload)
    if not is_map(cwt):
        raise Malformed("the CWT is not a map")
    identity = cwt.get(CLAIM_169)
    status = cwt.get(CLAIM_STATUS)
    if not is_map(identity):
        raise Malformed("no Claim 169 identity data")
    entry = status.get("status_list") if is_map(status) else None
    if not is_map(entry):
        raise Malformed("no status list entry")
    status_index = _index(entry.get("idx"))
    born = _text(identity.get(DATE_OF_BIRTH), "date of birth", 8)
    if len(born) != 8 or not born.isascii() or not born.isdigit():
        raise Malformed("date of birth is not YYYYMMDD")
    try:
        # Not strptime: it is slow, and verification is a hot path.
        date_of_birth = date(int(born[:4]), int(born[4:6]), int(born[6:8]))
    except ValueError:
        raise Malformed("date of birth is not YYYYMMDD") from None
    gender = identity.get(GENDER)
    # Checked as an int first: a list or map is unhashable, and `in` on a dict would raise.
    if gender is not None and (type(gender) is not int or gender not in _GENDERS):
        raise Malformed("unknown gender code")
    return CardClaims(
        card_number=_text(identity.get(ID), "card number", 32),
        given_name=_text(identity[FIRST_NAME], "first name") if FIRST_NAME in identity else "",
        family_name=_text(identity.get(LAST_NAME), "last name"),
        date_of_birth=date_of_birth,
        gender=_GENDERS[gender] if gender is not None else None,
        issuer=_text(cwt.get(CWT_ISS), "issuer"),
        issued_at=_time(cwt.get(CWT_IAT), "issued-at"),
        expires_at=_time(cwt.get(CWT_EXP), "expiry"),
        status_list_uri=_text(entry.get("uri"), "status list URI", 500),
        status_index=status_index,
    )


def decode_qr(text: str) -> DecodedCredential:
    """Parse a QR text within fixed bounds; the signature is not checked here."""
    if not isinstance(text, str) or len(text) > MAX_QR_CHARS:
        raise Malformed(f"longer than {MAX_QR_CHARS} characters")
    compressed = b45decode(text.strip())
    cose = decode_sign1(inflate(compressed, MAX_DECOMPRESSED))
    return DecodedCredential(cose=cose, claims=_claims(cose.payload))


def verify_qr(text: str, keys: KeySet, *, now: datetime | None = None) -> VerifiedCredential:
    """Decode, check the signature against the published keys, and check the expiry."""
    decoded = decode_qr(text)
    decoded.cose.verify(keys)
    if decoded.claims.expires_at <= (now or datetime.now(UTC)):
        raise Expired("the card has expired")
    return VerifiedCredential(kid=decoded.kid, claims=decoded.claims)
