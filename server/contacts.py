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
from .domain.times import as_local
from .errors import ApiError
from .interviews import link_contact
from .models import CardScan
from .models import Contact
from .models import Interview
from .plan import replan_for_contact
from .plan import replan_interview
from .schemas import ContactCreate
from .schemas import ContactOut
from .schemas import ContactPatch
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


@bp.get("")
@login_required
@documented(
    "List contacts by name; ?q= searches name, company, title and email", response=[ContactOut]
)
def list_contacts():
    query = sa.select(Contact).where(Contact.user_id == current_user().id)
    words = request.args.get("q", "").strip()[:100]
    if words:
        pattern = f"%{words.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Contact.name).like(pattern),
                sa.func.lower(Contact.company).like(pattern),
                sa.func.lower(Contact.title).like(pattern),
                sa.func.lower(sa.cast(Contact.emails, sa.String)).like(pattern),
            )
        )
    query = query.options(selectinload(Contact.card_scans))
    contacts = db.session.scalars(query.order_by(sa.func.lower(Contact.name))).all()
    return [contact_json(row, with_interviews=False) for row in contacts]


@bp.post("")
@login_required
@documented(
    "Create a contact; interview_id and role link it at once; card_id keeps that card's photo",
    ContactCreate,
    ContactOut,
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
    return contact_json(contact), status


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
