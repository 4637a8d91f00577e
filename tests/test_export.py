"""The user's data: export, import into an empty account, and deletes that leave nothing."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile

import pytest
import sqlalchemy as sa

from server import export
from server.db import db
from server.models import CardScan
from server.models import InterviewContact
from server.models import PushSubscription
from server.models import Reminder
from server.models import Task
from server.models import User

from .test_merge import upload_card

MULTIPART = "multipart/form-data"


def fill_account(client, monkeypatch) -> dict:
    """An account with some of everything: settings, agreements, links, cards, task states."""
    client.patch(
        "/api/account",
        json={"name": "Ann Example", "country": "DE", "reminder_hour": 8,
              "working_days": ["mon", "tue", "wed", "thu"]},
    )
    first = client.post(
        "/api/interviews",
        json={
            "company": "Müller & Söhne", "position": "Data engineer",
            "location": "Berlin, 3rd floor",
            "held_at": "2030-03-04T10:00", "notes": "Line one\nline two; with, commas",
            "decision_expected_on": "2030-03-20", "follow_up_wanted": True,
            "follow_up_on": "2030-03-12", "follow_up_channel": "email",
            "concerns": "relocation", "interests": "Kafka", "points_to_recall": "the cat",
            "value_add_touches": True,
        },
    ).get_json()
    second = client.post(
        "/api/interviews", json={"company": "Globex", "held_at": "2030-03-05T15:30"}
    ).get_json()
    client.patch(f"/api/interviews/{second['id']}", json={"status": "second_interview"})
    card = upload_card(client, monkeypatch, interview_id=first["id"])
    loose = upload_card(client, monkeypatch, colour="gray", interview_id=second["id"])
    dana = client.post(
        "/api/contacts",
        json={"name": "Jürgen Müller", "title": "CTO", "company": "Müller & Söhne",
              "emails": ["j@mueller.example", "jm@gmail.example"],
              "phones": [{"number": "+49 30 1234567", "type": "work"},
                         {"number": "0151 2345678", "type": "mobile"}],
              "address": "Friedrichstraße 1\n10117 Berlin", "website": "mueller.example",
              "notes": "Tea, not coffee", "interview_id": first["id"], "card_id": card["id"]},
    ).get_json()
    lee = client.post(
        "/api/contacts",
        json={"name": "Lee", "emails": ["lee@globex.example"], "interview_id": second["id"],
              "role": "referral"},
    ).get_json()
    client.put(f"/api/interviews/{first['id']}/contacts/{lee['id']}", json={"role": "other"})
    client.post(
        "/api/tasks",
        json={"title": "Read their blog", "due_at": "2030-03-06T09:00", "contact_id": lee["id"]},
    )
    planned = client.get(f"/api/interviews/{first['id']}").get_json()["tasks"]
    assert len(planned) >= 3
    assert client.post(f"/api/tasks/{planned[0]['id']}/done", json={}).status_code == 200
    assert client.post(f"/api/tasks/{planned[1]['id']}/skip", json={}).status_code == 200
    client.patch(f"/api/tasks/{planned[2]['id']}", json={"due_at": "2030-04-01T11:00"})
    return {"first": first, "second": second, "dana": dana, "lee": lee, "card": card,
            "loose": loose}


def export_zip(client) -> zipfile.ZipFile:
    response = client.get("/api/export")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert re.search(
        r'attachment; filename="?afterview-export-\d{4}-\d{2}-\d{2}\.zip',
        response.headers["Content-Disposition"],
    )
    return zipfile.ZipFile(io.BytesIO(response.data))


def document(archive: zipfile.ZipFile) -> dict:
    return json.loads(archive.read("afterview.json"))


def canonical(doc: dict, with_email: bool = True) -> dict:
    """The document with ids replaced by labels (found by content) and lists in a set order."""
    labels = {}
    keys = {
        "interviews": lambda row: (row["company"], row["position"]),
        "contacts": lambda row: row["name"],
        "cards": lambda row: (row["created_at"], row["contact_id"] is None),
        "tasks": lambda row: (row["title"], row["due_at"], row["kind"], row["status"]),
    }
    for kind, key in keys.items():
        for index, row in enumerate(sorted(doc[kind], key=key)):
            labels[row["id"]] = f"{kind}-{index}"
    text = json.dumps({key: value for key, value in doc.items() if key != "exported_at"})
    for old, new in labels.items():
        text = text.replace(old, new)
    data = json.loads(text)
    if not with_email:
        data["account"].pop("email")
    for kind in ("interviews", "contacts", "links", "tasks", "cards"):
        data[kind].sort(key=lambda row: json.dumps(row, sort_keys=True))
    return data


def post_zip(client, data: bytes, raw: bool = False):
    if raw:
        return client.post("/api/import", data=data, content_type="application/zip")
    return client.post(
        "/api/import",
        data={"file": (io.BytesIO(data), "afterview-export.zip")},
        content_type=MULTIPART,
    )


def make_zip(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def count_rows(app, user_id) -> dict[str, int]:
    """Rows of every table that belong to the user (directly or through an interview)."""
    with app.app_context():
        counts = {}
        for table in db.metadata.sorted_tables:
            if table.name == "user_sessions":
                continue  # the log-in itself, not data in the account
            if "user_id" in table.c:
                where = table.c.user_id == user_id
            elif table.name == "interview_contacts":
                where = InterviewContact.contact_id.in_(
                    sa.text("SELECT id FROM contacts WHERE user_id = :uid").bindparams(
                        uid=user_id
                    )
                )
            else:
                continue
            counts[table.name] = db.session.scalar(
                sa.select(sa.func.count()).select_from(table).where(where)
            )
        counts["users"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.id == user_id)
        )
        return counts


def reminders_and_pending(app, user_id) -> tuple[int, int]:
    with app.app_context():
        reminders = db.session.scalar(
            sa.select(sa.func.count()).select_from(Reminder).where(Reminder.user_id == user_id)
        )
        pending = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Task)
            .where(Task.user_id == user_id, Task.status == "pending")
        )
        return reminders, pending


# --- export -----------------------------------------------------------------------------------


def test_export_holds_everything_and_no_secrets(ann, monkeypatch):
    made = fill_account(ann, monkeypatch)
    archive = export_zip(ann)
    names = set(archive.namelist())
    assert {"afterview.json", "contacts.vcf", "tasks.ics"} <= names
    assert {f"photos/{made['card']['id']}.jpg", f"photos/{made['loose']['id']}.jpg"} <= names
    assert archive.read(f"photos/{made['card']['id']}.jpg") == ann.get(
        made["card"]["photo_url"]
    ).data
    doc = document(archive)
    assert doc["format"] == "afterview-export" and doc["version"] == 1
    assert doc["account"] == {
        "email": "ann@example.com", "name": "Ann Example", "timezone": "Europe/Berlin",
        "country": "DE", "reminder_hour": 8, "working_days": ["mon", "tue", "wed", "thu"],
    }  # fmt: skip
    first = next(row for row in doc["interviews"] if row["company"] == "Müller & Söhne")
    assert first["held_at"] == "2030-03-04T10:00:00+01:00"
    assert first["concerns"] == "relocation" and first["follow_up_on"] == "2030-03-12"
    assert first["value_add_touches"] is True and first["plan_round"] == 1
    second = next(row for row in doc["interviews"] if row["company"] == "Globex")
    assert second["plan_round"] == 2 and second["status"] == "second_interview"
    assert {(link["contact_id"], link["role"]) for link in doc["links"]} == {
        (made["dana"]["id"], "interviewer"), (made["lee"]["id"], "referral"),
        (made["lee"]["id"], "other"),
    }  # fmt: skip
    statuses = {task["status"] for task in doc["tasks"]}
    assert statuses == {"pending", "done", "skipped"}
    assert any(task["user_changed"] for task in doc["tasks"])
    assert all(task["plan_key"] for task in doc["tasks"] if task["kind"] != "custom")
    cards = {card["id"]: card for card in doc["cards"]}
    assert cards[made["card"]["id"]]["contact_id"] == made["dana"]["id"]
    assert cards[made["loose"]["id"]]["contact_id"] is None
    assert cards[made["loose"]["id"]]["result"]["fields"]["name"] == "Dana Reyes"
    text = b"".join(archive.read(name) for name in names).decode("latin-1")
    for secret in ("password", "session_token", "$argon2", "endpoint", "p256dh", "secret"):
        assert secret not in text.lower(), secret
    assert "BEGIN:VCARD" in archive.read("contacts.vcf").decode()
    assert "Müller" in archive.read("contacts.vcf").decode()
    assert b"BEGIN:VCALENDAR" in archive.read("tasks.ics")


def test_export_leaves_out_the_calendar_secret(ann, app):
    ann.post("/api/contacts", json={"name": "Dana"})
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "ann@example.com"))
        secret = getattr(user, "calendar_secret", None) or "no-secret"
        if hasattr(user, "calendar_secret"):
            user.calendar_secret = secret = "s3cr3t-calendar-feed-value"
            db.session.commit()
    archive = export_zip(ann)
    for name in archive.namelist():
        assert secret.encode() not in archive.read(name)


def test_export_needs_a_session(client):
    assert client.get("/api/export").status_code == 401
    assert client.post("/api/import", data=b"x").status_code == 401


# --- round trip -------------------------------------------------------------------------------


def test_export_delete_sign_up_import_gives_the_same_data(app, ann, new_user, monkeypatch):
    fill_account(ann, monkeypatch)
    before = export_zip(ann)
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as copy:
        for name in before.namelist():
            copy.writestr(name, before.read(name))
    assert ann.delete("/api/account").status_code == 204

    again = new_user("ann@example.com", timezone="UTC")
    response = post_zip(again, data.getvalue())
    assert response.status_code == 201, response.get_json()
    counts = response.get_json()
    doc = document(before)
    assert counts == {
        "interviews": 2, "contacts": 2, "links": 3, "tasks": len(doc["tasks"]), "cards": 2,
        "renumbered": 0,
    }  # fmt: skip
    after = export_zip(again)
    assert canonical(document(after)) == canonical(doc)
    assert document(after)["interviews"] == doc["interviews"]
    for card in doc["cards"]:
        assert after.read(card["photo"]) == before.read(card["photo"])
    account = again.get("/api/account").get_json()
    assert account["timezone"] == "Europe/Berlin" and account["email"] == "ann@example.com"
    reminders, pending = reminders_and_pending(app, uuid.UUID(account["id"]))
    assert reminders == pending > 0
    # The imported interview reads back through the API with its people and plan.
    interview = next(row for row in again.get("/api/interviews").get_json()
                     if row["company"] == "Müller & Söhne")
    full = again.get(f"/api/interviews/{interview['id']}").get_json()
    assert {person["name"] for person in full["contacts"]} == {"Jürgen Müller", "Lee"}
    contact = next(row for row in again.get("/api/contacts").get_json()
                   if row["name"] == "Jürgen Müller")
    assert again.get(contact["photo_url"]).data == before.read(f"photos/{contact['card_id']}.jpg")


def test_import_where_the_ids_are_taken_gives_new_ones_and_keeps_every_link(
    app, ann, bob, monkeypatch
):
    made = fill_account(ann, monkeypatch)
    archive = export_zip(ann)
    data = ann.get("/api/export").data
    response = post_zip(bob, data, raw=True)
    assert response.status_code == 201, response.get_json()
    counts = response.get_json()
    assert counts["renumbered"] == 2 + 2 + counts["tasks"] + 2
    mine, theirs = document(archive), document(export_zip(bob))
    assert canonical(theirs, with_email=False) == canonical(mine, with_email=False)
    assert theirs["account"]["email"] == "bob@example.com"
    old_ids = {row["id"] for kind in ("interviews", "contacts", "tasks", "cards")
               for row in mine[kind]}
    assert not old_ids & {row["id"] for kind in ("interviews", "contacts", "tasks", "cards")
                          for row in theirs[kind]}
    # A re-plan of Bob's copy updates the planned tasks in place: the keys followed the ids.
    interview = next(row for row in theirs["interviews"] if row["company"] == "Müller & Söhne")
    before = {task["id"] for task in theirs["tasks"] if task["interview_id"] == interview["id"]}
    assert bob.patch(f"/api/interviews/{interview['id']}", json={"notes": "x"}).status_code == 200
    tasks = bob.get(f"/api/interviews/{interview['id']}").get_json()["tasks"]
    assert {task["id"] for task in tasks} <= before
    # Ann's data is untouched.
    assert canonical(document(export_zip(ann))) == canonical(mine)
    assert ann.get(f"/api/contacts/{made['dana']['id']}").status_code == 200


def test_import_into_a_non_empty_account_is_409_and_a_replay_does_not_double(
    app, ann, new_user, monkeypatch
):
    fill_account(ann, monkeypatch)
    data = ann.get("/api/export").data
    busy = post_zip(ann, data)
    assert busy.status_code == 409 and "empty account" in busy.get_json()["message"]

    fresh = new_user()
    assert post_zip(fresh, data).status_code == 201
    first = count_rows(app, uuid.UUID(fresh.account["id"]))
    replay = post_zip(fresh, data)
    assert replay.status_code == 409 and replay.get_json()["error"] == "account_not_empty"
    assert count_rows(app, uuid.UUID(fresh.account["id"])) == first


# --- refusals ---------------------------------------------------------------------------------


def _valid_document() -> dict:
    return {
        "format": "afterview-export", "version": 1, "exported_at": "2030-01-01T10:00:00+00:00",
        "account": {"timezone": "UTC", "working_days": ["mon"]},
        "interviews": [], "contacts": [], "links": [], "tasks": [], "cards": [],
    }  # fmt: skip


def _with(**changes) -> bytes:
    return make_zip({"afterview.json": json.dumps({**_valid_document(), **changes})})


CARD = {
    "id": "6f1f1f1f-1111-4111-8111-111111111111", "interview_id": None, "contact_id": None,
    "engine": "rapidocr", "result": {}, "created_at": "2030-01-01T10:00:00+00:00",
    "photo": "photos/6f1f1f1f-1111-4111-8111-111111111111.jpg",
}  # fmt: skip
CONTACT = {
    "id": "7f1f1f1f-1111-4111-8111-111111111111", "name": "Dana",
    "created_at": "2030-01-01T10:00:00+00:00", "updated_at": "2030-01-01T10:00:00+00:00",
}  # fmt: skip


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"this is not a zip at all", "not_a_zip"),
        (b"PK\x03\x04garbage", "not_a_zip"),
        (make_zip({"notes.txt": "hello"}), "not_an_export"),
        (make_zip({"afterview.json": "{not json"}), "invalid_export"),
        (make_zip({"afterview.json": "[1, 2]"}), "not_an_export"),
        (_with(format="something-else"), "not_an_export"),
        (_with(version=2), "unsupported_version"),
        (_with(account={"timezone": "Mars/Olympus"}), "invalid_export"),
        (_with(interviews=[{"id": "x", "company": "Acme"}]), "invalid_export"),
        (_with(unknown_field=1), "invalid_export"),
        (_with(cards=[CARD]), "missing_file"),
        (_with(links=[{"interview_id": CONTACT["id"], "contact_id": CONTACT["id"]}],
               contacts=[CONTACT]), "invalid_export"),
        (_with(contacts=[CONTACT, CONTACT]), "invalid_export"),
        (make_zip({"afterview.json": json.dumps(_valid_document()), "../evil.txt": "x"}),
         "unsafe_path"),
        (make_zip({"afterview.json": json.dumps(_valid_document()), "/etc/passwd": "x"}),
         "unsafe_path"),
        (make_zip({"afterview.json": json.dumps(_valid_document()), "a\\..\\b": "x"}),
         "unsafe_path"),
    ],
)
def test_import_refuses_what_is_not_an_export(new_user, app, data, error):
    client = new_user()
    for raw in (False, True):
        response = post_zip(client, data, raw=raw)
        assert response.status_code == 400, response.get_json()
        assert response.get_json()["error"] == error
        assert response.get_json()["message"]
    assert set(count_rows(app, uuid.UUID(client.account["id"])).values()) <= {0, 1}


def test_import_refuses_a_zip_bomb_without_inflating_it(new_user):
    client = new_user()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("afterview.json", json.dumps(_valid_document()))
        with archive.open("photos/bomb.jpg", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(export.MAX_UNCOMPRESSED // len(block) + 1):
                member.write(block)
    assert len(out.getvalue()) < 2 * 1024 * 1024
    response = post_zip(client, out.getvalue())
    assert response.status_code == 400 and response.get_json()["error"] == "too_large"


def test_import_refuses_too_many_members_and_an_upload_over_the_limit(new_user, monkeypatch):
    client = new_user()
    monkeypatch.setattr(export, "MAX_MEMBERS", 3)
    data = make_zip({f"f{index}.txt": "x" for index in range(4)})
    response = post_zip(client, data)
    assert response.status_code == 400 and response.get_json()["error"] == "too_many_files"
    # A raw body keeps the app's 20 MB limit; a multipart upload (spooled to disk) may be as
    # large as MAX_IMPORT_BYTES, lowered here so the test stays small.
    client.application.config["MAX_IMPORT_BYTES"] = 21 * 1024 * 1024
    huge = b"\0" * (20 * 1024 * 1024 + 1)
    assert post_zip(client, huge, raw=True).status_code == 413
    over_photo_limit = post_zip(client, huge)
    assert over_photo_limit.status_code == 400, "over 20 MB is fine for an import"
    assert over_photo_limit.get_json()["error"] == "not_a_zip"
    huger = b"\0" * (21 * 1024 * 1024 + 1)
    response = post_zip(client, huger)
    assert response.status_code == 413
    assert "21 MB" in response.get_json()["message"]


def test_import_without_a_file_field_says_what_to_send(new_user):
    client = new_user()
    response = client.post("/api/import", data={"other": "x"}, content_type=MULTIPART)
    assert response.status_code == 400 and "file" in response.get_json()["message"]
    assert client.post("/api/import").status_code == 400


def test_import_is_all_or_nothing(app, new_user):
    """A bad photo is found after the rows are written: nothing stays."""
    client = new_user()
    card = {**CARD, "contact_id": CONTACT["id"]}
    data = make_zip({
        "afterview.json": json.dumps({**_valid_document(), "contacts": [CONTACT],
                                      "cards": [card]}),
        CARD["photo"]: b"GIF89a not a jpeg",
    })
    response = post_zip(client, data)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_photo"
    counts = count_rows(app, uuid.UUID(client.account["id"]))
    assert counts.pop("users") == 1 and set(counts.values()) == {0}
    assert client.get("/api/contacts").get_json() == []


# --- deleting ---------------------------------------------------------------------------------


def test_deleting_a_contact_deletes_its_photos_and_planned_tasks(app, ann, monkeypatch):
    made = fill_account(ann, monkeypatch)
    dana = made["dana"]["id"]
    assert ann.delete(f"/api/contacts/{dana}").status_code == 204
    assert ann.get(made["card"]["photo_url"]).status_code == 404
    with app.app_context():
        assert db.session.get(CardScan, uuid.UUID(made["card"]["id"])) is None
        pending = db.session.scalars(
            sa.select(Task).where(Task.status == "pending", Task.interview_id.is_not(None))
        ).all()
        assert pending and all(str(task.contact_id) != dana for task in pending)
        assert not any(dana in (task.plan_key or "") for task in pending)


def test_deleting_an_interview_deletes_its_tasks_and_its_loose_card(app, ann, monkeypatch):
    made = fill_account(ann, monkeypatch)
    second = made["second"]["id"]
    assert ann.delete(f"/api/interviews/{second}").status_code == 204
    with app.app_context():
        assert db.session.scalars(
            sa.select(Task).where(Task.interview_id == uuid.UUID(second))
        ).all() == []
        # The card no contact kept was the interview's own: gone with it.
        assert db.session.get(CardScan, uuid.UUID(made["loose"]["id"])) is None
    # People met there stay in Contacts; the card a contact keeps stays with the contact.
    assert ann.get(f"/api/contacts/{made['lee']['id']}").status_code == 200
    assert ann.get(made["card"]["photo_url"]).status_code == 200


def test_deleting_the_account_leaves_no_row_behind(app, ann, bob, monkeypatch):
    fill_account(ann, monkeypatch)
    bobs = bob.post("/api/contacts", json={"name": "Bob's friend"}).get_json()
    ann_id = uuid.UUID(ann.get("/api/account").get_json()["id"])
    with app.app_context():
        db.session.add(
            PushSubscription(
                user_id=ann_id, endpoint="https://push.example/ann-device", p256dh="k", auth="a"
            )
        )
        db.session.commit()
    before = count_rows(app, ann_id)
    for table in ("interviews", "contacts", "interview_contacts", "tasks", "reminders",
                  "card_scans", "push_subscriptions", "users"):
        assert before[table] > 0, table
    assert ann.delete("/api/account").status_code == 204
    after = count_rows(app, ann_id)
    assert set(after.values()) == {0}, after
    assert ann.get("/api/contacts").status_code == 401
    assert bob.get(f"/api/contacts/{bobs['id']}").status_code == 200
