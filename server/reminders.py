"""The reminder queue kept in step with the tasks: every pending task has one reminder row.

A session hook does it, so no code path that changes a task (re-plan, snooze, undo, a user's
own task) can forget its reminder.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .db import new_id
from .models import Reminder
from .models import Task


def sync_reminder(session: Session, task: Task) -> None:
    """Create, move or stand down the reminder of one task."""
    with session.no_autoflush:
        reminder = session.scalar(sa.select(Reminder).where(Reminder.task_id == task.id))
    # Column defaults apply at INSERT, after this hook: a new task without one is pending.
    if (task.status or "pending") != "pending":
        if reminder is not None and reminder.state == "due":
            reminder.state = "cancelled"
        return
    if reminder is None:
        session.add(
            Reminder(
                task=task,
                user_id=task.user_id,
                due_at=task.due_at,
                next_try_at=task.due_at,
                state="due",
            )
        )
    elif reminder.due_at != task.due_at:
        # Rescheduled or snoozed: remind again at the new time, with fresh retries.
        reminder.due_at = reminder.next_try_at = task.due_at
        reminder.state = "due"
        reminder.attempts = 0
        reminder.lease_until = None
        reminder.last_error = ""
    elif reminder.state == "cancelled":
        reminder.state = "due"  # undone before it was ever sent


@sa.event.listens_for(Session, "before_flush")
def _sync_changed_tasks(session: Session, flush_context, instances) -> None:
    for task in [*session.new, *session.dirty]:
        if isinstance(task, Task) and task not in session.deleted:
            if task.id is None:
                # Ids are minted in Python; a default not applied yet is applied now.
                task.id = new_id()
            sync_reminder(session, task)
