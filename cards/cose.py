"""A small COSE_Sign1 (RFC 9052) with Ed25519: just what our credentials and status lists need.

Independent decoders (pycose, the claim169 package) check it in the tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

import cbor2

from cards.errors import BadSignature, Malformed, UnknownKey, UnsupportedAlgorithm
from cards.keys import KeySet, SigningKey

COSE_SIGN1_TAG = 18
HEADER_ALG = 1
HEADER_CONTENT_TYPE = 3
HEADER_KID = 4
HEADER_TYP = 16
ALG_EDDSA = -8


def loads(data: bytes) -> Any:
    """CBOR decode that never lets a decoder exception escape."""
    try:
        return cbor2.loads(data)
    except Exception as exc:
        raise Malformed(f"not valid CBOR: {type(exc).__name__}") from None


def is_map(value: object) -> TypeGuard[Mapping[Any, Any]]:
    """A CBOR map whatever the decoder returns for it (cbor2 6 gives frozen maps inside tags)."""
    return isinstance(value, Mapping)


def is_array(value: object) -> TypeGuard[Sequence[Any]]:
    """A CBOR array whatever the decoder returns for it (cbor2 6 gives tuples inside tags)."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray)


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def sign1(payload: bytes, key: SigningKey, extra_protected: dict[int, Any] | None = None) -> bytes:
    """A tagged COSE_Sign1 whose protected header holds the algorithm and the key id."""
    header: dict[int, Any] = {HEADER_ALG: ALG_EDDSA, HEADER_KID: key.kid, **(extra_protected or {})}
    protected = cbor2.dumps(header)
    signature = key.sign(_sig_structure(protected, payload))
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


@dataclass(frozen=True)
class Sign1:
    protected: bytes
    header: Mapping[Any, Any]
    kid: bytes
    payload: bytes
    signature: bytes

    def verify(self, keys: KeySet) -> None:
        if not keys.knows(self.kid):
            raise UnknownKey("no published key has this key id")
        if not keys.verify(self.kid, _sig_structure(self.protected, self.payload), self.signature):
            raise BadSignature("the signature does not match the content")


def decode_sign1(data: bytes) -> Sign1:
    """Parse a tagged COSE_Sign1 and check its shape; the signature is checked by `verify`."""
    obj = loads(data)
    if not isinstance(obj, cbor2.CBORTag) or obj.tag != COSE_SIGN1_TAG:
        raise Malformed("not a tagged COSE_Sign1")
    value = obj.value
    if not is_array(value) or len(value) != 4:
        raise Malformed("a COSE_Sign1 is an array of four")
    protected, unprotected, payload, signature = value
    if not (isinstance(protected, bytes) and is_map(unprotected)):
        raise Malformed("COSE headers of the wrong type")
    if not (isinstance(payload, bytes) and isinstance(signature, bytes)):
        raise Malformed("COSE payload or signature is not a byte string")
    header = loads(protected) if protected else {}
    if not is_map(header):
        raise Malformed("the protected header is not a map")
    alg = header.get(HEADER_ALG)
    if alg != ALG_EDDSA:
        raise UnsupportedAlgorithm(f"algorithm {alg!r} is not EdDSA")
    kid = header.get(HEADER_KID, unprotected.get(HEADER_KID))
    if not isinstance(kid, bytes):
        raise Malformed("no key id")
    if len(signature) != 64:
        raise BadSignature("an Ed25519 signature is 64 bytes")
    return Sign1(protected=protected, header=header, kid=kid, payload=payload, signature=signature)
