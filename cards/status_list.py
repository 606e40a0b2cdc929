"""The revocation list as an IETF Token Status List (draft-ietf-oauth-status-list), CWT form.

Every card has a random index in a list of at least 131,072 entries, so fetching the whole list
reveals nothing about which card is being checked. Index 0 is the least significant bit of the
first byte.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import cbor2

from cards.cose import HEADER_TYP, decode_sign1, is_map, loads, sign1
from cards.credential import MAX_TIMESTAMP, inflate
from cards.errors import Expired, Malformed
from cards.keys import KeySet, SigningKey

MEDIA_TYPE = "application/statuslist+cwt"
DEFAULT_SIZE = 131_072
VALID, REVOKED, SUSPENDED = 0, 1, 2
CWT_SUB, CWT_EXP, CWT_IAT, CWT_TTL, CWT_STATUS_LIST = 2, 4, 6, 65534, 65533
# 2 bits per entry over 2^20 entries is 256 KiB: the most a list we accept may inflate to.
MAX_LIST_BYTES = 256 * 1024
MAX_TOKEN_BYTES = 512 * 1024


class StatusList:
    def __init__(self, size: int = DEFAULT_SIZE, bits: int = 1, data: bytes | None = None) -> None:
        if bits not in (1, 2, 4, 8):
            raise ValueError("bits must be 1, 2, 4 or 8")
        self.bits = bits
        self.size = size
        length = (size * bits + 7) // 8
        self._data = bytearray(data if data is not None else length)
        if len(self._data) != length:
            raise ValueError("status list data does not match its size")

    def _locate(self, index: int) -> tuple[int, int, int]:
        if not 0 <= index < self.size:
            raise IndexError(f"index {index} is outside the list of {self.size}")
        bit = index * self.bits
        return bit // 8, bit % 8, (1 << self.bits) - 1

    def get(self, index: int) -> int:
        byte, shift, mask = self._locate(index)
        return (self._data[byte] >> shift) & mask

    def set(self, index: int, value: int) -> None:
        byte, shift, mask = self._locate(index)
        if not 0 <= value <= mask:
            raise ValueError(f"a status of {self.bits} bit(s) cannot be {value}")
        self._data[byte] = (self._data[byte] & ~(mask << shift)) | (value << shift)

    def compress(self) -> bytes:
        return zlib.compress(bytes(self._data), 9)

    @classmethod
    def from_compressed(cls, bits: int, lst: bytes) -> StatusList:
        if bits not in (1, 2, 4, 8):
            raise Malformed("status list bits must be 1, 2, 4 or 8")
        data = inflate(lst, MAX_LIST_BYTES)
        return cls(size=len(data) * 8 // bits, bits=bits, data=data)


@dataclass(frozen=True)
class VerifiedStatusList:
    uri: str
    issued_at: datetime
    expires_at: datetime
    ttl_seconds: int
    statuses: StatusList


def issue_status_list_token(
    status_list: StatusList,
    *,
    uri: str,
    key: SigningKey,
    issued_at: datetime,
    expires_at: datetime,
    ttl_seconds: int,
) -> bytes:
    """The Status List Token: a COSE_Sign1 over the list's CWT, typed application/statuslist+cwt."""
    payload = cbor2.dumps(
        {
            CWT_SUB: uri,
            CWT_IAT: int(issued_at.timestamp()),
            CWT_EXP: int(expires_at.timestamp()),
            CWT_TTL: ttl_seconds,
            CWT_STATUS_LIST: {"bits": status_list.bits, "lst": status_list.compress()},
        }
    )
    return sign1(payload, key, {HEADER_TYP: MEDIA_TYPE})


def _int(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_TIMESTAMP:
        raise Malformed(f"{what} missing or not a number")
    return value


def verify_status_list_token(
    data: bytes, keys: KeySet, *, now: datetime | None = None
) -> VerifiedStatusList:
    if len(data) > MAX_TOKEN_BYTES:
        raise Malformed("status list token too large")
    cose = decode_sign1(data)
    if cose.header.get(HEADER_TYP) != MEDIA_TYPE:
        raise Malformed(f"not typed {MEDIA_TYPE}")
    cose.verify(keys)
    claims = loads(cose.payload)
    if not is_map(claims):
        raise Malformed("the status list CWT is not a map")
    uri = claims.get(CWT_SUB)
    body = claims.get(CWT_STATUS_LIST)
    if not isinstance(uri, str) or not is_map(body):
        raise Malformed("the status list token has no subject or no list")
    lst = body.get("lst")
    if not isinstance(lst, bytes):
        raise Malformed("the status list has no 'lst' bytes")
    verified = VerifiedStatusList(
        uri=uri,
        issued_at=datetime.fromtimestamp(_int(claims.get(CWT_IAT), "issued-at"), UTC),
        expires_at=datetime.fromtimestamp(_int(claims.get(CWT_EXP), "expiry"), UTC),
        ttl_seconds=_int(claims.get(CWT_TTL, 0), "time to live"),
        statuses=StatusList.from_compressed(_int(body.get("bits"), "bits"), lst),
    )
    if verified.expires_at <= (now or datetime.now(UTC)):
        raise Expired("the status list has expired")
    return verified
