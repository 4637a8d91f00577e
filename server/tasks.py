"""Tasks: the plan's and the user's own; done, skip, snooze and undo, all replay-safe."""

from __future__ import annotations

import uuid
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint
from flask import request

from .api import apply_changes
from .api import create_once
from .api import documented
from .api import owned
from .api import parse_body
from .db import db
from .db import utcnow
from .domain.snooze import snoozed_until
from .domain.times import as_local
from .domain.times import as_utc
from .domain.workdays import WorkCalendar
from .errors import ApiError
from .models import Contact
from .models import Interview
from .models import Task
from .schemas import TaskAction
from .schemas import TaskCreate
from .schemas import TaskOut
from .schemas import TaskPatch
from .schemas import TaskSnooze
from .security import current_user
from .security import login_required

bp = Blueprint("tasks", __name__, url_prefix="/api/tasks")

VIEWS = ("today", "upcoming", "done")
# What /undo restores.
UNDOABLE = ("status", "due_at", "completed_at", "user_changed")


def task_json(task: Task) -> dict:
    zone = current_user().timezone
    return TaskOut(
        id=task.id,
        interview_id=task.interview_id,
        contact_id=task.contact_id,
        kind=task.kind,
        due_at=as_local(task.due_at, zone),
        channel=task.channel,
        title=task.title,
        subject=task.subject,
        body=task.body,
        status=task.status,
        completed_at=task.completed_at and as_local(task.completed_at, zone),
        user_changed=task.user_changed,
        contact_name=task.contact.name if task.contact else "",
        company=task.interview.company if task.interview else "",
        can_undo=bool(task.undo_state),
    ).model_dump(mode="json")


def local_midnight(zone: str, days_ahead: int = 0) -> datetime:
    """The UTC instant of midnight in `zone`, today (0) or `days_ahead` days later."""
    local_today = utcnow().astimezone(ZoneInfo(zone)).date()
    return as_utc(datetime.combine(local_today + timedelta(days=days_ahead), time()), zone)


def end_of_today(zone: str) -> datetime:
    return local_midnight(zone, 1)


@bp.get("")
@login_required
@documented(
    "List tasks: ?view=today (due by tonight, overdue first), upcoming, done", response=[TaskOut]
)
def list_tasks():
    user = current_user()
    view = request.args.get("view", "today")
    if view not in VIEWS:
        raise ApiError(400, "bad_view", f"view must be one of {', '.join(VIEWS)}.")
    query = sa.select(Task).where(Task.user_id == user.id)
    boundary = end_of_today(user.timezone)
    if view == "today":
        query = query.where(Task.status == "pending", Task.due_at < boundary)
    elif view == "upcoming":
        query = query.where(Task.status == "pending", Task.due_at >= boundary)
    else:
        query = query.where(Task.status != "pending")
    order = Task.completed_at.desc() if view == "done" else Task.due_at
    return [task_json(task) for task in db.session.scalars(query.order_by(order).limit(500))]


@bp.post("")
@login_required
@documented("Add a task of your own", TaskCreate, TaskOut, 201)
def create_task():
    payload = parse_body(TaskCreate)
    user = current_user()
    if payload.interview_id:
        owned(Interview, payload.interview_id, "interview")
    if payload.contact_id:
        owned(Contact, payload.contact_id, "contact")

    def build(digest: str) -> Task:
        fields = payload.model_dump(exclude={"id", "due_at"})
        return Task(
            user_id=user.id,
            create_hash=digest,
            kind="custom",
            due_at=as_utc(payload.due_at, user.timezone),
            user_changed=True,
            **fields,
        )

    task, status = create_once(Task, payload, build)
    return task_json(task), status


@bp.patch("/<uuid:task_id>")
@login_required
@documented("Reschedule or edit a task (the plan then keeps what you gave it)", TaskPatch, TaskOut)
def change_task(task_id: uuid.UUID):
    task = owned(Task, task_id, "task")
    changes = parse_body(TaskPatch).model_dump(exclude_unset=True)
    if "due_at" in changes:
        changes["due_at"] = as_utc(changes["due_at"], current_user().timezone)
    apply_changes(task, {**changes, "user_changed": True})
    return task_json(task)


def _act(task: Task, action: TaskAction, change: dict) -> dict:
    """Apply `change` once: a replayed action id, or a change that is already so, is a no-op."""
    if action.action_id and action.action_id == task.last_action_id:
        return task_json(task)
    if all(getattr(task, field) == value for field, value in change.items()):
        return task_json(task)
    task.undo_state = {
        field: (value.isoformat() if isinstance(value, datetime) else value)
        for field in UNDOABLE
        for value in [getattr(task, field)]
    }
    task.last_action_id = action.action_id
    apply_changes(task, change)
    return task_json(task)


def _finish(task_id: uuid.UUID, status: str) -> dict:
    """Mark done or skipped; already so (or a replayed action) changes nothing."""
    task = owned(Task, task_id, "task")
    action = parse_body(TaskAction, allow_empty=True)
    if task.status == status:
        return task_json(task)
    return _act(task, action, {"status": status, "completed_at": utcnow()})


@bp.post("/<uuid:task_id>/done")
@login_required
@documented("Mark a task done", TaskAction, TaskOut)
def mark_done(task_id: uuid.UUID):
    return _finish(task_id, "done")


@bp.post("/<uuid:task_id>/skip")
@login_required
@documented("Skip a task", TaskAction, TaskOut)
def skip(task_id: uuid.UUID):
    return _finish(task_id, "skipped")


@bp.post("/<uuid:task_id>/snooze")
@login_required
@documented('Snooze a task: until "1h", "tomorrow" or "next_working_day"', TaskSnooze, TaskOut)
def snooze(task_id: uuid.UUID):
    task = owned(Task, task_id, "task")
    action = parse_body(TaskSnooze)
    user = current_user()
    until = snoozed_until(
        action.until,
        utcnow(),
        user.timezone,
        user.reminder_hour,
        WorkCalendar.of(user.working_days, user.country),
    )
    if (
        task.status == "pending"
        and task.user_changed
        and abs(task.due_at - until) < timedelta(minutes=2)
    ):
        return task_json(task)  # the same snooze, replayed
    change = {"status": "pending", "due_at": until, "completed_at": None, "user_changed": True}
    return _act(task, action, change)


@bp.post("/<uuid:task_id>/undo")
@login_required
@documented("Undo the last done, skip or snooze", TaskAction, TaskOut)
def undo(task_id: uuid.UUID):
    task = owned(Task, task_id, "task")
    parse_body(TaskAction, allow_empty=True)
    if not task.undo_state:
        return task_json(task)
    state = dict(task.undo_state)
    for field in ("due_at", "completed_at"):
        if state.get(field):
            state[field] = datetime.fromisoformat(state[field])
    apply_changes(task, {**state, "undo_state": None, "last_action_id": None})
    return task_json(task)


@bp.delete("/<uuid:task_id>")
@login_required
@documented("Delete a task of your own (planned ones are skipped instead)", status=204)
def delete_task(task_id: uuid.UUID):
    task = owned(Task, task_id, "task")
    if task.plan_key is not None:
        raise ApiError(409, "planned_task", "A planned task cannot be deleted; skip it instead.")
    db.session.delete(task)
    db.session.commit()
    return "", 204
