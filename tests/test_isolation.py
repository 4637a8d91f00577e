"""Every API route, called by a second user with the first user's ids, reveals and changes
nothing of the first user's data."""

from __future__ import annotations

import io
import uuid

from PIL import Image

from server import cards
from server.ocr import CardScan as OcrScan

MULTIPART = "multipart/form-data"


class Form(dict):
    """A multipart form body (the fields); `with_photo()` adds a small JPEG as `image`."""

    def with_photo(self) -> dict:
        out = io.BytesIO()
        Image.new("RGB", (320, 200), "white").save(out, "JPEG")
        return {**self, "image": (io.BytesIO(out.getvalue()), "card.jpg")}


def _dana_card(data, *, default_region=None, engine="rapidocr"):
    fields = {"name": "Dana Reyes", "title": "", "company": "Acme", "emails": [], "phones": [],
              "website": None, "address": None, "notes": ""}
    return OcrScan(fields=fields, confidence={"name": 1.0}, flagged=[], engine=engine,
                   lines=[{"text": "Dana Reyes", "box": [0, 0, 9, 9], "confidence": 1.0}],
                   qr=False)


# (method, rule) -> how Bob calls it with Ann's ids, and the status he must get.
ATTACKS = {
    ("GET", "/api/interviews/<uuid:interview_id>"): [("{i}", None, 404)],
    ("PATCH", "/api/interviews/<uuid:interview_id>"): [("{i}", {"company": "Pwned"}, 404)],
    ("DELETE", "/api/interviews/<uuid:interview_id>"): [("{i}", None, 404)],
    ("PUT", "/api/interviews/<uuid:interview_id>/contacts/<uuid:contact_id>"): [
        ("{i}/contacts/{c}", {"role": "other"}, 404),
        ("{i}/contacts/{bc}", {"role": "other"}, 404),
        ("{bi}/contacts/{c}", {"role": "other"}, 404),
    ],
    ("DELETE", "/api/interviews/<uuid:interview_id>/contacts/<uuid:contact_id>"): [
        ("{i}/contacts/{c}", None, 404),
        ("{bi}/contacts/{c}", None, 404),
    ],
    ("GET", "/api/contacts/<uuid:contact_id>"): [("{c}", None, 404)],
    ("PATCH", "/api/contacts/<uuid:contact_id>"): [("{c}", {"name": "Pwned"}, 404)],
    ("DELETE", "/api/contacts/<uuid:contact_id>"): [("{c}", None, 404)],
    ("POST", "/api/contacts/<uuid:contact_id>/merge"): [
        ("{bc}/merge", {"other_id": "{c}"}, 404),
        ("{c}/merge", {"other_id": "{bc}"}, 404),
        ("{c}/merge", {"other_id": "{c}"}, 404),
    ],
    ("POST", "/api/interviews"): [("", {"id": "{i}", "company": "Acme"}, 409)],
    ("PATCH", "/api/tasks/<uuid:task_id>"): [("{t}", {"title": "Pwned"}, 404)],
    ("DELETE", "/api/tasks/<uuid:task_id>"): [("{t}", None, 404), ("{ot}", None, 404)],
    ("POST", "/api/tasks/<uuid:task_id>/done"): [("{t}/done", {}, 404)],
    ("POST", "/api/tasks/<uuid:task_id>/skip"): [("{t}/skip", {}, 404)],
    ("POST", "/api/tasks/<uuid:task_id>/snooze"): [("{t}/snooze", {"until": "1h"}, 404)],
    ("POST", "/api/tasks/<uuid:task_id>/undo"): [("{t}/undo", {}, 404)],
    ("POST", "/api/tasks"): [
        ("", {"id": "{ot}", "title": "Acme", "due_at": "2030-01-01T10:00"}, 409),
        ("", {"title": "Spy", "due_at": "2030-01-01T10:00", "interview_id": "{i}"}, 404),
        ("", {"title": "Spy", "due_at": "2030-01-01T10:00", "contact_id": "{c}"}, 404),
    ],
    ("POST", "/api/contacts"): [
        ("", {"id": "{c}", "name": "Dana Reyes"}, 409),
        ("", {"name": "Spy", "interview_id": "{i}"}, 404),
        ("", {"name": "Spy", "card_id": "{k}"}, 404),
    ],
    # Card uploads are multipart forms: a Form body is sent with a photo as `image`.
    ("POST", "/api/cards"): [
        ("", Form(id="{k}"), 409),
        ("", Form(interview_id="{i}"), 404),
    ],
    ("GET", "/api/cards/<uuid:card_id>"): [("{k}", None, 404)],
    ("GET", "/api/cards/<uuid:card_id>/photo"): [("{k}/photo", None, 404)],
    ("DELETE", "/api/cards/<uuid:card_id>"): [("{k}", None, 404)],
}
# Routes that name no other row: they act on the caller's own account or list its own rows.
OWN_ONLY = {
    ("GET", "/api/interviews"),
    ("GET", "/api/contacts"),
    ("GET", "/api/tasks"),
    ("GET", "/api/cards"),
    ("GET", "/api/account"),
    ("PATCH", "/api/account"),
    ("DELETE", "/api/account"),
    ("POST", "/api/account"),
    ("POST", "/api/session"),
    ("DELETE", "/api/session"),
    ("DELETE", "/api/sessions"),
    ("GET", "/api/openapi.json"),
    # Push acts on the caller's own devices; an endpoint is the device's secret, not a row id
    # (test_push.py covers a second user naming another's endpoint: moved or left alone).
    ("GET", "/api/push/key"),
    ("PUT", "/api/push/subscription"),
    ("DELETE", "/api/push/subscription"),
    ("POST", "/api/push/test"),
    ("GET", "/api/push/status"),
    # The caller's own calendar feed address (test_handoffs.py: secret, rotate, revoke).
    ("GET", "/api/calendar"),
    ("POST", "/api/calendar/rotate"),
    ("DELETE", "/api/calendar"),
    # The caller's whole account out, and into the caller's own empty account (test_export.py).
    ("GET", "/api/export"),
    ("POST", "/api/import"),
}


def _fill(template, ids):
    if isinstance(template, Form):
        return Form(**_fill(dict(template), ids))
    if isinstance(template, str):
        return template.format(**ids)
    if isinstance(template, dict):
        return {key: _fill(value, ids) for key, value in template.items()}
    return template


def _snapshot(client, ids):
    return (
        client.get("/api/tasks?view=today").get_json(),
        client.get("/api/tasks?view=upcoming").get_json(),
        client.get("/api/interviews").get_json(),
        client.get("/api/contacts").get_json(),
        client.get(f"/api/interviews/{ids['i']}").get_json(),
        client.get(f"/api/contacts/{ids['c']}").get_json(),
        client.get(f"/api/cards/{ids['k']}").get_json(),
        client.get(f"/api/cards/{ids['k']}/photo").data,
    )


def test_every_api_route_is_covered(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - OWN_ONLY == set(ATTACKS), "add the new route to ATTACKS or OWN_ONLY"


def test_second_user_cannot_see_or_change_first_users_data(ann, bob, monkeypatch):
    # Ann's card is read by a stand-in (no OCR model): Dana Reyes of Acme, as the checks expect.
    monkeypatch.setattr(cards, "read_card", _dana_card)
    card = ann.post(
        "/api/cards", data=Form(id=str(uuid.uuid4())).with_photo(), content_type=MULTIPART
    ).get_json()
    interview = ann.post(
        "/api/interviews", json={"id": str(uuid.uuid4()), "company": "Acme"}
    ).get_json()
    contact = ann.post(
        "/api/contacts",
        json={"id": str(uuid.uuid4()), "name": "Dana Reyes", "interview_id": interview["id"]},
    ).get_json()
    own_task = ann.post(
        "/api/tasks",
        json={"id": str(uuid.uuid4()), "title": "Dana call", "due_at": "2030-01-01T10:00"},
    ).get_json()
    planned = ann.get(f"/api/interviews/{interview['id']}").get_json()["tasks"]
    assert planned, "linking an interviewer plans tasks"
    bobs_interview = bob.post("/api/interviews", json={"company": "Bobco"}).get_json()
    bobs_contact = bob.post("/api/contacts", json={"name": "Bob's friend"}).get_json()
    ids = {
        "i": interview["id"],
        "c": contact["id"],
        "bi": bobs_interview["id"],
        "bc": bobs_contact["id"],
        "t": planned[0]["id"],
        "ot": own_task["id"],
        "k": card["id"],
    }
    before = _snapshot(ann, ids)

    for (method, rule), attempts in ATTACKS.items():
        base = rule.split("<")[0]
        for suffix, body, expected in attempts:
            url = base + _fill(suffix, ids)
            body = _fill(body, ids)
            if isinstance(body, Form):
                response = bob.open(
                    url, method=method, data=body.with_photo(), content_type=MULTIPART
                )
            else:
                response = bob.open(url, method=method, json=body)
            assert response.status_code == expected, (method, url, response.get_json())
            text = response.get_data(as_text=True)
            assert "Dana" not in text and "Acme" not in text, (method, url)

    assert _snapshot(ann, ids) == before
    assert [row["company"] for row in bob.get("/api/interviews").get_json()] == ["Bobco"]
    for view in ("today", "upcoming", "done"):
        assert "Dana" not in bob.get(f"/api/tasks?view={view}").get_data(as_text=True)
    assert [row["name"] for row in bob.get("/api/contacts").get_json()] == ["Bob's friend"]
    assert "Dana" not in bob.get("/api/contacts?q=dana").get_data(as_text=True)
    for query in ("", "?unreviewed=1"):
        assert bob.get(f"/api/cards{query}").get_json() == []
