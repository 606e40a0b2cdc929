"""The applicant's photo: only real JPEG/PNG within limits, re-encoded bare, kept for reprints."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from PIL import Image

from app.applicants.images import photo_jpeg
from app.applicants.models import Applicant, Photo
from app.audit.models import AuditEvent
from app.cards.printing.models import PrintJob
from app.config import settings
from app.db import session_factory
from tests.support.applicants import (
    dump_database,
    image_bytes,
    peek,
    register,
    rows_of,
    upload_photo,
)
from tests.support.builders import make_card
from tests.support.http import Login

GPS_LATITUDE = (41.0, 18.0, 3.0)  # 41°18'03" N: where someone lives


def _exif_with_secrets() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = "P12345678"  # ImageDescription
    exif[0x0110] = "Pixel 8"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    gps = {1: "N", 2: GPS_LATITUDE, 3: "W", 4: (72.0, 55.0, 30.0)}
    exif[0x8825] = gps  # GPSInfo
    return exif


def _png(width: int, height: int, idat: bytes, *, bit_depth: int = 8, colour: int = 0) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_a_photo_is_kept_as_a_bare_portrait_jpeg(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("clerk")
    applicant = register(client, headers)
    upload = image_bytes((1200, 900), "JPEG", exif=_exif_with_secrets(), comment=b"P12345678")
    assert b"P12345678" in upload
    assert Image.open(io.BytesIO(upload)).getexif().get_ifd(0x8825)[2] == GPS_LATITUDE
    response = upload_photo(client, headers, applicant["id"], upload)
    assert response.status_code == 200, response.text
    assert response.json()["width"] == 600
    assert response.json()["height"] == 800

    served = client.get(f"/v1/applicants/{applicant['id']}/photo", headers=headers)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "no-store"
    image = Image.open(io.BytesIO(served.content))
    assert (image.format, image.size, image.mode) == ("JPEG", (600, 800), "RGB")
    assert len(image.getexif()) == 0
    assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
    assert b"P12345678" not in served.content
    assert b"Exif" not in served.content
    assert b"Pixel 8" not in served.content
    # Nothing of the upload's metadata is anywhere in the database either.
    assert "P12345678" not in repr(dump_database(database_url))
    assert client.get(f"/v1/applicants/{applicant['id']}", headers=headers).json()["has_photo"]


def test_the_camera_rotation_is_applied_before_it_is_dropped(
    client: TestClient, login: Login
) -> None:
    headers = login("clerk")
    applicant = register(client, headers)
    # Left half black, right half white, stored sideways with "rotate 90° clockwise" in EXIF.
    sideways = Image.new("RGB", (800, 600), "white")
    sideways.paste((0, 0, 0), (0, 0, 800, 300))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    sideways.save(out, "JPEG", exif=exif)
    assert upload_photo(client, headers, applicant["id"], out.getvalue()).status_code == 200
    served = client.get(f"/v1/applicants/{applicant['id']}/photo", headers=headers).content
    upright = Image.open(io.BytesIO(served)).convert("L")
    # Rotated clockwise, the black top half becomes the right half.
    right, left = upright.getpixel((550, 400)), upright.getpixel((50, 400))
    assert isinstance(right, int)
    assert isinstance(left, int)
    assert right < 60 < 200 < left


def test_a_png_with_transparency_is_flattened_on_white(client: TestClient, login: Login) -> None:
    headers = login("supervisor")
    applicant = register(client, headers)
    clear = Image.new("RGBA", (300, 400), (0, 0, 0, 0))
    out = io.BytesIO()
    clear.save(out, "PNG")
    response = upload_photo(
        client, headers, applicant["id"], out.getvalue(), filename="p.png", content_type="image/png"
    )
    assert response.status_code == 200, response.text
    served = client.get(f"/v1/applicants/{applicant['id']}/photo", headers=headers).content
    assert Image.open(io.BytesIO(served)).getpixel((300, 400)) == pytest.approx(
        (255, 255, 255), abs=3
    )


def test_a_new_photo_replaces_the_old_one(
    client: TestClient, login: Login, database_url: str
) -> None:
    headers = login("clerk")
    applicant = register(client, headers)
    assert (
        upload_photo(client, headers, applicant["id"], image_bytes((640, 480))).status_code == 200
    )
    first = client.get(f"/v1/applicants/{applicant['id']}/photo", headers=headers).content
    png = image_bytes((480, 640), "PNG")
    assert upload_photo(client, headers, applicant["id"], png).status_code == 200
    second = client.get(f"/v1/applicants/{applicant['id']}/photo", headers=headers).content
    assert first != second
    assert len(rows_of(database_url, sa.select(Photo.applicant_id))) == 1
    with peek(database_url) as s:
        assert photo_jpeg(s, applicant["id"]) == second
        assert photo_jpeg(s, "no-such-applicant") is None


def test_the_printer_may_fetch_the_photo_and_every_fetch_is_audited(
    client: TestClient, login: Login, database_url: str
) -> None:
    applicant = register(client, login("clerk"))
    assert upload_photo(client, login("clerk"), applicant["id"]).status_code == 200
    printer = login("printer")
    photo_url = f"/v1/applicants/{applicant['id']}/photo"
    # Only while a card of theirs waits in the print queue.
    assert client.get(photo_url, headers=printer).status_code == 403
    with session_factory()(expire_on_commit=True) as session:
        card = make_card(session, session.get(Applicant, applicant["id"]), status="pending_print")
        card_id = card.id
    assert client.get(photo_url, headers=printer).status_code == 200
    with session_factory()(expire_on_commit=True) as session:
        session.execute(
            sa.update(PrintJob).where(PrintJob.card_id == card_id).values(status="printed")
        )
        session.commit()
    refused = client.get(photo_url, headers=printer)
    assert refused.status_code == 403
    assert refused.json()["error"] == "PhotoNotInPrintQueue"
    for role in ("auditor", "admin"):
        refused = client.get(f"/v1/applicants/{applicant['id']}/photo", headers=login(role))
        assert refused.status_code == 403
    actions = [
        r[0]
        for r in rows_of(
            database_url,
            sa.select(AuditEvent.action).where(
                AuditEvent.subject == f"applicant:{applicant['id']}"
            ),
        )
    ]
    assert actions.count("applicant.photo.upload") == 1
    assert actions.count("applicant.photo.read") == 1


def test_no_photo_yet_is_a_404(client: TestClient, login: Login) -> None:
    headers = login("clerk")
    applicant = register(client, headers)
    response = client.get(f"/v1/applicants/{applicant['id']}/photo", headers=headers)
    assert response.status_code == 404
    assert response.json()["error"] == "PhotoNotFound"
    unknown = client.get("/v1/applicants/nobody/photo", headers=headers)
    assert unknown.json()["error"] == "ApplicantNotFound"
    assert upload_photo(client, headers, "nobody").status_code == 404


def _bomb(width: int, height: int) -> bytes:
    """A real 1-bit PNG of zeros: a few kilobytes that decode to width x height pixels."""
    row = b"\x00" + bytes((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return _png(width, height, idat, bit_depth=1)


BAD_UPLOADS = {
    "text": b"hello, this is not a picture",
    "empty": b"",
    "gif": image_bytes((200, 200), "GIF"),
    "bmp": image_bytes((200, 200), "BMP"),
    "truncated jpeg": image_bytes((640, 480))[:600],
    "half a jpeg": image_bytes((640, 480))[:3000],
    "truncated png": image_bytes((640, 480), "PNG")[:200],
    "png header only": _png(400, 400, b""),
    "png with garbage pixels": _png(400, 400, b"not zlib at all"),
    "tiny": image_bytes((8, 8)),
    # Claims far more pixels than Pillow's own limit: refused from the header alone.
    "claimed giant": _png(60_000, 60_000, zlib.compress(b"\x00" * 100)),
    # A true decompression bomb, past Pillow's warning threshold (a warning is an error here).
    "bomb": _bomb(10_000, 10_000),
    # Within Pillow's limit but over the city's setting (photo_max_pixels).
    "over the setting": _png(8_000, 6_000, zlib.compress(b"\x00" * 100)),
}


@pytest.mark.parametrize("name", sorted(BAD_UPLOADS))
def test_anything_but_a_sound_jpeg_or_png_is_refused_and_nothing_kept(
    client: TestClient, login: Login, database_url: str, name: str
) -> None:
    headers = login("clerk")
    applicant = register(client, headers)
    before = dump_database(database_url)
    response = upload_photo(client, headers, applicant["id"], BAD_UPLOADS[name])
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "NotAnImage"
    assert isinstance(response.json()["detail"], str)
    assert dump_database(database_url) == before


def test_the_bomb_is_small_on_the_wire() -> None:
    assert len(BAD_UPLOADS["bomb"]) < 200_000
    pillow_limit = Image.MAX_IMAGE_PIXELS
    assert pillow_limit is not None
    assert 10_000 * 10_000 > pillow_limit > settings.photo_max_pixels


def test_a_file_over_the_byte_limit_is_refused(
    client: TestClient, login: Login, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = login("clerk")
    applicant = register(client, headers)
    upload = image_bytes((640, 480))
    monkeypatch.setattr(settings, "photo_max_bytes", len(upload) - 1)
    before = dump_database(database_url)
    response = upload_photo(client, headers, applicant["id"], upload)
    assert response.status_code == 413
    assert response.json()["error"] == "PhotoTooLarge"
    assert dump_database(database_url) == before
    monkeypatch.setattr(settings, "photo_max_bytes", len(upload))
    assert upload_photo(client, headers, applicant["id"], upload).status_code == 200


def test_the_upload_must_be_the_multipart_field_photo(client: TestClient, login: Login) -> None:
    headers = login("clerk")
    applicant = register(client, headers)
    url = f"/v1/applicants/{applicant['id']}/photo"
    wrong_field = client.put(
        url, files={"picture": ("p.jpg", image_bytes(), "image/jpeg")}, headers=headers
    )
    assert wrong_field.status_code == 422
    assert wrong_field.json()["detail"][0]["loc"] == ["body", "photo"]
    as_json = client.put(url, json={"photo": "aGVsbG8="}, headers=headers)
    assert as_json.status_code == 422
    assert (
        client.put(url, files={"photo": ("p.jpg", image_bytes(), "image/jpeg")}).status_code == 401
    )
