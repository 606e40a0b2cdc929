"""Photos cannot take the server's memory: 16-bit PNGs are refused from their header, the pixel cap
is what a card photo needs, and only a few photos are decoded at once. Proven by the peak memory
of a process that uploads several large PNGs at the same time."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from app.config import settings

# What eight simultaneous uploads may add to the process's peak memory. Before the fix, 16-bit
# 6000 x 6600 PNGs decoded to gigabytes each.
PEAK_BOUND_MB = 400
# At the cap: a phone camera's 12-megapixel picture, 8 bits, with transparency.
SIDE = 3600


def _png(width: int, height: int, *, bit_depth: int) -> bytes:
    """A real RGBA PNG of blank rows, compressed row by row: small on the wire, large decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" * (1 + width * 4 * bit_depth // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


UPLOADER = r"""
import json, resource, sys, threading
from pathlib import Path
from fastapi.testclient import TestClient
from app.auth.service import issue_token
from app.main import create_app
from tests.support.builders import make_user

folder = Path(sys.argv[1])
deep, wide, small = (folder / n for n in ("deep.png", "wide.png", "small.png"))
token, _ = issue_token(make_user("clerk"))
headers = {"Authorization": f"Bearer {token}"}
person = {"given_name": "Ana", "family_name": "Lopez", "date_of_birth": "1990-01-01",
          "address": {"street": "1 Elm St", "city": "New Haven", "postal_code": "06510"}}

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

with TestClient(create_app()) as client:
    url = "/v1/applicants/" + client.post("/v1/applicants", json=person, headers=headers).json()["id"] + "/photo"
    def put(path):
        files = {"photo": ("p.png", path.read_bytes(), "image/png")}
        return client.put(url, files=files, headers=headers).status_code
    assert put(small) == 200  # everything imported and warm
    before = peak_mb()
    statuses = []
    def upload(path):
        statuses.append((path.name, put(path)))
    threads = [threading.Thread(target=upload, args=(p,)) for p in [deep] * 4 + [wide] * 8]
    for t in threads: t.start()
    for t in threads: t.join()
    print(json.dumps({"statuses": sorted(statuses), "added_mb": peak_mb() - before}))
"""


def test_simultaneous_large_uploads_stay_within_a_memory_bound(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    (tmp_path / "deep.png").write_bytes(_png(6000, 6600, bit_depth=16))
    (tmp_path / "wide.png").write_bytes(_png(SIDE, SIDE, bit_depth=8))
    (tmp_path / "small.png").write_bytes(_png(640, 860, bit_depth=8))
    assert SIDE * SIDE <= settings.photo_max_pixels
    done = subprocess.run(
        [sys.executable, "-c", UPLOADER, str(tmp_path)],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["statuses"] == [["deep.png", 422]] * 4 + [["wide.png", 200]] * 8
    print(result)  # noqa: T201 - the measured figure, for the report
    assert result["added_mb"] < PEAK_BOUND_MB, result


def test_the_pixel_cap_is_what_a_card_photo_needs() -> None:
    # A 12-megapixel phone picture fits; the 40-megapixel canvas of the report does not.
    assert 4032 * 3024 <= settings.photo_max_pixels < 6000 * 6600
