"""Interviews and the people met there."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import Blueprint

from .api import apply_changes
from .api import create_once
from .api import documented
from .api import owned
from .api import parse_body
from .db import db
from .db import utcnow
from .domain.times import as_local
from .domain.times import as_utc
from .errors import ApiError
from .models import CardScan
from .models import Contact
from .models import Interview
from .models import InterviewContact
from .plan import AGREEMENT_FIELDS
from .plan import replan_interview
from .schemas import InterviewCreate
from .schemas import InterviewOut
from .schemas import InterviewPatch
from .schemas import LinkIn
from .schemas import LinkOut
from .security import current_user
from .security import login_required
from .tasks import task_json

bp = Blueprint("interviews", __name__, url_prefix="/api/interviews")


def interview_json(interview: Interview, with_people: bool = True) -> dict:
    zone = current_user().timezone
    people, tasks = [], []
    if with_people:
        tasks = [task_json(task) for task in sorted(interview.tasks, key=lambda t: t.due_at)]
        people = [
            {
                "id": link.contact.id,
                "name": link.contact.name,
                "title": link.contact.title,
                "company": link.contact.company,
                "role": link.role,
            }
            for link in sorted(interview.links, key=lambda link: link.created_at)
        ]
    return InterviewOut(
        id=interview.id,
        company=interview.company,
        position=interview.position,
        held_at=as_local(interview.held_at, zone),
        location=interview.location,
        status=interview.status,
        notes=interview.notes,
        created_at=as_local(interview.created_at, zone),
        updated_at=as_local(interview.updated_at, zone),
        contacts=people,
        tasks=tasks,
        **{field: getattr(interview, field) for field in AGREEMENT_FIELDS},
    ).model_dump(mode="json")


def users_interviews() -> list[Interview]:
    return db.session.scalars(
        sa.select(Interview)
        .where(Interview.user_id == current_user().id)
        .order_by(Interview.held_at.desc())
    ).all()


@bp.get("")
@login_required
@documented("List interviews, newest first", response=[InterviewOut])
def list_interviews():
    return [interview_json(row, with_people=False) for row in users_interviews()]


@bp.post("")
@login_required
@documented("Create an interview (the phone may mint its id)", InterviewCreate, InterviewOut, 201)
def create_interview():
    payload = parse_body(InterviewCreate)
    user = current_user()

    def build(digest: str) -> Interview:
        fields = payload.model_dump(exclude={"id", "held_at"})
        held_at = as_utc(payload.held_at, user.timezone) if payload.held_at else utcnow()
        return Interview(user_id=user.id, create_hash=digest, held_at=held_at, **fields)

    interview, status = create_once(Interview, payload, build, then=replan_interview)
    return interview_json(interview), status


@bp.get("/<uuid:interview_id>")
@login_required
@documented("Read one interview with its people", response=InterviewOut)
def read_interview(interview_id: uuid.UUID):
    return interview_json(owned(Interview, interview_id, "interview"))


@bp.patch("/<uuid:interview_id>")
@login_required
@documented("Change an interview", InterviewPatch, InterviewOut)
def change_interview(interview_id: uuid.UUID):
    interview = owned(Interview, interview_id, "interview")
    payload = parse_body(InterviewPatch)
    changes = payload.model_dump(exclude_unset=True)
    if "held_at" in changes:
        changes["held_at"] = as_utc(changes["held_at"], current_user().timezone)
    if changes.get("status") == "second_interview" != interview.status:
        # Invited back: the plan starts again as the next round.
        changes["plan_round"] = interview.plan_round + 1
    apply_changes(interview, changes, then=lambda: replan_interview(interview))
    return interview_json(interview)


@bp.delete("/<uuid:interview_id>")
@login_required
@documented("Delete an interview (its people stay in Contacts)", status=204)
def delete_interview(interview_id: uuid.UUID):
    interview = owned(Interview, interview_id, "interview")
    # A card scanned there that no contact keeps is the interview's alone: it goes too.
    db.session.execute(
        sa.delete(CardScan).where(
            CardScan.interview_id == interview.id, CardScan.contact_id.is_(None)
        )
    )
    db.session.delete(interview)
    db.session.commit()
    return "", 204


def link_contact(interview: Interview, contact: Contact, role: str) -> InterviewContact:
    """Create or update the link; the caller commits."""
    link = db.session.get(InterviewContact, (interview.id, contact.id))
    if link is None:
        link = InterviewContact(interview=interview, contact=contact, role=role)
        db.session.add(link)
    else:
        link.role = role
    return link


@bp.put("/<uuid:interview_id>/contacts/<uuid:contact_id>")
@login_required
@documented("Link a contact to an interview in a role", LinkIn, LinkOut)
def put_link(interview_id: uuid.UUID, contact_id: uuid.UUID):
    interview = owned(Interview, interview_id, "interview")
    contact = owned(Contact, contact_id, "contact")
    payload = parse_body(LinkIn, allow_empty=True)
    link_contact(interview, contact, payload.role)
    replan_interview(interview)
    db.session.commit()
    return {"interview_id": interview.id, "contact_id": contact.id, "role": payload.role}


@bp.delete("/<uuid:interview_id>/contacts/<uuid:contact_id>")
@login_required
@documented("Unlink a contact from an interview (the contact stays)", status=204)
def delete_link(interview_id: uuid.UUID, contact_id: uuid.UUID):
    interview = owned(Interview, interview_id, "interview")
    contact = owned(Contact, contact_id, "contact")
    link = db.session.get(InterviewContact, (interview.id, contact.id))
    if link is None:
        raise ApiError(404, "not_linked", "This contact is not linked to this interview.")
    db.session.delete(link)
    replan_interview(interview)
    db.session.commit()
    return "", 204
