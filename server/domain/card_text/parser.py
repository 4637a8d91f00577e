"""The card parser: OCR lines (+ an optional QR payload) -> ContactDraft."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from .address import find_address
from .address import join_address
from .model import ContactDraft
from .model import OcrLine
from .model import SCORED_FIELDS
from .people import assign
from .people import Candidate
from .people import confidence
from .people import GENERIC_MAILBOXES
from .people import PERSONAL_MAIL_DOMAINS
from .people import score_line
from .people import size_ranks
from .people import stacked
from .people import strip_certifications
from .phones import international
from .phones import is_plausible
from .phones import region_from_card
from .qr_payload import merge_qr
from .qr_payload import parse_qr
from .segments import email_value
from .segments import merge_orphan_labels
from .segments import Segment
from .segments import segments_of


def parse_card(
    lines: Sequence[OcrLine],
    *,
    default_region: str | None = None,
    qr_payload: str | None = None,
) -> ContactDraft:
    """Assign a card's OCR lines to the fields of a contact.

    `qr_payload` is the text of a QR code found on the card (vCard, MECARD, URL); its exact
    values win over what the OCR read.

    `default_region` (the person's own country, ISO 3166 alpha-2) is used for numbers without
    a country code only when the card itself does not say where it is from; when it is given,
    numbers are also formatted internationally, otherwise they keep the form printed.
    """
    readable = merge_orphan_labels([line for line in lines if line.text.strip()])
    draft = _read_lines(readable, default_region)
    return merge_qr(draft, parse_qr(qr_payload))


def _read_lines(lines: list[OcrLine], default_region: str | None) -> ContactDraft:
    draft = ContactDraft()
    if not lines:
        # Nothing readable: every field empty, and every one of them flagged.
        draft.confidence = dict.fromkeys(SCORED_FIELDS, 0.0)
        return draft
    segments = segments_of(list(lines))
    confidences: dict[str, float] = {}

    emails = _emails(segments)
    draft.emails = emails
    confidences["emails"] = _mean_conf(s for s in segments if s.kind == "email") if emails else 0.8

    domains = _company_domains(emails, segments)
    draft.website, confidences["website"] = _website(segments, emails)

    texts = [s.text for s in segments]
    numbers = [hit.number for s in segments for hit in s.phones]
    region = region_from_card(texts, numbers, _all_domains(emails, draft.website), default_region)
    draft.phones, confidences["phones"] = _phones(segments, region, default_region is not None)

    address_parts, address_total = find_address(segments, lines)
    draft.address = join_address(address_parts) if address_parts else None
    if address_parts:
        confidences["address"] = round(
            min(1.0, address_total / 5.0) * _mean_conf(address_parts), 3
        )
    else:
        confidences["address"] = 0.7

    used = {id(s) for s in address_parts}
    rest = [s for s in segments if s.kind == "text" and id(s) not in used]
    locals_ = _personal_locals(emails)
    candidates = _candidates(rest, segments, locals_, domains)
    if candidates:
        chosen = assign(candidates)
        for role in ("name", "title", "company"):
            pick = getattr(chosen, role)
            value = pick.text if pick else None
            if role == "name" and value:
                value = strip_certifications(value)
            if role == "company" and value:
                value = _drop_logo_mark(value, domains)
            setattr(draft, role, value)
            ocr = _mean_conf(pick.parts) if pick else 0.9
            confidences[role] = confidence(chosen.margins[role], ocr)
    else:
        for role in ("name", "title", "company"):
            confidences[role] = 0.5
    draft.notes = _notes(segments)
    draft.confidence = confidences
    return draft


def _mean_conf(segments) -> float:
    values = [s.line.confidence for s in segments]
    return round(sum(values) / len(values), 3) if values else 0.0


def _emails(segments: list[Segment]) -> list[str]:
    found: list[str] = []
    for seg in segments:
        if seg.kind != "email":
            continue
        for email in seg.emails or [email_value(seg.text)]:
            if email.lower() not in (e.lower() for e in found):
                found.append(email)
    return found


def _domain_stem(host: str) -> str:
    """"mail.juniper-capital.co.uk" -> "juniper-capital"."""
    host = re.sub(r"^[a-z]+://", "", host.lower()).split("/")[0]
    labels = [p for p in host.split(".") if p and p != "www"]
    while len(labels) > 1 and (len(labels[-1]) <= 3 or labels[-1] in ("com", "co", "org")):
        if len(labels) == 2:
            break
        labels.pop()
    if len(labels) >= 2:
        labels.pop()
    return labels[-1] if labels else ""


def _company_domains(emails: list[str], segments: list[Segment]) -> list[str]:
    """Domain stems that likely spell the company (personal mail providers excluded)."""
    stems = []
    for email in emails:
        stem = _domain_stem(email.split("@", 1)[1])
        if stem and stem not in PERSONAL_MAIL_DOMAINS and stem not in stems:
            stems.append(stem)
    for seg in segments:
        if seg.kind == "web":
            stem = _domain_stem(seg.value)
            if stem and stem not in stems:
                stems.append(stem)
    return stems


def _all_domains(emails: list[str], website: str | None) -> list[str]:
    hosts = [e.split("@", 1)[1] for e in emails]
    if website:
        hosts.append(re.sub(r"^[a-z]+://", "", website.lower()).split("/")[0])
    return hosts


def _personal_locals(emails: list[str]) -> list[str]:
    return [
        e.split("@", 1)[0]
        for e in emails
        if e.split("@", 1)[0].lower().strip(".") not in GENERIC_MAILBOXES
    ]


def _website(segments: list[Segment], emails: list[str]) -> tuple[str | None, float]:
    webs = [s for s in segments if s.kind == "web"]
    if not webs:
        return None, 0.8
    email_hosts = {e.split("@", 1)[1].lower() for e in emails}
    for seg in webs:
        host = re.sub(r"^[a-z]+://", "", seg.value.lower()).split("/")[0].removeprefix("www.")
        if host in email_hosts:
            return seg.value, round(0.95 * seg.line.confidence, 3)
    return webs[0].value, round(0.85 * webs[0].line.confidence, 3)


def _phones(
    segments: list[Segment], region: str | None, reformat: bool
) -> tuple[list[dict[str, str]], float]:
    phones: list[dict[str, str]] = []
    seen: set[str] = set()
    sure = 1.0
    for seg in segments:
        for hit in seg.phones:
            digits = re.sub(r"\D", "", hit.number)
            if digits in seen:
                continue
            seen.add(digits)
            plausible = is_plausible(hit.number, region)
            sure = min(sure, seg.line.confidence * (1.0 if plausible else 0.7))
            number = international(hit.number, region) if reformat else hit.number
            phones.append({"number": number, "type": hit.type})
    return phones, round(sure if phones else 0.8, 3)


def _candidates(
    rest: list[Segment], segments: list[Segment], locals_: list[str], domains: list[str]
) -> list[Candidate]:
    ranks = size_ranks(segments)
    candidates = []
    for seg in rest:
        if sum(c.isalpha() for c in seg.text) < 2:
            continue  # a logo mark read as a letter ("C", "O")
        scores = score_line(seg.text, size_rank=ranks.get(id(seg), 0.0), locals_=locals_,
                            domains=domains)
        candidates.append(Candidate(text=seg.text, parts=[seg], scores=scores))
    # A logo on two lines ("QUARRY" over "FOODS") is also a company candidate as one.
    for upper, lower in itertools.permutations(rest, 2):
        if stacked(upper, lower):
            text = f"{upper.text} {lower.text}"
            rank = max(ranks.get(id(upper), 0.0), ranks.get(id(lower), 0.0))
            scores = score_line(text, size_rank=rank, locals_=locals_, domains=domains)
            scores["name"] = scores["title"] = -10.0
            candidates.append(Candidate(text=text, parts=[upper, lower], scores=scores))
    return candidates


def _drop_logo_mark(company: str, domains: list[str]) -> str:
    """"OHUGHES" or "D SHAKTI CONSULTANCY": a logo mark read as letters before the name.

    Dropped only when what is left starts with the company's domain.
    """
    def spells_domain(text: str) -> bool:
        letters = re.sub(r"[^a-z0-9]", "", text.lower())
        return any(len(d) >= 3 and letters.startswith(d) for d in domains)

    if spells_domain(company):
        return company
    first, _, rest = company.partition(" ")
    if rest and len(first) <= 2 and spells_domain(rest):
        return rest
    if len(company) > 3 and company[0] in "OCQ0@©" and company[1:2].isupper():
        if spells_domain(company[1:]):
            return company[1:]
    return company


def _notes(segments: list[Segment]) -> str:
    """Handles (LinkedIn, Skype, X) a person may want to keep; registrations are dropped."""
    keep = []
    for seg in segments:
        lowered = seg.text.lower()
        if seg.kind == "noise" and re.match(
            r"^(skype|linkedin|twitter|instagram|x:|@|in/|xing|github|facebook)", lowered
        ) or (seg.kind == "noise" and "linkedin." in lowered):
            keep.append(seg.text)
    return "\n".join(keep)
