"""What a load balancer or a client asks of the server itself."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint
from flask import current_app

from .api import openapi_document
from .db import db
from .db import UTCDateTime
from .db import utcnow
from .models import Reminder

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
def health():
    """200 when the database answers (503 otherwise), with the reminder queue's health: this
    process's dispatcher's last tick (null before the first, or with no dispatcher here) and
    the oldest reminder that is due but not sent yet (a backlog is worth an alert)."""
    try:
        oldest = db.session.scalar(
            # Typed, so SQLite's min() over the column reads back as an aware datetime too.
            sa.select(sa.func.min(Reminder.due_at, type_=UTCDateTime)).where(
                Reminder.state == "due", Reminder.next_try_at <= utcnow()
            )
        )
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    dispatcher = current_app.extensions.get("afterview_dispatcher")
    last_tick = dispatcher.last_tick if dispatcher is not None else None
    return {
        "status": "ok",
        "reminders": {
            "dispatcher_last_tick": last_tick and last_tick.isoformat(),
            "oldest_unsent_due": oldest and oldest.isoformat(),
            "oldest_unsent_due_seconds": oldest and round((utcnow() - oldest).total_seconds()),
        },
    }


@bp.get("/api/openapi.json")
def openapi():
    return openapi_document(current_app)
