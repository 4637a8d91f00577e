"""The reminder dispatcher: claims due reminders, pushes them to the user's devices, records.

At-least-once with a lease. A claim sets `lease_until` and commits before anything is sent;
the results are recorded only if the lease is still ours (the task was not rescheduled or
done meanwhile). A dispatcher killed mid-send leaves its lease to expire and another sends
again; the phone collapses the repeat (same Topic at the push service, same tag on screen).

Claims are atomic across processes: `FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite the
claim runs in a `BEGIN IMMEDIATE` transaction (WAL and busy_timeout are set on connect).
Any number of dispatchers may run against one database.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .db import db
from .db import utcnow
from .models import Contact
from .models import Interview
from .models import PushSubscription
from .models import Reminder
from .models import Task
from .models import User
from .webpush import notification
from .webpush import Outcome
from .webpush import Push
from .webpush import Sender
from .webpush import sender_for

log = logging.getLogger(__name__)

R = Reminder.__table__
# Retries of 5xx and timeouts: after the first try, waits of 30 s, 2 min, 8 min, 32 min,
# then the reminder is marked failed (about 45 minutes of trying in all).
BACKOFF = (30, 120, 480, 1920)
MAX_ATTEMPTS = len(BACKOFF) + 1


@dataclass
class _Results:
    """One batch's decisions, written back in a handful of statements."""

    by_state: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    retries: list[dict] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)
    users: set = field(default_factory=set)
    reached: set = field(default_factory=set)
    gone: set = field(default_factory=set)


@dataclass
class Claimed:
    id: int
    task_id: uuid.UUID
    user_id: uuid.UUID
    attempts: int


@dataclass
class TickReport:
    """What one tick did (counts of reminders, and of pushes to devices)."""

    claimed: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    no_device: int = 0
    cancelled: int = 0
    lost_lease: int = 0
    pushes: int = 0
    gone_devices: int = 0

    def add(self, other: TickReport) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Job:
    """A claimed batch on its way: the pushes are in the sender's hands."""

    claimed: list[Claimed]
    lease: datetime
    results: _Results = field(default_factory=_Results)
    owners: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    pushes: int = 0
    outcomes: Future | None = None


def reminder_push(task, company: str, contact: str, subscription) -> Push:
    """The notification for one task on one device: deep link, tag and Topic by task id."""
    who = " · ".join(part for part in (contact, company) if part)
    body = task.subject or (task.body.split("\n", 1)[0] if task.body else "") or "Due now"
    if who:
        body = f"{who}: {body}"
    url = f"/interviews/{task.interview_id}" if task.interview_id else "/"
    return Push(
        endpoint=subscription.endpoint,
        p256dh=subscription.p256dh,
        auth=subscription.auth,
        payload=notification(task.title, body, url, f"task-{task.id}", str(task.id)),
        # uuid hex: 32 characters of [0-9a-f], all URL-safe base64.
        topic=task.id.hex,
        key=subscription.id,
    )


class Dispatcher:
    """Sends due reminders. `tick()` drains what is due now; `run()` loops until `stop()`."""

    def __init__(
        self,
        app,
        sender: Sender | None = None,
        *,
        now: Callable[[], datetime] = utcnow,
        batch: int | None = None,
        lease_seconds: float | None = None,
        poll_seconds: float | None = None,
    ):
        self.app = app
        self.sender = sender or sender_for(app)
        self.now = now
        self.batch = batch or app.config["DISPATCH_BATCH"]
        self.lease = timedelta(seconds=lease_seconds or app.config["DISPATCH_LEASE_SECONDS"])
        self.poll = poll_seconds or app.config["DISPATCH_POLL_SECONDS"]
        with app.app_context():
            self.engine = db.engine
        self.sqlite = self.engine.dialect.name == "sqlite"
        self.last_tick: datetime | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- one pass -------------------------------------------------------------------------

    def tick(self) -> TickReport:
        """Claim, send and record batches until nothing is due now.

        Pipelined: while one batch is on the wire, the next is claimed and loaded and the
        previous one's results are written, so the database and the network overlap.
        """
        report = TickReport()
        in_flight: _Job | None = None
        more = True
        while more and not self._stop.is_set():
            claimed, lease = self.claim()
            more = len(claimed) == self.batch
            job = self._prepare(claimed, lease) if claimed else None
            if in_flight is not None:
                report.add(self._finish(in_flight))
            in_flight = job
        if in_flight is not None:
            # Even when stopping: a batch on the wire is always recorded.
            report.add(self._finish(in_flight))
        self.last_tick = self.now()
        return report

    def claim(self) -> tuple[list[Claimed], datetime]:
        """Lease up to `batch` due reminders to this dispatcher and commit the lease."""
        now = self.now()
        lease = now + self.lease
        ready = (
            sa.select(R.c.id)
            .where(
                R.c.state == "due",
                R.c.next_try_at <= now,
                sa.or_(R.c.lease_until.is_(None), R.c.lease_until <= now),
            )
            .order_by(R.c.next_try_at)
            .limit(self.batch)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite renders nothing
        )
        if self.sqlite:
            chosen = ready.scalar_subquery()
        else:
            # PostgreSQL may run a plain IN (... LIMIT n FOR UPDATE SKIP LOCKED) subquery again
            # for each row, each run skipping what the last one locked, and so lease more than
            # `batch` rows; a MATERIALIZED CTE runs exactly once.
            chosen = sa.select(ready.cte("ready").prefix_with("MATERIALIZED").c.id)
        claim = (
            sa.update(R)
            .where(R.c.id.in_(chosen))
            .values(lease_until=lease)
            .returning(R.c.id, R.c.task_id, R.c.user_id, R.c.attempts)
        )
        with Session(self.engine) as session:
            if self.sqlite:
                # Take the write lock first (waiting busy_timeout for it), so that a second
                # dispatcher never reads the same rows as due and then fails to upgrade.
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            rows = session.execute(claim).all()
            session.commit()
        return [Claimed(*row) for row in rows], lease

    def deliver(self, claimed: list[Claimed], lease: datetime) -> TickReport:
        """Send one claimed batch to every device of each reminder's user, then record."""
        return self._finish(self._prepare(claimed, lease))

    def _prepare(self, claimed: list[Claimed], lease: datetime) -> _Job:
        """Load what the batch needs, settle the reminders with nothing to send, and hand
        the pushes to the sender (which starts at once)."""
        job = _Job(claimed, lease)
        with Session(self.engine) as session:
            tasks, devices = self._load(session, claimed)
        pushes: list[Push] = []
        for item in claimed:
            task = tasks.get(item.task_id)
            if task is None or task.status != "pending":
                # Done or deleted since it was queued: the hook cancels it too; be sure.
                job.results.by_state["cancelled"].append(item.id)
                continue
            user_devices = devices.get(item.user_id, [])
            if not user_devices:
                job.results.by_state["no_device"].append(item.id)
                continue
            for device in user_devices:
                job.owners[item.id].append(len(pushes))
                pushes.append(reminder_push(task, task.company, task.contact, device))
        job.pushes = len(pushes)
        job.outcomes = self.sender.submit(pushes)
        return job

    def _finish(self, job: _Job) -> TickReport:
        """Wait for the batch's outcomes, decide each reminder, write it all back."""
        report = TickReport(claimed=len(job.claimed), pushes=job.pushes)
        outcomes = job.outcomes.result()
        for item in job.claimed:
            if item.id in job.owners:
                self._decide(item, [outcomes[index] for index in job.owners[item.id]], job.results)
        report.gone_devices = len(job.results.gone)
        self._record(job.results, job.lease, report)
        return report

    def _load(self, session: Session, claimed: list[Claimed]):
        """The batch's tasks (only the columns a notification needs) and devices by user."""
        rows = session.execute(
            sa.select(
                Task.id,
                Task.title,
                Task.subject,
                Task.body,
                Task.status,
                Task.interview_id,
                sa.func.coalesce(Interview.company, "").label("company"),
                sa.func.coalesce(Contact.name, "").label("contact"),
            )
            .outerjoin(Interview, Task.interview_id == Interview.id)
            .outerjoin(Contact, Task.contact_id == Contact.id)
            .where(Task.id.in_([item.task_id for item in claimed]))
        ).all()
        tasks = {row.id: row for row in rows}
        devices: dict[uuid.UUID, list] = defaultdict(list)
        for device in session.execute(
            sa.select(
                PushSubscription.id,
                PushSubscription.user_id,
                PushSubscription.endpoint,
                PushSubscription.p256dh,
                PushSubscription.auth,
            ).where(PushSubscription.user_id.in_({item.user_id for item in claimed}))
        ):
            devices[device.user_id].append(device)
        return tasks, devices

    def _decide(self, item: Claimed, outcomes: list[Outcome], results: _Results) -> None:
        """One reminder's state from its devices' outcomes."""
        kinds = {outcome.kind for outcome in outcomes}
        for outcome in outcomes:
            if outcome.kind == "sent":
                results.reached.add(outcome.key)
            elif outcome.kind == "gone":
                results.gone.add(outcome.key)
        problems = [outcome for outcome in outcomes if outcome.kind in ("retry", "failed")]
        error = problems[0].error[:300] if problems else ""
        if "sent" in kinds:
            results.users.add(item.user_id)
        attempts = item.attempts + 1
        if "retry" in kinds and attempts < MAX_ATTEMPTS:
            # Send again later, to every device: one that had it already shows the same tag.
            # A 429's Retry-After says when; otherwise the backoff does.
            asked = [o.retry_after for o in outcomes if o.retry_after is not None]
            delay = max(max(asked), 1.0) if asked else BACKOFF[attempts - 1]
            results.retries.append(
                {"rid": item.id, "next": self.now() + timedelta(seconds=delay), "err": error}
            )
            return
        if "sent" in kinds:
            state = "sent"
        elif kinds == {"gone"}:
            state = "no_device"
        else:
            state = "failed"
        results.by_state[state].append(item.id)
        if error:
            results.errors[item.id] = error
        if state == "failed":
            log.warning("reminder %s for task %s failed: %s", item.id, item.task_id, error)

    def _record(self, results: _Results, lease: datetime, report: TickReport) -> None:
        """Write one batch's results: a few set-based statements, one commit. A row whose
        lease is no longer ours (rescheduled, done, or re-claimed after expiry) is left."""
        now = self.now()
        ours = sa.and_(R.c.state == "due", R.c.lease_until == lease)
        with Session(self.engine) as session, session.begin():
            for state, ids in results.by_state.items():
                plain = [rid for rid in ids if rid not in results.errors]
                noted = [rid for rid in ids if rid in results.errors]
                values = {"state": state, "lease_until": None, "attempts": R.c.attempts + 1}
                if state == "sent":
                    values["sent_at"] = now
                if state == "cancelled":
                    values["attempts"] = R.c.attempts
                changed = 0
                if plain:
                    statement = (
                        sa.update(R).where(R.c.id.in_(plain), ours).values(**values, last_error="")
                    )
                    changed += session.execute(statement).rowcount
                for rid in noted:
                    statement = (
                        sa.update(R)
                        .where(R.c.id == rid, ours)
                        .values(**values, last_error=results.errors[rid])
                    )
                    changed += session.execute(statement).rowcount
                setattr(report, state, getattr(report, state) + changed)
                report.lost_lease += len(ids) - changed
            if results.retries:
                statement = (
                    sa.update(R)
                    .where(R.c.id == sa.bindparam("rid"), ours)
                    .values(
                        next_try_at=sa.bindparam("next"),
                        last_error=sa.bindparam("err"),
                        lease_until=None,
                        attempts=R.c.attempts + 1,
                    )
                )
                session.connection().execute(statement, results.retries)
                report.retry += len(results.retries)
            if results.users:
                session.execute(
                    sa.update(User)
                    .where(User.id.in_(results.users))
                    .values(last_reminder_at=now)
                    .execution_options(synchronize_session=False)
                )
            if results.reached:
                session.execute(
                    sa.update(PushSubscription)
                    .where(PushSubscription.id.in_(results.reached))
                    .values(last_success_at=now)
                    .execution_options(synchronize_session=False)
                )
            if results.gone:
                session.execute(
                    sa.delete(PushSubscription)
                    .where(PushSubscription.id.in_(results.gone))
                    .execution_options(synchronize_session=False)
                )

    # --- the loop -------------------------------------------------------------------------

    def seconds_to_next(self) -> float:
        """Until the next reminder is due (or its lease ends), capped at the poll interval."""
        wake = sa.case((R.c.lease_until > R.c.next_try_at, R.c.lease_until), else_=R.c.next_try_at)
        with Session(self.engine) as session:
            raw = session.execute(sa.select(sa.func.min(wake)).where(R.c.state == "due")).scalar()
        if raw is None:
            return self.poll
        if isinstance(raw, str):  # SQLite returns a CASE over datetimes as text
            raw = datetime.fromisoformat(raw)
        if raw.tzinfo is None:
            raw = raw.replace(tzinfo=self.now().tzinfo)
        return min(self.poll, max((raw - self.now()).total_seconds(), 0.0))

    def run(self) -> None:
        """Tick, then sleep until the next due time or the poll interval; until stop()."""
        self._stop.clear()
        while not self._stop.is_set():
            try:
                with self.app.app_context():
                    report = self.tick()
                if report.claimed:
                    log.info("reminders: %s", report)
                delay = self.seconds_to_next()
            except Exception:
                # A database hiccup must not end the loop; the next tick tries again.
                log.exception("the reminder dispatcher's tick failed")
                delay = self.poll
            self._stop.wait(delay)

    def start(self) -> Dispatcher:
        """Run in a daemon thread of this process (the server's worker)."""
        self._thread = threading.Thread(target=self.run, name="reminders", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        """Stop after the batch in hand (its results are recorded; nothing is half-sent)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


def start_in_server(app) -> Dispatcher:
    """The server's one dispatcher, in its worker process (after the fork); /healthz reads
    its last tick."""
    dispatcher = Dispatcher(app).start()
    app.extensions["afterview_dispatcher"] = dispatcher
    return dispatcher


def stop_in_server(app) -> None:
    dispatcher = app.extensions.pop("afterview_dispatcher", None)
    if dispatcher is not None:
        dispatcher.stop()
        dispatcher.sender.close()
