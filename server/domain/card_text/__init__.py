"""OCR lines of a business card -> a draft contact in the card schema (pure, no I/O)."""

from __future__ import annotations

from .model import ContactDraft
from .model import FIELDS
from .model import OcrLine
from .model import PHONE_TYPES
from .model import SCORED_FIELDS
from .parser import parse_card
from .qr_payload import parse_qr

__all__ = [
    "FIELDS",
    "PHONE_TYPES",
    "SCORED_FIELDS",
    "ContactDraft",
    "OcrLine",
    "parse_card",
    "parse_qr",
]
