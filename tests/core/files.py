"""Image and file payloads for upload tests, made with Pillow so each test says what it sends."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

CAMERA_MAKE = "SpyCam 3000"
COMMENT = b"taken at 12 Elm Street"


def png_bytes(size: tuple[int, int] = (40, 30), colour: tuple[int, int, int] = (30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_with_metadata(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG carrying EXIF (camera, orientation, GPS), a comment and an ICC profile."""
    exif = Image.Exif()
    exif[0x010F] = CAMERA_MAKE  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 5.0), 3: "E", 4: (4.0, 53.0, 2.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(
        buffer, "JPEG", exif=exif.tobytes(), comment=COMMENT, icc_profile=b"\0" * 128
    )
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def metadata_of(data: bytes) -> dict[str, object]:
    """Everything Pillow reports besides pixels: EXIF tags and the info blocks that carry metadata."""
    image = Image.open(io.BytesIO(data))
    found: dict[str, object] = {
        k: v for k, v in image.info.items() if k in {"exif", "comment", "icc_profile", "xmp"}
    }
    if image.getexif():
        found["tags"] = dict(image.getexif())
    return found
