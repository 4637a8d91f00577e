"""What the screens show, read for the logged-in user: the pages' queries, kept out of the views.

No blueprint here: server/pages.py renders these. Every query is scoped to the user.
"""

from __future__ import annotations

import functools
import uuid
import zoneinfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .cards import unreviewed_scans
from .contacts import search
from .db import db
from .db import utcnow
from .models import Contact
from .models import InterviewContact
from .models import Task
from .models import User
from .tasks import end_of_today
from .tasks import local_midnight

# How many upcoming tasks the Today screen lists after what is due now.
UPCOMING = 5


def _pending(user: User):
    return (
        sa.select(Task)
        .where(Task.user_id == user.id, Task.status == "pending")
        .options(selectinload(Task.contact), selectinload(Task.interview))
        .order_by(Task.due_at)
    )


def today(user: User, highlight: str | None = None) -> dict:
    """Due now (overdue first, then the rest of today), the next few, and cards to review.

    `highlight` is a task id from a notification's deep link (?task=): that task is marked,
    and shown on its own when it is in neither list (done already, or further ahead).
    """
    boundary = end_of_today(user.timezone)
    due = db.session.scalars(_pending(user).where(Task.due_at < boundary)).all()
    upcoming = db.session.scalars(
        _pending(user).where(Task.due_at >= boundary).limit(UPCOMING)
    ).all()
    focus, focus_id = None, None
    try:
        focus_id = uuid.UUID(highlight) if highlight else None
    except ValueError:
        focus_id = None
    if focus_id is not None and all(task.id != focus_id for task in (*due, *upcoming)):
        task = db.session.get(Task, focus_id)
        focus = task if task is not None and task.user_id == user.id else None
    return {
        "due": due,
        "upcoming": upcoming,
        "focus": focus,
        "highlight": focus_id,
        "cards": unreviewed_scans(user.id, limit=20),
        "now": utcnow(),
        "today_starts": local_midnight(user.timezone),
    }


def contacts(user: User, words: str = "") -> list[Contact]:
    """The user's contacts by name; `words` filters on name, company, title and email."""
    query = (
        sa.select(Contact)
        .where(Contact.user_id == user.id)
        .options(selectinload(Contact.links).selectinload(InterviewContact.interview))
        .order_by(sa.func.lower(Contact.name))
    )
    query = search(query, words)
    return db.session.scalars(query).all()


@functools.cache
def time_zones() -> tuple[str, ...]:
    """Every IANA zone the server knows, sorted (the Settings select)."""
    return tuple(sorted(zoneinfo.available_timezones()))


@functools.cache
def countries() -> tuple[tuple[str, str], ...]:
    """(code, name) for every country with a public-holiday table, by name."""
    from holidays import registry

    seen: dict[str, str] = {}
    for key, names in registry.COUNTRIES.items():
        code = names[1]
        if len(code) == 2 and code not in seen:
            seen[code] = key.replace("_", " ").title()
    return tuple(sorted(seen.items(), key=lambda item: item[1]))
