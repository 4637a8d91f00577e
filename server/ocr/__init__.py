"""Card photo -> draft contact: image normalising, the OCR engines, QR codes.

The one entry point is `read_card(image_bytes, default_region=..., engine=...)`. Engines are
created lazily, once per process (onnxruntime is not fork-safe: create them after a server
forks, e.g. with `warm_up_in_background()` in the worker), and read one photo at a time.

Errors for people: `ImageRejected` (with `.message` and an HTTP-ish `.status`) for uploads
that are not a readable photo, `EngineBusy` (503, `.retry_after`) when too many scans wait.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from ..domain.card_text import OcrLine
from ..domain.card_text import parse_card
from .engine import Engine
from .errors import EngineBusy
from .errors import ImageRejected
from .images import fit
from .images import load_photo
from .images import Photo

__all__ = [
    "ENGINES",
    "CardScan",
    "EngineBusy",
    "ImageRejected",
    "get_engine",
    "read_card",
    "warm_up_in_background",
]

ENGINES = ("rapidocr", "tesseract")
# The QR decoder gets at most this many pixels on the long edge (it is fast and exact there).
QR_SIDE = 1200

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def get_engine(name: str = "rapidocr") -> Engine:
    """The process's one instance of engine `name` (created on first use, not loaded yet)."""
    if name not in ENGINES:
        raise ValueError(f"unknown OCR engine {name!r}; choose one of {', '.join(ENGINES)}")
    with _engines_lock:
        if name not in _engines:
            if name == "rapidocr":
                from .rapid import RapidOcrEngine

                _engines[name] = RapidOcrEngine()
            else:
                from .tesseract import TesseractEngine

                _engines[name] = TesseractEngine()
        return _engines[name]


def warm_up_in_background(name: str = "rapidocr") -> threading.Thread:
    """Load engine `name` and run it once in a daemon thread, so the first scan is fast."""
    thread = threading.Thread(
        target=get_engine(name).warm_up, name=f"ocr-warm-up-{name}", daemon=True
    )
    thread.start()
    return thread


@dataclass(frozen=True)
class CardScan:
    """What one scan of a card produced, JSON-ready through `to_json()`.

    `fields` is in the card schema (name, title, company, emails, phones, website, address,
    notes); `confidence` maps each scored field to 0..1; `flagged` lists the fields a person
    should check; `lines` are the OCR lines (text, box, confidence) for showing on the photo.
    """

    fields: dict[str, Any]
    confidence: dict[str, float]
    flagged: list[str]
    lines: list[dict[str, Any]]
    engine: str
    qr: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "fields": self.fields,
            "confidence": self.confidence,
            "flagged": self.flagged,
            "lines": self.lines,
            "engine": self.engine,
            "qr": self.qr,
        }


def read_card(
    photo: bytes | Photo, *, default_region: str | None = None, engine: str = "rapidocr"
) -> CardScan:
    """Read a card photo (its bytes, or a Photo already decoded by `load_photo`) into a
    draft contact.

    `default_region` is the person's own country (ISO 3166 alpha-2, e.g. "GB"), used for
    numbers without a country code when the card itself does not show its country; with it,
    numbers come back in international format. Raises ImageRejected or EngineBusy.
    """
    region = _region(default_region)
    reader = get_engine(engine)
    if isinstance(photo, bytes):
        photo = load_photo(photo, max_side=reader.max_side)
    image = fit(photo.image, reader.max_side)
    lines = reader.read(image)
    qr_text = _qr(image)
    draft = parse_card(lines, default_region=region, qr_payload=qr_text)
    return CardScan(
        fields=draft.fields,
        confidence=draft.confidence,
        flagged=draft.flagged(),
        lines=[line.to_json() for line in lines],
        engine=reader.name,
        qr=bool(qr_text),
    )


def read_lines(image_bytes: bytes, *, engine: str = "rapidocr") -> list[OcrLine]:
    """Only the OCR lines of a photo (for benchmarks and debugging)."""
    reader = get_engine(engine)
    return reader.read(load_photo(image_bytes, max_side=reader.max_side).image)


def _qr(image: Any) -> str | None:
    from .qr import decode_qr

    if max(image.size) > QR_SIDE:
        image = image.copy()
        image.thumbnail((QR_SIDE, QR_SIDE))
    return decode_qr(image)


def _region(region: str | None) -> str | None:
    if region is None or not region.strip():
        return None
    if not re.fullmatch(r"[A-Za-z]{2}", region.strip()):
        raise ValueError(f"region must be a two-letter country code, not {region!r}")
    return region.strip().upper()
