"""Declared shapes of every JSON body: validation and the OpenAPI document come from here."""

from __future__ import annotations

import functools
import uuid
import zoneinfo
from datetime import date
from datetime import datetime
from typing import Annotated
from typing import Literal

from email_validator import EmailNotValidError
from email_validator import validate_email
from pydantic import AfterValidator
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import model_validator
from pydantic import StringConstraints

from .models import WEEKDAYS


def _text(max_length: int, min_length: int = 0):
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)
    ]


Name = _text(200, 1)
Short = _text(200)
Medium = _text(500)
LongText = _text(10_000)


def _check_email(value: str) -> str:
    """Syntax only: no DNS, and example.com or .test addresses are fine."""
    try:
        checked = validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise ValueError(f"is not a valid email address ({exc})") from None
    return checked.normalized


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _check_timezone(value: str) -> str:
    if value not in _zone_names():
        raise ValueError("is not a known time zone; use an IANA name such as Europe/Berlin")
    return value


Email = Annotated[_text(254, 3), AfterValidator(_check_email)]
TimeZone = Annotated[_text(64, 1), AfterValidator(_check_timezone)]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$"), AfterValidator(str.upper)]
Password = Annotated[str, StringConstraints(min_length=8, max_length=200)]
Status = Literal["awaiting_decision", "second_interview", "offer", "rejected", "withdrawn"]
Role = Literal["interviewer", "referral", "reference", "other"]
Channel = Literal["email", "phone", "in_person"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Body(BaseModel):
    """Every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


# --- accounts -------------------------------------------------------------------------------


class AccountCreate(Body):
    email: Email
    password: Password
    name: Short = Field("", description="signs the drafted messages")
    timezone: TimeZone | None = None


class AccountPatch(Body):
    name: Short = None
    timezone: TimeZone = None
    country: Country | None = None
    reminder_hour: Annotated[int, Field(ge=0, le=23)] = None
    working_days: Annotated[list[Weekday], Field(min_length=1, max_length=7)] = None
    password: Password = None
    old_password: Annotated[str, StringConstraints(max_length=200)] = None

    @model_validator(mode="after")
    def _password_needs_old_one(self):
        if self.password is not None and self.old_password is None:
            raise ValueError("old_password is required to change the password")
        if self.working_days is not None:
            self.working_days = [day for day in WEEKDAYS if day in set(self.working_days)]
        return self


class AccountOut(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    timezone: str
    country: str | None
    reminder_hour: int
    working_days: list[Weekday]
    created_at: datetime
    # When a push service last accepted a reminder for one of the user's devices.
    last_reminder_at: datetime | None = None


class SessionCreate(Body):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=254)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


# --- interviews -----------------------------------------------------------------------------


class Agreement(Body):
    """What was agreed at the interview; the follow-up plan is built from it."""

    decision_expected_on: date | None = Field(None, description="when a decision is expected")
    follow_up_wanted: bool | None = Field(
        None, description="true/false if the interviewer said; null when nothing was agreed"
    )
    follow_up_on: date | None = Field(None, description="the agreed follow-up date")
    follow_up_channel: Channel | None = None
    not_before: date | None = Field(None, description="never follow up before this date")
    concerns: LongText = Field("", description="concerns or barriers raised")
    interests: LongText = Field("", description="what the interviewer cares about")
    points_to_recall: LongText = Field("", description="specific points to recall")
    value_add_touches: bool = Field(False, description="opt in to value-add touches")


class InterviewCreate(Agreement):
    id: uuid.UUID | None = None
    company: Name
    position: Short = ""
    held_at: datetime | None = Field(
        None, description="ISO 8601; without an offset it is the user's local time; default now"
    )
    location: Medium = ""
    status: Status = "awaiting_decision"
    notes: LongText = ""


class InterviewPatch(Agreement):
    company: Name = None
    position: Short = None
    held_at: datetime = None
    location: Medium = None
    status: Status = None
    notes: LongText = None


class PersonOut(BaseModel):
    id: uuid.UUID
    name: str
    title: str
    company: str
    role: Role


class InterviewOut(Agreement):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    company: str
    position: str
    held_at: datetime
    location: str
    status: Status
    notes: str
    created_at: datetime
    updated_at: datetime
    contacts: list[PersonOut] = []
    tasks: list[TaskOut] = Field([], description="the plan, soonest first")


# --- contacts -------------------------------------------------------------------------------


class Phone(Body):
    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    type: Literal["mobile", "work", "fax", "other"] = "other"


class ContactFields(Body):
    title: Short = ""
    company: Short = ""
    emails: Annotated[list[Email], Field(max_length=10)] = []
    phones: Annotated[list[Phone], Field(max_length=10)] = []
    website: _text(300) = ""
    address: Medium = ""
    notes: LongText = ""

    @model_validator(mode="after")
    def _drop_repeated_emails(self):
        if self.emails:
            self.emails = list(dict.fromkeys(self.emails))
        return self


class ContactCreate(ContactFields):
    id: uuid.UUID | None = None
    name: Name
    interview_id: uuid.UUID | None = Field(None, description="link to this interview at once")
    role: Role | None = Field(None, description="the link's role; default interviewer")
    card_id: uuid.UUID | None = Field(
        None, description="a card scan (POST /api/cards) whose photo the contact keeps"
    )

    @model_validator(mode="after")
    def _role_needs_interview(self):
        if self.role is not None and self.interview_id is None:
            raise ValueError("role is given without interview_id")
        return self


class ContactPatch(ContactFields):
    name: Name = None
    title: Short = None
    company: Short = None
    emails: Annotated[list[Email], Field(max_length=10)] = None
    phones: Annotated[list[Phone], Field(max_length=10)] = None
    website: _text(300) = None
    address: Medium = None
    notes: LongText = None


class MeetingOut(BaseModel):
    id: uuid.UUID
    company: str
    position: str
    held_at: datetime
    role: Role


class ContactOut(BaseModel):
    id: uuid.UUID
    name: str
    title: str
    company: str
    emails: list[str]
    phones: list[Phone]
    website: str
    address: str
    notes: str
    created_at: datetime
    updated_at: datetime
    interviews: list[MeetingOut] = []
    card_id: uuid.UUID | None = Field(None, description="the card scan the contact was made from")
    photo_url: str | None = Field(None, description="the card photo (JPEG), if one is kept")


class LinkIn(Body):
    role: Role = "interviewer"


class LinkOut(BaseModel):
    interview_id: uuid.UUID
    contact_id: uuid.UUID
    role: Role


class ErrorOut(BaseModel):
    error: str
    message: str


# --- tasks ----------------------------------------------------------------------------------

TaskChannel = Literal["email", "mail", "phone", "in_person", "other"]


class TaskCreate(Body):
    """A task of the user's own (planned tasks come from the interview)."""

    id: uuid.UUID | None = None
    title: Name
    due_at: datetime = Field(description="ISO 8601; without an offset it is the user's local time")
    channel: TaskChannel = "other"
    subject: _text(300) = ""
    body: LongText = ""
    interview_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None


class TaskPatch(Body):
    title: Name = None
    due_at: datetime = None
    channel: TaskChannel = None
    subject: _text(300) = None
    body: LongText = None


class TaskAction(Body):
    action_id: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        None, description="a client-minted id: a replay of the same action changes nothing"
    )


class TaskSnooze(TaskAction):
    until: Literal["1h", "tomorrow", "next_working_day"]


class TaskOut(BaseModel):
    id: uuid.UUID
    interview_id: uuid.UUID | None
    contact_id: uuid.UUID | None
    kind: str
    due_at: datetime
    channel: str
    title: str
    subject: str
    body: str
    status: Literal["pending", "done", "skipped"]
    completed_at: datetime | None
    user_changed: bool
    contact_name: str = ""
    company: str = ""
    can_undo: bool = False


InterviewOut.model_rebuild()


# --- web push -------------------------------------------------------------------------------


def _b64url_bytes(value: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("is not base64url") from None


def _check_p256dh(value: str) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec

    raw = _b64url_bytes(value)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise ValueError("is not a P-256 public key (65 bytes, base64url)") from None
    if len(raw) != 65:
        raise ValueError("is not an uncompressed P-256 public key (65 bytes, base64url)")
    return value


def _check_auth(value: str) -> str:
    if len(_b64url_bytes(value)) != 16:
        raise ValueError("is not a 16-byte auth secret (base64url)")
    return value


B64 = r"^[A-Za-z0-9_-]+={0,2}$"


class PushKeys(BaseModel):
    # What browsers send may grow new fields: ignore them rather than refuse a subscription.
    model_config = ConfigDict(extra="ignore")

    p256dh: Annotated[
        str, StringConstraints(pattern=B64, max_length=200), AfterValidator(_check_p256dh)
    ]
    auth: Annotated[
        str, StringConstraints(pattern=B64, max_length=100), AfterValidator(_check_auth)
    ]


class PushSubscriptionIn(BaseModel):
    """The browser's PushSubscription.toJSON(), as it is."""

    model_config = ConfigDict(extra="ignore")

    endpoint: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
    expirationTime: float | None = None
    keys: PushKeys


class PushEndpoint(Body):
    endpoint: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]


class PushKeyOut(BaseModel):
    publicKey: str = Field(description="the VAPID public key: applicationServerKey")


class PushDeviceOut(BaseModel):
    id: uuid.UUID
    push_service: str = Field(description="the push service's host")
    user_agent: str
    created_at: datetime
    last_success_at: datetime | None


class PushTestDevice(BaseModel):
    id: uuid.UUID
    push_service: str
    outcome: Literal["sent", "gone", "retry", "failed"]
    status: int | None
    message: str


class PushTestOut(BaseModel):
    sent: int
    devices: list[PushTestDevice]


class FailedReminderOut(BaseModel):
    task_id: uuid.UUID
    title: str
    due_at: datetime
    state: Literal["failed", "no_device"]
    last_error: str


class PushStatusOut(BaseModel):
    devices: list[PushDeviceOut]
    last_reminder_at: datetime | None
    undelivered: list[FailedReminderOut]


# --- cards ----------------------------------------------------------------------------------


class CardForm(Body):
    """The form fields of POST /api/cards (multipart/form-data; the photo is the `image` file)."""

    id: uuid.UUID | None = None
    interview_id: uuid.UUID | None = None


class CardCreate(CardForm):
    """What a replay must repeat: the form fields and the photo's bytes (by their sha256)."""

    image_sha256: str


class CardPhoneOut(BaseModel):
    number: str
    type: str


class CardFieldsOut(BaseModel):
    """The draft contact read from the card, in the card schema (absent: null or [])."""

    name: str | None = None
    title: str | None = None
    company: str | None = None
    emails: list[str] = []
    phones: list[CardPhoneOut] = []
    website: str | None = None
    address: str | None = None
    notes: str = ""


class OcrLineOut(BaseModel):
    text: str
    box: list[float] = Field(description="left, top, right, bottom in the upright card's pixels")
    confidence: float


class CardOut(BaseModel):
    id: uuid.UUID
    fields: CardFieldsOut
    confidence: dict[str, float] = Field(description="0..1 per field")
    flagged: list[str] = Field(description="fields a person should check (unsure or empty)")
    lines: list[OcrLineOut]
    engine: str
    qr: bool = Field(False, description="true when a QR code on the card gave values")
    interview_id: uuid.UUID | None
    contact_id: uuid.UUID | None
    photo_url: str
    created_at: datetime


# --- duplicates and merging -----------------------------------------------------------------


class DuplicateOut(BaseModel):
    id: uuid.UUID
    name: str
    company: str
    reason: Literal["email", "phone", "name"] = Field(
        description="same email, same phone (E.164), or same name at the same company"
    )


class ContactCreated(ContactOut):
    """A created contact, with the existing ones that may be the same person."""

    possible_duplicates: list[DuplicateOut] = Field(
        [], description="contacts that may be the same person: merge them, or keep both"
    )


class MergeIn(Body):
    other_id: uuid.UUID = Field(description="the contact merged into this one, then deleted")
