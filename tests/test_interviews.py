"""Interviews: /api/interviews and the links to the people met."""

from __future__ import annotations

import uuid

import pytest


def test_create_with_defaults(ann):
    response = ann.post("/api/interviews", json={"company": "  Acme GmbH "})
    assert response.status_code == 201
    interview = response.get_json()
    uuid.UUID(interview["id"])
    assert interview["company"] == "Acme GmbH"
    assert interview["status"] == "awaiting_decision"
    assert interview["position"] == ""
    assert interview["contacts"] == []
    assert interview["held_at"].endswith(("+01:00", "+02:00")), "shown in Ann's Berlin time"


def test_held_at_without_offset_is_the_users_local_time(ann, bob):
    at_ann = ann.post(
        "/api/interviews", json={"company": "A", "held_at": "2026-07-01T14:30"}
    ).get_json()
    assert at_ann["held_at"] == "2026-07-01T14:30:00+02:00"
    at_bob = bob.post(
        "/api/interviews", json={"company": "B", "held_at": "2026-07-01T14:30"}
    ).get_json()
    assert at_bob["held_at"] == "2026-07-01T14:30:00-04:00"
    with_offset = ann.post(
        "/api/interviews", json={"company": "C", "held_at": "2026-01-10T09:00:00Z"}
    ).get_json()
    assert with_offset["held_at"] == "2026-01-10T10:00:00+01:00"


def test_list_is_newest_first_and_read_patch_delete(ann):
    old = ann.post("/api/interviews", json={"company": "Old", "held_at": "2026-01-01T10:00"})
    new = ann.post("/api/interviews", json={"company": "New", "held_at": "2026-03-01T10:00"})
    listed = ann.get("/api/interviews").get_json()
    assert [row["company"] for row in listed] == ["New", "Old"]

    interview_id = old.get_json()["id"]
    patched = ann.patch(
        f"/api/interviews/{interview_id}",
        json={"status": "second_interview", "position": "Data Engineer", "notes": "Liked Rust"},
    )
    assert patched.status_code == 200
    read = ann.get(f"/api/interviews/{interview_id}").get_json()
    assert read["status"] == "second_interview"
    assert read["position"] == "Data Engineer"
    assert read["company"] == "Old", "fields not sent are kept"

    assert ann.delete(f"/api/interviews/{interview_id}").status_code == 204
    assert ann.get(f"/api/interviews/{interview_id}").status_code == 404
    assert [row["id"] for row in ann.get("/api/interviews").get_json()] == [new.get_json()["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "company"),
        ({"company": "   "}, "company"),
        ({"company": "x" * 201}, "company"),
        ({"company": "A", "status": "hired"}, "status"),
        ({"company": "A", "held_at": "next tuesday"}, "held_at"),
        ({"company": "A", "notes": "n" * 10_001}, "notes"),
        ({"company": "A", "id": "not-a-uuid"}, "id"),
        ({"company": 42}, "company"),
        ({"company": "A", "salary": 1}, "salary"),
    ],
)
def test_create_rejects_bad_fields(ann, body, field):
    response = ann.post("/api/interviews", json=body)
    assert response.status_code == 422
    error = response.get_json()
    assert error["error"] == "invalid_field"
    assert error["field"] == field
    assert field in error["message"]
    assert ann.get("/api/interviews").get_json() == []


@pytest.mark.parametrize("body", [{"company": None}, {"company": ""}, {"held_at": None}])
def test_patch_cannot_blank_required_fields(ann, body):
    interview = ann.post("/api/interviews", json={"company": "Acme"}).get_json()
    response = ann.patch(f"/api/interviews/{interview['id']}", json=body)
    assert response.status_code == 422
    assert ann.get(f"/api/interviews/{interview['id']}").get_json()["company"] == "Acme"


def test_phone_minted_id_replay_and_conflict(ann):
    minted = str(uuid.uuid4())
    body = {"id": minted, "company": "Acme", "held_at": "2026-05-04T10:00"}
    first = ann.post("/api/interviews", json=body)
    assert first.status_code == 201
    assert first.get_json()["id"] == minted
    replay = ann.post("/api/interviews", json=body)
    assert replay.status_code == 200
    assert replay.get_json() == first.get_json()
    assert len(ann.get("/api/interviews").get_json()) == 1

    conflict = ann.post("/api/interviews", json={**body, "company": "Other"})
    assert conflict.status_code == 409
    assert set(conflict.get_json()) == {"error", "message"}
    assert ann.get(f"/api/interviews/{minted}").get_json()["company"] == "Acme"


def test_link_and_unlink_people(ann):
    interview = ann.post("/api/interviews", json={"company": "Acme"}).get_json()
    contact = ann.post("/api/contacts", json={"name": "Dana Reyes"}).get_json()
    url = f"/api/interviews/{interview['id']}/contacts/{contact['id']}"

    linked = ann.put(url, json={"role": "referral"})
    assert linked.status_code == 200
    assert linked.get_json()["role"] == "referral"
    people = ann.get(f"/api/interviews/{interview['id']}").get_json()["contacts"]
    assert [(p["name"], p["role"]) for p in people] == [("Dana Reyes", "referral")]

    assert ann.put(url, json={"role": "interviewer"}).status_code == 200, "PUT changes the role"
    people = ann.get(f"/api/interviews/{interview['id']}").get_json()["contacts"]
    assert [p["role"] for p in people] == ["interviewer"]

    assert ann.put(url, json={"role": "boss"}).status_code == 422
    assert ann.delete(url).status_code == 204
    assert ann.delete(url).status_code == 404
    assert ann.get(f"/api/interviews/{interview['id']}").get_json()["contacts"] == []
    assert ann.get(f"/api/contacts/{contact['id']}").status_code == 200, "the contact stays"


def test_deleting_an_interview_keeps_its_contacts(ann):
    interview = ann.post("/api/interviews", json={"company": "Acme"}).get_json()
    contact = ann.post(
        "/api/contacts", json={"name": "Jo", "interview_id": interview["id"]}
    ).get_json()
    assert ann.delete(f"/api/interviews/{interview['id']}").status_code == 204
    kept = ann.get(f"/api/contacts/{contact['id']}").get_json()
    assert kept["name"] == "Jo"
    assert kept["interviews"] == []


def test_unknown_and_malformed_ids_are_404(ann):
    assert ann.get(f"/api/interviews/{uuid.uuid4()}").status_code == 404
    response = ann.get("/api/interviews/12345")
    assert response.status_code == 404
    assert response.get_json()["message"]


def test_an_empty_company_is_named_plainly(ann):
    response = ann.post("/api/interviews", json={"company": "   "})
    assert response.status_code == 422
    assert response.get_json()["message"] == "company cannot be empty."
    assert response.get_json()["field"] == "company"
