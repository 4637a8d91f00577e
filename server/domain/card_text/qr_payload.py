"""A QR code's text (vCard, MECARD, URL) -> card fields, and merging them into a draft.

A QR code holds the contact exactly as its owner typed it, so its values win over what the
OCR read; OCR values the code lacks (a second number, the address) are kept.
"""

from __future__ import annotations

import re
from typing import Any

from .model import ContactDraft

VCARD_PHONE_TYPES = {"cell": "mobile", "mobile": "mobile", "fax": "fax", "work": "work",
                     "voice": "work", "main": "work", "pref": "work"}


def parse_qr(payload: str | None) -> dict[str, Any]:
    """The card fields a QR payload carries (only those present)."""
    if not payload:
        return {}
    text = payload.strip()
    if text.upper().startswith("BEGIN:VCARD"):
        return _vcard(text)
    if text.upper().startswith("MECARD:"):
        return _mecard(text)
    if re.match(r"^(https?://|www\.)\S+$", text, re.IGNORECASE):
        return {"website": text}
    return {}


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value).strip()


def _split_unescaped(value: str, separator: str) -> list[str]:
    return [_unescape(p) for p in re.split(r"(?<!\\)" + re.escape(separator), value)]


def _vcard(text: str) -> dict[str, Any]:
    # Unfold continuation lines (RFC 6350: a line starting with a space continues the last).
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    fields: dict[str, Any] = {}
    emails: list[str] = []
    phones: list[dict[str, str]] = []
    name_parts: list[str] = []
    for raw in unfolded.splitlines():
        if ":" not in raw:
            continue
        head, value = raw.split(":", 1)
        key, *params = head.split(";")
        key = key.split(".")[-1].upper()  # "item1.EMAIL" -> "EMAIL"
        types = {t.lower() for p in params for t in re.split(r"[=,]", p) if t}
        if key == "FN" and value.strip():
            fields["name"] = _unescape(value)
        elif key == "N":
            parts = _split_unescaped(value, ";") + [""] * 5
            family, given, middle, prefix, suffix = parts[:5]
            name_parts = [p for p in (prefix, given, middle, family, suffix) if p]
        elif key == "ORG" and value.strip():
            fields["company"] = " ".join(p for p in _split_unescaped(value, ";") if p)
        elif key == "TITLE" and value.strip():
            fields["title"] = _unescape(value)
        elif key == "EMAIL" and value.strip():
            emails.append(_unescape(value))
        elif key == "TEL" and value.strip():
            number = _unescape(value).removeprefix("tel:")
            kind = next((VCARD_PHONE_TYPES[t] for t in types if t in VCARD_PHONE_TYPES), "other")
            if "fax" in types:
                kind = "fax"
            elif "cell" in types:
                kind = "mobile"
            phones.append({"number": number, "type": kind})
        elif key == "URL" and value.strip():
            fields.setdefault("website", _unescape(value))
        elif key == "ADR" and value.strip():
            parts = [p for p in _split_unescaped(value, ";") if p]
            if parts:
                fields["address"] = ", ".join(parts)
    if "name" not in fields and name_parts:
        fields["name"] = " ".join(name_parts)
    if emails:
        fields["emails"] = emails
    if phones:
        fields["phones"] = phones
    return fields


def _mecard(text: str) -> dict[str, Any]:
    body = text[len("MECARD:"):]
    fields: dict[str, Any] = {}
    emails: list[str] = []
    phones: list[dict[str, str]] = []
    for item in re.split(r"(?<!\\);", body):
        if ":" not in item:
            continue
        key, value = item.split(":", 1)
        key, value = key.upper().strip(), _unescape(value)
        if not value:
            continue
        if key == "N":
            # MECARD writes "Family,Given".
            family, _, given = value.partition(",")
            fields["name"] = f"{given.strip()} {family.strip()}".strip()
        elif key == "ORG":
            fields["company"] = value
        elif key == "TITLE":
            fields["title"] = value
        elif key == "EMAIL":
            emails.append(value)
        elif key in ("TEL", "TEL-AV"):
            phones.append({"number": value, "type": "other"})
        elif key == "URL":
            fields.setdefault("website", value)
        elif key == "ADR":
            fields["address"] = ", ".join(p.strip() for p in value.split(",") if p.strip())
    if emails:
        fields["emails"] = emails
    if phones:
        fields["phones"] = phones
    return fields


def merge_qr(draft: ContactDraft, qr_fields: dict[str, Any]) -> ContactDraft:
    """Put the QR code's exact values into `draft` (confidence 1.0 for each of them)."""
    for key in ("name", "title", "company", "website", "address"):
        if qr_fields.get(key):
            setattr(draft, key, qr_fields[key])
            draft.confidence[key] = 1.0
    if qr_fields.get("emails"):
        merged = list(qr_fields["emails"])
        merged += [e for e in draft.emails if e.lower() not in {m.lower() for m in merged}]
        draft.emails = merged
        draft.confidence["emails"] = 1.0
    if qr_fields.get("phones"):
        ocr_by_digits = {_digits(p["number"])[-9:]: p for p in draft.phones}
        merged = []
        for phone in qr_fields["phones"]:
            seen = ocr_by_digits.pop(_digits(phone["number"])[-9:], None)
            kind = phone["type"]
            if kind == "other" and seen:  # the printed label says more than a bare TEL
                kind = seen["type"]
            merged.append({"number": phone["number"], "type": kind})
        merged += list(ocr_by_digits.values())
        draft.phones = merged
        draft.confidence["phones"] = 1.0
    return draft


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)
