"""Hand-offs to the phone's own apps: a contact as .vcf, the plan as .ics, the calendar feed.

The files are pages (not /api/): a missing or foreign row is a 404 page. The feed is read by
calendar apps that have no session, so it is found by an unguessable, revocable secret.
"""

from __future__ import annotations

import io
import re
import secrets
import uuid

import sqlalchemy as sa
from flask import Blueprint
from flask import current_app
from flask import request
from flask import send_file
from flask import url_for
from pydantic import BaseModel
from sqlalchemy.orm import selectinload

from .api import documented
from .api import owned
from .contacts import contact_json
from .db import db
from .domain.ics import tasks_calendar
from .domain.times import as_local
from .domain.vcard import contact_vcard
from .errors import ApiError
from .models import Contact
from .models import Interview
from .models import Task
from .models import User
from .security import current_user
from .security import login_required

bp = Blueprint("handoffs", __name__)

# Werkzeug adds "; charset=utf-8" to every text/* type.
VCARD_TYPE = "text/vcard"
CALENDAR_TYPE = "text/calendar"
PRIVATE = "private, no-store"


class CalendarFeedOut(BaseModel):
    feed_url: str
    webcal_url: str


def _file_name(text: str, fallback: str) -> str:
    """A download name from a person's or company's name: accents kept, path parts not."""
    cleaned = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', " ", text)
    return " ".join(cleaned.split())[:80] or fallback


def _download(data: bytes, mimetype: str, name: str):
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, download_name=name, as_attachment=True
    )
    response.headers["Cache-Control"] = PRIVATE
    return response


def met_at_note(contact: Contact, zone: str) -> str:
    """The note saying where the person was met, one line per interview."""
    lines = []
    for link in sorted(contact.links, key=lambda link: link.interview.held_at):
        interview = link.interview
        what = (
            f"{interview.company} ({interview.position})"
            if interview.position
            else interview.company
        )
        when = as_local(interview.held_at, zone).strftime("%d %b %Y")
        lines.append(f"Met at the interview with {what} on {when} ({link.role}).")
    return "\n".join(lines)


def _task_dict(task: Task, base: str) -> dict:
    return {
        "id": task.id,
        "title": task.title,
        "subject": task.subject,
        "body": task.body,
        "due_at": task.due_at,
        "channel": task.channel,
        "contact_name": task.contact.name if task.contact else "",
        "company": task.interview.company if task.interview else "",
        "interview_id": task.interview_id,
        "url": base + url_for("pages.interview", interview_id=task.interview_id)
        if task.interview_id
        else "",
    }


def _public_base() -> str:
    return (current_app.config.get("PUBLIC_URL") or request.url_root).rstrip("/")


def _pending(user_id: uuid.UUID, interview_id: uuid.UUID | None = None) -> list[Task]:
    query = (
        sa.select(Task)
        .where(Task.user_id == user_id, Task.status == "pending")
        .options(selectinload(Task.contact), selectinload(Task.interview))
        .order_by(Task.due_at)
    )
    if interview_id is not None:
        query = query.where(Task.interview_id == interview_id)
    return list(db.session.scalars(query))


def _calendar(user: User, tasks: list[Task], name: str):
    base = _public_base()
    return tasks_calendar([_task_dict(task, base) for task in tasks], name, user.timezone)


@bp.get("/contacts/<uuid:contact_id>.vcf")
@login_required
def contact_vcf(contact_id: uuid.UUID):
    contact = owned(Contact, contact_id, "contact")
    photo = contact.card_scans[-1].photo if contact.card_scans else None
    text = contact_vcard(
        contact_json(contact), photo, met_at_note(contact, current_user().timezone)
    )
    return _download(text.encode("utf-8"), VCARD_TYPE, _file_name(contact.name, "contact") + ".vcf")


@bp.get("/interviews/<uuid:interview_id>.ics")
@login_required
def interview_ics(interview_id: uuid.UUID):
    interview = owned(Interview, interview_id, "interview")
    user = current_user()
    data = _calendar(user, _pending(user.id, interview.id), f"Afterview: {interview.company}")
    name = _file_name(f"{interview.company} follow-up plan", "follow-up plan") + ".ics"
    return _download(data, CALENDAR_TYPE, name)


@bp.get("/calendar/<secret>.ics")
def feed(secret: str):
    user = None
    if 20 <= len(secret) <= 64:
        user = db.session.scalar(sa.select(User).where(User.calendar_secret == secret))
    if user is None:
        raise ApiError(
            404,
            "not_found",
            "This calendar address is not valid any more. Copy the current one from Afterview.",
        )
    response = current_app.response_class(
        _calendar(user, _pending(user.id), "Afterview"), mimetype=CALENDAR_TYPE
    )
    response.headers["Cache-Control"] = PRIVATE
    return response


def _feed_urls(user: User) -> dict:
    url = _public_base() + url_for("handoffs.feed", secret=user.calendar_secret)
    return CalendarFeedOut(
        feed_url=url, webcal_url=re.sub(r"^https?://", "webcal://", url)
    ).model_dump()


def _new_secret(user: User) -> dict:
    user.calendar_secret = secrets.token_urlsafe(32)
    db.session.commit()
    return _feed_urls(user)


@bp.get("/api/calendar")
@login_required
@documented(
    "The private calendar feed's address (made on first call); keep it secret",
    response=CalendarFeedOut,
)
def calendar_feed():
    user = current_user()
    if user.calendar_secret is None:
        return _new_secret(user)
    return _feed_urls(user)


@bp.post("/api/calendar/rotate")
@login_required
@documented("A new calendar feed address; the old one stops working", response=CalendarFeedOut)
def rotate_calendar_feed():
    return _new_secret(current_user())


@bp.delete("/api/calendar")
@login_required
@documented("Turn the calendar feed off: its address stops working", status=204)
def revoke_calendar_feed():
    current_user().calendar_secret = None
    db.session.commit()
    return "", 204
