"""Hand-offs: a contact as .vcf, the plan as .ics, the private calendar feed, mailto: drafts."""

from __future__ import annotations

import base64
import io
import re
import uuid
from urllib.parse import quote
from urllib.parse import unquote
from urllib.parse import urlsplit

import icalendar
from PIL import Image

from server import cards
from server.ocr import CardScan as OcrScan

from .domain.test_vcard_ics import one
from .domain.test_vcard_ics import props
from .domain.test_vcard_ics import split_unescaped
from .domain.test_vcard_ics import unescape

MULTIPART = "multipart/form-data"
ADDRESS = "Friedrichstraße 12; Aufgang B, 3. OG\n10117 Berlin\nDeutschland"


def _card(data, *, default_region=None, engine="rapidocr"):
    fields = {"name": "Jürgen Müller", "title": "", "company": "Acme", "emails": [],
              "phones": [], "website": None, "address": None, "notes": ""}  # fmt: skip
    return OcrScan(fields=fields, confidence={"name": 1.0}, flagged=[], engine=engine,
                   lines=[], qr=False)  # fmt: skip


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def make_interview(client, **fields) -> dict:
    response = client.post("/api/interviews", json={"company": "Acme", **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def make_juergen(client, interview_id: str, **extra) -> dict:
    body = {
        "name": "Jürgen Müller",
        "title": "Head of Platform, Data; AI",
        "company": "Acme; Zürich, CH",
        "emails": ["juergen@acme.example", "jm@privat.example"],
        "phones": [
            {"number": "+49 170 1234567", "type": "mobile"},
            {"number": "+49 30 1234560", "type": "work"},
            {"number": "+49 30 1234569", "type": "fax"},
        ],
        "website": "https://acme.example",
        "address": ADDRESS,
        "interview_id": interview_id,
        **extra,
    }
    response = client.post("/api/contacts", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def vcf(client, contact_id) -> str:
    response = client.get(f"/contacts/{contact_id}.vcf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/vcard; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    return response.get_data(as_text=True)


# --- vCard ----------------------------------------------------------------------------------


def test_contact_vcf_carries_every_field_and_the_card_photo(ann, monkeypatch):
    monkeypatch.setattr(cards, "read_card", _card)
    interview = make_interview(ann, position="Platform Engineer", held_at="2026-11-20T10:00")
    upload = {"id": str(uuid.uuid4()), "image": (io.BytesIO(_photo()), "card.jpg")}
    card = ann.post("/api/cards", data=upload, content_type=MULTIPART).get_json()
    person = make_juergen(ann, interview["id"], card_id=card["id"])
    stored_photo = ann.get(f"/api/cards/{card['id']}/photo").data
    assert stored_photo.startswith(b"\xff\xd8")

    response = ann.get(f"/contacts/{person['id']}.vcf")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("Jürgen Müller.vcf") in disposition
    text = vcf(ann, person["id"])
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75
    assert unescape(one(text, "FN")) == "Jürgen Müller"
    assert split_unescaped(one(text, "N"), ";")[:2] == ["Müller", "Jürgen"]
    assert unescape(one(text, "TITLE")) == "Head of Platform, Data; AI"
    assert split_unescaped(one(text, "ORG"), ";") == ["Acme; Zürich, CH"]
    assert [v for _, v in props(text, "EMAIL")] == person["emails"]
    assert [(p["TYPE"], v) for p, v in props(text, "TEL")] == [
        ("CELL", "+49 170 1234567"),
        ("WORK", "+49 30 1234560"),
        ("FAX", "+49 30 1234569"),
    ]
    assert one(text, "URL") == "https://acme.example"
    adr = split_unescaped(one(text, "ADR"), ";")
    assert adr[2:] == ["Friedrichstraße 12; Aufgang B, 3. OG", "Berlin", "", "10117",
                       "Deutschland"]  # fmt: skip
    assert unescape(one(text, "LABEL")) == ADDRESS
    note = unescape(one(text, "NOTE"))
    assert "Acme (Platform Engineer)" in note and "20 Nov 2026" in note
    (params, photo), = props(text, "PHOTO")  # fmt: skip
    assert (params["ENCODING"].lower(), params["TYPE"]) == ("b", "JPEG")
    assert base64.b64decode(photo) == stored_photo


def test_contact_without_photo_or_interview(ann):
    person = ann.post("/api/contacts", json={"name": "Łukasz"}).get_json()
    text = vcf(ann, person["id"])
    assert unescape(one(text, "FN")) == "Łukasz"
    assert not props(text, "PHOTO") and not props(text, "NOTE") and not props(text, "ADR")


def test_vcf_and_ics_of_another_user_are_404_pages(ann, bob, client):
    interview = make_interview(ann)
    person = make_juergen(ann, interview["id"])
    for url in (f"/contacts/{person['id']}.vcf", f"/interviews/{interview['id']}.ics"):
        response = bob.get(url)
        assert response.status_code == 404
        assert response.mimetype == "text/html"
        assert "Jürgen" not in response.get_data(as_text=True)
        unknown = url.replace(url.split("/")[2].split(".")[0], str(uuid.uuid4()))
        assert ann.get(unknown).status_code == 404
        # Logged out: to the log-in page, as every private page.
        assert client.get(url).status_code == 302


# --- iCalendar ------------------------------------------------------------------------------


def _own_task(client, interview_id, **fields) -> dict:
    body = {"title": "Send the portfolio", "due_at": "2030-01-15T10:00",
            "interview_id": interview_id, **fields}  # fmt: skip
    response = client.post("/api/tasks", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_interview_ics_has_its_pending_tasks_at_local_time(ann):
    interview = make_interview(ann)
    other = make_interview(ann, company="Othercorp")
    task = _own_task(
        ann,
        interview["id"],
        channel="email",
        subject="Thanks, Jürgen; see you",
        body="Hi Jürgen,\n\nthe portfolio & the link.\n\nBest",
    )
    done = _own_task(ann, interview["id"], title="Already done")
    assert ann.post(f"/api/tasks/{done['id']}/done", json={}).status_code == 200
    _own_task(ann, other["id"], title="Other interview's task")

    response = ann.get(f"/interviews/{interview['id']}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Acme follow-up plan.ics" in response.headers["Content-Disposition"]
    raw = response.get_data(as_text=True)
    pending = [
        row["id"]
        for row in ann.get(f"/api/interviews/{interview['id']}").get_json()["tasks"]
        if row["status"] == "pending"
    ]
    assert task["id"] in pending and done["id"] not in pending
    uids = [value for _, value in props(raw, "UID")]
    assert sorted(uids) == sorted(f"{tid}@afterview" for tid in pending), "this plan's pending"
    assert "Other interview" not in raw and "Already done" not in raw
    assert raw.count("BEGIN:VALARM\r\nACTION:DISPLAY\r\n") == len(pending)
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n" in raw
    events = {
        str(event["UID"]): event for event in icalendar.Calendar.from_ical(raw).walk("VEVENT")
    }
    event = events[f"{task['id']}@afterview"]
    # Ann lives in Berlin: 10:00 her time, with the zone's definition in the file.
    ours = re.search(rf"BEGIN:VEVENT\r\n((?:(?!END:VEVENT).)*UID:{task['id']}.*?)END:VEVENT",
                     raw, re.S).group(1)  # fmt: skip
    assert props(ours, "DTSTART") == [({"TZID": "Europe/Berlin"}, "20300115T100000")]
    assert str(event["SUMMARY"]) == "Send the portfolio"
    assert "Subject: Thanks, Jürgen; see you" in str(event["DESCRIPTION"])
    assert "Hi Jürgen,\n\nthe portfolio & the link." in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/interviews/{interview['id']}")
    assert event.decoded("DTSTART").isoformat() == "2030-01-15T10:00:00+01:00"


def _feed(client) -> dict:
    response = client.get("/api/calendar")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_calendar_feed_is_secret_rotatable_and_revocable(app, ann, bob, client):
    interview = make_interview(ann)
    task = _own_task(ann, interview["id"])
    _own_task(ann, None, title="Own reminder", due_at="2030-02-01T08:00")
    urls = _feed(ann)
    assert _feed(ann) == urls, "the same address until rotated"
    feed = urlsplit(urls["feed_url"])
    assert feed.scheme in ("http", "https") and feed.path.endswith(".ics")
    assert urls["webcal_url"] == "webcal://" + urls["feed_url"].split("://", 1)[1]
    secret = feed.path.removeprefix("/calendar/").removesuffix(".ics")
    assert len(base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))) >= 32
    assert secret != urlsplit(_feed(bob)["feed_url"]).path.split("/")[-1][:-4]

    response = client.get(feed.path)  # no session: calendar apps have none
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    raw = response.get_data(as_text=True)
    pending = [row["id"] for row in ann.get("/api/tasks?view=upcoming").get_json()]
    pending += [row["id"] for row in ann.get("/api/tasks?view=today").get_json()]
    assert sorted(value for _, value in props(raw, "UID")) == sorted(
        f"{tid}@afterview" for tid in pending
    )
    assert f"UID:{task['id']}@afterview" in raw and "Own reminder" in raw
    assert "bob" not in raw.lower()

    rotated = ann.post("/api/calendar/rotate")
    assert rotated.status_code == 200
    assert rotated.get_json()["feed_url"] != urls["feed_url"]
    assert client.get(feed.path).status_code == 404
    new_path = urlsplit(rotated.get_json()["feed_url"]).path
    assert client.get(new_path).status_code == 200

    assert ann.delete("/api/calendar").status_code == 204
    missing = client.get(new_path)
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert client.get("/calendar/" + "A" * 43 + ".ics").status_code == 404
    assert client.get("/api/calendar").status_code == 401
    assert _feed(ann)["feed_url"] != rotated.get_json()["feed_url"], "a fresh one on asking"


def test_feed_url_uses_the_public_url(app, ann):
    app.config["PUBLIC_URL"] = "https://afterview.example"
    urls = _feed(ann)
    assert urls["feed_url"].startswith("https://afterview.example/calendar/")
    assert urls["webcal_url"].startswith("webcal://afterview.example/calendar/")


# --- the interview page ---------------------------------------------------------------------


def test_interview_page_links_the_hand_offs(ann):
    interview = make_interview(ann)
    person = make_juergen(ann, interview["id"])
    _own_task(
        ann,
        interview["id"],
        channel="email",
        contact_id=person["id"],
        subject="Danke & bis bald",
        body="Hallo Jürgen,\n\nviele Grüße",
    )
    _own_task(ann, interview["id"], channel="mail", contact_id=person["id"], title="Card")
    page = ann.get(f"/interviews/{interview['id']}").get_data(as_text=True)
    assert f'href="/contacts/{person["id"]}.vcf"' in page
    assert f'href="/interviews/{interview["id"]}.ics"' in page
    hrefs = re.findall(r'href="(mailto:[^"]*)"', page)
    drafts = [href.replace("&amp;", "&") for href in hrefs if "?" in href]
    ours = [href for href in drafts if "Danke" in href]
    assert len(ours) == 1
    query = dict(pair.split("=", 1) for pair in urlsplit(ours[0]).query.split("&"))
    assert urlsplit(ours[0]).path == "juergen@acme.example"
    assert unquote(query["subject"]) == "Danke & bis bald"
    assert unquote(query["body"]) == "Hallo Jürgen,\r\n\r\nviele Grüße"
    assert "Copy address" in page and "Friedrichstraße 12" in page
