"""Name, title and company: scored per line, then assigned together.

Each remaining text line gets a score for being the name, the title, the company or none of
them (a slogan, a stray word). The best joint assignment wins, so a line that fits the
company well pushes a weaker company candidate towards "none", and the margin over the
runner-up becomes the field's confidence.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

from .matching import domain_match
from .matching import email_match
from .segments import Segment
from .vocab import CERTIFICATIONS
from .vocab import company_form
from .vocab import company_word_hits
from .vocab import NAME_PARTICLES
from .vocab import NAME_SUFFIXES
from .vocab import title_hits

GENERIC_MAILBOXES = frozenset(
    """info hr careers career jobs job recruiting recruitment contact contato contacto hello
    office sales team admin mail support rh bewerbung kontakt empregos vagas talent people
    hiring enquiries inquiries""".split()
)
PERSONAL_MAIL_DOMAINS = frozenset(
    """gmail googlemail outlook hotmail live yahoo icloud me aol gmx web t-online proton
    protonmail uol bol terra sapo ig msn mail""".split()
)
SENTENCE_WORDS = frozenset("of and for the to de des du la le et y e da do das dos für und"
                           " à a en in & at".split())


@dataclass
class Candidate:
    """One line (or two stacked lines of a logo) that may be the name, title or company."""

    text: str
    parts: list[Segment]
    scores: dict[str, float]

    @property
    def top(self) -> float:
        return self.parts[0].line.top


def strip_certifications(text: str) -> str:
    """"Jane Doe, CPA" -> "Jane Doe"; keeps suffixes that are part of a name ("Jr.", "III")."""
    text = _strip_bare_degrees(text)
    pieces = [p.strip() for p in text.split(",")]
    caps_name = pieces[0].isupper()
    while len(pieces) > 1:
        tail = pieces[-1]
        tokens = tail.split()
        if tokens and all(_is_certification(t, caps_name) for t in tokens):
            pieces.pop()
            continue
        break
    return ", ".join(pieces)


def _strip_bare_degrees(text: str) -> str:
    """Known degrees printed without a comma: "Dipl.-Ing. Hans Weber", "Anna Li Ph.D. MBA".

    Only known ones go, and two words of the name always stay; "Dr." is a form of address a
    person uses, so it stays too.
    """
    tokens = text.split()
    while len(tokens) > 2 and tokens[0].lower().rstrip(",") in CERTIFICATIONS:
        tokens.pop(0)
    while len(tokens) > 2 and tokens[-1].lower().strip(",") in CERTIFICATIONS:
        tokens.pop()
    return " ".join(tokens).rstrip(",") if tokens else text


def _is_certification(token: str, caps_name: bool = False) -> bool:
    """A post-nominal: a known one, or a short word with two or more capitals ("CEng",
    "MIMechE", "SHRM-CP"). On a name printed in capitals only known or very short ones."""
    bare = token.strip(",")
    if bare.lower() in NAME_SUFFIXES:
        return False
    if bare.lower() in CERTIFICATIONS:
        return True
    if caps_name and bare.isupper():
        return len(bare.strip(".")) <= 3
    capitals = sum(1 for c in bare if c.isupper())
    return capitals >= 2 and len(bare) <= 10 and bare[:1].isupper()


def name_shape(text: str) -> float:
    """How much the line looks like a person's name, from its words alone (-5..2)."""
    if re.search(r"\d|@|/|&|\+", text):
        return -5.0
    tokens = text.replace(",", " ").split()
    if not tokens or len(tokens) > 6:
        return -3.0
    score = 0.0
    real = 0
    for token in tokens:
        bare = token.strip(".'’-")
        lower = token.lower()
        if lower in NAME_PARTICLES:
            continue
        if lower in NAME_SUFFIXES or re.fullmatch(r"[A-Z]\.", token):
            continue
        if not bare or not bare[0].isupper():
            return -3.0
        if not all(c.isalpha() or c in ".'’-" for c in token):
            return -3.0
        real += 1
    if real < 2:
        score -= 1.5
    elif real <= 4:
        score += 2.0
    else:
        score += 0.5
    if text.strip().endswith((".", "!", "?")) and not re.search(r"\b[A-Z][a-z]?\.$|Jr\.$|Sr\.$",
                                                              text.strip()):
        score -= 2.0
    return score


def sentence_like(text: str) -> float:
    """How much the line reads as a sentence (a slogan) rather than a label (0..3)."""
    tokens = text.split()
    if len(tokens) < 2:
        return 1.5 if re.search(r"[!?]$", text.strip()) else 0.0
    lower = [t for t in tokens if t[:1].islower() and t.lower().strip(".,") not in SENTENCE_WORDS]
    score = 0.0
    if lower:
        score += 1.0 + 0.5 * min(2, len(lower) - 1)
    if re.search(r"[!?]$", text.strip()) or re.search(r"[a-z]{3,}\.$", text.strip()):
        score += 1.5
    if len(tokens) >= 4 and lower:
        score += 0.5
    return score


def score_line(
    text: str, *, size_rank: float, locals_: list[str], domains: list[str]
) -> dict[str, float]:
    """Scores for name / title / company / none; higher is likelier."""
    roles, areas = title_hits(text)
    form = company_form(text)
    industry = company_word_hits(text)
    domain = domain_match(text, domains)
    mailbox = email_match(text, locals_)
    shape = name_shape(strip_certifications(text))
    slogan = sentence_like(text)
    caps_words = len(text.split())

    name = shape + 3.0 * mailbox + 1.5 * size_rank
    name -= 3.0 * min(roles, 1) + 0.5 * areas + (4.0 if form else 0.0) + 1.0 * industry
    if domain >= 0.6 and mailbox < 0.5:
        name -= 2.0 * domain

    title = -1.0 + 3.0 * min(roles, 2) + 0.6 * min(areas, 3)
    if roles == 0 and areas == 0:
        title -= 2.0
    title -= 2.0 * domain + (3.0 if form else 0.0) + 2.0 * mailbox
    if re.search(r"\d|@", text):
        title -= 3.0

    company = -0.5 + (3.0 if form else 0.0) + 1.2 * min(industry, 2) + 3.5 * domain
    company += 1.0 if "&" in text else 0.0
    company += 0.8 * size_rank if caps_words <= 3 else 0.0
    company -= 2.5 * min(roles, 1) + 3.0 * mailbox
    if re.search(r"@|\+\d|\d{4,}", text):
        company -= 3.0

    none = 0.5 * slogan
    return {"name": name, "title": title, "company": company, "none": none}


def size_ranks(segments: list[Segment]) -> dict[int, float]:
    """1.0 for the largest text on the card, falling towards 0 for body-sized text."""
    sizes = sorted({round(s.size, 1) for s in segments}, reverse=True)
    if not sizes:
        return {}
    body = sorted(s.size for s in segments)[len(segments) // 2]
    top = sizes[0]
    ranks = {}
    for seg in segments:
        if top <= body * 1.05:
            ranks[id(seg)] = 0.0
        else:
            ranks[id(seg)] = max(0.0, (seg.size - body) / (top - body))
    return ranks


def stacked(upper: Segment, lower: Segment) -> bool:
    """Two short lines set one above the other at the same size: a logo on two lines."""
    a, b = upper.line, lower.line
    if a is b or len(upper.text.split()) > 2 or len(lower.text.split()) > 2:
        return False
    same_size = abs(a.size - b.size) <= 0.3 * max(a.size, b.size)
    gap = b.top - a.bottom
    overlap = min(a.right, b.right) - max(a.left, b.left)
    return same_size and -0.5 * a.size <= gap <= 0.6 * a.size and overlap > 0


@dataclass
class Assignment:
    """The chosen lines per role, with each role's margin over the best alternative."""

    name: Candidate | None
    title: Candidate | None
    company: Candidate | None
    margins: dict[str, float]


def assign(candidates: list[Candidate]) -> Assignment:
    """The best joint assignment of candidates to name, title and company."""
    options = [None, *range(len(candidates))]
    best: tuple[float, tuple] | None = None
    totals: list[tuple[float, tuple]] = []
    for combo in itertools.product(options, repeat=3):
        chosen = [c for c in combo if c is not None]
        if len(set(chosen)) < len(chosen):
            continue
        used_parts = [id(p) for c in chosen for p in candidates[c].parts]
        if len(set(used_parts)) < len(used_parts):
            continue
        total = 0.0
        for role, index in zip(("name", "title", "company"), combo, strict=True):
            if index is not None:
                total += candidates[index].scores[role]
        # Every line not used pays its "none" score; a merged logo covers two lines.
        covered = set(used_parts)
        singles = {id(p): c for c in candidates if len(c.parts) == 1 for p in c.parts}
        for part_id, cand in singles.items():
            if part_id not in covered:
                total += cand.scores["none"]
        total += _layout_bonus(candidates, combo)
        totals.append((total, combo))
        if best is None or total > best[0]:
            best = (total, combo)
    assert best is not None
    margins = {}
    for slot, role in enumerate(("name", "title", "company")):
        rivals = [t for t, combo in totals if combo[slot] != best[1][slot]]
        margins[role] = best[0] - max(rivals) if rivals else 5.0
    pick = [candidates[i] if i is not None else None for i in best[1]]
    return Assignment(pick[0], pick[1], pick[2], margins)


def _layout_bonus(candidates: list[Candidate], combo: tuple) -> float:
    """A title right under the name is the commonest layout on cards."""
    name, title, _company = combo
    if name is None or title is None:
        return 0.0
    a, b = candidates[name].parts[-1].line, candidates[title].parts[0].line
    gap = b.top - a.bottom
    overlap = min(a.right, b.right) - max(a.left, b.left)
    if overlap > 0 and -0.5 * b.size <= gap <= 1.5 * b.size:
        return 1.0
    return 0.0


def confidence(margin: float, ocr: float) -> float:
    """0..1 from the assignment margin and the OCR's own confidence."""
    return round(ocr / (1.0 + math.exp(-(margin - 1.0))), 3)
