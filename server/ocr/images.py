"""Uploaded bytes -> one upright, 8-bit RGB, downscaled Pillow image, or ImageRejected.

Every check happens before the pixels are decoded where possible (type, frame count,
pixel count), so a hostile upload costs a header parse, not hundreds of megabytes.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image
from PIL import ImageOps
from PIL import UnidentifiedImageError

from .errors import ImageRejected

MAX_BYTES = 20 * 1024 * 1024
# 48 MP phone photos pass; a "few KB" PNG claiming 30000 x 30000 does not. Pillow itself only
# warns between 89 and 178 MP, and a 12000 x 12000 PNG decodes to ~430 MB.
MAX_PIXELS = 50_000_000

# Pillow's format name -> what we tell people. MPO is how Pillow names many phone JPEGs
# (a main picture plus depth/preview frames); the first frame is the photo.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP"}

try:  # HEIC (iPhone default) only when pillow-heif is installed; it is optional.
    from pillow_heif import register_heif_opener  # type: ignore[import-not-found]

    register_heif_opener()
    ACCEPTED_FORMATS["HEIF"] = "HEIC"
except ImportError:  # pragma: no cover - depends on the environment
    pass

# A decompression-bomb warning is an error here: the process serves many people.
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)

_TOO_BIG = "The photo is too large to read; send a normal phone photo (under 50 megapixels)."
_DAMAGED = (
    "The photo could not be read: the file is damaged or incomplete "
    "(the upload may have been cut off). Take or send the photo again."
)


@dataclass(frozen=True)
class Photo:
    """A normalised photo: upright RGB pixels and what was stored."""

    image: Image.Image
    stored_size: tuple[int, int]
    format: str


def supported_types() -> str:
    """The accepted types, for messages: "JPEG, PNG or WebP"."""
    names = sorted(set(ACCEPTED_FORMATS.values()))
    return ", ".join(names[:-1]) + " or " + names[-1]


def load_photo(data: bytes, *, max_side: int) -> Photo:
    """Decode `data` into an upright RGB image whose long edge is at most `max_side`.

    Raises ImageRejected with a message for a person on anything that is not a readable
    JPEG, PNG or WebP (HEIC with pillow-heif) photo of a sane size.
    """
    if not data:
        raise ImageRejected("No photo arrived. Choose or take a photo of the card.", 400)
    if len(data) > MAX_BYTES:
        raise ImageRejected("The photo is over 20 MB; send a smaller one.", 413)
    image = _open(data)
    stored_size = image.size
    if image.format == "JPEG":
        # The JPEG decoder can scale by 1/2, 1/4, 1/8 while decoding: a 12 MP photo is
        # decoded at 3 MP instead of being decoded in full and thrown away.
        image.draft(image.mode, (max_side, max_side))
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(_TOO_BIG, 413) from None
    except (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError):
        raise ImageRejected(_DAMAGED, 422) from None
    fmt = ACCEPTED_FORMATS[image.format or ""]
    image = _upright(image)
    image = to_rgb(image)
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    return Photo(image=image, stored_size=stored_size, format=fmt)


def _open(data: bytes) -> Image.Image:
    """Open lazily (header only) and refuse wrong types, animations and bombs."""
    try:
        image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(_TOO_BIG, 413) from None
    except UnidentifiedImageError:
        raise ImageRejected(
            f"This file is not a photo Afterview can read; send a {supported_types()} photo.",
            415,
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError, struct.error):
        raise ImageRejected(_DAMAGED, 422) from None
    fmt = image.format or "unknown"
    if fmt not in ACCEPTED_FORMATS:
        raise ImageRejected(
            f"{fmt} images are not supported; send a {supported_types()} photo.", 415
        )
    if fmt != "MPO" and getattr(image, "is_animated", False):
        raise ImageRejected(
            f"Animated images are not supported; send a still {supported_types()} photo.", 415
        )
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageRejected(_TOO_BIG, 413)
    if width < 16 or height < 16:
        raise ImageRejected("The image is too small to hold a readable card.", 422)
    return image


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation first: phones store pixels sideways and say so in EXIF."""
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, struct.error, KeyError, TypeError):
        # A broken EXIF block should not cost the person the scan: read the pixels as stored.
        return image


def to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB from any mode: 16-bit grey scaled (not clipped), transparency onto white."""
    if image.mode == "RGB":
        return image
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = float(values.max()) if values.size else 0.0
        # 16-bit PNGs use 0..65535; scale by the range, never clip to white.
        scale = 255.0 / 65535.0 if top > 255 else 1.0
        grey = np.clip(values * scale, 0, 255).astype(np.uint8)
        return Image.fromarray(grey, "L").convert("RGB")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
