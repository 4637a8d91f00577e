"""Uploaded bytes -> one upright, 8-bit RGB, downscaled Pillow image, or ImageRejected.

Every check happens before the pixels are decoded (type, frame count, shape, and the bytes
the decoded pixels would take), so a hostile upload costs a header parse, not hundreds of
megabytes. JPEGs are decoded at a reduced size (the decoder scales by 1/2, 1/4, 1/8); other
formats are refused past a decoded-bytes budget; at most `DECODERS` photos are decoded at once,
so memory per server is bounded whatever arrives together.
"""

from __future__ import annotations

import io
import struct
import threading
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image
from PIL import UnidentifiedImageError

from .errors import ImageRejected

MAX_BYTES = 20 * 1024 * 1024
# 48 MP phone photos pass; a "few KB" PNG claiming 30000 x 30000 does not. Pillow itself only
# warns between 89 and 178 MP, and a 12000 x 12000 PNG decodes to ~430 MB.
MAX_PIXELS = 50_000_000
# What the decoded pixels may take in memory (Pillow keeps 4 bytes a pixel for colour, 2 for
# 16-bit grey): a 12 MP PNG (48 MB) passes; a 7000 x 7000 RGBA PNG (196 MB) does not. A JPEG
# counts at the size it is decoded at, after the decoder's own downscaling.
MAX_DECODED_BYTES = 64 * 1024 * 1024
# Shapes that cannot be a card photo: too thin to hold a line of text, or a strip. Refused
# from the header, before the OCR's detector scales a thin side up by hundreds of times.
MIN_SIDE = 100
MAX_ASPECT = 6.0
# Photos decoded at the same time; more uploads wait here (a few hundred ms each).
DECODERS = 2
_decoding = threading.BoundedSemaphore(DECODERS)

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
_TOO_BIG_DECODED = (
    "The image is too large to read in this format; send the photo as a JPEG, "
    "as the phone's camera takes it."
)
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
    JPEG, PNG or WebP (HEIC with pillow-heif) photo of a card's shape and a sane size.
    """
    if not data:
        raise ImageRejected("No photo arrived. Choose or take a photo of the card.", 400)
    if len(data) > MAX_BYTES:
        raise ImageRejected("The photo is over 20 MB; send a smaller one.", 413)
    image = _open(data)
    stored_size = image.size
    if image.format in ("JPEG", "MPO"):
        # A 12 MP photo is decoded at 3 MP instead of being decoded in full and thrown away.
        image.draft(image.mode, (max_side, max_side))
    if decoded_bytes(image) > MAX_DECODED_BYTES:
        raise ImageRejected(_TOO_BIG_DECODED, 413)
    orientation = _orientation(image)
    fmt = ACCEPTED_FORMATS[image.format or ""]
    with _decoding:
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected(_TOO_BIG, 413) from None
        except (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError):
            raise ImageRejected(_DAMAGED, 422) from None
        # Smallest first: 8 bits and downscaled before any other copy of the pixels is made.
        image = to_8bit(image)
        if image.mode in ("1", "P"):  # resized as colour, not by nearest neighbour
            image = to_rgb(image)
        if max(image.size) > max_side:
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
        image = _upright(image, orientation)
        image = to_rgb(image)
    return Photo(image=image, stored_size=stored_size, format=fmt)


def decoded_bytes(image: Image.Image) -> int:
    """What `image`'s pixels take once decoded, as Pillow stores them."""
    width, height = image.size
    if image.mode == "L":
        per_pixel = 1
    elif image.mode.startswith("I;16"):
        per_pixel = 2
    else:  # every other mode is kept at 4 bytes a pixel (RGB too, as RGBX); palette and
        # 1-bit images count at the size they take once expanded to colour for downscaling
        per_pixel = 4
    return width * height * per_pixel


def fit(image: Image.Image, max_side: int) -> Image.Image:
    """`image` itself when its long edge is within `max_side`, else a downscaled copy."""
    if max(image.size) <= max_side:
        return image
    smaller = image.copy()
    smaller.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    return smaller


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
    if min(width, height) < MIN_SIDE:
        raise ImageRejected(
            f"The image is too small to hold a readable card ({width} x {height} pixels); "
            "take a photo with the card filling most of the picture.",
            422,
        )
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageRejected(
            f"This image ({width} x {height} pixels) is too long and narrow to be a photo of "
            "a card; take a photo with the card filling most of the picture.",
            422,
        )
    return image


# EXIF Orientation -> the transpose that turns the stored pixels upright (as ImageOps does).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation, read from the header (phones store pixels sideways and say so)."""
    try:
        return int(image.getexif().get(0x0112, 1))
    except (OSError, ValueError, SyntaxError, struct.error, KeyError, TypeError):
        # A broken EXIF block should not cost the person the scan: read the pixels as stored.
        return 1


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    """Apply the EXIF orientation (after downscaling: the transpose copies the pixels)."""
    method = _TRANSPOSE.get(orientation)
    return image.transpose(method) if method is not None else image


def to_8bit(image: Image.Image) -> Image.Image:
    """8-bit grey from 16/32-bit grey (scaled by the range, never clipped to white); other
    modes as they are. Done in the pixels' own width: no float copy of a large image."""
    if image.mode not in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        return image
    values = np.asarray(image)
    top = float(values.max()) if values.size else 0.0
    if image.mode == "F" or top <= 255:
        grey = np.clip(values, 0, 255).astype(np.uint8)
    else:  # 16-bit PNGs use 0..65535: keep the high byte
        grey = (np.clip(values, 0, 65535).astype(np.uint16) >> 8).astype(np.uint8)
    return Image.fromarray(grey, "L")


def to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB from any mode: high-bit grey scaled (not clipped), transparency onto white."""
    if image.mode == "RGB":
        return image
    image = to_8bit(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
