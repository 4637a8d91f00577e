"""`afterview reminders run|bench`: a dispatcher on its own, and the sending benchmark."""

from __future__ import annotations

import json
import logging
import math
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

import click
import sqlalchemy as sa

log = logging.getLogger("afterview.bench")


@click.group()
def reminders() -> None:
    """Send the reminders that fall due (the server does it too, unless --no-dispatcher)."""


@reminders.command("run")
@click.option("--batch", type=int, help="Reminders claimed at a time.")
@click.option("--poll", type=float, help="Longest sleep between looks at the queue (s).")
def run(batch: int | None, poll: float | None) -> None:
    """Run one dispatcher until SIGTERM or Ctrl-C; safe to run many, on PostgreSQL."""
    from .cli import migrated_app
    from .dispatcher import Dispatcher

    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(message)s"
    )
    app = migrated_app()
    _keep_our_logs()
    dispatcher = Dispatcher(app, batch=batch, poll_seconds=poll)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: dispatcher._stop.set())
    click.echo("Sending reminders as they fall due; Ctrl-C stops.", err=True)
    try:
        dispatcher.run()
    finally:
        dispatcher.sender.close()


# --- the benchmark --------------------------------------------------------------------------


class _Sink:
    """The fake push service in a process of its own, so its CPU is not counted as ours."""

    def __init__(self, workdir: Path, devices: int, vapid_key: str, verify: bool):
        from .pushsink import DeviceKeys

        self.keys = {f"b{n}": DeviceKeys.generate() for n in range(devices)}
        command = [sys.executable, "-m", "server.pushsink"]
        if verify:
            keyfile = workdir / "device-keys.json"
            keyfile.write_text(json.dumps({name: k.dump() for name, k in self.keys.items()}))
            command += ["--keys", str(keyfile), "--vapid-key", vapid_key]
        root = str(Path(__file__).resolve().parent.parent)
        environ = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]),
        }
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, env=environ, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.process.kill()
            raise click.ClickException("the push sink did not start")
        self.origin = f"http://127.0.0.1:{int(line.split()[1])}"

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def stats(self) -> dict:
        with urllib.request.urlopen(self.origin + "/stats", timeout=10) as response:
            return json.load(response)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _make_users(app, sink: _Sink) -> list[uuid.UUID]:
    """One bench user per sink device, each with that device subscribed."""
    from .db import db
    from .models import PushSubscription
    from .models import User

    names = list(sink.keys)
    run = uuid.uuid4().hex[:8]
    users = [uuid.uuid4() for _ in names]
    with app.app_context():
        db.session.execute(
            sa.insert(User),
            [
                {"id": uid, "email": f"bench-{run}-{n}@example.invalid", "password_hash": "!"}
                for n, uid in enumerate(users)
            ],
        )
        db.session.execute(
            sa.insert(PushSubscription),
            [
                {
                    "user_id": uid,
                    "endpoint": sink.endpoint(name),
                    "p256dh": sink.keys[name].p256dh,
                    "auth": sink.keys[name].dump()["auth"],
                }
                for uid, name in zip(users, names, strict=True)
            ],
        )
        db.session.commit()
    return users


def _queue(app, users: list[uuid.UUID], count: int, due_at) -> list[uuid.UUID]:
    """`count` pending tasks spread over the users, their reminders due at due_at(n); Core
    inserts, as seeding is not what is measured. Returns the task ids."""
    from .db import db
    from .models import Reminder
    from .models import Task

    tasks, queue = [], []
    if not count:
        return []
    for n in range(count):
        task_id, uid, due = uuid.uuid4(), users[n % len(users)], due_at(n)
        tasks.append(
            {
                "id": task_id,
                "user_id": uid,
                "create_hash": "bench",
                "title": f"Send the thank-you note #{n}",
                "subject": "Thank you for today's conversation",
                "due_at": due,
            }
        )
        queue.append({"task_id": task_id, "user_id": uid, "due_at": due, "next_try_at": due})
    with app.app_context():
        db.session.execute(sa.insert(Task), tasks)
        db.session.execute(sa.insert(Reminder), queue)
        db.session.commit()
    return [task["id"] for task in tasks]


def _plain_pywebpush(sink: _Sink, vapid, subject: str, count: int) -> float:
    """Messages per second of plain `pywebpush.webpush()` calls, one after another."""
    from pywebpush import webpush

    from .webpush import notification

    names = list(sink.keys)
    started = time.perf_counter()
    for n in range(count):
        name = names[n % len(names)]
        webpush(
            {
                "endpoint": sink.endpoint(name),
                "keys": {"p256dh": sink.keys[name].p256dh, "auth": sink.keys[name].dump()["auth"]},
            },
            notification("Plain pywebpush", "reference", "/", f"plain-{n}").decode(),
            vapid_private_key=vapid,
            vapid_claims={"sub": subject},  # a fresh dict per call: webpush() mutates it
            ttl=3600,
            timeout=10,
        )
    return count / (time.perf_counter() - started)


def _keep_our_logs() -> None:
    """Alembic's fileConfig disables every logger made before it ran: enable ours again."""
    for name, logger in logging.root.manager.loggerDict.items():
        if name.startswith(("server", "afterview")) and isinstance(logger, logging.Logger):
            logger.disabled = False
    for name in ("server", "afterview"):
        logging.getLogger(name).setLevel(logging.INFO)


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


@reminders.command("bench")
@click.option("--count", default=2000, show_default=True, help="Reminders in the burst.")
@click.option("--database-url", help="A scratch database (default: a temporary SQLite file).")
@click.option("--verify", is_flag=True, help="The sink verifies and decrypts every message.")
@click.option("--plain", default=150, show_default=True, help="Plain pywebpush calls to time.")
@click.option("--latency", default=100, show_default=True, help="Reminders due one by one.")
@click.option("--spread", default=20.0, show_default=True, help="Over how many seconds.")
def bench(
    count: int,
    database_url: str | None,
    verify: bool,
    plain: int,
    latency: int,
    spread: float,
) -> None:
    """Send COUNT due reminders through the real dispatcher and database to a local sink,
    then time reminders falling due one by one; print one JSON line (logs on stderr)."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(name)s %(message)s")
    with tempfile.TemporaryDirectory(prefix="afterview-bench-") as scratch:
        figures = _bench(Path(scratch), count, database_url, verify, plain, latency, spread)
    click.echo(json.dumps(figures))


def _bench(workdir, count, database_url, verify, plain, latency, spread) -> dict:
    from flask_migrate import upgrade

    from . import config as settings
    from . import create_app
    from . import MIGRATIONS
    from .db import db
    from .db import utcnow
    from .dispatcher import Dispatcher
    from .models import Reminder
    from .models import User
    from .webpush import public_key_b64
    from .webpush import sender_for
    from .webpush import vapid_for

    # Temporary VAPID keys and, unless told, a temporary SQLite database.
    url = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    config = {
        "SQLALCHEMY_DATABASE_URI": settings.database_url(url),
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "PUSH_HOSTS": ("127.0.0.1",),
        "VAPID_SUBJECT": "mailto:bench@example.com",
    }
    saved = os.environ.get("AFTERVIEW_INSTANCE_PATH")
    os.environ["AFTERVIEW_INSTANCE_PATH"] = str(workdir / "instance")
    try:
        app = create_app(config)
    finally:
        if saved is None:
            os.environ.pop("AFTERVIEW_INSTANCE_PATH")
        else:
            os.environ["AFTERVIEW_INSTANCE_PATH"] = saved
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        _keep_our_logs()
        waiting = db.session.scalar(
            sa.select(sa.func.count()).select_from(Reminder).where(Reminder.state == "due")
        )
    if waiting:
        raise click.ClickException(
            f"The database has {waiting} reminders waiting: benchmark on a scratch database."
        )
    vapid = vapid_for(app)
    subject = settings.vapid_subject(app.config)
    devices = max(1, min(count // 4, 1000))
    sink = _Sink(workdir, devices, public_key_b64(vapid), verify)
    users: list[uuid.UUID] = []
    try:
        log.info("sink at %s; seeding %d reminders for %d devices", sink.origin, count, devices)
        start = utcnow()
        users = _make_users(app, sink)
        _queue(app, users, count, lambda n: start - timedelta(seconds=n % 600))
        dispatcher = Dispatcher(app)
        wall, cpu = time.perf_counter(), time.process_time()
        report = dispatcher.tick()
        seconds = time.perf_counter() - wall
        cpu_ms = (time.process_time() - cpu) * 1000
        log.info("burst: %s in %.2f s", report, seconds)
        stats = sink.stats()
        log.info("sink: %s", stats)
        if report.sent != count or stats["error_count"]:
            raise click.ClickException(f"not every reminder was sent: {report}, {stats}")

        plain_rate = _plain_pywebpush(sink, vapid, subject, plain) if plain else 0.0
        log.info("plain pywebpush.webpush(): %.1f msg/s", plain_rate)

        first = utcnow() + timedelta(seconds=2)
        step = spread / max(latency, 1)
        late = _queue(app, users, latency, lambda n: first + timedelta(seconds=n * step))
        delays = _due_to_sent(app, dispatcher, late, first + timedelta(seconds=spread + 30))
        final = sink.stats()
        if final["error_count"]:
            raise click.ClickException(f"the sink refused messages: {final}")
        log.info("sink at the end: %s", final)
    finally:
        sink.stop()
        sender_for(app).close()
        if database_url and users:
            with app.app_context():
                db.session.execute(sa.delete(User).where(User.id.in_(users)))
                db.session.commit()
    rate = count / seconds
    return {
        "sent": report.sent,
        "seconds": round(seconds, 3),
        "msgs_per_s": round(rate, 1),
        "cpu_ms_per_msg": round(cpu_ms / count, 3),
        "p99_due_to_sent_ms": round(_p99(delays) * 1000, 1) if delays else None,
        "ratio_to_plain_pywebpush": round(rate / plain_rate, 1) if plain_rate else None,
    }


def _due_to_sent(app, dispatcher, tasks, deadline) -> list[float]:
    """Run the dispatcher's loop on the real clock until these tasks' reminders are all sent;
    the seconds from each due time to its recorded send."""
    from .db import db
    from .db import utcnow
    from .models import Reminder

    if not tasks:
        return []
    thread = threading.Thread(target=dispatcher.run, daemon=True)
    thread.start()
    query = sa.select(Reminder.due_at, Reminder.sent_at, Reminder.state).where(
        Reminder.task_id.in_(tasks)
    )
    try:
        while True:
            with app.app_context():
                rows = db.session.execute(query).all()
            if all(row.state != "due" for row in rows):
                break
            if utcnow() > deadline:
                raise click.ClickException("reminders were still unsent long after falling due")
            time.sleep(0.5)
    finally:
        dispatcher.stop()
        thread.join(10)
    return [(row.sent_at - row.due_at).total_seconds() for row in rows if row.sent_at]
