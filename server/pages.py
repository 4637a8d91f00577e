"""Server-rendered screens: readable without JS; their writes go through the JSON API."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from . import handoffs
from . import screens
from .api import owned
from .db import utcnow
from .domain.mailto import encode_text
from .domain.mailto import mailto_url
from .domain.times import as_local
from .interviews import users_interviews
from .models import CardScan
from .models import Contact
from .models import Interview
from .models import INTERVIEW_STATUSES
from .models import LINK_ROLES
from .models import PHONE_TYPES
from .models import WEEKDAYS
from .security import current_user
from .security import login_required

bp = Blueprint("pages", __name__)


@bp.app_template_filter("local")
def local_time(moment, pattern: str = "%a %d %b %Y, %H:%M") -> str:
    """A stored UTC time shown in the logged-in user's zone."""
    user = current_user()
    return as_local(moment, user.timezone if user else "UTC").strftime(pattern)


@bp.app_template_filter("label")
def label(value: str) -> str:
    """A stored code as words: "awaiting_decision" -> "Awaiting decision"."""
    return value.replace("_", " ").capitalize()


@bp.app_template_filter("weblink")
def weblink(website: str) -> str | None:
    """An http(s) address to link to, or None: never a javascript: or data: link."""
    address = website.strip()
    if not address:
        return None
    if "://" not in address:
        address = "https://" + address
    parts = urlsplit(address)
    try:
        # "javascript:alert(1)" becomes "https://javascript:alert(1)": its port is not a number.
        valid_port = parts.port is None or parts.port > 0
    except ValueError:
        valid_port = False
    if not valid_port or parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if "@" in parts.netloc:  # "mailto:a@b" would become a link to b
        return None
    return address


@bp.app_template_filter("mailto_part")
def mailto_part(text: str) -> str:
    """Percent-encoded for a mailto: link, line breaks as %0D%0A (RFC 6068)."""
    return encode_text(text)


# mailto_url(to, subject, body): the whole RFC 6068 link for a draft.
bp.add_app_template_global(mailto_url, "mailto_url")


@bp.app_context_processor
def page_globals() -> dict:
    try:
        user = current_user()
    except sa.exc.SQLAlchemyError:
        # The error page must render even when the database is what failed.
        user = None
    return {
        "user": user,
        "signups_open": current_app.config["SIGNUPS_OPEN"],
        "statuses": INTERVIEW_STATUSES,
        "roles": LINK_ROLES,
        "phone_types": PHONE_TYPES,
    }


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never send a person to another site after logging in."""
    # Browsers read "\" as "/" in a URL, so "/\evil.example" would leave the site.
    if target and not any(char in target for char in "\\\r\n\t"):
        parts = urlsplit(target)
        if target.startswith("/") and not target.startswith("//") and not parts.netloc:
            return target
    return url_for("pages.index")


@bp.get("/")
def index():
    """Today when logged in (the installed app's start page), else the sign-in form."""
    user = current_user()
    if user is None:
        return render_template("login.html", next=url_for("pages.index"))
    return render_template("today.html", **screens.today(user, request.args.get("task")))


@bp.get("/interviews")
@login_required
def interviews():
    return render_template("interviews.html", interviews=users_interviews())


@bp.get("/after")
@login_required
def after():
    """The after-interview flow: company, cards, people, what was agreed, the plan."""
    now = as_local(utcnow(), current_user().timezone)
    return render_template("after.html", now=now.strftime("%Y-%m-%dT%H:%M"))


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
    mine = [task for task in row.tasks if task.user_id == row.user_id]
    pending = sorted((t for t in mine if t.status == "pending"), key=lambda t: t.due_at)
    finished = sorted(
        (t for t in mine if t.status != "pending"),
        key=lambda t: t.completed_at or t.due_at,
        reverse=True,
    )
    return render_template(
        "interview.html",
        interview=row,
        links=links,
        pending=pending,
        finished=finished,
        now=utcnow(),
    )


@bp.get("/contacts")
@login_required
def contacts():
    words = request.args.get("q", "")
    rows = screens.contacts(current_user(), words)
    return render_template("contacts.html", contacts=rows, q=words.strip())


@bp.get("/contacts/<uuid:contact_id>")
@login_required
def contact(contact_id: uuid.UUID):
    person = owned(Contact, contact_id, "contact")
    links = sorted(person.links, key=lambda link: link.interview.held_at, reverse=True)
    card = person.card_scans[-1] if person.card_scans else None
    return render_template("contact.html", person=person, links=links, card=card)


@bp.get("/cards/<uuid:card_id>")
@login_required
def card(card_id: uuid.UUID):
    """Review a card the server has read: the page's script fills the form from the API."""
    scan = owned(CardScan, card_id, "card scan")
    if scan.contact_id is not None:
        return redirect(url_for("pages.contact", contact_id=scan.contact_id))
    return render_template("card.html", scan=scan)


@bp.get("/settings")
@login_required
def settings():
    return render_template(
        "settings.html",
        zones=screens.time_zones(),
        countries=screens.countries(),
        weekdays=WEEKDAYS,
        feed=_feed(current_user()),
    )


def _feed(user) -> dict | None:
    """The calendar feed's addresses when it is on (the API makes one on request)."""
    if user.calendar_secret is None:
        return None
    return handoffs._feed_urls(user)
