"""Web push for the signed-in user's devices: the VAPID key, subscribe, unsubscribe, a test
push, and what became of recent reminders."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint
from flask import current_app
from flask import request

from .api import documented
from .api import parse_body
from .db import db
from .db import utcnow
from .errors import ApiError
from .models import PushSubscription
from .models import Reminder
from .models import Task
from .schemas import PushDeviceOut
from .schemas import PushEndpoint
from .schemas import PushKeyOut
from .schemas import PushStatusOut
from .schemas import PushSubscriptionIn
from .schemas import PushTestOut
from .security import current_user
from .security import login_required
from .webpush import notification
from .webpush import public_key_b64
from .webpush import Push
from .webpush import PushHosts
from .webpush import sender_for
from .webpush import vapid_for

bp = Blueprint("push", __name__, url_prefix="/api/push")

# A user with more devices than this loses the longest-subscribed one.
MAX_DEVICES = 20


def device_json(row: PushSubscription) -> dict:
    return PushDeviceOut(
        id=row.id,
        push_service=urlsplit(row.endpoint).hostname or "",
        user_agent=row.user_agent,
        created_at=row.created_at,
        last_success_at=row.last_success_at,
    ).model_dump(mode="json")


def users_devices() -> list[PushSubscription]:
    return list(
        db.session.scalars(
            sa.select(PushSubscription)
            .where(PushSubscription.user_id == current_user().id)
            .order_by(PushSubscription.created_at)
        )
    )


@bp.get("/key")
@login_required
@documented("The VAPID public key, for pushManager.subscribe()", response=PushKeyOut)
def key():
    return {"publicKey": public_key_b64(vapid_for(current_app))}


@bp.put("/subscription")
@login_required
@documented("Save this device's PushSubscription.toJSON()", PushSubscriptionIn, PushDeviceOut)
def subscribe():
    payload = parse_body(PushSubscriptionIn)
    refusal = PushHosts(current_app.config["PUSH_HOSTS"]).refusal(payload.endpoint)
    if refusal:
        raise ApiError(
            422,
            "invalid_field",
            f"endpoint {refusal}: reminders go only to the browsers' own push services.",
            field="endpoint",
        )
    row, created = _upsert(payload)
    return device_json(row), 201 if created else 200


def _upsert(payload: PushSubscriptionIn) -> tuple[PushSubscription, bool]:
    """By endpoint: a device seen under another account now belongs to this one (the same
    browser, logged in as someone else)."""
    user = current_user()
    agent = (request.headers.get("User-Agent") or "")[:300]
    for attempt in range(2):
        row = db.session.scalar(
            sa.select(PushSubscription).where(PushSubscription.endpoint == payload.endpoint)
        )
        created = row is None
        if created:
            row = PushSubscription(endpoint=payload.endpoint)
            db.session.add(row)
        row.user_id = user.id
        row.p256dh = payload.keys.p256dh
        row.auth = payload.keys.auth
        row.user_agent = agent
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            # The same endpoint saved twice at once: the loser updates the winner's row.
            db.session.rollback()
            if attempt:
                raise
            continue
        break
    extra = users_devices()[:-MAX_DEVICES] if created else []
    for old in extra:
        if old.id != row.id:
            db.session.delete(old)
    db.session.commit()
    return row, created


@bp.delete("/subscription")
@login_required
@documented("Forget this device (answers 204 whether or not it was saved)", PushEndpoint)
def unsubscribe():
    payload = parse_body(PushEndpoint)
    # Only the caller's own device: another account's endpoint is left alone, silently.
    db.session.execute(
        sa.delete(PushSubscription).where(
            PushSubscription.endpoint == payload.endpoint,
            PushSubscription.user_id == current_user().id,
        )
    )
    db.session.commit()
    return "", 204


@bp.post("/test")
@login_required
@documented("Send a test notification to every device now", response=PushTestOut)
def test():
    devices = users_devices()
    if not devices:
        raise ApiError(
            409,
            "no_device",
            "No device of yours has reminders turned on. Tap “Turn on reminders” on your "
            "phone first.",
        )
    payload = notification(
        "Afterview reminders work",
        "This is how a reminder will look on this device.",
        "/",
        "afterview-test",
        actions=False,
    )
    pushes = [
        Push(row.endpoint, row.p256dh, row.auth, payload, "afterview-test", key=row.id)
        for row in devices
    ]
    outcomes = sender_for(current_app).send_many(pushes)
    results = []
    for row, outcome in zip(devices, outcomes, strict=True):
        results.append(
            {
                "id": str(row.id),
                "push_service": urlsplit(row.endpoint).hostname or "",
                "outcome": outcome.kind,
                "status": outcome.status,
                "message": outcome.error or "Sent.",
            }
        )
        if outcome.kind == "sent":
            row.last_success_at = utcnow()
        elif outcome.kind == "gone":
            db.session.delete(row)
    db.session.commit()
    return {"sent": sum(item["outcome"] == "sent" for item in results), "devices": results}


@bp.get("/status")
@login_required
@documented(
    "The devices, the last delivered reminder, and reminders that failed",
    response=PushStatusOut,
)
def status():
    user = current_user()
    rows = db.session.execute(
        sa.select(Reminder, Task.title)
        .join(Task, Task.id == Reminder.task_id)
        .where(
            Reminder.user_id == user.id,
            Reminder.state.in_(("failed", "no_device")),
            Task.status == "pending",
        )
        .order_by(Reminder.due_at.desc())
        .limit(20)
    ).all()
    undelivered = [
        {
            "task_id": str(reminder.task_id),
            "title": title,
            "due_at": reminder.due_at.isoformat(),
            "state": reminder.state,
            "last_error": reminder.last_error
            or "No device of yours had reminders turned on at the time.",
        }
        for reminder, title in rows
    ]
    return PushStatusOut.model_validate(
        {
            "devices": [device_json(row) for row in users_devices()],
            "last_reminder_at": user.last_reminder_at,
            "undelivered": undelivered,
        }
    ).model_dump(mode="json")
