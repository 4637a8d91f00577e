"""Server-rendered screens: readable without JS; their writes go through the JSON API."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from .api import owned
from .db import db
from .domain.times import as_local
from .interviews import users_interviews
from .models import Contact
from .models import Interview
from .security import current_user
from .security import login_required

bp = Blueprint("pages", __name__)


@bp.app_template_filter("local")
def local_time(moment, pattern: str = "%a %d %b %Y, %H:%M") -> str:
    """A stored UTC time shown in the logged-in user's zone."""
    user = current_user()
    return as_local(moment, user.timezone if user else "UTC").strftime(pattern)


@bp.app_context_processor
def page_globals() -> dict:
    return {"user": current_user(), "signups_open": current_app.config["SIGNUPS_OPEN"]}


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never send a person to another site after logging in."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("pages.index")


@bp.get("/")
def index():
    if current_user() is None:
        return render_template("login.html", next=url_for("pages.index"))
    return render_template("interviews.html", interviews=users_interviews())


@bp.get("/login")
def login():
    target = _safe_next(request.args.get("next"))
    if current_user() is not None:
        return redirect(target)
    return render_template("login.html", next=target)


@bp.get("/signup")
def signup():
    if current_user() is not None:
        return redirect(url_for("pages.index"))
    return render_template("signup.html")


@bp.get("/interviews/<uuid:interview_id>")
@login_required
def interview(interview_id: uuid.UUID):
    row = owned(Interview, interview_id, "interview")
    links = sorted(row.links, key=lambda link: link.created_at)
    return render_template("interview.html", interview=row, links=links)


@bp.get("/contacts")
@login_required
def contacts():
    rows = db.session.scalars(
        sa.select(Contact)
        .where(Contact.user_id == current_user().id)
        .order_by(sa.func.lower(Contact.name))
    ).all()
    return render_template("contacts.html", contacts=rows)
