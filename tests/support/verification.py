"""Shared pieces of the verification tests: signed cards, merchants, and hand-made QR texts."""

from __future__ import annotations

import subprocess
import zlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import cbor2
from sqlalchemy.orm import Session

from app.cards.credentials import qr_text_for
from app.cards.models import Card
from app.keys import service as keys
from cards.base45 import b45encode
from cards.credential import CardClaims, issue_qr
from cards.keys import SigningKey
from tests.support.builders import make_card, make_printed_card


def signed_card(session: Session, *, status: str = "active", **overrides: Any) -> tuple[Card, str]:
    """A card (committed) and the QR text printed on it, signed by the city's current key."""
    keys.ensure_signing_key(session, actor="test")
    session.commit()
    if status == "active":
        card = make_printed_card(session, **overrides)
    else:
        card = make_card(session, status=status, **overrides)
    qr = qr_text_for(session, card)
    session.commit()
    return card, qr


def claims(**overrides: Any) -> CardClaims:
    """Claims for a card the city never issued (tests sign them with a key of their choosing)."""
    fields: dict[str, Any] = {
        "card_number": "4000000000000002",
        "given_name": "Mirela",
        "family_name": "Popescu",
        "date_of_birth": date(1985, 1, 31),
        "gender": None,
        "issuer": "https://id.example.city",
        "issued_at": datetime.now(UTC) - timedelta(days=1),
        "expires_at": datetime.now(UTC) + timedelta(days=365),
        "status_list_uri": "https://id.example.city/v1/status-lists/1",
        "status_index": 7,
    }
    fields.update(overrides)
    return CardClaims(**fields)


def current_key(session: Session) -> SigningKey:
    key = keys.current_signing_key(session)
    session.rollback()
    return key


def pack(raw: bytes) -> str:
    """zlib then Base45: the outer layers of a QR text around any bytes."""
    return b45encode(zlib.compress(raw))


def cose_parts(qr: str) -> list[Any]:
    """The four parts of a real QR's COSE_Sign1: protected, unprotected, payload, signature."""
    from cards.base45 import b45decode

    tagged = cbor2.loads(zlib.decompress(b45decode(qr)))
    parts: list[Any] = tagged.value
    return parts


def repack(parts: list[Any]) -> str:
    return pack(cbor2.dumps(cbor2.CBORTag(18, parts)))


def bad_qr_texts(real_qr: str) -> dict[str, tuple[str, str]]:
    """Hostile or broken QR texts, each with the reason a verifier must give."""
    protected, unprotected, payload, signature = cose_parts(real_qr)
    cwt = cbor2.loads(payload)
    cwt[169][5] = "Someone Else"
    es256 = cbor2.dumps({1: -7, 4: cbor2.loads(protected)[4]})
    nested = b"\x81" * 3000 + b"\x00"
    return {
        "truncated": (real_qr[: len(real_qr) // 2], "malformed"),
        "not Base45": ("hello, world", "malformed"),
        "not ASCII": ("ÄÖÜ" + real_qr[3:], "malformed"),
        "empty": ("", "malformed"),
        "corrupt zlib": (b45encode(b"\x78\x9c" + bytes(range(200))), "malformed"),
        "decompression bomb": (pack(b"\x00" * 2_000_000), "malformed"),
        "CBOR of the wrong shape": (pack(cbor2.dumps([1, 2, 3])), "malformed"),
        "claims of the wrong shape": (
            repack([protected, unprotected, cbor2.dumps(["not", "a", "map"]), signature]),
            "malformed",
        ),
        "deeply nested CBOR": (pack(nested), "malformed"),
        "unknown algorithm": (
            repack([es256, unprotected, payload, signature]),
            "unsupported_algorithm",
        ),
        "tampered payload": (
            repack([protected, unprotected, cbor2.dumps(cwt), signature]),
            "bad_signature",
        ),
        "signed by a key never published": (
            issue_qr(claims(), SigningKey.generate()),
            "unknown_key",
        ),
    }


def run_cli(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [".venv/bin/resident-id", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def export_keys(env: dict[str, str], path: Path) -> Path:
    done = run_cli(env, "keys", "export", str(path))
    assert done.returncode == 0, done.stderr
    return path


def export_status_list(env: dict[str, str], path: Path) -> Path:
    done = run_cli(env, "status-list", "export", str(path))
    assert done.returncode == 0, done.stderr
    return path
