"""Does a line spell a mailbox name or a company domain? (Accent- and case-blind.)"""

from __future__ import annotations

import re
import unicodedata

from .vocab import NAME_PARTICLES
from .vocab import words


def fold(text: str) -> str:
    """Lower case without accents: "Gutiérrez" -> "gutierrez", "ß" -> "ss", "ı" -> "i"."""
    text = text.lower().replace("ß", "ss").replace("ı", "i").replace("ø", "o").replace("ł", "l")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_variants(word: str) -> set[str]:
    """Spellings an email uses for a word: "Müller" -> {"muller", "mueller"}."""
    lower = word.lower()
    german = lower.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    return {fold(lower), fold(german)}


def email_match(name: str, locals_: list[str]) -> float:
    """0..1: how much of the best personal mailbox name the line's words explain.

    "jgutierrez" is explained by "Jesús Gutiérrez" (initial + surname), "duch" by
    "Duc Anh Hoang"; a company line explains none of "b.brown".
    """
    name_words = [w.rstrip(".") for w in words(name) if w.rstrip(".") not in NAME_PARTICLES]
    if not name_words:
        return 0.0
    best = 0.0
    for local in locals_:
        letters = re.sub(r"[^a-z]", "", fold(local))
        if len(letters) < 2:
            continue
        remaining = letters
        matched = 0
        used = set()
        for index, word in enumerate(name_words):
            for variant in sorted(fold_variants(word), key=len, reverse=True):
                if len(variant) >= 2 and variant in remaining:
                    remaining = remaining.replace(variant, " ", 1)
                    matched += len(variant)
                    used.add(index)
                    break
        if not used:
            continue
        # Leftover letters may be the initials of the words not spelled out.
        initials = {fold(w)[0] for i, w in enumerate(name_words) if i not in used and w}
        leftover = remaining.replace(" ", "")
        if len(leftover) <= 2:
            matched += sum(1 for c in leftover if c in initials)
        best = max(best, matched / len(letters))
    return best


def _alnum_words(text: str, german: bool = False) -> list[str]:
    """The line's words folded to a-z0-9; `german` spells umlauts out ("ö" -> "oe")."""
    result = []
    for word in words(text):
        bare = word.rstrip(".").lower()
        if german:
            bare = bare.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
        spelled = re.sub(r"[^a-z0-9]", "", fold(bare))
        if spelled:
            result.append(spelled)
    return result


def domain_match(text: str, domains: list[str]) -> float:
    """0..1: how well the line spells a company's email or web domain.

    1.0 when it spells the whole domain ("Quarry Foods" for quarry-foods.fr, "Böhm" for
    boehm.com), 0.9 when it starts with it ("Ganga Software Ltd." for ganga.co.in), less
    when one of its words appears inside the domain.
    """
    best = 0.0
    for spelling in (_alnum_words(text), _alnum_words(text, german=True)):
        if not spelling:
            continue
        joined = "".join(spelling)
        for domain in domains:
            stem = re.sub(r"[^a-z0-9]", "", fold(domain))
            if len(stem) < 2:
                continue
            if joined == stem:
                best = max(best, 1.0)
            elif len(stem) >= 3 and joined.startswith(stem):
                best = max(best, 0.9)
            elif len(joined) >= 4 and stem.startswith(joined):
                best = max(best, 0.8)
            elif len(stem) >= 3 and joined[1:].startswith(stem):
                best = max(best, 0.8)  # a logo mark read as a letter in front: "OHUGHES"
            else:
                hits = [w for w in spelling if len(w) >= 3 and w in stem]
                if hits:
                    share = max(len(h) for h in hits) / len(stem)
                    best = max(best, 0.5 + 0.3 * min(1.0, share))
    return best
