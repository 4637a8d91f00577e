"""Small text helpers for drafts and titles: one line, cut at a word, split into points.

Pure string functions; nothing here knows about interviews or people.
"""

from __future__ import annotations

import re

# Lines, semicolons and bullets separate points; a leading "-" or "*" bullet is stripped.
_SPLIT_ITEMS = re.compile(r"[\n;•]+")
_SPLIT_ITEMS_AND_COMMAS = re.compile(_SPLIT_ITEMS.pattern + "|,")

# Only function words are lowercased when quoted mid-sentence: a proper noun never is.
_LOWERABLE = frozenset(
    "a an the this that these those their his her its our your my some any how why what "
    "when where whether which who".split()
)


def clean(text: str | None) -> str:
    """One line: whitespace runs collapsed, ends stripped; None is empty."""
    return " ".join((text or "").split())


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis."""
    text = clean(text)
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 1)]
    if text[len(cut)] != " " and " " in cut:  # mid-word: drop the broken word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def shorten_block(text: str, limit: int) -> str:
    """A multi-line text cut to `limit` characters as a last resort (lines kept)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def items(text: str | None, *, commas: bool = False) -> list[str]:
    """The separate points in a free-text field: lines, semicolons, bullets (and commas)."""
    pattern = _SPLIT_ITEMS_AND_COMMAS if commas else _SPLIT_ITEMS
    found = []
    for part in pattern.split(text or ""):
        part = clean(part).strip(" .,;:-*•")
        if part:
            found.append(part)
    return found


def inline(text: str) -> str:
    """Typed text fit to follow a colon mid-sentence: 'Their new office' -> 'their new office'.

    Only a leading function word loses its capital; names, acronyms and everything else
    stay exactly as the user typed them.
    """
    text = clean(text)
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower() and first.lower() in _LOWERABLE:
        return text[0].lower() + text[1:]
    return text


def sentence(text: str) -> str:
    """`text` ending in exactly one full stop (a question or exclamation keeps its mark)."""
    text = clean(text).rstrip(" .,;:")
    if not text:
        return ""
    return text if text[-1] in "?!…" else text + "."


def join(*parts: str, sep: str = " ") -> str:
    """The non-empty parts joined by `sep`."""
    return sep.join(p for p in parts if p)


def paragraphs(*parts: str) -> str:
    """Paragraphs separated by one blank line; empty ones dropped."""
    return "\n\n".join(p.strip() for p in parts if p and p.strip())
