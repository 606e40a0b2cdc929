"""python-cwt, a COSE/CWT library written independently of ours, verifies our QR and our status
list with nothing but the public key, and finds only the printed fields in the QR.

python-cwt itself requires cbor2 < 6, so the cbor2 6 run in .ci/run deselects these (marker `cwt`).
"""

from __future__ import annotations

import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import cwt
import pytest
from cwt import COSEKey
from cwt.cose_key_interface import COSEKeyInterface

from cards.base45 import b45decode
from cards.credential import issue_qr
from cards.keys import SigningKey
from cards.status_list import StatusList, issue_status_list_token
from tests.support.claims import card_claims

pytestmark = pytest.mark.cwt

KEY = SigningKey.generate()
NOW = datetime.now(UTC)
CLAIMS = card_claims(
    given_name="Nguyễn Thị", family_name="Ánh", issued_at=NOW, expires_at=NOW + timedelta(days=365)
)


def _public(key: SigningKey) -> COSEKeyInterface:
    # An OKP Ed25519 COSE_Key (RFC 9053): kty 1, kid 2, alg 3 (EdDSA), crv -1 (Ed25519), x -2.
    return COSEKey.new({1: 1, 2: key.kid, 3: -8, -1: 6, -2: key.public_key})


def _cose(qr: str) -> bytes:
    return zlib.decompress(b45decode(qr))


def _decode(token: bytes, key: COSEKeyInterface) -> dict[Any, Any]:
    claims = cwt.decode(token, key)
    assert isinstance(claims, dict)
    return claims


def test_cwt_verifies_the_qr_and_the_payload_holds_only_printed_fields() -> None:
    claims = _decode(_cose(issue_qr(CLAIMS, KEY)), _public(KEY))
    assert set(claims) == {1, 4, 6, 169, 65535}
    assert claims[169] == {1: "4000123412341234", 5: "Nguyễn Thị", 7: "Ánh", 8: "19900102", 9: 2}
    assert claims[65535] == {"status_list": {"idx": 4242, "uri": CLAIMS.status_list_uri}}
    bare = _decode(_cose(issue_qr(replace(CLAIMS, gender=None), KEY)), _public(KEY))
    assert set(bare[169]) == {1, 5, 7, 8}


def test_cwt_refuses_the_qr_under_another_key() -> None:
    stranger = SigningKey.generate()
    # Same key id, different key: only the signature can tell them apart.
    impostor = COSEKey.new({1: 1, 2: KEY.kid, 3: -8, -1: 6, -2: stranger.public_key})
    with pytest.raises(cwt.VerifyError):
        cwt.decode(_cose(issue_qr(CLAIMS, KEY)), impostor)


def test_cwt_verifies_the_status_list_token() -> None:
    statuses = StatusList()
    statuses.set(4242, 1)
    token = issue_status_list_token(
        statuses,
        uri=CLAIMS.status_list_uri,
        key=KEY,
        issued_at=NOW,
        expires_at=NOW + timedelta(hours=24),
        ttl_seconds=3600,
    )
    claims = _decode(token, _public(KEY))
    assert claims[2] == CLAIMS.status_list_uri
    assert claims[65534] == 3600
    listed = claims[65533]
    assert listed["bits"] == 1
    raw = zlib.decompress(listed["lst"])
    assert (raw[4242 // 8] >> (4242 % 8)) & 1 == 1
    assert sum(bin(b).count("1") for b in raw) == 1
