"""The phone screens' server side: Today, the flow's page, contacts, a card's review, settings,
and the small API they need (cards not yet reviewed)."""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from server import cards
from server.db import db
from server.models import Task
from server.ocr import CardScan as OcrScan

from .test_pages import html
from .test_pages import make_interview
from .test_pages import make_person
from .test_pages import planned

MULTIPART = "multipart/form-data"


def _read_as_dana(data, *, default_region=None, engine="rapidocr"):
    fields = {
        "name": "Dana Reyes",
        "title": "CTO",
        "company": "Acme",
        "emails": ["d@acme.example"],
        "phones": [],
        "website": None,
        "address": None,
        "notes": "",
    }
    return OcrScan(
        fields=fields,
        confidence={"name": 0.5, "emails": 1.0},
        flagged=["name"],
        engine=engine,
        lines=[],
        qr=False,
    )


@pytest.fixture
def fake_ocr(monkeypatch):
    monkeypatch.setattr(cards, "read_card", _read_as_dana)


def upload(client, interview_id: str | None = None) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), "white").save(out, "JPEG")
    form = {"id": str(uuid.uuid4()), "image": (io.BytesIO(out.getvalue()), "card.jpg")}
    if interview_id:
        form["interview_id"] = interview_id
    response = client.post("/api/cards", data=form, content_type=MULTIPART)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# --- GET /api/cards -------------------------------------------------------------------------


def test_unreviewed_cards_are_those_no_contact_keeps(ann, bob, fake_ocr):
    interview = make_interview(ann)
    first = upload(ann, interview["id"])
    second = upload(ann)
    upload(bob)
    listed = ann.get("/api/cards?unreviewed=1").get_json()
    assert [card["id"] for card in listed] == [second["id"], first["id"]], "newest first"
    assert listed[0]["fields"]["name"] == "Dana Reyes" and listed[0]["flagged"] == ["name"]

    make_person(ann, interview["id"], card_id=first["id"])
    assert [card["id"] for card in ann.get("/api/cards?unreviewed=1").get_json()] == [second["id"]]
    everything = ann.get("/api/cards").get_json()
    assert {card["id"] for card in everything} == {first["id"], second["id"]}
    assert len(bob.get("/api/cards?unreviewed=1").get_json()) == 1


# --- Today ----------------------------------------------------------------------------------


def test_today_lists_what_is_due_with_one_tap_actions(ann, bob):
    interview = make_interview(ann, company="Acme GmbH")
    make_person(ann, interview["id"], emails=["dana@acme.example"])
    make_person(bob, make_interview(bob, company="Bobs Secret Ltd")["id"], name="Bobs Contact")
    tasks = planned(ann, interview["id"])
    due_now = [task for task in tasks if task["kind"] == "thank_you_email"]
    assert due_now, tasks

    page = html(ann.get("/"))
    assert "<title>Today · Afterview</title>" in page
    assert 'data-page="today"' in page
    assert 'href="/after"' in page and "Just left an interview" in page
    assert "Due now" in page
    email = due_now[0]
    item = page[page.index(f'data-task="{email["id"]}"') :]
    item = item[: item.index("</li>")]
    assert 'href="mailto:dana@acme.example?subject=' in item, "the draft opens in the mail app"
    assert 'data-act="done"' in item and 'data-act="snooze"' in item
    assert 'data-until="next_working_day"' in item
    assert f'href="/interviews/{interview["id"]}#t-{email["id"]}"' in item
    assert "Bobs" not in page
    assert "Nothing to do yet" not in page


def test_today_when_there_is_nothing_explains_what_to_do(ann):
    page = html(ann.get("/"))
    assert "Nothing to do yet" in page
    assert 'href="/after"' in page
    assert "card ready to review" not in page


def test_today_shows_overdue_first_and_only_a_few_upcoming(app, ann):
    user_id = uuid.UUID(ann.account["id"])
    now = datetime.now(UTC)
    with app.app_context():
        rows = [("Old one", now - timedelta(days=3)), ("Later", now + timedelta(days=30))]
        rows += [(f"Future {n}", now + timedelta(days=2 + n)) for n in range(7)]
        for title, due in rows:
            db.session.add(Task(user_id=user_id, create_hash="x" * 64, title=title, due_at=due))
        db.session.commit()
    page = html(ann.get("/"))
    assert "Overdue" in page
    assert page.index("Old one") < page.index("Coming up") < page.index("Future 0")
    assert "Future 4" in page and "Future 5" not in page, "the next five"
    assert "Later" not in page


def test_today_deep_link_highlights_the_task(ann):
    interview = make_interview(ann)
    make_person(ann, interview["id"])
    tasks = planned(ann, interview["id"])
    target = tasks[-1]
    page = html(ann.get(f"/?task={target['id']}"))
    assert re.search(rf'is-highlighted" id="task-{target["id"]}"', page)
    # A task already done still shows what the notification was about.
    ann.post(f"/api/tasks/{target['id']}/done", json={})
    page = html(ann.get(f"/?task={target['id']}"))
    assert "From your reminder" in page and f'id="task-{target["id"]}"' in page
    # Nonsense or someone else's id is ignored.
    assert ann.get("/?task=not-a-uuid").status_code == 200
    assert "From your reminder" not in html(ann.get(f"/?task={uuid.uuid4()}"))


def test_today_offers_cards_waiting_for_review(ann, fake_ocr):
    card = upload(ann, make_interview(ann)["id"])
    page = html(ann.get("/"))
    assert "1 card ready to review" in page
    assert f'href="/cards/{card["id"]}"' in page
    upload(ann)
    assert "2 cards ready to review" in html(ann.get("/"))


# --- the other screens ------------------------------------------------------------------------


def test_after_flow_page_prefills_now_in_the_users_zone(ann):
    page = html(ann.get("/after"))
    now = datetime.now(ZoneInfo("Europe/Berlin"))
    assert re.search(rf'value="{now:%Y-%m-%d}T\d\d:\d\d"', page)
    assert 'data-page="after"' in page
    assert 'capture="environment"' in page
    assert '<label for="card-file">Choose photo</label>' in page
    assert 'id="review-template"' in page


def test_card_review_page(ann, bob, fake_ocr):
    interview = make_interview(ann)
    card = upload(ann, interview["id"])
    page = html(ann.get(f"/cards/{card['id']}"))
    assert f'data-card="{card["id"]}"' in page and 'data-page="card"' in page
    assert bob.get(f"/cards/{card['id']}").status_code == 404
    person = make_person(ann, interview["id"], card_id=card["id"])
    response = ann.get(f"/cards/{card['id']}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/contacts/{person['id']}"


def test_contact_page_and_search(ann, bob, fake_ocr):
    interview = make_interview(ann, company="Acme GmbH")
    card = upload(ann, interview["id"])
    dana = make_person(
        ann,
        interview["id"],
        card_id=card["id"],
        company="Acme GmbH",
        phones=[{"number": "+49 30 123 456", "type": "work"}],
    )
    make_person(ann, interview["id"], name="Ola Berg", company="Nordic AB")

    page = html(ann.get(f"/contacts/{dana['id']}"))
    assert f'src="/api/cards/{card["id"]}/photo"' in page and 'width="1600"' in page
    assert f'href="/contacts/{dana["id"]}.vcf"' in page
    assert f'data-api="PATCH /api/contacts/{dana["id"]}"' in page
    assert f'data-api="DELETE /api/contacts/{dana["id"]}"' in page and "data-confirm" in page
    assert 'value="+49 30 123 456"' in page
    assert bob.get(f"/contacts/{dana['id']}").status_code == 404

    found = html(ann.get("/contacts?q=nordic"))
    assert "Ola Berg" in found and "Dana Reyes" not in found
    assert 'value="nordic"' in found
    assert "No contact matches" in html(ann.get("/contacts?q=zzz"))


def test_settings_shows_the_account_and_the_feed(ann):
    assert ann.patch("/api/account", json={"country": "DE", "reminder_hour": 8}).status_code == 200
    page = html(ann.get("/settings"))
    assert "<option selected>Europe/Berlin</option>" in page
    assert '<option value="DE" selected>Germany</option>' in page
    assert '<option value="8" selected>08:00</option>' in page
    assert 'id="s-day-mon" name="working_days" value="mon" checked' in page
    assert 'id="s-day-sun" name="working_days" value="sun">' in page
    assert 'data-api="PATCH /api/account" data-shape="account"' in page
    assert 'data-api="DELETE /api/account"' in page and "data-confirm" in page
    assert 'href="/api/export"' in page
    assert 'autocomplete="current-password"' in page
    assert 'id="feed-start">' in page and "webcal://" not in page

    feed = ann.get("/api/calendar").get_json()
    page = html(ann.get("/settings"))
    assert feed["webcal_url"] in page
    assert page.count('data-api="DELETE /api/session"') == 1, "exactly one log-out form"
