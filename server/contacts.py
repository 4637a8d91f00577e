"""Contacts: the people from the cards, each linked to any number of interviews."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import Blueprint
from flask import request
from flask import url_for
from sqlalchemy.orm import selectinload

from .api import apply_changes
from .api import create_once
from .api import documented
from .api import owned
from .api import parse_body
from .db import db
from .domain.duplicates import e164
from .domain.duplicates import possible_duplicates
from .domain.duplicates import Someone
from .domain.times import as_local
from .errors import ApiError
from .interviews import link_contact
from .models import CardScan
from .models import Contact
from .models import Interview
from .models import InterviewContact
from .models import Task
from .plan import replan_for_contact
from .plan import replan_interview
from .schemas import ContactCreate
from .schemas import ContactCreated
from .schemas import ContactOut
from .schemas import ContactPatch
from .schemas import DuplicateOut
from .schemas import MergeIn
from .security import current_user
from .security import login_required

bp = Blueprint("contacts", __name__, url_prefix="/api/contacts")

CONTACT_FIELDS = ("name", "title", "company", "emails", "phones", "website", "address", "notes")


def contact_json(contact: Contact, with_interviews: bool = True) -> dict:
    zone = current_user().timezone
    meetings = []
    if with_interviews:
        meetings = [
            {
                "id": link.interview.id,
                "company": link.interview.company,
                "position": link.interview.position,
                "held_at": as_local(link.interview.held_at, zone),
                "role": link.role,
            }
            for link in sorted(contact.links, key=lambda link: link.interview.held_at)
        ]
    card = contact.card_scans[-1] if contact.card_scans else None
    return ContactOut(
        id=contact.id,
        **{field: getattr(contact, field) for field in CONTACT_FIELDS},
        created_at=as_local(contact.created_at, zone),
        updated_at=as_local(contact.updated_at, zone),
        interviews=meetings,
        card_id=card.id if card else None,
        photo_url=url_for("cards.card_photo", card_id=card.id) if card else None,
    ).model_dump(mode="json")


def search(query: sa.Select, words: str) -> sa.Select:
    """`query` narrowed to contacts whose name, company, title or email contains `words`."""
    words = words.strip()[:100].lower()
    if not words:
        return query
    pattern = f"%{words}%"
    return query.where(
        sa.or_(
            sa.func.lower(Contact.name).like(pattern),
            sa.func.lower(Contact.company).like(pattern),
            sa.func.lower(Contact.title).like(pattern),
            sa.func.lower(sa.cast(Contact.emails, sa.String)).like(pattern),
        )
    )


@bp.get("")
@login_required
@documented(
    "List contacts by name; ?q= searches name, company, title and email", response=[ContactOut]
)
def list_contacts():
    query = sa.select(Contact).where(Contact.user_id == current_user().id)
    query = search(query, request.args.get("q", ""))
    query = query.options(selectinload(Contact.card_scans))
    contacts = db.session.scalars(query.order_by(sa.func.lower(Contact.name))).all()
    return [contact_json(row, with_interviews=False) for row in contacts]


@bp.post("")
@login_required
@documented(
    "Create a contact; interview_id and role link it at once; card_id keeps that card's photo. "
    "possible_duplicates lists contacts that may be the same person (never a 409)",
    ContactCreate,
    ContactCreated,
    201,
)
def create_contact():
    payload = parse_body(ContactCreate)
    user = current_user()
    interview = None
    if payload.interview_id is not None:
        interview = owned(Interview, payload.interview_id, "interview")
    card = None
    if payload.card_id is not None:
        card = owned(CardScan, payload.card_id, "card scan")
        if card.contact_id is not None and card.contact_id != payload.id:
            raise ApiError(
                409,
                "card_taken",
                "This card photo is already kept with another contact; save without card_id.",
            )

    def build(digest: str) -> Contact:
        fields = payload.model_dump(include=set(CONTACT_FIELDS))
        contact = Contact(user_id=user.id, create_hash=digest, **fields)
        if interview is not None:
            link_contact(interview, contact, payload.role or "interviewer")
        if card is not None:
            contact.card_scans.append(card)
        return contact

    contact, status = create_once(Contact, payload, build, then=replan_for_contact)
    return {**contact_json(contact), "possible_duplicates": duplicates_of(contact)}, status


def _someone(contact: Contact) -> Someone:
    return Someone(
        id=str(contact.id),
        name=contact.name,
        company=contact.company,
        emails=tuple(contact.emails or ()),
        phones=tuple(phone["number"] for phone in contact.phones or ()),
    )


def duplicates_of(contact: Contact) -> list[dict]:
    """The user's other contacts that may be the same person, as DuplicateOut JSON."""
    user = current_user()
    others = db.session.scalars(
        sa.select(Contact).where(Contact.user_id == user.id, Contact.id != contact.id)
    )
    found = possible_duplicates(_someone(contact), map(_someone, others), user.country)
    return [
        DuplicateOut(id=item.id, name=item.name, company=item.company, reason=item.reason)
        .model_dump(mode="json")
        for item in found
    ]


@bp.get("/<uuid:contact_id>")
@login_required
@documented("Read one contact with its interviews", response=ContactOut)
def read_contact(contact_id: uuid.UUID):
    return contact_json(owned(Contact, contact_id, "contact"))


@bp.patch("/<uuid:contact_id>")
@login_required
@documented("Change a contact", ContactPatch, ContactOut)
def change_contact(contact_id: uuid.UUID):
    contact = owned(Contact, contact_id, "contact")
    payload = parse_body(ContactPatch)
    changes = payload.model_dump(exclude_unset=True)
    apply_changes(contact, changes, then=lambda: replan_for_contact(contact))
    return contact_json(contact)


@bp.delete("/<uuid:contact_id>")
@login_required
@documented("Delete a contact (and its links to interviews, its card scans and photos)", status=204)
def delete_contact(contact_id: uuid.UUID):
    contact = owned(Contact, contact_id, "contact")
    interviews = [link.interview for link in contact.links]
    db.session.delete(contact)
    db.session.flush()
    for interview in interviews:
        replan_interview(interview)
    db.session.commit()
    return "", 204


MERGE_FILLED = ("title", "company", "website", "address")


def _phone_key(number: str, region: str | None) -> str:
    return e164(number, region) or "".join(char for char in number if char.isalnum()).lower()


@bp.post("/<uuid:contact_id>/merge")
@login_required
@documented(
    "Merge another contact into this one: every email, phone, photo, interview link and task "
    "moves here, empty fields are filled from it, and the other is deleted",
    MergeIn,
    ContactOut,
)
def merge_contact(contact_id: uuid.UUID):
    kept = owned(Contact, contact_id, "contact")
    payload = parse_body(MergeIn)
    other = owned(Contact, payload.other_id, "contact")
    if other.id == kept.id:
        raise ApiError(
            422, "same_contact", "A contact cannot be merged with itself.", field="other_id"
        )
    region = current_user().country

    emails = list(kept.emails)
    for email in other.emails:
        if email.casefold() not in {known.casefold() for known in emails}:
            emails.append(email)
    kept.emails = emails
    numbers = {_phone_key(phone["number"], region) for phone in kept.phones}
    phones = [dict(phone) for phone in kept.phones]
    for phone in other.phones:
        key = _phone_key(phone["number"], region)
        if key not in numbers:
            numbers.add(key)
            phones.append(dict(phone))
    kept.phones = phones
    for field in MERGE_FILLED:
        if not getattr(kept, field) and getattr(other, field):
            setattr(kept, field, getattr(other, field))
    if other.notes and other.notes not in kept.notes:
        kept.notes = f"{kept.notes}\n\n{other.notes}" if kept.notes else other.notes

    interviews = {link.interview_id: link.interview for link in [*kept.links, *other.links]}
    linked = {link.interview_id for link in kept.links}
    for link in list(other.links):
        if link.interview_id not in linked:
            moved = InterviewContact(interview=link.interview, contact=kept, role=link.role)
            moved.created_at = link.created_at
            db.session.add(moved)
        db.session.delete(link)
    for scan in list(other.card_scans):
        scan.contact = kept
    _move_tasks(other, kept)
    db.session.flush()
    # Forget the collections as loaded: the delete must not cascade to what has moved.
    db.session.expire(other, ["links", "card_scans"])
    db.session.delete(other)
    db.session.flush()
    for interview in interviews.values():
        replan_interview(interview)
    db.session.commit()
    return contact_json(kept)


def _move_tasks(other: Contact, kept: Contact) -> None:
    """The other's tasks become the kept one's; a planned task's key names the kept one, so a
    re-plan updates it in place (where the kept one already has that task, the other's pending
    copy goes and a finished one stays as history, unplanned)."""
    tasks = db.session.scalars(sa.select(Task).where(Task.contact_id == other.id)).all()
    for task in tasks:
        task.contact_id = kept.id
        if not task.plan_key or not task.plan_key.endswith(f":{other.id}"):
            continue
        key = task.plan_key.removesuffix(str(other.id)) + str(kept.id)
        taken = db.session.scalar(
            sa.select(Task.id).where(Task.interview_id == task.interview_id, Task.plan_key == key)
        )
        if taken is None:
            task.plan_key = key
        elif task.status == "pending" and not task.user_changed:
            db.session.delete(task)
        else:
            task.plan_key = None
