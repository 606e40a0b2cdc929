"""The QR decoder meets hand-made credentials: every wrongly typed claim and every byte after the
compressed data is `malformed`, never an exception from inside the decoder. These tests run under
cbor2 5 and cbor2 6 (.ci/run), whose decoders return different container types."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import cbor2
import pytest

from cards.base45 import b45decode, b45encode
from cards.cose import sign1
from cards.credential import decode_qr, issue_qr, verify_qr
from cards.errors import CredentialError, Malformed
from cards.keys import KeySet, SigningKey
from cards.status_list import StatusList, issue_status_list_token, verify_status_list_token
from tests.support.claims import card_claims

KEY = SigningKey.generate()
KEYS = KeySet([KEY.public_key])
NOW = datetime.now(UTC)
CLAIMS = card_claims(issued_at=NOW, expires_at=NOW + timedelta(days=365))


def _cwt() -> dict[Any, Any]:
    return {
        1: CLAIMS.issuer,
        4: int(CLAIMS.expires_at.timestamp()),
        6: int(CLAIMS.issued_at.timestamp()),
        169: {1: CLAIMS.card_number, 5: "Ana", 7: "Lopez", 8: "19900102", 9: 2},
        65535: {"status_list": {"idx": 4242, "uri": CLAIMS.status_list_uri}},
    }


def _signed(cwt: dict[Any, Any]) -> str:
    """A QR text signed with a published key over any CWT we choose."""
    return b45encode(zlib.compress(sign1(cbor2.dumps(cwt), KEY)))


def test_a_hand_made_credential_like_ours_verifies() -> None:
    # The baseline for the cases below: only the one changed claim makes them fail.
    verified = verify_qr(_signed(_cwt()), KEYS).claims
    assert (verified.family_name, verified.gender, verified.status_index) == ("Lopez", "F", 4242)


def _with(path: tuple[Any, ...], value: Any) -> dict[Any, Any]:
    cwt = _cwt()
    holder = cwt
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return cwt


WRONGLY_TYPED = {
    "gender as a list": ((169, 9), [2]),
    "gender as a map": ((169, 9), {2: 2}),
    "gender as a bool": ((169, 9), True),
    "gender as text": ((169, 9), "F"),
    "status index as a bool": ((65535, "status_list", "idx"), True),
    "status index as text": ((65535, "status_list", "idx"), "4242"),
    "status index as a list": ((65535, "status_list", "idx"), [4242]),
    "status entry as a list": ((65535, "status_list"), [4242]),
    "issued-at past the year 9999": ((6,), 2**39),
    "expiry past the year 9999": ((4,), 2**39),
    "expiry as a bool": ((4,), True),
    "date of birth as a number": ((169, 8), 19900102),
    "date of birth with non-ASCII digits": ((169, 8), "١٩٩٠0102"),
    "date of birth with a sign": ((169, 8), "+1990010"),
    "card number as a list": ((169, 1), ["4000123412341234"]),
    "identity as a list": ((169,), [1, 5, 7]),
    "issuer as bytes": ((1,), b"https://id.example.city"),
}


@pytest.mark.parametrize("case", sorted(WRONGLY_TYPED))
def test_a_wrongly_typed_claim_is_malformed_not_an_internal_error(case: str) -> None:
    path, value = WRONGLY_TYPED[case]
    text = _signed(_with(path, value))
    with pytest.raises(CredentialError) as caught:
        verify_qr(text, KEYS)
    assert caught.value.reason == "malformed"


def test_bytes_after_the_compressed_data_make_the_qr_invalid() -> None:
    text = issue_qr(CLAIMS, KEY)
    assert decode_qr(text).claims.card_number == CLAIMS.card_number
    compressed = b45decode(text)
    for tail in (b"\x00", b"hidden note", zlib.compress(b"a second stream")):
        with pytest.raises(Malformed):
            decode_qr(b45encode(compressed + tail))


def test_a_status_list_with_times_past_the_year_9999_is_malformed() -> None:
    token = issue_status_list_token(
        StatusList(),
        uri=CLAIMS.status_list_uri,
        key=KEY,
        issued_at=NOW,
        expires_at=datetime(9999, 12, 31, tzinfo=UTC),
        ttl_seconds=60,
    )
    assert verify_status_list_token(token, KEYS).statuses.get(4242) == 0
    payload = cbor2.dumps(
        {
            2: CLAIMS.status_list_uri,
            6: int(NOW.timestamp()),
            4: 2**39,
            65534: 60,
            65533: {"bits": 1, "lst": StatusList().compress()},
        }
    )
    bad = sign1(payload, KEY, {16: "application/statuslist+cwt"})
    with pytest.raises(Malformed):
        verify_status_list_token(bad, KEYS)
