"""OCR lines -> segments (a line split at "·", "|", "•"), each sorted into a kind.

Kinds: "email", "web", "phone", "noise" (handles, registrations, certifications) and
"text" (everything else: name, title, company, address, slogans; decided later).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field

from .model import OcrLine
from .phones import find_phones
from .phones import PhoneHit
from .vocab import CERTIFICATIONS
from .vocab import EMAIL_LABELS
from .vocab import NOISE_PREFIXES
from .vocab import PHONE_LABELS
from .vocab import SOCIAL_DOMAINS
from .vocab import WEB_LABELS

EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}", re.UNICODE)
URL_RE = re.compile(
    r"^(?:(?:https?|ftp)\s*:\s*/\s*/\s*)?(?:www\s*\.\s*)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*"
    r"\.[a-z]{2,12}(?:/\S*)?$",
    re.IGNORECASE,
)
SEPARATORS_RE = re.compile(r"\s*[·•|]\s*")
EDGE_JUNK = " \t·•|*-–—:;,"
# A social network's host, not "helix.com" ending in "x.com".
SOCIAL_RE = re.compile(
    r"(?:^|[\s/.@:])(?:" + "|".join(re.escape(d) for d in SOCIAL_DOMAINS) + r")",
)
HANDLE_RE = re.compile(r"^@[\w.]{2,}$|^in/[\w-]+/?$", re.IGNORECASE)


@dataclass
class Segment:
    """A piece of one OCR line and what kind of value it holds."""

    text: str
    line: OcrLine
    index: int  # position of its line, top to bottom
    kind: str = "text"
    value: str = ""
    phones: list[PhoneHit] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)

    @property
    def size(self) -> float:
        return self.line.size


def split_line(line: OcrLine, index: int) -> list[Segment]:
    """Split at the separators cards print between fields on one line ("·", "|", "•")."""
    parts = [p.strip(EDGE_JUNK) for p in SEPARATORS_RE.split(line.text.strip(EDGE_JUNK))]
    return [classify(Segment(text=p, line=line, index=index)) for p in parts if p]


def classify(segment: Segment) -> Segment:
    """Decide the segment's kind from its own text."""
    text = segment.text
    lowered = text.lower()
    emails = EMAIL_RE.findall(repair_email_spacing(text) if "@" in text else text)
    if emails:
        segment.kind = "email"
        segment.emails = [e.strip(".") for e in emails]
        return segment
    if _is_noise(lowered, text):
        segment.kind = "noise"
        return segment
    hits = find_phones(text)
    if hits:
        segment.kind = "phone"
        segment.phones = hits
        return segment
    url = web_value(text)
    if url:
        segment.kind = "web"
        segment.value = url
    return segment


def repair_email_spacing(text: str) -> str:
    """Undo the spaces OCR puts in an address's domain: "jane @ acme . com", "acme-corp io"."""
    text = re.sub(r"(?<=\w)\s*@\s*(?=\w)", "@", text)
    local, at, domain = text.partition("@")
    if not at:
        return text
    domain = re.sub(r"^([\w-]+(?:\s*\.\s*[\w-]+)*)",
                    lambda m: re.sub(r"\s*\.\s*", ".", m.group(1)), domain)
    # The last dot read as a space: "acme-corp io" -> "acme-corp.io".
    domain = re.sub(r"^([\w.-]+)\s+([a-z]{2,4})$", r"\1.\2", domain)
    return local + at + domain


def _is_noise(lowered: str, text: str) -> bool:
    if lowered.startswith(NOISE_PREFIXES) or HANDLE_RE.match(text.strip()):
        return True
    if SOCIAL_RE.search(lowered):
        return True
    tokens = [t for t in re.split(r"[,\s]+", text.strip()) if t]
    # A line of certifications only: "MBA, PMP", "CA", "Chartered FCIPD".
    return bool(tokens) and all(t.lower().strip(",") in CERTIFICATIONS for t in tokens)


def strip_label(text: str, labels: tuple[str, ...]) -> str:
    """Remove a leading label ("Web:", "w.", "E-Mail :") from a value."""
    for label in labels:
        match = re.match(re.escape(label) + r"(?:\s*[.:]\s*|\s+)", text, re.IGNORECASE)
        if match and text[match.end():].strip():
            return text[match.end():].strip()
    return text


def web_value(text: str) -> str | None:
    """The website in `text` as printed (without its label), or None."""
    candidate = strip_label(text.strip(), WEB_LABELS)
    candidate = candidate.strip(" ,;")
    # A "W" label glued to the address: "Wwww.example.com".
    candidate = re.sub(r"^[Ww]\s*(?=www\.)", "", candidate)
    if " " in candidate.strip() and not candidate.lower().startswith(("http", "www")):
        return None
    compact = re.sub(r"\s+", "", candidate)
    if not URL_RE.match(compact):
        return None
    host = re.sub(r"^[a-z]+:/+", "", compact, flags=re.IGNORECASE).split("/")[0]
    labels = host.split(".")
    # "S.A", "Ste.848", "Co.Ltd" are not hosts: a host's last label is letters, its
    # first label has at least two characters, and it has a dot we did not invent.
    if len(labels) < 2 or not labels[-1].isalpha() or len(labels[0]) < 2:
        return None
    if labels[0].lower() == "www" and len(labels) < 3:
        return None
    return compact


def email_value(text: str) -> str:
    """The email address of an email segment (its label removed)."""
    found = EMAIL_RE.findall(strip_label(text, EMAIL_LABELS))
    return found[0] if found else text


LABEL_ONLY_RE = re.compile(
    r"^\(?(?:" + "|".join(re.escape(label) for label in sorted(
        [*PHONE_LABELS, *EMAIL_LABELS, *WEB_LABELS], key=len, reverse=True)
    ) + r")\)?\s*[.:]?$",
    re.IGNORECASE,
)


def merge_orphan_labels(lines: list[OcrLine]) -> list[OcrLine]:
    """Join a label the OCR boxed on its own ("Fax") to the value beside it on its row."""
    merged = list(lines)
    for label in lines:
        if label not in merged or not LABEL_ONLY_RE.match(label.text.strip()):
            continue
        beside = [
            other for other in merged
            if other is not label
            and abs(other.centre_y - label.centre_y) < 0.5 * max(label.size, other.size)
            and other.left > label.left
            and other.left - label.right < 6 * label.size
            and label.size <= 1.6 * other.size  # not a big logo letter
        ]
        if not beside:
            continue
        value = min(beside, key=lambda other: other.left)
        joined = OcrLine(
            text=f"{label.text.strip()} {value.text.strip()}",
            box=(label.left, min(label.top, value.top), value.right,
                 max(label.bottom, value.bottom)),
            confidence=min(label.confidence, value.confidence),
            height=value.height or label.height,
        )
        if classify(Segment(text=joined.text, line=joined, index=0)).kind == "text":
            continue  # "C" beside a company name: a logo mark, not a label
        merged[merged.index(value)] = joined
        merged.remove(label)
    return merged


def segments_of(lines: list[OcrLine]) -> list[Segment]:
    """All segments of a card, in the lines' order (top to bottom)."""
    result: list[Segment] = []
    for index, line in enumerate(lines):
        if line.text.strip():
            result.extend(split_line(line, index))
    return result
