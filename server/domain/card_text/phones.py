"""Phone numbers on a card: the label and its type, the number as printed, the region.

Numbers are kept in the form printed on the card unless the caller asks for a region
(then they are formatted internationally, which a phone can dial from anywhere).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from .vocab import COUNTRIES
from .vocab import PHONE_LABELS
from .vocab import TLD_REGIONS
from .vocab import US_STATES

_LABELS = sorted(PHONE_LABELS, key=len, reverse=True)
# A label, then punctuation or space, before the number starts ("Tel.:", "M ", "t.0211").
LABEL_RE = re.compile(
    r"^\(?(?P<label>" + "|".join(re.escape(label) for label in _LABELS) + r")\)?"
    r"(?:(?P<sep>[\s.:/\-]+)|(?=[\d+(]))",
    re.IGNORECASE,
)
# Between two numbers on one line: " / ", " | ", ",", ";", " . ", " · ", " or ".
LIST_SPLIT_RE = re.compile(r"\s+[/|.·•]\s+|\s*[;,|·•]\s*|\s+(?:or|ou|oder|o)\s+")
# Between a number and the next label: spaces and the usual list separators.
GAP_RE = re.compile(r"[\s/|·•,;.]*")
NUMBER = r"\+?\s*\(?\s*\d[\d\s().\-/]*\d"
EXTENSION = r"(?:\s*(?:ext\.?|x|ramal|durchwahl|dw\.?)\s*\d{1,6})?"
# One "label number" pair; the label is optional.
PAIR_RE = re.compile(
    r"(?:\(?(?P<label>" + "|".join(re.escape(label) for label in _LABELS) + r")\)?"
    r"(?:[\s.:/\-]+|(?=[\d+(])))?(?P<body>" + NUMBER + EXTENSION + r")",
    re.IGNORECASE,
)
TRAILING_LABEL_RE = re.compile(
    r"\s*\(?\b(mobile|mob|cell|m|fax|f|office|work|o|t|tel)\)?\.?$", re.IGNORECASE
)
# "0" and "1" misread as letters next to a digit (never inside a word).
LOOKALIKE_RE = re.compile(r"(?<![A-Za-z])[OolI](?=\d)|(?<=\d)[OolI](?![A-Za-z])")


@dataclass(frozen=True)
class PhoneHit:
    """One number found in a segment of text."""

    number: str
    type: str
    labelled: bool


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def split_label(text: str) -> tuple[str | None, str]:
    """("mobile"/"work"/"fax" or None, the rest) for a text that may start with a label."""
    match = LABEL_RE.match(text.strip())
    if not match:
        return None, text.strip()
    label = match.group("label").lower()
    rest = text.strip()[match.end():].lstrip(" .:-/")
    # A one-letter label needs a separator or the number right after it: "T 0141", "m.+49".
    if len(label) == 1 and rest[:1] not in ("+", "(") and not rest[:1].isdigit():
        return None, text.strip()
    return PHONE_LABELS[label], rest


def find_phones(text: str, *, min_digits: int = 7) -> list[PhoneHit] | None:
    """The numbers in one segment of text, or None when the segment is not phone text.

    A segment is phone text when it is nothing but numbers, each with an optional label
    before it ("Office: 0161 488 1149 / Fax 0161 271 6227"), and list separators.
    """
    text = LOOKALIKE_RE.sub(lambda m: "0" if m.group(0) in "Oo" else "1", text.strip())
    trailing_type = None
    trailing = TRAILING_LABEL_RE.search(text)
    if trailing and len(digits_of(text[: trailing.start()])) >= min_digits:
        if not PAIR_RE.match(text) or PAIR_RE.match(text).group("label") is None:
            trailing_type = PHONE_LABELS.get(trailing.group(1).lower(), "work")
            text = text[: trailing.start()]
    hits: list[PhoneHit] = []
    position = 0
    while position < len(text):
        position = GAP_RE.match(text, position).end()
        if position >= len(text):
            break
        match = PAIR_RE.match(text, position)
        if not match:
            return None
        label = match.group("label")
        kind = PHONE_LABELS[label.lower()] if label else trailing_type
        for part in _split_numbers(match.group("body")):
            number = part.strip().strip(".·•*:;,/").strip()
            digits = len(digits_of(number))
            if not (min_digits if kind is None else 5) <= digits <= 15:
                return None
            hits.append(PhoneHit(number, kind or "other", kind is not None))
        position = match.end()
    return hits or None


def _split_numbers(text: str) -> list[str]:
    """One part per number: split on list separators only where both sides are numbers."""
    parts = [p for p in LIST_SPLIT_RE.split(text) if p and p.strip()]
    if len(parts) > 1 and all(len(digits_of(p)) >= 6 for p in parts):
        return parts
    # "0211/5788473" is one number; "404 663 9331/404 719 2579" is two.
    halves = text.split("/")
    if len(halves) == 2 and all(len(digits_of(h)) >= 7 for h in halves):
        return halves
    return [text]


def region_from_card(
    texts: list[str], numbers: list[str], domains: list[str], default: str | None
) -> str | None:
    """The region to read numbers without a country code in, from the card itself.

    In order: a country named on the card, the country code of another number on it, the
    shape of its address (US state + ZIP, UK postcode, Indian PIN, Brazilian CEP, Portuguese
    postcode), a country-code domain; then `default` (the person's own setting). Never the
    server's locale.
    """
    joined = "\n".join(texts)
    for text in texts:
        folded = text.strip().strip(".,").lower()
        for country, region in COUNTRIES.items():
            if len(country) > 2 and (folded == country or folded.endswith(", " + country)):
                return region
    codes: dict[int, int] = {}
    for number in numbers:
        compact = re.sub(r"[^\d+]", "", number)
        if compact.startswith("00"):
            compact = "+" + compact[2:]
        if compact.startswith("+"):
            try:
                parsed = phonenumbers.parse(compact, None)
            except phonenumbers.NumberParseException:
                continue
            codes[parsed.country_code] = codes.get(parsed.country_code, 0) + 1
    if codes:
        code = max(codes, key=lambda c: codes[c])
        region = phonenumbers.region_code_for_country_code(code)
        if region and region != "ZZ":
            return region
    for state in re.findall(r"\b([A-Z]{2})\s+\d{5}(?:-\d{4})?\b", joined):
        if state in US_STATES:
            return "US"
    if re.search(r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b", joined):
        return "GB"
    if re.search(r"\bCEP\b|\b\d{5}-\d{3}\b", joined):
        return "BR"
    if re.search(r"(?m)\b\d{4}-\d{3}\s+[A-ZÀ-Ý]", joined):
        return "PT"
    if re.search(r"[A-Za-z]\s*-\s*\d{6}\b", joined):
        return "IN"
    for domain in domains:
        tld = domain.lower().rstrip("/").rsplit(".", 1)[-1]
        if tld in TLD_REGIONS:
            return TLD_REGIONS[tld]
    return default.upper() if default else None


def is_plausible(number: str, region: str | None) -> bool:
    """Whether phonenumbers finds the number possible (length-wise) for the region."""
    compact = re.sub(r"\(\s*0\s*\)", "", number) if number.strip().startswith("+") else number
    try:
        parsed = phonenumbers.parse(compact, None if compact.strip().startswith("+") else region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(parsed)


def international(number: str, region: str | None) -> str:
    """The number in international format when it parses for `region`, else as printed."""
    compact = re.sub(r"\(\s*0\s*\)", "", number) if number.strip().startswith("+") else number
    try:
        parsed = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
