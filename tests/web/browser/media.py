"""Pictures the browser tests feed in: a fake camera's video (Y4M) and a photo file."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

WIDTH, HEIGHT, FRAMES = 320, 240, 10


def portrait() -> Image.Image:
    """Something a camera might see: a head and shoulders on a plain wall."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (90, 140, 180))
    draw = ImageDraw.Draw(image)
    draw.ellipse((120, 40, 200, 140), fill=(224, 172, 105))  # face
    draw.rectangle((100, 150, 220, 240), fill=(40, 60, 90))  # shoulders
    draw.ellipse((140, 75, 150, 85), fill=(30, 30, 30))
    draw.ellipse((170, 75, 180, 85), fill=(30, 30, 30))
    return image


def write_fake_camera(path: Path) -> Path:
    """A short Y4M clip (4:2:0) of the portrait, for --use-file-for-fake-video-capture."""
    image = portrait().convert("YCbCr")
    y, cb, cr = image.split()
    half = (WIDTH // 2, HEIGHT // 2)
    frame = b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * FRAMES)
    return path


def photo_file(path: Path) -> Path:
    """The same portrait as a JPEG a clerk would upload."""
    out = io.BytesIO()
    portrait().resize((600, 450)).save(out, format="JPEG", quality=90)
    path.write_bytes(out.getvalue())
    return path


def write_fake_camera_of(picture: Path, path: Path) -> Path:
    """A short Y4M clip (4:2:0) of a picture, e.g. a printed card's page as pdftoppm makes it, on
    a grey table, for --use-file-for-fake-video-capture."""
    image = Image.open(picture).convert("RGB")
    width, height = image.width + 80 - image.width % 2, image.height + 80 - image.height % 2
    table = Image.new("RGB", (width, height), (128, 128, 128))
    table.paste(image, (40, 40))
    y, cb, cr = table.convert("YCbCr").split()
    half = (width // 2, height // 2)
    frame = b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * FRAMES)
    return path
