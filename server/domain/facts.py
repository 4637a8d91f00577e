"""The plain data the planner and the drafts share: the people, the interview, the settings.

Frozen dataclasses with no behaviour, so `followup` (the plan) and `messages` (the drafts)
both read them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime


@dataclass(frozen=True)
class Person:
    """A contact linked to the interview, with the role they play in it."""

    id: str
    name: str
    title: str = ""
    company: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[tuple[str, str], ...] = ()  # (number, type): mobile | work | fax | other
    address: str = ""
    role: str = "interviewer"  # interviewer | referral | reference | other


@dataclass(frozen=True)
class InterviewFacts:
    """What the planner needs to know about one interview and what was agreed at it."""

    id: str
    company: str
    position: str = ""
    held_at: datetime | None = None  # aware; None means now (naive: the user's local time)
    status: str = "awaiting_decision"
    decision_expected_on: date | None = None
    follow_up_wanted: bool | None = None  # None: nothing agreed; False: they asked not to
    follow_up_on: date | None = None
    follow_up_channel: str | None = None  # email | phone | in_person
    not_before: date | None = None
    concerns: str = ""
    interests: str = ""
    points_to_recall: str = ""
    notes: str = ""
    value_add_touches: bool = False
    people: tuple[Person, ...] = ()
    round: int = 1  # 2 after a second interview, and so on


@dataclass(frozen=True)
class UserPrefs:
    """The account's settings that shape the plan."""

    zone: str = "UTC"
    reminder_hour: int = 9
    country: str | None = None
    working_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    user_name: str = ""
