"""Contacts as vCard 3.0 (what iOS and Android Contacts import best), built with vobject.

Pure: takes the contact in the API's ContactOut shape (name, title, company, emails,
phones [{number, type}], website, address, notes, id) and returns text.
"""

from __future__ import annotations

import re

import vobject
import vobject.vcard

# vobject leaves PHOTO unfolded for a 2006 Mac Address Book quirk; today's iOS, macOS and
# Android read folded lines, and RFC 2425 asks for lines of at most 75 octets.
vobject.vcard.wacky_apple_photo_serialize = False

PHONE_TYPES = {"mobile": "CELL", "work": "WORK", "fax": "FAX", "other": "VOICE"}
PREFIXES = {"dr", "prof", "mr", "mrs", "ms", "mx", "frau", "herr", "sir", "dame", "ing", "mag"}
SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "esq", "msc", "bsc"}
# Lower-case words that belong to the family name: "Ludwig van Beethoven".
PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la",
    "le", "ten", "ter", "zu", "bin", "ibn", "al", "st", "mac",
}  # fmt: skip

# A line that starts with a postcode, then the town: "10115 Berlin", "00-026 Warszawa".
POSTCODE_FIRST = re.compile(
    r"^(?P<code>(?:[A-Z]{1,2}-)?(?:\d{4,5}|\d{2}-\d{3}))\s+(?P<city>\S.*)$"
)
# "Springfield, IL 62704", "San Francisco, CA 94105-1234".
US_STYLE = re.compile(r"^(?P<city>[^,]+),\s*(?P<region>[A-Z]{2})\s+(?P<code>\d{5}(?:-\d{4})?)$")
# "London EC1A 1BB", "Manchester M1 1AE".
UK_STYLE = re.compile(r"^(?P<city>.+?)\s+(?P<code>[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})$")


def _word(part: str) -> str:
    return part.lower().strip(".,")


def split_name(full: str) -> vobject.vcard.Name:
    """A best-effort structured name; the full name always goes to FN as written.

    "Dr. Anna Maria van der Berg PhD" -> prefix Dr., given Anna, additional Maria,
    family "van der Berg", suffix PhD. "Müller, Jürgen" -> family Müller, given Jürgen.
    One word is a given name.
    """
    full = " ".join(full.split())
    if full.count(",") == 1:
        family, given = (part.strip() for part in full.split(","))
        if family and given and _word(given) not in SUFFIXES:
            given_parts = given.split()
            return vobject.vcard.Name(
                family=family, given=given_parts[0], additional=" ".join(given_parts[1:])
            )
    parts = [part for part in full.replace(",", " ").split() if part]
    prefix, suffix = [], []
    while len(parts) > 1 and _word(parts[0]) in PREFIXES:
        prefix.append(parts.pop(0))
    while len(parts) > 1 and _word(parts[-1]) in SUFFIXES:
        suffix.insert(0, parts.pop())
    if len(parts) <= 1:
        return vobject.vcard.Name(
            given=parts[0] if parts else "", prefix=" ".join(prefix), suffix=" ".join(suffix)
        )
    family_start = len(parts) - 1
    while family_start > 1 and parts[family_start - 1] in PARTICLES:
        family_start -= 1
    return vobject.vcard.Name(
        family=" ".join(parts[family_start:]),
        given=parts[0],
        additional=" ".join(parts[1:family_start]),
        prefix=" ".join(prefix),
        suffix=" ".join(suffix),
    )


def split_address(address: str) -> tuple[vobject.vcard.Address, str]:
    """(structured ADR, LABEL text) from a free-text address.

    When a postcode-and-town line is recognised: the lines before it are the street, the
    lines after it the country. Otherwise the whole address is the street, so nothing is
    lost. LABEL always holds the address as written, one line per line.
    """
    lines = [line.strip() for line in address.replace("\r\n", "\n").split("\n") if line.strip()]
    label = "\n".join(lines)
    if len(lines) == 1 and "," in lines[0]:
        lines = [part.strip() for part in lines[0].split(",") if part.strip()]
        if US_STYLE.match(", ".join(lines[-2:])) and len(lines) >= 3:
            lines = [*lines[:-2], ", ".join(lines[-2:])]
    for index in range(len(lines) - 1, 0, -1):
        line = lines[index]
        for pattern in (US_STYLE, POSTCODE_FIRST, UK_STYLE):
            match = pattern.match(line)
            if match:
                found = match.groupdict()
                return (
                    vobject.vcard.Address(
                        street="\n".join(lines[:index]),
                        city=found.get("city", "").strip(),
                        region=found.get("region") or "",
                        code=found.get("code", "").strip(),
                        country="\n".join(lines[index + 1 :]),
                    ),
                    label,
                )
    return vobject.vcard.Address(street=label), label


def _add(card, name: str, value, **params):
    line = card.add(name)
    line.value = value
    for key, param in params.items():
        setattr(line, f"{key}_param", param)
    return line


def contact_vcard(contact: dict, photo_jpeg: bytes | None = None, note: str = "") -> str:
    """One contact as a vCard 3.0 (CRLF lines, folded at 75 octets, UTF-8 text).

    `note` (e.g. the interviews the person was met at) comes first in NOTE, then the
    contact's own notes. `photo_jpeg` is embedded as base64 (PHOTO;ENCODING=b;TYPE=JPEG).
    """
    card = vobject.vCard()
    name = " ".join((contact.get("name") or "").split()) or "Unnamed contact"
    _add(card, "n", split_name(name))
    _add(card, "fn", name)
    if contact.get("title"):
        _add(card, "title", contact["title"])
    if contact.get("company"):
        _add(card, "org", [contact["company"]])
    for email in contact.get("emails") or []:
        _add(card, "email", email, type="INTERNET")
    for phone in contact.get("phones") or []:
        kind = PHONE_TYPES.get(phone.get("type") or "other", "VOICE")
        _add(card, "tel", phone["number"], type=kind)
    if contact.get("website"):
        website = contact["website"].strip()
        _add(card, "url", website if "://" in website else f"https://{website}")
    if (contact.get("address") or "").strip():
        address, label = split_address(contact["address"])
        _add(card, "adr", address, type="WORK")
        _add(card, "label", label, type="WORK")
    notes = "\n\n".join(text.strip() for text in (note, contact.get("notes") or "") if text)
    if notes.strip():
        _add(card, "note", notes.strip())
    if photo_jpeg:
        _add(card, "photo", photo_jpeg, encoding="b", type="JPEG")
    if contact.get("id"):
        _add(card, "uid", f"urn:uuid:{contact['id']}")
    _add(card, "prodid", "-//Afterview//Contacts//EN")
    return card.serialize()


def contacts_vcf(items: list[tuple[dict, bytes | None, str]]) -> str:
    """Several contacts in one .vcf: (contact, photo or None, note) each."""
    return "".join(contact_vcard(contact, photo, note) for contact, photo, note in items)
