"""Every table, in SQLAlchemy 2.0 typed style."""

from __future__ import annotations

import secrets
import uuid
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
    working_days: Mapped[list[str]] = mapped_column(sa.JSON, default=lambda: list(WEEKDAYS[:5]))
    # Part of every session cookie: rotating it (password change) logs out other devices.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    interviews: Mapped[list[Interview]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


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

    user: Mapped[User] = relationship(back_populates="interviews")
    links: Mapped[list[InterviewContact]] = relationship(
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
