"""Postal addresses: how address-like a line is, and the best run of such lines."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .model import OcrLine
from .segments import Segment
from .vocab import BR_STATES
from .vocab import COUNTRIES
from .vocab import INDIAN_STATES
from .vocab import STREET_SUFFIXES
from .vocab import STREET_WORDS
from .vocab import US_STATES
from .vocab import words

# Postcodes with the city or state they are printed with; each is a strong signal.
POSTCODE_PATTERNS = (
    re.compile(r"\b([A-Z]{2})\.?\s+\d{5}(?:-\d{4})?\b"),  # US: "Austin, TX 78731"
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b"),  # UK: "Glasgow G2 1DY"
    re.compile(r"(?:^|[\s,])(?:[A-Z]-?)?\d{5}\s+[^\W\d_][\w\-' ]*", re.UNICODE),  # DE/FR/ES/IT
    re.compile(r"\b\d{4}-\d{3}\b"),  # PT: "1250-096 Lisboa"
    re.compile(r"\b\d{5}-\d{3}\b|\bCEP\b", re.IGNORECASE),  # BR: "CEP 01310-100"
    re.compile(r"[^\W\d_]\s*[-–]?\s*\d{3}\s?\d{3}\s*$", re.UNICODE),  # IN: "Pune - 411001"
    re.compile(r"(?:^|[\s,])\d{4}\s?[A-Z]{2}\b"),  # NL: "1017 AB Amsterdam"
    re.compile(r"^\d{4}\s+[^\W\d_]{3,}", re.UNICODE),  # AT/CH/BE/AU: "8001 Zürich"
)
# An address needs a postcode, or a street with a number, somewhere in its lines.
MIN_ADDRESS_SCORE = 3.0
HOUSE_NUMBER_FIRST = re.compile(r"^\d{1,5}[a-zA-Z]?(?:\s*bis|\s*ter)?\s*,?\s+[^\W\d_]", re.UNICODE)
HOUSE_NUMBER_LAST = re.compile(r"[^\W\d_]{3,}\.?\s+(?:n[º°o]\.?\s*)?\d{1,5}[a-zA-Z]?\b", re.UNICODE)
ORDINAL_FLOOR = re.compile(r"\b\d+(?:st|nd|rd|th|º|ª|°)\s", re.IGNORECASE)


def repair_digits(text: str) -> str:
    """Digits misread as letters inside numbers: "O2180" -> "02180", "1lth" -> "11th"."""

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        core = re.sub(r"(st|nd|rd|th)$", "", token)
        digits = sum(c.isdigit() for c in core)
        if digits and digits >= len(core) / 2 and all(c.isdigit() or c in "OolI" for c in core):
            return core.translate(LOOKALIKES) + token[len(core):]
        return token

    return re.sub(r"\b[0-9OolI]*\d[0-9OolI]*(?:st|nd|rd|th)?\b|\b[OolI][0-9OolI]*\d\w*\b",
                  fix, text)


LOOKALIKES = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})


def address_score(text: str) -> float:
    """0 for no sign of an address; 1-2 for a street or unit; 3+ with a postcode."""
    score = 0.0
    plain = repair_digits(text.strip())
    tokens = [t.rstrip(".,") for t in words(plain)]
    for number, pattern in enumerate(POSTCODE_PATTERNS):
        match = pattern.search(plain)
        if not match:
            continue
        if number == 0 and match.group(1) not in US_STATES:
            continue
        score += 3.0
        break
    street = sum(1 for t in tokens if t in STREET_WORDS)
    numbered = bool(re.search(r"\d", plain))
    # "Hohenzollernring 57", not "Engineering": a glued street word needs a house number.
    glued = numbered and any(
        len(t) > len(s) + 2 and t.endswith(s.rstrip(".")) for t in tokens for s in STREET_SUFFIXES
    )
    if street or glued:
        # Without any number, "Hill" or "Park" may as well be part of a name.
        score += 2.0 if numbered else 1.0
    if HOUSE_NUMBER_FIRST.search(plain) or ORDINAL_FLOOR.search(plain):
        score += 1.5
    elif HOUSE_NUMBER_LAST.search(plain) and (street or glued):
        score += 0.5
    if any(t in INDIAN_STATES for t in tokens):
        score += 1.0
    upper = re.findall(r"\b[A-Z]{2}\b", plain)
    if any(u in BR_STATES for u in upper) and re.search(r"\s[-–/]\s*[A-Z]{2}\b", plain):
        score += 1.0  # "São Paulo - SP"
    if is_country(plain):
        score += 1.5
    return score


def is_country(text: str) -> bool:
    """True for a line that is only a country name ("Germany", "FRANCE")."""
    return text.strip().strip(".,").lower() in COUNTRIES and len(text.strip()) > 2


def _below(lines: Sequence[OcrLine]) -> dict[int, int]:
    """For each line, the next line under it in the same column (by index)."""
    result: dict[int, int] = {}
    for i, upper in enumerate(lines):
        best, best_gap = None, None
        for j, lower in enumerate(lines):
            if j == i or lower.top <= upper.top + 0.3 * upper.size:
                continue
            gap = lower.top - upper.bottom
            overlap = min(upper.right, lower.right) - max(upper.left, lower.left)
            if overlap <= 0 or gap > 1.2 * max(upper.size, lower.size):
                continue
            if best_gap is None or gap < best_gap:
                best, best_gap = j, gap
        if best is not None:
            result[i] = best
    return result


def find_address(
    segments: list[Segment], lines: Sequence[OcrLine]
) -> tuple[list[Segment], float]:
    """The address: the best-scoring run of consecutive address lines in one column."""
    by_line: dict[int, list[Segment]] = {}
    for seg in segments:
        by_line.setdefault(seg.index, []).append(seg)
    scores = {
        index: max((address_score(s.text) for s in segs if s.kind == "text"), default=-1.0)
        for index, segs in by_line.items()
    }
    below = _below(lines)
    above: dict[int, int] = {}
    for upper, lower in below.items():
        above.setdefault(lower, upper)

    def usable(index: int | None) -> bool:
        if index is None or index not in by_line:
            return False
        segs = by_line[index]
        return all(s.kind == "text" for s in segs) and scores.get(index, -1.0) >= 0

    best_run: list[int] = []
    best_total = 0.0
    for start, score in scores.items():
        if score < 1.0:
            continue
        run = [start]
        # Walk down, taking address lines; a line without signs joins only when another
        # address line follows it ("Kingsway Business Park" between street and city).
        nxt = below.get(start)
        while usable(nxt):
            if scores[nxt] > 0 or _bridges(nxt, below, scores, usable):
                run.append(nxt)
                nxt = below.get(nxt)
            else:
                break
        prev = above.get(start)
        while usable(prev) and prev not in run:
            if scores[prev] > 0:
                run.insert(0, prev)
                prev = above.get(prev)
            else:
                break
        total = sum(max(0.0, scores[i]) for i in run)
        if total > best_total:
            best_total, best_run = total, run
    if best_total < MIN_ADDRESS_SCORE:
        return [], 0.0
    parts = [s for i in best_run for s in by_line[i] if s.kind == "text"]
    return parts, best_total


def _bridges(index: int, below: dict[int, int], scores: dict[int, float], usable) -> bool:
    nxt = below.get(index)
    return usable(nxt) and scores[nxt] >= 1.0


def join_address(parts: list[Segment]) -> str:
    return ", ".join(repair_digits(p.text.strip(" ,")) for p in parts)
