"""The user's data in the user's hands: GET /api/export (a zip), POST /api/import (that zip).

The zip holds `afterview.json` (everything, described by ExportDocument below and in the
README), `photos/<card id>.jpg` (the kept card photos), `contacts.vcf` and `tasks.ics` (the
pending tasks) for other apps. Never in it: the password hash, session tokens, push
subscriptions, the calendar feed's secret.

An import goes into an empty account only, in one transaction: rows whose ids are taken (by
anyone) get new ones, and every link, task, card and planned task's key follows them.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import uuid
import zipfile
import zlib
from datetime import date
from datetime import UTC
from typing import Annotated
from typing import Literal

import sqlalchemy as sa
from flask import Blueprint
from flask import request
from flask import send_file
from pydantic import AwareDatetime
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StringConstraints
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm import undefer

from .api import documented
from .api import validation_error
from .db import db
from .db import new_id
from .db import utcnow
from .domain.times import as_local
from .errors import ApiError
from .errors import too_large
from .handoffs import met_at_note
from .models import CardScan
from .models import Contact
from .models import Interview
from .models import InterviewContact
from .models import Task
from .models import User
from .plan import AGREEMENT_FIELDS
from .schemas import Channel
from .schemas import Country
from .schemas import Role
from .schemas import Status
from .schemas import TaskChannel
from .schemas import TimeZone
from .schemas import Weekday
from .security import current_user
from .security import login_required
from .tasks import task_json

bp = Blueprint("export", __name__, url_prefix="/api")

FORMAT = "afterview-export"
VERSION = 1
DOCUMENT = "afterview.json"
# Bounds on what an import reads, whatever the zip claims: a zip bomb is refused, not inflated.
MAX_MEMBERS = 20_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_DOCUMENT = 20 * 1024 * 1024
MAX_PHOTO = 10 * 1024 * 1024
MAX_ROWS = 20_000
JPEG_START = b"\xff\xd8\xff"


def _text(max_length: int, min_length: int = 0):
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length)]


LongText = _text(100_000)


# --- the document -----------------------------------------------------------------------------


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AccountData(Part):
    """Settings; `email` is informational (an import keeps the importing account's)."""

    email: str = ""
    name: _text(200) = ""
    timezone: TimeZone = "UTC"
    country: Country | None = None
    reminder_hour: Annotated[int, Field(ge=0, le=23)] = 9
    working_days: Annotated[list[Weekday], Field(min_length=1, max_length=7)] = [
        "mon", "tue", "wed", "thu", "fri"
    ]  # fmt: skip


class InterviewData(Part):
    id: uuid.UUID
    company: _text(200, 1)
    position: _text(200) = ""
    held_at: AwareDatetime
    location: _text(300) = ""
    status: Status = "awaiting_decision"
    notes: LongText = ""
    decision_expected_on: date | None = None
    follow_up_wanted: bool | None = None
    follow_up_on: date | None = None
    follow_up_channel: Channel | None = None
    not_before: date | None = None
    concerns: LongText = ""
    interests: LongText = ""
    points_to_recall: LongText = ""
    value_add_touches: bool = False
    plan_round: Annotated[int, Field(ge=1, le=1000)] = 1
    created_at: AwareDatetime
    updated_at: AwareDatetime


class PhoneData(Part):
    number: _text(50, 1)
    type: Literal["mobile", "work", "fax", "other"] = "other"


class ContactData(Part):
    id: uuid.UUID
    name: _text(200, 1)
    title: _text(200) = ""
    company: _text(200) = ""
    emails: Annotated[list[_text(254, 1)], Field(max_length=100)] = []
    phones: Annotated[list[PhoneData], Field(max_length=100)] = []
    website: _text(300) = ""
    address: _text(500) = ""
    notes: LongText = ""
    created_at: AwareDatetime
    updated_at: AwareDatetime


class LinkData(Part):
    interview_id: uuid.UUID
    contact_id: uuid.UUID
    role: Role = "interviewer"
    created_at: AwareDatetime | None = None


class TaskData(Part):
    id: uuid.UUID
    interview_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    plan_key: _text(80) | None = Field(None, description="round:kind:contact of a planned task")
    kind: _text(32, 1) = "custom"
    due_at: AwareDatetime
    planned_at: AwareDatetime | None = None
    channel: TaskChannel = "other"
    title: _text(200, 1)
    subject: _text(300) = ""
    body: LongText = ""
    status: Literal["pending", "done", "skipped"] = "pending"
    completed_at: AwareDatetime | None = None
    user_changed: bool = False
    created_at: AwareDatetime
    updated_at: AwareDatetime


class CardData(Part):
    id: uuid.UUID
    interview_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    engine: _text(16, 1)
    result: dict
    created_at: AwareDatetime
    photo: Annotated[str, StringConstraints(pattern=r"^photos/[A-Za-z0-9_-]{1,64}\.jpg$")]


def _rows(model):
    return Annotated[list[model], Field(max_length=MAX_ROWS)]


class ExportDocument(Part):
    format: Literal["afterview-export"]
    version: Literal[1]
    exported_at: AwareDatetime
    account: AccountData
    interviews: _rows(InterviewData) = []
    contacts: _rows(ContactData) = []
    links: Annotated[list[LinkData], Field(max_length=10 * MAX_ROWS)] = []
    tasks: Annotated[list[TaskData], Field(max_length=10 * MAX_ROWS)] = []
    cards: _rows(CardData) = []


class ImportOut(BaseModel):
    interviews: int
    contacts: int
    links: int
    tasks: int
    cards: int
    renumbered: int = Field(description="rows given a new id because theirs was taken")


# --- export -----------------------------------------------------------------------------------

INTERVIEW_FIELDS = ("company", "position", "location", "status", "notes", "plan_round")
CONTACT_FIELDS = ("name", "title", "company", "emails", "phones", "website", "address", "notes")
TASK_FIELDS = (
    "interview_id", "contact_id", "plan_key", "kind", "channel", "title", "subject", "body",
    "status", "user_changed",
)  # fmt: skip


def _local(moment, zone: str):
    return as_local(moment, zone) if moment is not None else None


def build_document(user: User) -> dict:
    """Everything of the user's, as afterview.json (times in the user's zone, with offsets)."""
    zone = user.timezone
    interviews = db.session.scalars(
        sa.select(Interview).where(Interview.user_id == user.id).order_by(Interview.created_at)
    ).all()
    contacts = db.session.scalars(
        sa.select(Contact).where(Contact.user_id == user.id).order_by(Contact.created_at)
    ).all()
    links = db.session.scalars(
        sa.select(InterviewContact)
        .join(Interview)
        .where(Interview.user_id == user.id)
        .order_by(InterviewContact.created_at)
    ).all()
    tasks = db.session.scalars(
        sa.select(Task).where(Task.user_id == user.id).order_by(Task.created_at, Task.due_at)
    ).all()
    cards = db.session.scalars(
        sa.select(CardScan)
        .where(CardScan.user_id == user.id)
        .options(undefer(CardScan.result))
        .order_by(CardScan.created_at)
    ).all()
    document = ExportDocument(
        format=FORMAT,
        version=VERSION,
        exported_at=as_local(utcnow(), zone),
        account=AccountData(
            email=user.email,
            name=user.name,
            timezone=user.timezone,
            country=user.country,
            reminder_hour=user.reminder_hour,
            working_days=user.working_days,
        ),
        interviews=[
            InterviewData(
                id=row.id,
                held_at=_local(row.held_at, zone),
                created_at=_local(row.created_at, zone),
                updated_at=_local(row.updated_at, zone),
                **{field: getattr(row, field) for field in INTERVIEW_FIELDS + AGREEMENT_FIELDS},
            )
            for row in interviews
        ],
        contacts=[
            ContactData(
                id=row.id,
                created_at=_local(row.created_at, zone),
                updated_at=_local(row.updated_at, zone),
                **{field: getattr(row, field) for field in CONTACT_FIELDS},
            )
            for row in contacts
        ],
        links=[
            LinkData(
                interview_id=row.interview_id,
                contact_id=row.contact_id,
                role=row.role,
                created_at=_local(row.created_at, zone),
            )
            for row in links
        ],
        tasks=[
            TaskData(
                id=row.id,
                due_at=_local(row.due_at, zone),
                planned_at=_local(row.planned_at, zone),
                completed_at=_local(row.completed_at, zone),
                created_at=_local(row.created_at, zone),
                updated_at=_local(row.updated_at, zone),
                **{field: getattr(row, field) for field in TASK_FIELDS},
            )
            for row in tasks
        ],
        cards=[
            CardData(
                id=row.id,
                interview_id=row.interview_id,
                contact_id=row.contact_id,
                engine=row.engine,
                result=row.result,
                created_at=_local(row.created_at, zone),
                photo=f"photos/{row.id}.jpg",
            )
            for row in cards
        ],
    )
    return document.model_dump(mode="json")


def _photo(card_id: uuid.UUID) -> bytes:
    """One photo at a time: an export never holds every photo in memory."""
    return db.session.scalar(sa.select(CardScan.photo).where(CardScan.id == card_id))


def _contacts_vcf(user: User) -> str:
    from .domain.vcard import contacts_vcf

    contacts = db.session.scalars(
        sa.select(Contact)
        .where(Contact.user_id == user.id)
        .options(selectinload(Contact.links), selectinload(Contact.card_scans))
        .order_by(sa.func.lower(Contact.name))
    ).all()
    items = []
    for contact in contacts:
        fields = {field: getattr(contact, field) for field in CONTACT_FIELDS}
        photo = _photo(contact.card_scans[-1].id) if contact.card_scans else None
        items.append(
            ({"id": str(contact.id), **fields}, photo, met_at_note(contact, user.timezone))
        )
    return contacts_vcf(items)


def _tasks_ics(user: User) -> bytes:
    from .domain.ics import tasks_calendar

    pending = db.session.scalars(
        sa.select(Task)
        .where(Task.user_id == user.id, Task.status == "pending")
        .options(selectinload(Task.contact), selectinload(Task.interview))
        .order_by(Task.due_at)
    ).all()
    return tasks_calendar([task_json(task) for task in pending], "Afterview", user.timezone)


@bp.get("/export")
@login_required
@documented(
    "Everything in the account as a zip: afterview.json, photos/<card id>.jpg, contacts.vcf "
    "and tasks.ics (pending tasks)"
)
def export_data():
    user = current_user()
    document = build_document(user)
    archive_file = tempfile.TemporaryFile()
    with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
        text = json.dumps(document, ensure_ascii=False, indent=2)
        archive.writestr(DOCUMENT, text)
        for card in document["cards"]:
            # JPEG does not compress: stored as is.
            photo = _photo(uuid.UUID(card["id"]))
            archive.writestr(card["photo"], photo, compress_type=zipfile.ZIP_STORED)
        archive.writestr("contacts.vcf", _contacts_vcf(user))
        archive.writestr("tasks.ics", _tasks_ics(user))
    archive_file.seek(0)
    day = as_local(utcnow(), user.timezone).date().isoformat()
    response = send_file(
        archive_file,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"afterview-export-{day}.zip",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# --- import -----------------------------------------------------------------------------------


def _refuse(error: str, message: str) -> ApiError:
    return ApiError(400, error, message)


def _uploaded_zip():
    """The zip as a seekable file: the multipart `file` field, or the raw body."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise _refuse(
                "no_file",
                'Attach the export (afterview-export-....zip) as a file field named "file".',
            )
        return upload.stream
    data = request.get_data(cache=False)
    limit = request.max_content_length
    if limit and len(data) >= limit:
        raise too_large(limit)
    if not data:
        raise _refuse("empty_body", 'Send the export zip, as the body or as the field "file".')
    return io.BytesIO(data)


def _unsafe(name: str) -> bool:
    return (
        name.startswith("/")
        or "\\" in name
        or bool(re.match(r"^[A-Za-z]:", name))
        or any(part in ("..", ".") for part in name.split("/"))
        or any(ord(char) < 32 for char in name)
    )


def open_archive(stream) -> zipfile.ZipFile:
    """The zip, checked before anything is inflated: members, their names, the total size."""
    try:
        archive = zipfile.ZipFile(stream)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _refuse(
            "not_a_zip", "This file is not a zip. Upload the afterview-export-....zip as exported."
        ) from None
    if len(members) > MAX_MEMBERS:
        raise _refuse("too_many_files", f"The zip has over {MAX_MEMBERS} files; refused.")
    names = set()
    for member in members:
        if _unsafe(member.filename):
            raise _refuse(
                "unsafe_path", f"The zip names a file outside itself ({member.filename[:100]!r})."
            )
        if member.filename in names:
            raise _refuse("duplicate_file", f"The zip holds {member.filename[:100]!r} twice.")
        names.add(member.filename)
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED:
        raise _refuse(
            "too_large",
            f"The zip unpacks to over {MAX_UNCOMPRESSED // (1024 * 1024)} MB; refused.",
        )
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        member = archive.getinfo(name)
    except KeyError:
        raise _refuse("missing_file", f"The zip has no {name}.") from None
    if member.file_size > limit:
        raise _refuse("too_large", f"{name} is over {limit // (1024 * 1024)} MB; refused.")
    try:
        with archive.open(member) as handle:
            data = handle.read(limit + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, OSError, EOFError):
        raise _refuse(
            "damaged_zip", f"{name} in the zip cannot be read (damaged or encrypted)."
        ) from None
    if len(data) > limit:
        raise _refuse("too_large", f"{name} is over {limit // (1024 * 1024)} MB; refused.")
    return data


def read_document(archive: zipfile.ZipFile) -> ExportDocument:
    if DOCUMENT not in archive.namelist():
        raise _refuse("not_an_export", f"The zip has no {DOCUMENT}: it is not an Afterview export.")
    raw = read_member(archive, DOCUMENT, MAX_DOCUMENT)
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse("invalid_export", f"{DOCUMENT} is not valid JSON: {exc}.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _refuse("not_an_export", f"{DOCUMENT} is not an Afterview export.")
    if data.get("version") != VERSION:
        raise _refuse(
            "unsupported_version",
            f"This export is version {str(data.get('version'))[:20]}; this server reads "
            f"version {VERSION}.",
        )
    try:
        return ExportDocument.model_validate(data)
    except ValidationError as exc:
        message = validation_error(exc).message
        if len(message) > 500:
            message = message[:500] + "…"
        raise _refuse("invalid_export", f"{DOCUMENT} does not fit the format: {message}") from None


def _unique(rows, noun: str) -> set[uuid.UUID]:
    ids = [row.id for row in rows]
    if len(set(ids)) != len(ids):
        raise _refuse("invalid_export", f"{DOCUMENT} lists one of its {noun} twice.")
    return set(ids)


def check_consistent(document: ExportDocument, archive: zipfile.ZipFile) -> None:
    """Every reference points inside the file; nothing the database would refuse."""
    interviews = _unique(document.interviews, "interviews")
    contacts = _unique(document.contacts, "contacts")
    _unique(document.tasks, "tasks")
    _unique(document.cards, "cards")

    def known(value, ids, what):
        if value is not None and value not in ids:
            raise _refuse("invalid_export", f"{DOCUMENT}: a {what} names an unknown row.")

    pairs = set()
    for link in document.links:
        known(link.interview_id, interviews, "link")
        known(link.contact_id, contacts, "link")
        pairs.add((link.interview_id, link.contact_id))
    if len(pairs) != len(document.links):
        raise _refuse("invalid_export", f"{DOCUMENT} lists one of its links twice.")
    keys = set()
    for task in document.tasks:
        known(task.interview_id, interviews, "task")
        known(task.contact_id, contacts, "task")
        if task.plan_key is not None:
            if (task.interview_id, task.plan_key) in keys:
                raise _refuse("invalid_export", f"{DOCUMENT} lists one planned task twice.")
            keys.add((task.interview_id, task.plan_key))
    names = set(archive.namelist())
    for card in document.cards:
        known(card.interview_id, interviews, "card")
        known(card.contact_id, contacts, "card")
        if card.photo not in names:
            raise _refuse("missing_file", f"The zip has no {card.photo}.")


def _new_ids(model, ids: set[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Old id -> id to use: the same one unless some row (anyone's) already has it."""
    taken: set[uuid.UUID] = set()
    wanted = list(ids)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        taken.update(db.session.scalars(sa.select(model.id).where(model.id.in_(chunk))))
    return {old: (new_id() if old in taken else old) for old in ids}


def _utc(moment):
    return moment.astimezone(UTC) if moment is not None else None


def _moved_key(plan_key: str | None, contacts: dict) -> str | None:
    """A planned task's key names its contact ("round:kind:contact"): it follows a new id."""
    if not plan_key:
        return plan_key
    head, _, tail = plan_key.rpartition(":")
    try:
        old = uuid.UUID(tail)
    except ValueError:
        return plan_key
    return f"{head}:{contacts[old]}" if old in contacts else plan_key


def _ensure_empty(user: User) -> None:
    for model in (Interview, Contact, Task, CardScan):
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(model).where(model.user_id == user.id)
        )
        if count:
            raise ApiError(
                409,
                "account_not_empty",
                "Import only goes into an empty account: this one already has interviews, "
                "contacts, tasks or cards. Sign up for a new account (or delete this one's "
                "data) and import there.",
            )


def import_document(user: User, document: ExportDocument, archive: zipfile.ZipFile) -> dict:
    """Insert everything; the caller commits (or rolls back on any error)."""
    account = document.account
    user.name = account.name
    user.timezone = account.timezone
    user.country = account.country
    user.reminder_hour = account.reminder_hour
    user.working_days = list(account.working_days)

    interviews = _new_ids(Interview, {row.id for row in document.interviews})
    contacts = _new_ids(Contact, {row.id for row in document.contacts})
    tasks = _new_ids(Task, {row.id for row in document.tasks})
    cards = _new_ids(CardScan, {row.id for row in document.cards})
    renumbered = sum(
        old != new for ids in (interviews, contacts, tasks, cards) for old, new in ids.items()
    )

    def owned_row(model, row, ids, exclude=()):
        fields = row.model_dump(exclude={"id", "created_at", "updated_at", *exclude})
        return model(
            id=ids[row.id],
            user_id=user.id,
            create_hash="",
            created_at=_utc(row.created_at),
            updated_at=_utc(row.updated_at),
            **fields,
        )

    for row in document.interviews:
        interview = owned_row(Interview, row, interviews, exclude={"held_at"})
        interview.held_at = _utc(row.held_at)
        db.session.add(interview)
    for row in document.contacts:
        contact = owned_row(Contact, row, contacts)
        db.session.add(contact)
    db.session.flush()
    for row in document.links:
        db.session.add(
            InterviewContact(
                interview_id=interviews[row.interview_id],
                contact_id=contacts[row.contact_id],
                role=row.role,
                created_at=_utc(row.created_at) or utcnow(),
            )
        )
    for row in document.tasks:
        # The session hook gives each pending task its one reminder.
        task = owned_row(
            Task,
            row,
            tasks,
            exclude={
                "interview_id",
                "contact_id",
                "plan_key",
                "due_at",
                "planned_at",
                "completed_at",
            },
        )
        task.interview_id = interviews.get(row.interview_id)
        task.contact_id = contacts.get(row.contact_id)
        task.plan_key = _moved_key(row.plan_key, contacts)
        task.due_at = _utc(row.due_at)
        task.planned_at = _utc(row.planned_at)
        task.completed_at = _utc(row.completed_at)
        db.session.add(task)
    db.session.flush()
    for row in document.cards:
        photo = read_member(archive, row.photo, MAX_PHOTO)
        if not photo.startswith(JPEG_START):
            raise _refuse("invalid_photo", f"{row.photo} is not a JPEG.")
        scan = CardScan(
            id=cards[row.id],
            user_id=user.id,
            create_hash="",
            interview_id=interviews.get(row.interview_id),
            contact_id=contacts.get(row.contact_id),
            engine=row.engine,
            result=row.result,
            photo=photo,
            created_at=_utc(row.created_at),
            updated_at=_utc(row.created_at),
        )
        db.session.add(scan)
        db.session.flush()
        # One photo in memory at a time: the row is written, the session lets it go.
        db.session.expunge(scan)
    return ImportOut(
        interviews=len(document.interviews),
        contacts=len(document.contacts),
        links=len(document.links),
        tasks=len(document.tasks),
        cards=len(document.cards),
        renumbered=renumbered,
    ).model_dump()


@bp.post("/import")
@login_required
@documented(
    "Import an export zip (multipart field `file`, or the raw body) into this empty account; "
    "settings come along, email and password do not",
    response=ImportOut,
    status=201,
)
def import_data():
    user = current_user()
    # Two imports at once: the second waits here, then finds the account no longer empty.
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    _ensure_empty(user)
    archive = open_archive(_uploaded_zip())
    document = read_document(archive)
    check_consistent(document, archive)
    try:
        counts = import_document(user, document, archive)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ApiError(
            409,
            "import_conflict",
            "The import clashed with a change made at the same time; nothing was imported. "
            "Try again.",
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    return counts, 201
