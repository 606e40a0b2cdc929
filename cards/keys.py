"""Ed25519 signing keys, their key ids, and the published key set (JWKS)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey as _NaclSigningKey
from nacl.signing import VerifyKey

from cards.errors import Malformed


def kid_for(public_key: bytes) -> bytes:
    """The key id: the first 8 bytes of SHA-256 of the raw public key."""
    return hashlib.sha256(public_key).digest()[:8]


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SigningKey:
    """A private Ed25519 key with its public half and key id."""

    def __init__(self, key: _NaclSigningKey) -> None:
        self._key = key
        self.public_key: bytes = bytes(key.verify_key)
        self.kid: bytes = kid_for(self.public_key)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(_NaclSigningKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        if len(seed) != 32:
            raise ValueError("an Ed25519 seed is 32 bytes")
        return cls(_NaclSigningKey(seed))

    @property
    def seed(self) -> bytes:
        return bytes(self._key)

    def sign(self, message: bytes) -> bytes:
        return bytes(self._key.sign(message).signature)


def to_jwk(public_key: bytes) -> dict[str, str]:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "kid": b64url(kid_for(public_key)),
        "x": b64url(public_key),
        "alg": "EdDSA",
        "use": "sig",
    }


class KeySet:
    """Published public keys, looked up by key id; key objects are built once and reused."""

    def __init__(self, public_keys: Iterable[bytes]) -> None:
        self._raw: list[bytes] = []
        self._by_kid: dict[bytes, tuple[VerifyKey, ...]] = {}
        for raw in public_keys:
            if raw in self._raw:
                continue
            self._raw.append(raw)
            kid = kid_for(raw)
            self._by_kid[kid] = (*self._by_kid.get(kid, ()), VerifyKey(raw))

    @classmethod
    def from_jwks(cls, jwks: Mapping[str, Any]) -> KeySet:
        """Keys from a JWK set; entries that are not Ed25519 public keys are skipped."""
        entries = jwks.get("keys") if isinstance(jwks, Mapping) else None
        if not isinstance(entries, list):
            raise Malformed("a JWK set needs a 'keys' list")
        raw_keys = []
        for entry in entries:
            if (
                not isinstance(entry, Mapping)
                or entry.get("kty") != "OKP"
                or entry.get("crv") != "Ed25519"
            ):
                continue
            x = entry.get("x")
            try:
                raw = unb64url(x) if isinstance(x, str) else b""
            except ValueError:
                raw = b""
            if len(raw) != 32:
                raise Malformed("an Ed25519 JWK's 'x' must be 32 bytes, base64url")
            raw_keys.append(raw)
        return cls(raw_keys)

    def to_jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [to_jwk(raw) for raw in self._raw]}

    def __len__(self) -> int:
        return len(self._raw)

    def knows(self, kid: bytes) -> bool:
        return kid in self._by_kid

    def verify(self, kid: bytes, message: bytes, signature: bytes) -> bool:
        """True when any key with this id signed the message (ids may collide: try them all)."""
        for key in self._by_kid.get(kid, ()):
            try:
                key.verify(message, signature)
            except BadSignatureError:
                continue
            return True
        return False
