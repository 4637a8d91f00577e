"""Is a read field right? The card set's scoring rules, for `afterview eval` to print
per-field accuracy and how well the flags point at the wrong fields.

Text fields match after Unicode folding, case and edge punctuation; emails as a set;
websites without scheme, "www." and trailing slash; addresses by word overlap (F1 >= 0.8);
phones one to one by their digits (a country code or trunk "0" may be missing on one side).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

FIELDS = ("name", "title", "company", "emails", "phones", "website", "address")
ADDRESS_F1 = 0.8


def _text(value: Any) -> str | None:
    if not value:
        return None
    text = " ".join(unicodedata.normalize("NFKC", str(value)).casefold().split())
    text = re.sub(r"^[\W_]+|[\W_]+$", "", text)
    return text or None


def _website(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text.replace(" ", ""))
    return text.removeprefix("www.").rstrip("/") or None


def _f1(a: str, b: str) -> float:
    ta, tb = Counter(re.findall(r"\w+", a)), Counter(re.findall(r"\w+", b))
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    precision, recall = common / sum(tb.values()), common / sum(ta.values())
    return 2 * precision * recall / (precision + recall)


def _digits(phone: Any) -> str:
    number = phone.get("number", "") if isinstance(phone, dict) else str(phone)
    return re.sub(r"\D", "", number).lstrip("0")


def _same_number(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return len(short) >= 6 and long.endswith(short) and len(long) - len(short) <= 3


def _phones_right(truth: list, pred: list) -> bool:
    if len(truth) != len(pred):
        return False
    left = [_digits(p) for p in pred]
    for number in (_digits(p) for p in truth):
        match = next((i for i, other in enumerate(left) if _same_number(number, other)), None)
        if match is None:
            return False
        left.pop(match)
    return True


def field_right(field: str, truth: dict[str, Any], pred: dict[str, Any]) -> bool:
    """Whether the predicted `field` matches the truth under the card set's rules."""
    want, got = truth.get(field), pred.get(field)
    if field == "emails":
        return {_text(e) for e in want or []} == {_text(e) for e in got or []}
    if field == "phones":
        return _phones_right(want or [], got or [])
    if field == "website":
        return _website(want) == _website(got)
    if field == "address":
        a, b = _text(want), _text(got)
        if a is None or b is None:
            return a is None and b is None
        return _f1(a, b) >= ADDRESS_F1
    return _text(want) == _text(got)
