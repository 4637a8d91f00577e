"""Clean contacts: possible duplicates on create, and merging two contacts into one."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image

from server import cards
from server.ocr import CardScan as OcrScan

MULTIPART = "multipart/form-data"


def _reading(data, *, default_region=None, engine="rapidocr"):
    fields = {"name": "Dana Reyes", "title": "", "company": "Acme", "emails": [], "phones": [],
              "website": None, "address": None, "notes": ""}
    return OcrScan(fields=fields, confidence={"name": 1.0}, flagged=[], engine=engine,
                   lines=[{"text": "Dana Reyes", "box": [0, 0, 9, 9], "confidence": 1.0}],
                   qr=False)


def upload_card(client, monkeypatch, colour="white", **form) -> dict:
    """A card scan made with a stand-in reader (no OCR model)."""
    monkeypatch.setattr(cards, "read_card", _reading)
    out = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(out, "JPEG")
    data = {**form, "image": (io.BytesIO(out.getvalue()), "card.jpg")}
    response = client.post("/api/cards", data=data, content_type=MULTIPART)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def dupes(response) -> list[tuple[str, str]]:
    return [(item["name"], item["reason"]) for item in response.get_json()["possible_duplicates"]]


# --- possible duplicates on create ----------------------------------------------------------


def test_create_lists_possible_duplicates_and_still_creates(ann):
    assert ann.patch("/api/account", json={"country": "DE"}).status_code == 200
    first = ann.post(
        "/api/contacts",
        json={
            "name": "Jürgen Müller",
            "company": "Müller & Söhne",
            "emails": ["J.Mueller@Example.com"],
            "phones": [{"number": "+49 30 1234567", "type": "work"}],
        },
    )
    assert first.status_code == 201
    assert first.get_json()["possible_duplicates"] == []
    contact_id = first.get_json()["id"]

    by_email = ann.post("/api/contacts", json={"name": "JM", "emails": ["j.mueller@example.COM"]})
    assert by_email.status_code == 201 and dupes(by_email) == [("Jürgen Müller", "email")]
    assert by_email.get_json()["possible_duplicates"][0] == {
        "id": contact_id,
        "name": "Jürgen Müller",
        "company": "Müller & Söhne",
        "reason": "email",
    }
    by_phone = ann.post("/api/contacts", json={"name": "X", "phones": [{"number": "030 1234567"}]})
    assert dupes(by_phone) == [("Jürgen Müller", "phone")]
    by_name = ann.post(
        "/api/contacts", json={"name": "jurgen  MULLER", "company": "muller & sohne"}
    )
    assert ("Jürgen Müller", "name") in dupes(by_name)
    elsewhere = ann.post("/api/contacts", json={"name": "Jürgen Müller", "company": "Globex"})
    assert elsewhere.status_code == 201 and dupes(elsewhere) == []
    assert len(ann.get("/api/contacts").get_json()) == 5


def test_without_a_country_a_national_number_is_not_compared(ann):
    ann.post("/api/contacts", json={"name": "A", "phones": [{"number": "+49 30 1234567"}]})
    response = ann.post("/api/contacts", json={"name": "B", "phones": [{"number": "030 1234567"}]})
    assert response.status_code == 201 and dupes(response) == []


def test_a_replay_carries_the_duplicates_too(ann):
    ann.post("/api/contacts", json={"name": "Dana", "emails": ["dana@example.com"]})
    body = {"id": str(uuid.uuid4()), "name": "Dana R", "emails": ["DANA@example.com"]}
    first = ann.post("/api/contacts", json=body)
    replay = ann.post("/api/contacts", json=body)
    assert (first.status_code, replay.status_code) == (201, 200)
    assert dupes(first) == dupes(replay) == [("Dana", "email")]


def test_another_users_contacts_are_never_duplicates(ann, bob):
    ann.post("/api/contacts", json={"name": "Dana", "emails": ["dana@example.com"]})
    response = bob.post("/api/contacts", json={"name": "Dana", "emails": ["dana@example.com"]})
    assert response.status_code == 201 and dupes(response) == []


# --- merge ----------------------------------------------------------------------------------


def _tasks(client, interview_id):
    return client.get(f"/api/interviews/{interview_id}").get_json()["tasks"]


def test_merge_keeps_everything_and_replans(ann, monkeypatch):
    first = ann.post("/api/interviews", json={"company": "Acme"}).get_json()
    second = ann.post("/api/interviews", json={"company": "Acme", "position": "Round two"})
    second = second.get_json()
    kept = ann.post(
        "/api/contacts",
        json={
            "name": "Dana Reyes",
            "emails": ["dana@acme.example"],
            "phones": [{"number": "+49 30 1234567", "type": "work"}],
            "notes": "Met at the door.",
            "interview_id": first["id"],
            "role": "interviewer",
        },
    ).get_json()
    card = upload_card(ann, monkeypatch)
    other = ann.post(
        "/api/contacts",
        json={
            "name": "Dana R.",
            "title": "Head of Talent",
            "company": "Acme",
            "emails": ["DANA@acme.example", "dana.reyes@gmail.example"],
            "phones": [
                {"number": "+49 30 1234567", "type": "mobile"},
                {"number": "+1 212 555 0100", "type": "mobile"},
            ],
            "address": "1 Main St",
            "notes": "Likes cycling.",
            "interview_id": first["id"],
            "role": "referral",
            "card_id": card["id"],
        },
    ).get_json()
    link = ann.put(f"/api/interviews/{second['id']}/contacts/{other['id']}", json={})
    assert link.status_code == 200
    own = ann.post(
        "/api/tasks",
        json={"title": "Send Dana the article", "due_at": "2030-01-01T10:00",
              "contact_id": other["id"]},
    ).get_json()
    planned_for_other = [t for t in _tasks(ann, second["id"]) if t["contact_id"] == other["id"]]
    assert planned_for_other

    response = ann.post(f"/api/contacts/{kept['id']}/merge", json={"other_id": other["id"]})
    assert response.status_code == 200, response.get_json()
    merged = response.get_json()
    assert merged["id"] == kept["id"] and merged["name"] == "Dana Reyes"
    assert merged["emails"] == ["dana@acme.example", "dana.reyes@gmail.example"]
    assert merged["phones"] == [
        {"number": "+49 30 1234567", "type": "work"},
        {"number": "+1 212 555 0100", "type": "mobile"},
    ]
    assert merged["title"] == "Head of Talent" and merged["company"] == "Acme"
    assert merged["address"] == "1 Main St"
    assert merged["notes"] == "Met at the door.\n\nLikes cycling."
    assert merged["card_id"] == card["id"] and merged["photo_url"]
    assert ann.get(merged["photo_url"]).status_code == 200
    roles = {item["id"]: item["role"] for item in merged["interviews"]}
    assert roles == {first["id"]: "interviewer", second["id"]: "interviewer"}

    assert ann.get(f"/api/contacts/{other['id']}").status_code == 404
    assert [c["id"] for c in ann.get("/api/contacts").get_json()] == [kept["id"]]
    assert ann.get(f"/api/cards/{card['id']}").get_json()["contact_id"] == kept["id"]
    # The other's own task is now the kept one's; the plan names only the kept contact.
    moved = ann.get("/api/tasks?view=upcoming").get_json()
    assert {t["id"]: t["contact_id"] for t in moved}[own["id"]] == kept["id"]
    for interview in (first, second):
        tasks = _tasks(ann, interview["id"])
        assert tasks and {t["contact_id"] for t in tasks} <= {kept["id"], None}
        assert {t["contact_name"] for t in tasks if t["contact_id"]} == {"Dana Reyes"}
    # Planned tasks of the second interview were updated in place, not made again.
    assert {t["id"] for t in planned_for_other} <= {t["id"] for t in _tasks(ann, second["id"])}
    firsts = _tasks(ann, first["id"])
    assert len({t["kind"] for t in firsts}) == len(firsts), "one task per kind, no doubles"


def test_merge_refuses_itself_and_unknown_or_other_users_contacts(ann, bob):
    mine = ann.post("/api/contacts", json={"name": "Dana"}).get_json()
    theirs = bob.post("/api/contacts", json={"name": "Dana"}).get_json()
    same = ann.post(f"/api/contacts/{mine['id']}/merge", json={"other_id": mine["id"]})
    assert same.status_code == 422 and same.get_json()["field"] == "other_id"
    for url, other in [
        (f"/api/contacts/{mine['id']}/merge", theirs["id"]),
        (f"/api/contacts/{theirs['id']}/merge", mine["id"]),
        (f"/api/contacts/{mine['id']}/merge", str(uuid.uuid4())),
    ]:
        response = ann.post(url, json={"other_id": other})
        assert response.status_code == 404, url
        assert "Dana" not in response.get_data(as_text=True)
    assert bob.get(f"/api/contacts/{theirs['id']}").status_code == 200
    assert ann.get(f"/api/contacts/{mine['id']}").status_code == 200


@pytest.mark.parametrize("body", [{}, {"other_id": "nope"}, {"other_id": None}])
def test_merge_needs_an_other_id(ann, body):
    mine = ann.post("/api/contacts", json={"name": "Dana"}).get_json()
    assert ann.post(f"/api/contacts/{mine['id']}/merge", json=body).status_code == 422
