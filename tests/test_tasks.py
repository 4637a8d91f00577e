"""Tasks: the plan stored and kept in step with the interview; done, skip, snooze, undo."""

from __future__ import annotations

import uuid
from datetime import datetime
from datetime import timedelta

import pytest


def _interview(client, **fields):
    body = {"company": "Acme", "position": "Data Engineer", **fields}
    return client.post("/api/interviews", json=body).get_json()


def _person(client, interview, name="Dana Reyes", role="interviewer", **fields):
    body = {
        "name": name,
        "interview_id": interview["id"],
        "role": role,
        "emails": ["dana@acme.example"],
        **fields,
    }
    return client.post("/api/contacts", json=body).get_json()


def _plan(client, interview):
    return client.get(f"/api/interviews/{interview['id']}").get_json()["tasks"]


def _kinds(tasks):
    return sorted(task["kind"] for task in tasks if task["status"] == "pending")


def test_linking_an_interviewer_plans_a_thank_you_and_a_note(ann):
    interview = _interview(ann)
    dana = _person(ann, interview)
    tasks = _plan(ann, interview)
    mine = [task for task in tasks if task["contact_id"] == dana["id"]]
    assert {"thank_you_email", "handwritten_note"} <= {task["kind"] for task in mine}
    thanks = next(task for task in mine if task["kind"] == "thank_you_email")
    assert "Dana" in thanks["body"]
    assert thanks["channel"] == "email"
    assert thanks["company"] == "Acme" and thanks["contact_name"] == "Dana Reyes"


def test_replans_keep_task_ids_and_user_changes(ann):
    interview = _interview(ann)
    dana = _person(ann, interview)
    before = {(t["kind"], t["contact_id"]): t for t in _plan(ann, interview)}
    note = before[("handwritten_note", dana["id"])]
    moved = ann.patch(f"/api/tasks/{note['id']}", json={"due_at": "2031-01-02T08:00"})
    assert moved.status_code == 200
    ann.patch(
        f"/api/interviews/{interview['id']}", json={"points_to_recall": "the Kafka migration"}
    )
    ann.patch(f"/api/contacts/{dana['id']}", json={"name": "Dana Reyes-Smith"})
    after = {(t["kind"], t["contact_id"]): t for t in _plan(ann, interview)}
    assert {key: t["id"] for key, t in after.items()} == {key: t["id"] for key, t in before.items()}
    assert after[("handwritten_note", dana["id"])]["due_at"].startswith("2031-01-02T08:00")
    thanks = after[("thank_you_email", dana["id"])]
    assert "Reyes-Smith" in thanks["body"] or "Dana" in thanks["body"]


def test_unlinking_removes_pending_tasks_but_keeps_done_ones(ann):
    interview = _interview(ann)
    dana = _person(ann, interview)
    tasks = [t for t in _plan(ann, interview) if t["contact_id"] == dana["id"]]
    thanks = next(t for t in tasks if t["kind"] == "thank_you_email")
    assert ann.post(f"/api/tasks/{thanks['id']}/done", json={}).status_code == 200
    ann.delete(f"/api/interviews/{interview['id']}/contacts/{dana['id']}")
    left = _plan(ann, interview)
    assert [(t["kind"], t["status"]) for t in left if t["contact_id"] == dana["id"]] == [
        ("thank_you_email", "done")
    ]


def test_references_and_referrals_get_their_tasks(ann):
    interview = _interview(ann)
    _person(ann, interview, name="Ref Erin", role="reference", emails=[])
    _person(ann, interview, name="Refer Al", role="referral", emails=[])
    assert {"tell_reference", "contact_referral"} <= set(_kinds(_plan(ann, interview)))


def test_rejection_leaves_one_gracious_thanks(ann):
    interview = _interview(ann)
    _person(ann, interview)
    ann.patch(f"/api/interviews/{interview['id']}", json={"status": "rejected"})
    pending = [t for t in _plan(ann, interview) if t["status"] == "pending"]
    assert [t["kind"] for t in pending] == ["gracious_thanks"]


def test_agreed_follow_up_is_never_before_not_before(ann):
    interview = _interview(
        ann,
        held_at="2026-11-23T10:00",
        follow_up_wanted=True,
        follow_up_on="2026-12-01",
        follow_up_channel="phone",
        not_before="2026-12-03",
    )
    _person(ann, interview)
    agreed = [t for t in _plan(ann, interview) if t["kind"] == "agreed_follow_up"]
    assert len(agreed) == 1
    assert agreed[0]["channel"] == "phone"
    assert datetime.fromisoformat(agreed[0]["due_at"]).date().isoformat() >= "2026-12-03"


def test_agreement_fields_round_trip_and_validate(ann):
    interview = _interview(ann, decision_expected_on="2026-12-10", concerns="No Go experience")
    read = ann.get(f"/api/interviews/{interview['id']}").get_json()
    assert read["decision_expected_on"] == "2026-12-10"
    assert read["concerns"] == "No Go experience"
    assert read["follow_up_wanted"] is None
    bad = ann.patch(f"/api/interviews/{interview['id']}", json={"follow_up_channel": "fax"})
    assert bad.status_code == 422 and bad.get_json()["field"] == "follow_up_channel"


def test_views_today_upcoming_done(ann):
    soon = ann.post("/api/tasks", json={"title": "Now", "due_at": "2020-01-01T09:00"}).get_json()
    later = ann.post("/api/tasks", json={"title": "Later", "due_at": "2099-01-01T09:00"})
    assert later.status_code == 201
    assert [t["title"] for t in ann.get("/api/tasks?view=today").get_json()] == ["Now"]
    assert [t["title"] for t in ann.get("/api/tasks?view=upcoming").get_json()] == ["Later"]
    ann.post(f"/api/tasks/{soon['id']}/done", json={})
    assert [t["title"] for t in ann.get("/api/tasks?view=done").get_json()] == ["Now"]
    assert ann.get("/api/tasks?view=today").get_json() == []
    assert ann.get("/api/tasks?view=someday").status_code == 400


def test_own_task_create_is_replay_safe(ann):
    body = {"id": str(uuid.uuid4()), "title": "Send portfolio", "due_at": "2030-05-01T10:00"}
    assert ann.post("/api/tasks", json=body).status_code == 201
    assert ann.post("/api/tasks", json=body).status_code == 200
    assert ann.post("/api/tasks", json={**body, "title": "Other"}).status_code == 409
    assert len(ann.get("/api/tasks?view=upcoming").get_json()) == 1
    created = ann.get("/api/tasks?view=upcoming").get_json()[0]
    assert created["due_at"] == "2030-05-01T10:00:00+02:00", "Ann's Berlin time"


def test_done_undo_and_replays(ann):
    task = ann.post("/api/tasks", json={"title": "Call", "due_at": "2020-01-01T09:00"}).get_json()
    url = f"/api/tasks/{task['id']}"
    first = ann.post(f"{url}/done", json={"action_id": "a1"}).get_json()
    replay = ann.post(f"{url}/done", json={"action_id": "a1"}).get_json()
    assert first == replay and first["status"] == "done" and first["can_undo"]
    undone = ann.post(f"{url}/undo", json={}).get_json()
    assert undone["status"] == "pending" and undone["completed_at"] is None
    assert undone["due_at"] == task["due_at"]
    assert ann.post(f"{url}/undo", json={}).get_json() == undone, "a second undo changes nothing"
    skipped = ann.post(f"{url}/skip").get_json()
    assert skipped["status"] == "skipped"


@pytest.mark.parametrize("until", ["1h", "tomorrow", "next_working_day"])
def test_snooze_moves_the_task_forward_once(ann, until):
    task = ann.post("/api/tasks", json={"title": "Call", "due_at": "2020-01-01T09:00"}).get_json()
    url = f"/api/tasks/{task['id']}/snooze"
    snoozed = ann.post(url, json={"until": until}).get_json()
    again = ann.post(url, json={"until": until}).get_json()
    assert snoozed["due_at"] == again["due_at"], "a replayed snooze does not push twice"
    due = datetime.fromisoformat(snoozed["due_at"])
    now = datetime.now(due.tzinfo)
    assert due > now
    if until == "1h":
        assert due - now < timedelta(hours=1, minutes=1)
    else:
        assert due.hour == 9 and due.date() > now.date()
    restored = ann.post(f"/api/tasks/{task['id']}/undo").get_json()
    assert restored["due_at"] == task["due_at"]


def test_snooze_next_working_day_skips_weekends_and_holidays(ann):
    from server.domain.snooze import snoozed_until
    from server.domain.workdays import WorkCalendar

    # Thursday 24 December 2026 in Berlin: Christmas Day and Boxing Day are holidays in
    # Germany, then the weekend; the next working day is Monday 28.
    evening = datetime.fromisoformat("2026-12-24T18:00:00+01:00")
    german = WorkCalendar.of(["mon", "tue", "wed", "thu", "fri"], "DE")
    until = snoozed_until("next_working_day", evening, "Europe/Berlin", 9, german)
    assert until.isoformat() == "2026-12-28T08:00:00+00:00"
    nowhere = WorkCalendar.of(["mon", "tue", "wed", "thu", "fri"], None)
    until = snoozed_until("next_working_day", evening, "Europe/Berlin", 9, nowhere)
    assert until.isoformat() == "2026-12-25T08:00:00+00:00", "no country: weekends only"


def test_bad_task_input(ann):
    assert ann.post("/api/tasks", json={"title": "x"}).get_json()["field"] == "due_at"
    task = ann.post("/api/tasks", json={"title": "t", "due_at": "2030-01-01T10:00"}).get_json()
    snooze = ann.post(f"/api/tasks/{task['id']}/snooze", json={"until": "forever"})
    assert snooze.status_code == 422 and snooze.get_json()["field"] == "until"
    assert ann.post(f"/api/tasks/{uuid.uuid4()}/done").status_code == 404


def test_planned_tasks_cannot_be_deleted_own_ones_can(ann):
    interview = _interview(ann)
    _person(ann, interview)
    planned = _plan(ann, interview)[0]
    assert ann.delete(f"/api/tasks/{planned['id']}").status_code == 409
    own = ann.post("/api/tasks", json={"title": "t", "due_at": "2030-01-01T10:00"}).get_json()
    assert ann.delete(f"/api/tasks/{own['id']}").status_code == 204


def test_second_interview_restarts_the_plan_as_a_new_round(ann):
    interview = _interview(ann, held_at="2026-11-02T10:00")
    dana = _person(ann, interview)
    first = {(t["kind"], t["contact_id"]): t for t in _plan(ann, interview)}
    thanks = first[("thank_you_email", dana["id"])]
    ann.post(f"/api/tasks/{thanks['id']}/done", json={})
    ann.patch(
        f"/api/interviews/{interview['id']}",
        json={"status": "second_interview", "held_at": "2026-11-20T15:00"},
    )
    tasks = _plan(ann, interview)
    thank_yous = [t for t in tasks if t["kind"] == "thank_you_email"]
    assert sorted(t["status"] for t in thank_yous) == ["done", "pending"], (
        "round 1's finished thank-you stays; round 2 gets its own"
    )
    pending = next(t for t in thank_yous if t["status"] == "pending")
    assert pending["id"] != thanks["id"]
    # Saving the same status again is not a third round.
    ann.patch(f"/api/interviews/{interview['id']}", json={"status": "second_interview"})
    again = [t for t in _plan(ann, interview) if t["kind"] == "thank_you_email"]
    assert sorted(t["id"] for t in again) == sorted(t["id"] for t in thank_yous)


def test_drafts_are_signed_with_the_name_given_at_sign_up(new_user):
    carla = new_user("carla@example.com", name="Carla Mendes")
    interview = _interview(carla)
    _person(carla, interview)
    thanks = next(t for t in _plan(carla, interview) if t["kind"] == "thank_you_email")
    assert thanks["body"].rstrip().endswith("Carla Mendes")
