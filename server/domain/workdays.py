"""Working days: the user's working weekdays minus the public holidays of their country.

Pure: the holiday tables come from the `holidays` package (data shipped in the wheel, no I/O
at run time). No country means weekends only are non-working; an unknown country code or an
empty list of working days falls back to the safe defaults instead of failing a re-plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from functools import lru_cache

import holidays

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WORKING_DAYS: tuple[str, ...] = WEEKDAYS[:5]

# A year always has working days unless every weekday is off; this bound stops a search
# through a calendar that somehow has none (it then answers the plain next day).
_SEARCH_LIMIT = 366


@lru_cache(maxsize=512)
def public_holidays(country: str, year: int) -> frozenset[date]:
    """The public holidays of `country` (ISO 3166 alpha-2) in `year`; empty if unknown.

    A frozenset per (country, year), cached: immutable, so safe to share between the
    server's threads (a `holidays` object fills itself lazily and is not).
    """
    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except NotImplementedError:
        return frozenset()


def _weekday_numbers(names: Iterable[str]) -> frozenset[int]:
    numbers = set()
    for name in names:
        key = str(name).strip().lower()[:3]
        if key in WEEKDAYS:
            numbers.add(WEEKDAYS.index(key))
    return frozenset(numbers)


@dataclass(frozen=True)
class WorkCalendar:
    """Which dates are working days for one user."""

    weekdays: frozenset[int]
    country: str | None = None

    @classmethod
    def of(cls, working_days: Iterable[str], country: str | None) -> WorkCalendar:
        """A calendar from the account's settings, tolerant of case and full day names."""
        weekdays = _weekday_numbers(working_days) or _weekday_numbers(DEFAULT_WORKING_DAYS)
        code = (country or "").strip().upper() or None
        return cls(weekdays=weekdays, country=code)

    def is_working(self, day: date) -> bool:
        """True when `day` is one of the working weekdays and not a public holiday."""
        if day.weekday() not in self.weekdays:
            return False
        return not (self.country and day in public_holidays(self.country, day.year))

    def on_or_after(self, day: date) -> date:
        """The first working day on or after `day`."""
        candidate = day
        for _ in range(_SEARCH_LIMIT):
            if self.is_working(candidate):
                return candidate
            candidate += timedelta(days=1)
        return day

    def after(self, day: date, count: int = 1) -> date:
        """The `count`-th working day strictly after `day` (count >= 1)."""
        current = day
        for _ in range(max(count, 1)):
            current = self.on_or_after(current + timedelta(days=1))
        return current
