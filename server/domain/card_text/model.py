"""The parser's input (OCR lines) and output (a draft contact) as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

# The card schema's fields, in the order a person reads a contact.
FIELDS = ("name", "title", "company", "emails", "phones", "website", "address", "notes")
# The fields that get a confidence and may be flagged ("notes" is free text, never judged).
SCORED_FIELDS = FIELDS[:-1]
PHONE_TYPES = ("mobile", "work", "fax", "other")


@dataclass(frozen=True)
class OcrLine:
    """One line of text as an OCR engine read it.

    `box` is (left, top, right, bottom) in pixels of the upright, deskewed card frame, so
    top-to-bottom and left-to-right mean what they mean on the card; `height` is the text
    height (the short side of the detected box, unaffected by tilt); `confidence` is the
    engine's 0..1 belief in the text.
    """

    text: str
    box: tuple[float, float, float, float]
    confidence: float = 1.0
    height: float = 0.0

    @property
    def left(self) -> float:
        return self.box[0]

    @property
    def top(self) -> float:
        return self.box[1]

    @property
    def right(self) -> float:
        return self.box[2]

    @property
    def bottom(self) -> float:
        return self.box[3]

    @property
    def size(self) -> float:
        """Text height, falling back to the box height when the engine gave none."""
        return self.height or (self.box[3] - self.box[1])

    @property
    def centre_y(self) -> float:
        return (self.box[1] + self.box[3]) / 2

    def to_json(self) -> dict[str, Any]:
        """JSON-ready: text, rounded box and confidence."""
        return {
            "text": self.text,
            "box": [round(v, 1) for v in self.box],
            "confidence": round(self.confidence, 3),
        }


@dataclass
class ContactDraft:
    """A contact as read from a card: values in the card schema, how sure we are of each."""

    name: str | None = None
    title: str | None = None
    company: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[dict[str, str]] = field(default_factory=list)
    website: str | None = None
    address: str | None = None
    notes: str = ""
    confidence: dict[str, float] = field(default_factory=dict)

    @property
    def fields(self) -> dict[str, Any]:
        """The values in the card schema (a field that is absent is None or [])."""
        return {
            "name": self.name,
            "title": self.title,
            "company": self.company,
            "emails": list(self.emails),
            "phones": [dict(p) for p in self.phones],
            "website": self.website,
            "address": self.address,
            "notes": self.notes,
        }

    def flagged(self, threshold: float = 0.75) -> list[str]:
        """Fields a person should check: unsure values, and fields left empty."""
        return [f for f in SCORED_FIELDS if self.confidence.get(f, 0.0) < threshold]
