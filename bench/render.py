"""Card rendering and credential benchmarks, each against a floor measured in the same run.

Run alone: .venv/bin/python bench/render.py [--batch 1000]
- cards/s (front and back with photo, ghost, guilloche, QR, barcode; names in five scripts shaped
  by HarfBuzz) vs a bare reportlab page with the same photo and text (no shaping, no layout);
- a batch PDF of N cards: seconds and peak memory (ru_maxrss of a child process);
- credential sign and verify ops/s vs raw Ed25519 (PyNaCl) sign and verify.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import resource
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from nacl.signing import SigningKey as NaclKey
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from cards.credential import CardClaims, issue_qr, verify_qr
from cards.document import CardDocument
from cards.fonts import default_fonts
from cards.keys import KeySet, SigningKey
from cards.render import CARD_HEIGHT, CARD_WIDTH, render_batch, render_card
from cards.theme import load_theme


def rate(fn: Callable[[], object], seconds: float = 3.0) -> float:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        count += 1
    return count / (time.perf_counter() - start)


def photo() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((600, 800), 40).convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def own_photo(jpeg: bytes, i: int) -> bytes:
    """The photo as a distinct file for card `i` (a JPEG comment segment after the start
    marker), so that no cache in the renderer or reportlab sees the same picture twice, as in a
    real batch where every holder has their own photo."""
    comment = f"holder {i}".encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def claims(i: int) -> CardClaims:
    now = datetime.now(UTC)
    return CardClaims(
        card_number=f"2123400{i:07d}",
        given_name="Nguyễn Thị",
        family_name="Ánh O'Brien-Núñez",
        date_of_birth=date(1990, 1, 2),
        gender="F",
        issuer="https://id.example.city",
        issued_at=now,
        expires_at=now + timedelta(days=1800),
        status_list_uri="https://id.example.city/v1/status-lists/1",
        status_index=i,
    )


# Names in the scripts the card shapes (HarfBuzz) and orders (bidi), taken in turn.
NAMES = [
    ("Thị Ánh", "Nguyễn O'Brien-Núñez", None),
    ("فاطمة", "العلي", "Fāṭima al-ʿAlī"),
    ("秀英", "王", "Wang Xiuying"),
    ("प्रियंका", "शर्मा", "Priyanka Sharma"),
    ("שרה", "כהן-Levi", "Sarah Cohen-Levi"),
]


def document(i: int, key: SigningKey, jpeg: bytes) -> CardDocument:
    c = claims(i)
    given, family, latin = NAMES[i % len(NAMES)]
    return CardDocument(
        card_number=c.card_number,
        given_name=f"{given} {i}",
        family_name=family,
        latin_name=latin,
        issued_on=c.issued_at.date(),
        date_of_birth=c.date_of_birth,
        expires_on=c.expires_at.date(),
        qr_text=issue_qr(c, key),
        gender="F",
        photo_jpeg=own_photo(jpeg, i),
        address_lines=["165 Church St, Apt 4", "New Haven 06510"],
        preferred_languages=["Tiếng Việt", "Español"],
        emergency_contact="Lan +1 203 555 0100",
    )


def bare_page(doc: CardDocument) -> bytes:
    """The floor: one reportlab page with the same photo and text, no layout work, no QR."""
    from reportlab.lib.utils import ImageReader

    out = io.BytesIO()
    fonts = default_fonts()
    regular, bold = fonts.latin(False).name, fonts.latin(True).name
    c = Canvas(out, pagesize=(CARD_WIDTH, CARD_HEIGHT), initialFontName=regular)
    c.drawImage(ImageReader(io.BytesIO(doc.photo_jpeg or b"")), 10, 10, 60, 80)
    c.setFont(bold, 10)
    c.drawString(80, 120, doc.family_name)
    c.setFont(regular, 8)
    for n, text in enumerate(
        (doc.given_name, doc.grouped_number, str(doc.date_of_birth), doc.qr_text[:40])
    ):
        c.drawString(80, 100 - 10 * n, text)
    c.showPage()
    c.save()
    return out.getvalue()


def _batch_child(n: int, conn: multiprocessing.connection.Connection) -> None:
    key, jpeg = SigningKey.generate(), photo()
    docs = [document(i, key, jpeg) for i in range(n)]
    start = time.perf_counter()
    pdf = render_batch(docs, load_theme())
    elapsed = time.perf_counter() - start
    conn.send((elapsed, len(pdf), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    default_fonts()
    key, jpeg, theme = SigningKey.generate(), photo(), load_theme()
    doc = document(1, key, jpeg)

    docs = [document(i, key, jpeg) for i in range(50)]
    turn = iter(range(10**9))

    def fresh_card() -> bytes:
        # A name and a photo never rendered before each time: shaped runs and pictures are
        # cached, and a real batch rarely repeats either.
        n = next(turn)
        base = docs[n % len(docs)]
        return render_card(
            replace(base, given_name=f"{base.given_name} {n}", photo_jpeg=own_photo(jpeg, n)), theme
        )

    # Interleaved, one of each in turn, so that whatever else the machine is doing weighs on
    # both alike (the helpers share two cores).
    card_time = floor_time = 0.0
    rounds = 0
    start = time.perf_counter()
    while time.perf_counter() - start < 20 or rounds < 5:
        t0 = time.perf_counter()
        fresh_card()
        t1 = time.perf_counter()
        bare_page(doc)
        t2 = time.perf_counter()
        card_time, floor_time, rounds = card_time + t1 - t0, floor_time + t2 - t1, rounds + 1
    cards_rate, floor_rate = rounds / card_time, rounds / floor_time
    print(
        f"render: {cards_rate:8.1f} cards/s   floor (bare page) {floor_rate:8.1f}/s   ratio {cards_rate / floor_rate:.2f} (target >= 0.5)"
    )

    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.Process(target=_batch_child, args=(args.batch, child))
    proc.start()
    elapsed, size, peak_mb = parent.recv()
    proc.join()
    print(
        f"batch: {args.batch} cards in {elapsed:.1f} s, {size / 1e6:.1f} MB PDF, peak RSS {peak_mb:.0f} MB (targets < 20 s, < 300 MB)"
    )

    text, keys = doc.qr_text, KeySet([key.public_key])
    nacl = NaclKey(key.seed)
    signed = nacl.sign(b"x" * 220)
    sign_rate = rate(lambda: issue_qr(claims(2), key))
    raw_sign = rate(lambda: nacl.sign(b"x" * 220))
    verify_rate = rate(lambda: verify_qr(text, keys))
    raw_verify = rate(lambda: nacl.verify_key.verify(signed))
    print(
        f"sign:   {sign_rate:8.0f}/s   raw Ed25519 {raw_sign:8.0f}/s   ratio {sign_rate / raw_sign:.2f}"
    )
    print(
        f"verify: {verify_rate:8.0f}/s   raw Ed25519 {raw_verify:8.0f}/s   ratio {verify_rate / raw_verify:.2f} (target >= 0.5)"
    )


if __name__ == "__main__":
    main()
