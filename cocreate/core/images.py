"""Image uploads: checked by content, bounded in bytes and pixels, re-encoded without metadata."""

from __future__ import annotations

import io
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png"}


def clean_image(upload: UploadedFile, *, max_side: int = 2048, name_prefix: str = "img") -> ContentFile:
    """Validate an uploaded image and return a clean copy (no EXIF, GPS or other metadata).

    The file's name and declared type are ignored: Pillow must recognise the bytes as one of the accepted
    formats, the pixel count is bounded before decoding (decompression bombs), and the result is
    re-encoded from pixels only, which drops every metadata block.
    """
    max_bytes = settings.COCREATE_IMAGE_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The image is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1_048_576, 1), "limit": round(max_bytes / 1_048_576, 1)},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(_("The image is larger than the allowed size."), code="too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe: Image.Image = Image.open(io.BytesIO(data))
            fmt = probe.format
            width, height = probe.size
            if fmt not in ACCEPTED_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."), code="format")
            if width * height > settings.COCREATE_IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("The image has too many pixels (%(w)s×%(h)s).") % {"w": width, "h": height},
                    code="pixels",
                )
            probe.verify()
            image: Image.Image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses such a header before we can read its size: it is an image, just far too big.
        raise ValidationError(_("The image has too many pixels."), code="pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("This file is not an image we can read."), code="invalid") from None

    image = ImageOps.exif_transpose(image)
    image.thumbnail((max_side, max_side))
    # Encoders copy some blocks from `info` by default (a JPEG comment, a PNG colour profile): keep only
    # transparency, which is part of the picture, so nothing but pixels reaches the stored file.
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    out = io.BytesIO()
    ext = ACCEPTED_FORMATS[fmt]
    if ext == "jpg":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif ext == "webp":
        image.save(out, "WEBP", quality=85)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{name_prefix}-{uuid.uuid4().hex[:12]}.{ext}")
