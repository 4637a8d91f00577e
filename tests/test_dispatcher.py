"""The reminder dispatcher against a verifying fake push service, on an injected clock:
every outcome, leases, kills, and two dispatchers at once."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from server.db import db
from server.db import utcnow
from server.dispatcher import BACKOFF
from server.dispatcher import Dispatcher
from server.dispatcher import MAX_ATTEMPTS
from server.models import Task
from server.models import User

from .pushfake import add_task
from .pushfake import bulk_queue
from .pushfake import clock_fixture  # noqa: F401 (fixture)
from .pushfake import dispatcher_fixture  # noqa: F401 (fixture)
from .pushfake import EPOCH
from .pushfake import own_sender
from .pushfake import push_app_fixture  # noqa: F401 (fixture)
from .pushfake import reminder_of
from .pushfake import sink_fixture  # noqa: F401 (fixture)
from .pushfake import states
from .pushfake import subscribe

DUE = EPOCH + timedelta(hours=2)


def test_a_due_reminder_reaches_every_device_once(push_app, sink, dispatcher, clock, ann):
    phone, laptop = subscribe(ann, sink), subscribe(ann, sink)
    task = add_task(ann, DUE)
    assert dispatcher.tick().claimed == 0, "not due yet"
    clock.at(DUE)
    report = dispatcher.tick()
    assert (report.claimed, report.sent, report.pushes) == (1, 1, 2)
    for device in (phone, laptop):
        (delivery,) = sink.deliveries_to(device["endpoint"])
        payload = delivery.payload
        assert payload["title"] == "Send the thank-you email"
        assert "Thanks for today" in payload["body"]
        assert payload["task_id"] == task["id"] and payload["url"] == "/"
        assert payload["tag"] == f"task-{task['id']}"
        assert [action["action"] for action in payload["actions"]] == ["done", "snooze"]
        assert delivery.headers["topic"] == uuid.UUID(task["id"]).hex
        assert int(delivery.headers["ttl"]) > 0 and delivery.headers["urgency"] == "normal"
    reminder = reminder_of(push_app, task["id"])
    assert (reminder.state, reminder.sent_at, reminder.attempts) == ("sent", DUE, 1)
    assert ann.get("/api/account").get_json()["last_reminder_at"].startswith("2031-03-04T10:00")
    status = ann.get("/api/push/status").get_json()
    assert all(device["last_success_at"] for device in status["devices"])
    clock.advance(3600)
    assert dispatcher.tick().claimed == 0, "sent once, not again"
    assert dispatcher.last_tick == clock()


def test_the_planned_thank_you_reaches_the_phone_with_a_deep_link(
    push_app, sink, dispatcher, clock, ann
):
    """End to end through the API: an interviewer linked -> planned tasks -> reminders."""
    subscribe(ann, sink)
    interview = ann.post("/api/interviews", json={"company": "Acme"}).get_json()
    body = {"name": "Dana Reyes", "interview_id": interview["id"], "role": "interviewer"}
    assert ann.post("/api/contacts", json=body).status_code == 201
    planned = ann.get(f"/api/interviews/{interview['id']}").get_json()["tasks"]
    assert planned
    clock.at(utcnow() + timedelta(days=30))  # everything planned is due by then
    assert dispatcher.tick().sent == len(planned)
    for delivery in sink.deliveries:
        assert delivery.payload["url"] == f"/interviews/{interview['id']}"
        assert "Dana Reyes" in delivery.payload["body"] and "Acme" in delivery.payload["body"]
    assert {d.payload["task_id"] for d in sink.deliveries} == {task["id"] for task in planned}


def test_a_users_own_task_gets_a_reminder(push_app, sink, dispatcher, clock, ann):
    subscribe(ann, sink)
    body = {"title": "Call Dana", "due_at": DUE.isoformat()}
    task = ann.post("/api/tasks", json=body).get_json()
    clock.at(DUE)
    assert dispatcher.tick().sent == 1
    assert sink.deliveries[0].payload["task_id"] == task["id"]


def test_without_a_device_the_reminder_is_marked_no_device(push_app, sink, dispatcher, clock, ann):
    task = add_task(ann, DUE)
    clock.at(DUE)
    assert dispatcher.tick().no_device == 1
    assert reminder_of(push_app, task["id"]).state == "no_device"
    (shown,) = ann.get("/api/push/status").get_json()["undelivered"]
    assert shown["state"] == "no_device" and shown["last_error"]


@pytest.mark.parametrize("answer", ["404", "410"])
def test_a_gone_device_is_deleted(push_app, sink, dispatcher, clock, ann, answer):
    gone = subscribe(ann, sink, mode=answer)
    task = add_task(ann, DUE)
    clock.at(DUE)
    report = dispatcher.tick()
    assert report.gone_devices == 1 and report.no_device == 1
    assert reminder_of(push_app, task["id"]).state == "no_device"
    assert ann.get("/api/push/status").get_json()["devices"] == []
    # With a second, working device the reminder is sent and only the gone one deleted.
    good = subscribe(ann, sink)
    sink.set_mode(good["endpoint"], "ok")
    again = sink.add_device(answer)
    ann.put("/api/push/subscription", json=again)
    second = add_task(ann, DUE + timedelta(hours=1), "Second")
    clock.advance(3600)
    assert dispatcher.tick().sent == 1
    assert reminder_of(push_app, second["id"]).state == "sent"
    assert [d["id"] for d in ann.get("/api/push/status").get_json()["devices"]]
    assert len(ann.get("/api/push/status").get_json()["devices"]) == 1
    assert gone


def test_a_payload_too_large_fails_where_the_user_sees_it(push_app, sink, dispatcher, clock, ann):
    subscribe(ann, sink, mode="413")
    task = add_task(ann, DUE)
    clock.at(DUE)
    assert dispatcher.tick().failed == 1
    reminder = reminder_of(push_app, task["id"])
    assert reminder.state == "failed" and "too large" in reminder.last_error
    (shown,) = ann.get("/api/push/status").get_json()["undelivered"]
    assert shown["task_id"] == task["id"] and "too large" in shown["last_error"]


def test_429_is_retried_after_retry_after(push_app, sink, dispatcher, clock, ann):
    device = subscribe(ann, sink)
    sink.set_mode(device["endpoint"], "ok", "429:7")
    task = add_task(ann, DUE)
    clock.at(DUE)
    assert dispatcher.tick().retry == 1
    reminder = reminder_of(push_app, task["id"])
    assert (reminder.state, reminder.attempts) == ("due", 1)
    assert reminder.next_try_at == DUE + timedelta(seconds=7)
    assert "slow down" in reminder.last_error
    clock.advance(6)
    assert dispatcher.tick().claimed == 0
    clock.advance(1)
    assert dispatcher.tick().sent == 1
    reminder = reminder_of(push_app, task["id"])
    assert (reminder.state, reminder.attempts, reminder.last_error) == ("sent", 2, "")


def test_5xx_backs_off_then_fails_visibly(push_app, sink, dispatcher, clock, ann):
    subscribe(ann, sink, mode="500")
    task = add_task(ann, DUE)
    clock.at(DUE)
    for attempt, wait in enumerate(BACKOFF, start=1):
        assert dispatcher.tick().retry == 1
        reminder = reminder_of(push_app, task["id"])
        assert reminder.attempts == attempt
        assert reminder.next_try_at == clock() + timedelta(seconds=wait)
        clock.advance(wait - 1)
        assert dispatcher.tick().claimed == 0, "not before its backoff"
        clock.advance(1)
    assert dispatcher.tick().failed == 1
    reminder = reminder_of(push_app, task["id"])
    assert (reminder.state, reminder.attempts) == ("failed", MAX_ATTEMPTS)
    assert "(500)" in reminder.last_error
    assert ann.get("/api/push/status").get_json()["undelivered"][0]["state"] == "failed"


def test_a_hanging_push_service_times_out_and_is_retried(push_app, sink, dispatcher, clock, ann):
    device = subscribe(ann, sink)
    sink.set_mode(device["endpoint"], "ok", "hang")
    task = add_task(ann, DUE)
    clock.at(DUE)
    assert dispatcher.tick().retry == 1
    assert "in time" in reminder_of(push_app, task["id"]).last_error
    clock.advance(BACKOFF[0])
    assert dispatcher.tick().sent == 1


def test_a_task_done_before_it_is_due_is_never_sent(push_app, sink, dispatcher, clock, ann):
    subscribe(ann, sink)
    task = add_task(ann, DUE)
    assert ann.post(f"/api/tasks/{task['id']}/done", json={}).status_code == 200
    clock.at(DUE)
    assert dispatcher.tick().claimed == 0
    assert sink.deliveries == []


def test_a_task_done_while_being_sent_stays_done(push_app, sink, dispatcher, clock, ann):
    """The lease is checked when results are written: a change meanwhile wins."""
    subscribe(ann, sink)
    task = add_task(ann, DUE)
    clock.at(DUE)
    claimed, lease = dispatcher.claim()
    assert len(claimed) == 1
    assert ann.post(f"/api/tasks/{task['id']}/done", json={}).status_code == 200
    report = dispatcher.deliver(claimed, lease)
    assert report.lost_lease + report.cancelled == 1
    assert reminder_of(push_app, task["id"]).state == "cancelled"


def test_a_dispatcher_killed_after_claiming_loses_nothing(push_app, sink, clock, ann):
    subscribe(ann, sink)
    tasks = [add_task(ann, DUE, f"Task {n}") for n in range(6)]
    clock.at(DUE)
    first = Dispatcher(push_app, now=clock, batch=4, lease_seconds=120)
    claimed, lease = first.claim()
    # It sends its batch but dies before recording anything (as a SIGKILL would leave it).
    job = first._prepare(claimed, lease)
    job.outcomes.result()
    assert len(sink.deliveries) == 4
    second = Dispatcher(push_app, now=clock, batch=4, sender=own_sender(push_app))
    try:
        assert second.tick().sent == 2, "the leased ones wait for the lease to end"
        clock.advance(121)
        assert second.tick().sent == 4
    finally:
        second.sender.close()
    assert states(push_app) == {"sent": 6}
    delivered = [d.payload["task_id"] for d in sink.deliveries]
    assert set(delivered) == {task["id"] for task in tasks}
    # The repeats carry the same Topic and tag, so the phone shows each reminder once.
    for task_id in set(delivered):
        copies = [d for d in sink.deliveries if d.payload["task_id"] == task_id]
        assert len({(d.headers["topic"], d.payload["tag"]) for d in copies}) == 1


def _race(app, sink, clock, count: int, batch: int) -> tuple[list, list]:
    task_ids = bulk_queue(app, sink, users=count // 10, count=count, due=DUE)
    clock.at(DUE)
    senders = [own_sender(app), own_sender(app)]
    dispatchers = [Dispatcher(app, sender, now=clock, batch=batch) for sender in senders]
    reports = [None, None]
    start = threading.Barrier(2)

    def work(index: int) -> None:
        start.wait()
        reports[index] = dispatchers[index].tick()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for sender in senders:
        sender.close()
    return task_ids, reports


def test_two_dispatchers_on_postgresql_deliver_each_of_1000_exactly_once(push_app, sink, clock):
    if push_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite has its own race test below")
    task_ids, reports = _race(push_app, sink, clock, 1000, batch=50)
    delivered = [delivery.payload["task_id"] for delivery in sink.deliveries]
    assert len(delivered) == 1000
    assert sorted(delivered) == sorted(str(task_id) for task_id in task_ids)
    assert reports[0].sent + reports[1].sent == 1000
    assert reports[0].claimed and reports[1].claimed, "both took part"
    assert states(push_app) == {"sent": 1000}


def test_two_dispatchers_on_sqlite_share_the_queue(push_app, sink, clock):
    if not push_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the PostgreSQL race is the test above")
    task_ids, reports = _race(push_app, sink, clock, 200, batch=20)
    delivered = sorted(delivery.payload["task_id"] for delivery in sink.deliveries)
    assert delivered == sorted(str(task_id) for task_id in task_ids)
    assert reports[0].sent + reports[1].sent == 200
    assert states(push_app) == {"sent": 200}


def test_last_reminder_at_is_recorded_for_every_user_reached(push_app, sink, clock):
    bulk_queue(push_app, sink, users=5, count=20, due=DUE)
    clock.at(DUE + timedelta(minutes=1))
    Dispatcher(push_app, now=clock, batch=7).tick()
    with push_app.app_context():
        times = set(db.session.scalars(sa.select(User.last_reminder_at)))
    assert times == {clock()}


def test_the_loop_sleeps_until_the_next_due_time_and_stops_cleanly(push_app, sink, clock, ann):
    subscribe(ann, sink)
    dispatcher = Dispatcher(push_app, now=clock, poll_seconds=30)
    assert dispatcher.seconds_to_next() == 30, "nothing queued: the poll interval"
    add_task(ann, clock() + timedelta(seconds=12))
    assert dispatcher.seconds_to_next() == pytest.approx(12)
    clock.advance(20)
    assert dispatcher.seconds_to_next() == 0
    dispatcher.start()
    ticked = threading.Event()
    for _ in range(200):  # wait for the first tick, however slow the machine is
        if dispatcher.last_tick is not None:
            ticked.set()
            break
        threading.Event().wait(0.05)
    dispatcher.stop()
    assert ticked.is_set() and not dispatcher._thread.is_alive()
    assert states(push_app) == {"sent": 1}


def test_healthz_reports_the_queue(push_app, sink, client, ann):
    before = client.get("/healthz")
    assert before.status_code == 200
    health = before.get_json()["reminders"]
    assert health["dispatcher_last_tick"] is None and health["oldest_unsent_due"] is None
    past = EPOCH.replace(year=2020)
    with push_app.app_context():
        user = db.session.get(User, uuid.UUID(ann.account["id"]))
        task = Task(
            user_id=user.id, create_hash="x", title="Overdue", due_at=past, status="pending"
        )
        db.session.add(task)
        db.session.commit()
    health = client.get("/healthz").get_json()["reminders"]
    assert health["oldest_unsent_due"].startswith("2020-03-04T08:00")
    assert health["oldest_unsent_due_seconds"] > 0


def test_bench_prints_one_json_line_last(tmp_path, monkeypatch):
    """A small run of the real benchmark (its sink verifying in its own process)."""
    from server.cli import main

    before = dict(__import__("os").environ)
    result = CliRunner().invoke(
        main,
        [
            "reminders",
            "bench",
            "--count",
            "60",
            "--plain",
            "5",
            "--latency",
            "3",
            "--spread",
            "0.5",
            "--verify",
        ],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) == {
        "sent",
        "seconds",
        "msgs_per_s",
        "cpu_ms_per_msg",
        "p99_due_to_sent_ms",
        "ratio_to_plain_pywebpush",
    }
    assert figures["sent"] == 60
    assert dict(__import__("os").environ) == before, "the bench leaves the environment alone"


def test_interview_tasks_link_to_the_interview(push_app, sink, dispatcher, clock, ann):
    subscribe(ann, sink)
    interview = ann.post("/api/interviews", json={"company": "Initech"}).get_json()
    task = add_task(ann, DUE, "Write the note", interview_id=interview["id"])
    clock.at(DUE)
    dispatcher.tick()
    (delivery,) = [d for d in sink.deliveries if d.payload["task_id"] == task["id"]]
    assert delivery.payload["url"] == f"/interviews/{interview['id']}"
    assert delivery.payload["body"].startswith("Initech: ")
