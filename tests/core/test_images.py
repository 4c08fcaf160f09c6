"""clean_image: content decides the format, bytes and pixels are bounded, and only pixels are stored."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, PngImagePlugin

from cocreate.core.images import clean_image
from tests.core.files import CAMERA_MAKE, COMMENT, jpeg_with_metadata, metadata_of, png_bytes, upload


def _encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = CAMERA_MAKE
    return exif.tobytes()


def test_a_jpeg_loses_exif_gps_comment_and_profile() -> None:
    clean = clean_image(upload("photo.jpg", jpeg_with_metadata(), "image/jpeg"), name_prefix="avatar")
    data = clean.read()
    assert clean.name.startswith("avatar-") and clean.name.endswith(".jpg")
    assert metadata_of(data) == {}
    assert CAMERA_MAKE.encode() not in data and COMMENT not in data


def test_a_png_loses_text_chunks_exif_and_profile_but_keeps_transparency() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Doe, 12 Elm Street")
    image = Image.new("RGBA", (10, 10), (255, 0, 0, 0))
    raw = _encode(image, "PNG", pnginfo=info, exif=_exif(), icc_profile=b"\0" * 128)
    data = clean_image(upload("a.png", raw)).read()
    assert b"Jane Doe" not in data and CAMERA_MAKE.encode() not in data
    assert metadata_of(data) == {}
    out = Image.open(io.BytesIO(data))
    assert out.mode == "RGBA" and out.getpixel((0, 0))[3] == 0


def test_a_webp_loses_exif_and_xmp() -> None:
    raw = _encode(Image.new("RGB", (10, 10)), "WEBP", exif=_exif(), xmp=b"<x:xmpmeta>secret-xmp</x:xmpmeta>")
    clean = clean_image(upload("a.webp", raw, "image/webp"))
    data = clean.read()
    assert clean.name.endswith(".webp") and b"secret-xmp" not in data and metadata_of(data) == {}


def test_a_gif_becomes_a_png_with_its_transparency() -> None:
    image = Image.new("P", (8, 8), 0)
    image.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    raw = _encode(image, "GIF", transparency=0, comment=b"gif comment")
    clean = clean_image(upload("a.gif", raw, "image/gif"))
    data = clean.read()
    assert clean.name.endswith(".png") and b"gif comment" not in data
    out = Image.open(io.BytesIO(data)).convert("RGBA")
    assert out.getpixel((0, 0))[3] == 0


def test_the_declared_name_and_type_are_ignored() -> None:
    clean = clean_image(upload("evil.exe", png_bytes(), "application/x-msdownload"))
    assert clean.name.endswith(".png") and Image.open(io.BytesIO(clean.read())).format == "PNG"


def test_large_images_are_shrunk_to_the_longest_side() -> None:
    clean = clean_image(upload("big.png", png_bytes((3000, 1000))), max_side=600)
    assert Image.open(io.BytesIO(clean.read())).size == (600, 200)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"hello, I am text", "This file is not an image we can read."),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "not an image we can read",
        ),
        (png_bytes()[:60], "This file is not an image we can read."),
        (b"", "This file is not an image we can read."),
        (_encode(Image.new("RGB", (4, 4)), "BMP"), "Upload a JPEG, PNG, WebP or GIF image."),
        (_encode(Image.new("RGB", (4, 4)), "TIFF"), "Upload a JPEG, PNG, WebP or GIF image."),
    ],
)
def test_what_is_not_an_accepted_image_is_refused(payload: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        clean_image(upload("a.png", payload))
    assert message in exc.value.messages[0]


def test_the_pixel_cap_is_checked_before_decoding(settings: Any) -> None:
    settings.COCREATE_IMAGE_MAX_PIXELS = 10_000
    clean_image(upload("ok.png", png_bytes((100, 100))))
    with pytest.raises(ValidationError) as exc:
        clean_image(upload("big.png", png_bytes((101, 100))))
    assert exc.value.code == "pixels" and "101×100" in exc.value.messages[0]


def test_a_decompression_bomb_is_refused(settings: Any) -> None:
    # A tiny file that claims 20000×20000 pixels: refused from the header alone.
    raw = _encode(Image.new("1", (20_000, 20_000)), "PNG")
    assert len(raw) < 100_000
    with pytest.raises(ValidationError) as exc:
        clean_image(upload("bomb.png", raw))
    assert exc.value.code == "pixels"


def test_the_byte_cap_holds_whatever_the_declared_size(settings: Any) -> None:
    settings.COCREATE_IMAGE_MAX_BYTES = 1000
    raw = png_bytes((300, 300), (1, 2, 3))
    big = _encode(Image.effect_noise((64, 64), 50).convert("RGB"), "PNG")
    assert len(big) > 1000
    with pytest.raises(ValidationError) as exc:
        clean_image(upload("big.png", big))
    assert exc.value.code == "too_large" and "the limit is" in exc.value.messages[0]
    lying = upload("lying.png", big)
    lying.size = 10  # a declared size is not trusted: the bytes are counted
    with pytest.raises(ValidationError):
        clean_image(lying)
    assert clean_image(upload("small.png", raw)).size > 0
