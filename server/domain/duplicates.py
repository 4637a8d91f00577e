"""Which existing contacts may be the same person as a new one (pure: no I/O).

Three reasons, strongest first: the same email (case-insensitive), the same phone number in
E.164 terms ("+49 30 1234567" and "030 1234567" for a German account), or the same name
(case, accents and spacing aside) at the same company.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field

import phonenumbers

REASONS = ("email", "phone", "name")


@dataclass(frozen=True)
class Someone:
    """A contact as far as duplicate detection cares."""

    id: str
    name: str
    company: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Duplicate:
    id: str
    name: str
    company: str
    reason: str  # one of REASONS: the strongest that applies


def folded(text: str) -> str:
    """Lower case, accents dropped, whitespace collapsed: "  Jürgen  MÜLLER" -> "jurgen muller"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", bare.casefold()).strip()


def e164(number: str, region: str | None) -> str | None:
    """The number in E.164, or None when it cannot be told (no + and no region, or nonsense).

    A number written with + (or 00) carries its own country; otherwise the account's country
    is the region. Without either the number is not compared at all.
    """
    text = (number or "").strip()
    if not text:
        return None
    own_country = text.startswith("+") or text.startswith("00")
    if not own_country and not region:
        return None
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _keys(person: Someone, region: str | None) -> tuple[set[str], set[str], tuple[str, str]]:
    emails = {email.strip().casefold() for email in person.emails if email and email.strip()}
    phones = {key for key in (e164(number, region) for number in person.phones) if key}
    return emails, phones, (folded(person.name), folded(person.company))


def possible_duplicates(
    new: Someone, existing: Iterable[Someone], region: str | None = None
) -> list[Duplicate]:
    """The existing contacts (other than `new` itself) that may be the same person as `new`,
    in the order given, each with its strongest reason."""
    emails, phones, (name, company) = _keys(new, region)
    found = []
    for other in existing:
        if other.id == new.id:
            continue
        their_emails, their_phones, (their_name, their_company) = _keys(other, region)
        if emails & their_emails:
            reason = "email"
        elif phones & their_phones:
            reason = "phone"
        elif name and company and name == their_name and company == their_company:
            reason = "name"
        else:
            continue
        found.append(Duplicate(id=other.id, name=other.name, company=other.company, reason=reason))
    return found
