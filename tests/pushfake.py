"""Helpers for the web-push tests: a verifying fake push service, an injected clock, queueing.

The fake push service is the package's own (`server.pushsink`), run in a thread here with
verification on: it checks each VAPID JWT against the app's public key and decrypts each
body with the test device's private key and auth secret, as a phone would.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from datetime import timedelta
from datetime import UTC

import pytest
import sqlalchemy as sa

from server.db import db
from server.dispatcher import Dispatcher
from server.models import PushSubscription
from server.models import Reminder
from server.models import Task
from server.models import User
from server.pushsink import PushSink
from server.webpush import public_key_b64
from server.webpush import Sender
from server.webpush import sender_for
from server.webpush import vapid_for

# Far enough ahead that the tasks API never sees these times as past.
EPOCH = datetime(2031, 3, 4, 8, 0, tzinfo=UTC)


class Clock:
    """An injected clock: time moves only when a test says so."""

    def __init__(self, start: datetime = EPOCH):
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> datetime:
        self.current += timedelta(seconds=seconds)
        return self.current

    def at(self, moment: datetime) -> datetime:
        self.current = moment
        return moment


@pytest.fixture(name="push_app")
def push_app_fixture(app):
    """The app, allowed to push to loopback (plain http), with a short push timeout so that a
    hanging push service is given up on quickly."""
    app.config["PUSH_HOSTS"] = (*app.config["PUSH_HOSTS"], "127.0.0.1")
    app.config["PUSH_TIMEOUT"] = 0.5
    yield app
    sender = app.extensions.get("afterview_sender")
    if sender is not None:
        sender.close()


@pytest.fixture(name="sink")
def sink_fixture(push_app):
    fake = PushSink(public_key_b64(vapid_for(push_app)), verify=True).start()
    yield fake
    fake.stop()
    assert fake.errors == [], "the fake push service refused what the server sent"


@pytest.fixture(name="clock")
def clock_fixture():
    return Clock()


@pytest.fixture(name="dispatcher")
def dispatcher_fixture(push_app, clock):
    return Dispatcher(push_app, now=clock, batch=50)


def own_sender(app) -> Sender:
    """A second sender, as a second dispatcher process would have."""
    first = sender_for(app)
    return Sender(first.vapid, first.subject, first.hosts, timeout=2.0, ttl=first.ttl)


def subscribe(client, sink: PushSink, mode: str = "ok") -> dict:
    subscription = sink.add_device(mode)
    response = client.put("/api/push/subscription", json=subscription)
    assert response.status_code == 201, response.get_json()
    return subscription


def add_task(
    client, due: datetime, title: str = "Send the thank-you email", interview_id=None
) -> dict:
    """A pending task of the client's user, due at `due`, stored as the planner stores one
    (the session hook queues its reminder)."""
    app = client.application
    with app.app_context():
        task = Task(
            user_id=uuid.UUID(client.account["id"]),
            interview_id=interview_id and uuid.UUID(str(interview_id)),
            create_hash="test",
            title=title,
            subject="Thanks for today",
            due_at=due,
            status="pending",
        )
        db.session.add(task)
        db.session.commit()
        return {"id": str(task.id), "title": task.title}


def reminder_of(app, task_id) -> Reminder:
    with app.app_context():
        row = db.session.scalar(
            sa.select(Reminder).where(Reminder.task_id == uuid.UUID(str(task_id)))
        )
        db.session.expunge_all()
        return row


def device_count(app, user_id=None) -> int:
    with app.app_context():
        query = sa.select(sa.func.count()).select_from(PushSubscription)
        if user_id is not None:
            query = query.where(PushSubscription.user_id == uuid.UUID(str(user_id)))
        return db.session.scalar(query)


def bulk_queue(app, sink: PushSink, users: int, count: int, due: datetime) -> list[uuid.UUID]:
    """`users` users with one sink device each and `count` due reminders spread over them,
    inserted directly (the API would take minutes for a thousand). Returns the task ids."""
    user_ids = [uuid.uuid4() for _ in range(users)]
    devices = [sink.add_device() for _ in range(users)]
    task_ids = [uuid.uuid4() for _ in range(count)]
    with app.app_context():
        db.session.execute(
            sa.insert(User),
            [
                {"id": uid, "email": f"bulk-{uid.hex[:12]}@example.com", "password_hash": "!"}
                for uid in user_ids
            ],
        )
        db.session.execute(
            sa.insert(PushSubscription),
            [
                {
                    "user_id": uid,
                    "endpoint": device["endpoint"],
                    "p256dh": device["keys"]["p256dh"],
                    "auth": device["keys"]["auth"],
                }
                for uid, device in zip(user_ids, devices, strict=True)
            ],
        )
        owners = [user_ids[n % users] for n in range(count)]
        db.session.execute(
            sa.insert(Task),
            [
                {"id": tid, "user_id": uid, "create_hash": "x", "title": f"T{n}", "due_at": due}
                for n, (tid, uid) in enumerate(zip(task_ids, owners, strict=True))
            ],
        )
        db.session.execute(
            sa.insert(Reminder),
            [
                {"task_id": tid, "user_id": uid, "due_at": due, "next_try_at": due}
                for tid, uid in zip(task_ids, owners, strict=True)
            ],
        )
        db.session.commit()
    return task_ids


def states(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Reminder.state, sa.func.count()).group_by(Reminder.state)
        ).all()
    return dict(rows)
