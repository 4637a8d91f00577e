"""Contacts: /api/contacts, the card schema, links made at create time."""

from __future__ import annotations

import uuid

import pytest

CARD = {
    "name": "Jürgen Müller",
    "title": "Head of Talent Acquisition",
    "company": "Müller & Söhne Logistik GmbH",
    "emails": ["j.mueller@mueller-logistik.de"],
    "phones": [
        {"number": "+49 30 12345678", "type": "work"},
        {"number": "0151 23456789", "type": "mobile"},
    ],
    "website": "www.mueller-logistik.de",
    "address": "Friedrichstraße 123, 10117 Berlin",
    "notes": "",
}


def test_create_read_the_card_schema(ann):
    response = ann.post("/api/contacts", json=CARD)
    assert response.status_code == 201
    contact = response.get_json()
    for field, value in CARD.items():
        assert contact[field] == value, field
    assert ann.get(f"/api/contacts/{contact['id']}").get_json()["name"] == "Jürgen Müller"


def test_only_name_is_required_and_defaults_are_empty(ann):
    contact = ann.post("/api/contacts", json={"name": "Jo"}).get_json()
    assert contact["emails"] == [] and contact["phones"] == []
    assert contact["title"] == "" and contact["interviews"] == []
    phone = ann.post("/api/contacts", json={"name": "Al", "phones": [{"number": "555"}]})
    assert phone.get_json()["phones"] == [{"number": "555", "type": "other"}]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "CEO"}, "name"),
        ({"name": "Jo", "emails": ["not an email"]}, "emails.0"),
        ({"name": "Jo", "emails": "jo@example.com"}, "emails"),
        ({"name": "Jo", "phones": [{"number": "1", "type": "pager"}]}, "phones.0.type"),
        ({"name": "Jo", "phones": [{"type": "work"}]}, "phones.0.number"),
        ({"name": "Jo", "address": "a" * 501}, "address"),
        ({"name": "Jo", "emails": [f"a{i}@example.com" for i in range(11)]}, "emails"),
        ({"name": "Jo", "role": "referral"}, "body"),
    ],
)
def test_create_rejects_bad_fields(ann, body, field):
    response = ann.post("/api/contacts", json=body)
    assert response.status_code == 422
    error = response.get_json()
    assert error["field"] == field
    assert error["message"]
    assert ann.get("/api/contacts").get_json() == []


def test_create_linked_to_an_interview(ann):
    interview = ann.post("/api/interviews", json={"company": "Acme"}).get_json()
    contact = ann.post(
        "/api/contacts",
        json={"name": "Pat Lee", "interview_id": interview["id"], "role": "reference"},
    ).get_json()
    assert [(m["id"], m["role"]) for m in contact["interviews"]] == [(interview["id"], "reference")]
    default = ann.post(
        "/api/contacts", json={"name": "Sam", "interview_id": interview["id"]}
    ).get_json()
    assert default["interviews"][0]["role"] == "interviewer"
    people = ann.get(f"/api/interviews/{interview['id']}").get_json()["contacts"]
    assert {p["name"] for p in people} == {"Pat Lee", "Sam"}


def test_create_linked_to_unknown_interview_is_404_and_creates_nothing(ann):
    response = ann.post("/api/contacts", json={"name": "Jo", "interview_id": str(uuid.uuid4())})
    assert response.status_code == 404
    assert "interview" in response.get_json()["message"]
    assert ann.get("/api/contacts").get_json() == []


def test_offline_capture_replays_in_order_without_doubles(ann):
    """A whole interview minted on the phone, sent twice (a flaky network), lands once."""
    interview = {"id": str(uuid.uuid4()), "company": "Acme", "held_at": "2026-11-20T15:00"}
    contact = {**CARD, "id": str(uuid.uuid4()), "interview_id": interview["id"]}
    for _ in range(2):
        ann.post("/api/interviews", json=interview)
        ann.post("/api/contacts", json=contact)
    assert len(ann.get("/api/interviews").get_json()) == 1
    assert len(ann.get("/api/contacts").get_json()) == 1
    people = ann.get(f"/api/interviews/{interview['id']}").get_json()["contacts"]
    assert [p["id"] for p in people] == [contact["id"]]


def test_contact_replay_and_conflict(ann):
    body = {"id": str(uuid.uuid4()), "name": "Jo"}
    assert ann.post("/api/contacts", json=body).status_code == 201
    assert ann.post("/api/contacts", json=body).status_code == 200
    assert ann.post("/api/contacts", json={**body, "name": "Joe"}).status_code == 409


def test_patch_and_delete(ann):
    contact = ann.post("/api/contacts", json=CARD).get_json()
    patched = ann.patch(
        f"/api/contacts/{contact['id']}",
        json={"title": "CTO", "emails": ["a@example.com", "a@example.com", "b@example.com"]},
    ).get_json()
    assert patched["title"] == "CTO"
    assert patched["emails"] == ["a@example.com", "b@example.com"]
    assert patched["company"] == CARD["company"]
    assert ann.patch(f"/api/contacts/{contact['id']}", json={"name": None}).status_code == 422
    assert ann.delete(f"/api/contacts/{contact['id']}").status_code == 204
    assert ann.get(f"/api/contacts/{contact['id']}").status_code == 404


def test_list_sorted_and_searchable(ann):
    for name, company in [("zoe Park", "Initech"), ("Adam Ng", "Acme"), ("Maya Roy", "Globex")]:
        ann.post("/api/contacts", json={"name": name, "company": company})
    names = [c["name"] for c in ann.get("/api/contacts").get_json()]
    assert names == ["Adam Ng", "Maya Roy", "zoe Park"]
    found = ann.get("/api/contacts?q=GLOB").get_json()
    assert [c["name"] for c in found] == ["Maya Roy"]
    assert ann.get("/api/contacts?q=nobody").get_json() == []
