"""Every table, in SQLAlchemy 2.0 typed style."""

from __future__ import annotations

import secrets
import uuid
from datetime import date
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from .db import db
from .db import new_id
from .db import UTCDateTime
from .db import utcnow

INTERVIEW_STATUSES = ("awaiting_decision", "second_interview", "offer", "rejected", "withdrawn")
LINK_ROLES = ("interviewer", "referral", "reference", "other")
PHONE_TYPES = ("mobile", "work", "fax", "other")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    country: Mapped[str | None] = mapped_column(sa.String(2))
    reminder_hour: Mapped[int] = mapped_column(sa.SmallInteger, default=9)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    working_days: Mapped[list[str]] = mapped_column(sa.JSON, default=lambda: list(WEEKDAYS[:5]))
    # Part of every session cookie: rotating it (password change) logs out other devices.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a push service last accepted a reminder for one of the user's devices.
    last_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The private calendar feed's secret (/calendar/<secret>.ics); None until asked for.
    calendar_secret: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    interviews: Mapped[list[Interview]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class UserSession(db.Model):
    """One logged-in device: its cookie names it and log-out deletes it, copies of it too."""

    __tablename__ = "user_sessions"

    # sha256 of the secret in the cookie: a leaked table opens no session.
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class LoginFailure(db.Model):
    """One failed log-in; counted per email and per client address in a sliding window."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    address: Mapped[str] = mapped_column(sa.String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class OwnedRow:
    """A row that belongs to one user and may be created with a phone-minted id."""

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    # sha256 of the canonical create body: a replay with the same body is answered 200.
    create_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @declared_attr
    def user_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)


class Interview(OwnedRow, db.Model):
    __tablename__ = "interviews"

    company: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    held_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    location: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[str] = mapped_column(sa.String(32), default="awaiting_decision")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # What was agreed: the plan is built from these.
    decision_expected_on: Mapped[date | None] = mapped_column(sa.Date)
    follow_up_wanted: Mapped[bool | None] = mapped_column(sa.Boolean)
    follow_up_on: Mapped[date | None] = mapped_column(sa.Date)
    follow_up_channel: Mapped[str | None] = mapped_column(sa.String(16))
    not_before: Mapped[date | None] = mapped_column(sa.Date)
    concerns: Mapped[str] = mapped_column(sa.Text, default="")
    interests: Mapped[str] = mapped_column(sa.Text, default="")
    points_to_recall: Mapped[str] = mapped_column(sa.Text, default="")
    value_add_touches: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # 1, then 2 after a second interview...: the plan restarts with each round.
    plan_round: Mapped[int] = mapped_column(default=1)

    user: Mapped[User] = relationship(back_populates="interviews")
    links: Mapped[list[InterviewContact]] = relationship(
        back_populates="interview", cascade="all, delete-orphan", passive_deletes=True
    )
    tasks: Mapped[list[Task]] = relationship(
        back_populates="interview", cascade="all, delete-orphan", passive_deletes=True
    )


class Contact(OwnedRow, db.Model):
    __tablename__ = "contacts"

    name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    company: Mapped[str] = mapped_column(sa.String(200), default="")
    emails: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    phones: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    address: Mapped[str] = mapped_column(sa.String(500), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    user: Mapped[User] = relationship(back_populates="contacts")
    links: Mapped[list[InterviewContact]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", passive_deletes=True
    )
    # The card photo(s) the contact was made from; deleted with it.
    card_scans: Mapped[list[CardScan]] = relationship(
        back_populates="contact",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CardScan.created_at",
    )


class InterviewContact(db.Model):
    """A person met (or named) at an interview, in one role."""

    __tablename__ = "interview_contacts"

    interview_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(sa.String(16), default="interviewer")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    interview: Mapped[Interview] = relationship(back_populates="links")
    contact: Mapped[Contact] = relationship(back_populates="links")


class Task(OwnedRow, db.Model):
    """Something to do, planned from an interview (plan_key set) or added by the user.

    A planned task is keyed by (interview, plan_key = kind and contact) and updated in place
    by every re-plan, so its id (and calendar UID) never changes.
    """

    __tablename__ = "tasks"
    __table_args__ = (sa.UniqueConstraint("interview_id", "plan_key"),)

    interview_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    plan_key: Mapped[str | None] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(32), default="custom")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # When the plan's rule wanted it (due_at may be later: never in the past). A re-plan that
    # asks for the same time leaves due_at alone, so an overdue task is not pushed to "now".
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(sa.String(16), default="other")
    title: Mapped[str] = mapped_column(sa.String(200))
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # True once the user rescheduled, snoozed or edited it: re-plans keep what they gave.
    user_changed: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # The state before the last action, for /undo; the last action's id, for replays.
    undo_state: Mapped[dict | None] = mapped_column(sa.JSON)
    last_action_id: Mapped[str | None] = mapped_column(sa.String(64))

    interview: Mapped[Interview | None] = relationship(back_populates="tasks")
    contact: Mapped[Contact | None] = relationship()


class PushSubscription(db.Model):
    """One device's web-push subscription (a user may have several)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))
    auth: Mapped[str] = mapped_column(sa.String(100))
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Reminder(db.Model):
    """The dispatcher's queue: one row per pending task, due when the task is.

    Claimed with a lease (at-least-once): a dispatcher that dies mid-send leaves the lease to
    expire and another sends again; the phone collapses the repeat by Topic and tag.
    """

    __tablename__ = "reminders"
    __table_args__ = (sa.Index("ix_reminders_queue", "state", "next_try_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("tasks.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # The task's due time this reminder is for: a rescheduled task is reminded again.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # due -> sent | failed (retries exhausted) | no_device (nothing to send to)
    state: Mapped[str] = mapped_column(sa.String(16), default="due")
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(300), default="")

    # Lets the unit of work insert the task before its reminder.
    task: Mapped[Task] = relationship()


class CardScan(OwnedRow, db.Model):
    """One photographed card: what OCR read, and the photo (downscaled, metadata removed).

    The photo lives in the database so every server of a PostgreSQL deployment shares it.
    Both big columns are deferred: listing contacts never loads them.
    """

    __tablename__ = "card_scans"

    interview_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("interviews.id", ondelete="SET NULL"), index=True
    )
    # Set when a contact is created from the scan: the contact keeps the photo.
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    engine: Mapped[str] = mapped_column(sa.String(16))
    # CardScan.to_json() of the OCR layer: fields, confidence, flagged, lines, engine, qr.
    result: Mapped[dict] = mapped_column(sa.JSON, deferred=True)
    photo: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)

    contact: Mapped[Contact | None] = relationship(back_populates="card_scans")
