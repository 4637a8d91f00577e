"""Re-planning: turns an interview's rows into facts, asks the pure planner, stores the tasks.

Runs synchronously in the request that changed something the plan depends on. A planned task
is keyed by (interview, plan_key) and updated in place, so its id never changes; tasks that
are done, skipped or that the user changed keep what the user gave them.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from .db import db
from .db import utcnow
from .domain.facts import InterviewFacts
from .domain.facts import Person
from .domain.facts import UserPrefs
from .domain.followup import plan
from .domain.followup import PlannedTask
from .models import Contact
from .models import Interview
from .models import Task
from .models import User

AGREEMENT_FIELDS = (
    "decision_expected_on",
    "follow_up_wanted",
    "follow_up_on",
    "follow_up_channel",
    "not_before",
    "concerns",
    "interests",
    "points_to_recall",
    "value_add_touches",
)


def prefs_for(user: User) -> UserPrefs:
    return UserPrefs(
        zone=user.timezone,
        reminder_hour=user.reminder_hour,
        country=user.country,
        working_days=tuple(user.working_days),
        user_name=user.name,
    )


def facts_for(interview: Interview) -> InterviewFacts:
    people = tuple(
        Person(
            id=str(link.contact.id),
            name=link.contact.name,
            title=link.contact.title,
            company=link.contact.company,
            emails=tuple(link.contact.emails),
            phones=tuple((phone["number"], phone["type"]) for phone in link.contact.phones),
            address=link.contact.address,
            role=link.role,
        )
        for link in sorted(interview.links, key=lambda link: link.created_at)
    )
    return InterviewFacts(
        id=str(interview.id),
        company=interview.company,
        position=interview.position,
        held_at=interview.held_at,
        status=interview.status,
        notes=interview.notes,
        round=interview.plan_round,
        people=people,
        **{field: getattr(interview, field) for field in AGREEMENT_FIELDS},
    )


def plan_key(task: PlannedTask) -> str:
    """(round, kind, contact): a second interview's thank-you is a new task, not the first's."""
    return f"{task.round}:{task.kind}:{task.contact_id or '-'}"


def replan_interview(interview: Interview, now: datetime | None = None) -> None:
    """Bring the interview's planned tasks in line with its facts; the caller commits."""
    db.session.flush()
    db.session.refresh(interview)
    planned = plan(facts_for(interview), prefs_for(interview.user), now or utcnow())
    existing = {
        task.plan_key: task
        for task in db.session.scalars(
            sa.select(Task).where(Task.interview_id == interview.id, Task.plan_key.is_not(None))
        )
    }
    wanted = {plan_key(task): task for task in planned}
    for key, task in existing.items():
        # A pending task the plan no longer has (a person unlinked, a rejection) goes;
        # what the user finished stays as history.
        if key not in wanted and task.status == "pending":
            db.session.delete(task)
    for key, new in wanted.items():
        task = existing.get(key)
        if task is None:
            task = Task(
                user_id=interview.user_id,
                interview_id=interview.id,
                plan_key=key,
                create_hash="",
                status="pending",
            )
            db.session.add(task)
        elif task.status != "pending" or task.user_changed:
            continue
        task.kind = new.kind
        task.contact_id = uuid.UUID(new.contact_id) if new.contact_id else None
        if task.planned_at is None or task.planned_at != new.ideal_at:
            task.due_at = new.due_at
            task.planned_at = new.ideal_at
        task.channel = new.channel
        task.title = new.title[:200]
        task.subject = new.subject[:300]
        task.body = new.body


def replan_for_contact(contact: Contact, now: datetime | None = None) -> None:
    """A linked contact changed (name, email, address): every interview it is in re-plans."""
    for link in list(contact.links):
        replan_interview(link.interview, now)
