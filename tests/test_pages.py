"""Server-rendered pages: sign-in, the interview list and page, contacts, and their safety."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from datetime import UTC
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from markupsafe import escape

from server.db import db
from server.models import Task
from server.pages import mailto_part

STATIC = Path(__file__).resolve().parent.parent / "static"


def html(response) -> str:
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def make_interview(client, **fields) -> dict:
    response = client.post("/api/interviews", json={"company": "Acme", **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def make_person(client, interview_id: str, **fields) -> dict:
    body = {"name": "Dana Reyes", "interview_id": interview_id, **fields}
    response = client.post("/api/contacts", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# --- logged out -----------------------------------------------------------------------------


def test_logged_out_root_is_the_sign_in_form(client):
    response = client.get("/")
    assert response.status_code == 200
    page = html(response)
    assert 'data-api="POST /api/session"' in page
    assert '<label for="f-email">' in page and 'name="email"' in page
    assert '<label for="f-password">' in page and 'type="password"' in page
    assert 'data-then="/"' in page
    assert "<title>Log in · Afterview</title>" in page
    assert "Log out" not in page
    assert 'href="/signup"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/interviews/{id}",
        "/contacts",
        "/interviews",
        "/after",
        "/settings",
        "/contacts/{id}",
        "/cards/{id}",
    ],
)
def test_private_pages_send_a_stranger_to_log_in(client, path):
    target = path.format(id=uuid.uuid4())
    response = client.get(target)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [target]
    # The log-in page carries the target on to the form, which goes there after logging in.
    page = html(client.get(response.headers["Location"]))
    assert f'data-then="{target}"' in page


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "/\\/evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\n/evil.example",
    ],
)
def test_login_next_never_leaves_the_site(client, new_user, target):
    page = html(client.get("/login", query_string={"next": target}))
    assert 'data-then="/"' in page
    assert "evil.example" not in page and "javascript:" not in page

    logged_in = new_user()
    response = logged_in.get("/login", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_next_keeps_a_same_site_path(client, new_user):
    page = html(client.get("/login", query_string={"next": "/contacts?q=a&b=1"}))
    assert 'data-then="/contacts?q=a&amp;b=1"' in page
    response = new_user().get("/login", query_string={"next": "/contacts"})
    assert response.headers["Location"] == "/contacts"


def test_signup_page_and_closed_signups(app, client):
    page = html(client.get("/signup"))
    assert 'data-api="POST /api/account"' in page
    assert 'autocomplete="new-password"' in page
    assert 'href="/login"' in page

    app.config["SIGNUPS_OPEN"] = False
    closed = html(client.get("/signup"))
    assert "Sign-ups are closed" in closed
    assert "/api/account" not in closed
    assert 'href="/signup"' not in html(client.get("/login"))


# --- logged in ------------------------------------------------------------------------------


def test_list_shows_only_my_interviews_newest_first(ann, bob):
    old = make_interview(ann, company="Old Corp", held_at="2026-01-05T10:00")
    new = make_interview(ann, company="New Corp", held_at="2026-03-05T10:00")
    make_interview(bob, company="Bobs Secret Ltd")

    page = html(ann.get("/interviews"))
    assert "Old Corp" in page and "New Corp" in page
    assert "Bobs Secret Ltd" not in page
    assert page.index("New Corp") < page.index("Old Corp")
    assert f'href="/interviews/{new["id"]}"' in page
    assert f'href="/interviews/{old["id"]}"' in page
    assert 'data-api="POST /api/interviews"' in page
    assert 'data-api="DELETE /api/session"' in page, "the log-out button"
    assert "No interviews yet" not in page


def test_empty_list_says_what_to_do(ann):
    page = html(ann.get("/interviews"))
    assert "No interviews yet" in page
    assert '<details class="card add" open>' in page, "the add form starts open"


def test_another_users_interview_page_is_404(ann, bob):
    secret = make_interview(bob, company="Bobs Secret Ltd")
    response = ann.get(f"/interviews/{secret['id']}")
    assert response.status_code == 404
    page = html(response)
    assert "Bobs Secret Ltd" not in page
    assert "No interview with this id" in page
    assert bob.get(f"/interviews/{secret['id']}").status_code == 200


def test_interview_page_shows_details_people_and_actions(ann):
    interview = make_interview(
        ann,
        company="Acme GmbH",
        position="Data Engineer",
        held_at="2026-07-01T14:30",
        location="Berlin",
        notes="Liked Rust",
        status="second_interview",
    )
    person = make_person(
        ann,
        interview["id"],
        title="Head of Data",
        emails=["dana@acme.example"],
        phones=[{"number": "+49 30 123 456", "type": "work"}],
        website="acme.example/dana",
        role="referral",
    )
    page = html(ann.get(f"/interviews/{interview['id']}"))
    # Ann is in Berlin: 14:30 local stays 14:30 on her page.
    assert "Wed 01 Jul 2026, 14:30" in page
    assert 'value="2026-07-01T14:30"' in page
    for text in ("Acme GmbH", "Data Engineer", "Berlin", "Liked Rust", "Head of Data"):
        assert text in page
    # The outcome is a row of buttons; the current one is pressed.
    assert re.search(
        r'name="status" value="second_interview">\s*<button[^>]*aria-pressed="true"', page
    )
    assert len(re.findall(r'aria-pressed="true"', page)) == 1
    assert "Referral" in page
    assert 'href="mailto:dana@acme.example"' in page
    assert 'href="tel:+4930123456"' in page
    assert 'href="https://acme.example/dana"' in page
    api = f"/api/interviews/{interview['id']}"
    assert f'data-api="DELETE {api}/contacts/{person["id"]}"' in page
    assert f'data-api="PATCH {api}"' in page
    assert f'data-api="DELETE {api}"' in page and "data-confirm=" in page
    assert f'data-interview="{interview["id"]}"' in page


SAFE_LINKS = ("/", "#", "mailto:", "tel:", "https://", "http://")


def test_user_data_is_escaped(ann):
    attack = "<script>alert(1)</script>"
    interview = make_interview(ann, company=attack, notes='"><img src=x onerror=alert(2)>')
    make_person(
        ann,
        interview["id"],
        name="<b onmouseover=alert(3)>Dana</b>",
        website="javascript:alert(4)",
    )
    person = ann.get("/api/contacts").get_json()[0]
    paths = ("/", "/interviews", f"/interviews/{interview['id']}", "/contacts")
    for path in (*paths, f"/contacts/{person['id']}"):
        page = html(ann.get(path))
        assert attack not in page
        assert "<img src=x" not in page and "<b onmouseover" not in page
        for href in re.findall(r'href="([^"]*)"', page):
            assert href.startswith(SAFE_LINKS), href
            assert "javascript" not in href, href
    page = html(ann.get(f"/interviews/{interview['id']}"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b onmouseover=alert(3)&gt;Dana&lt;/b&gt;" in page
    assert "javascript:alert(4)</span>" in page, "shown as text, never as a link"


def test_contacts_lists_my_people_and_where_i_met_them(ann, bob):
    interview = make_interview(ann, company="Acme GmbH")
    make_person(ann, interview["id"], name="Dana Reyes", emails=["dana@acme.example"])
    bobs = make_interview(bob, company="Elsewhere")
    make_person(bob, bobs["id"], name="Bobs Contact")

    page = html(ann.get("/contacts"))
    assert "Dana Reyes" in page and "Acme GmbH" in page
    dana = ann.get("/api/contacts").get_json()[0]
    assert f'href="/contacts/{dana["id"]}"' in page
    assert "Bobs Contact" not in page
    # The person's own page: how to reach them, and where I met them.
    page = html(ann.get(f"/contacts/{dana['id']}"))
    assert 'href="mailto:dana@acme.example"' in page
    assert f'href="/interviews/{interview["id"]}"' in page


def test_contacts_empty_state(ann):
    assert "No contacts yet" in html(ann.get("/contacts"))


# --- what every page is made of -------------------------------------------------------------

INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # an inline script
    re.compile(r"\sstyle=", re.I),  # a style attribute (CSP style-src 'self')
    re.compile(r"<style", re.I),
    re.compile(r"\son[a-z]+=", re.I),  # an inline event handler
]


def test_pages_need_no_inline_script_or_style(client, ann):
    interview = make_interview(ann, company="Acme")
    make_person(ann, interview["id"])
    pages = [client.get("/"), client.get("/signup"), client.get("/login")]
    person = ann.get("/api/contacts").get_json()[0]
    paths = ("/", "/interviews", f"/interviews/{interview['id']}", "/contacts", "/after")
    pages += [ann.get(path) for path in (*paths, "/settings", f"/contacts/{person['id']}")]
    pages.append(ann.get(f"/interviews/{uuid.uuid4()}"))
    for response in pages:
        page = html(response)
        for pattern in INLINE:
            assert not pattern.search(page), (response.request.path, pattern.pattern)
        assert '<html lang="en">' in page
        assert 'name="viewport" content="width=device-width, initial-scale=1' in page
        assert '<meta name="color-scheme" content="light dark">' in page
        assert '<script type="module" src="/static/js/app.js"></script>' in page
        for control in re.findall(r"<(?:input|select|textarea)\b[^>]*\bid=\"([^\"]+)\"", page):
            assert f'<label for="{control}">' in page, f"{control} has no label"


def test_static_modules_exist_and_import_by_explicit_path(client):
    for name in ("css/app.css", "js/app.js", "img/logo.svg"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        response.close()
    for module in sorted((STATIC / "js").glob("*.js")):
        source = module.read_text()
        for target in re.findall(r"from\s+'([^']+)'", source):
            assert target.startswith("./") and target.endswith(".js"), (module.name, target)
            assert (module.parent / target).exists(), (module.name, target)
        assert "innerHTML" not in source, module.name


# --- the plan and what was agreed -----------------------------------------------------------


def planned(client, interview_id: str) -> list[dict]:
    response = client.get(f"/api/interviews/{interview_id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["tasks"]


def agree(client, interview_id: str, **fields) -> dict:
    response = client.patch(f"/api/interviews/{interview_id}", json=fields)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_plan_lists_pending_tasks_soonest_first_with_drafts(ann):
    interview = make_interview(ann, company="Acme GmbH", position="Data Engineer")
    make_person(
        ann,
        interview["id"],
        emails=["dana@acme.example"],
        phones=[{"number": "+49 30 123 456", "type": "work"}],
    )
    agree(
        ann,
        interview["id"],
        follow_up_wanted=True,
        follow_up_on="2026-12-03",
        follow_up_channel="phone",
        points_to_recall="The migration off Oracle",
    )
    tasks = planned(ann, interview["id"])
    kinds = {task["kind"] for task in tasks}
    assert {"thank_you_email", "handwritten_note", "agreed_follow_up"} <= kinds, kinds

    page = html(ann.get(f"/interviews/{interview['id']}"))
    assert 'id="plan-heading"' in page
    plan = page[page.index('id="plan-heading"') : page.index('id="agreed-heading"')]
    positions = []
    for task in tasks:
        title = str(escape(task["title"]))
        assert title in plan, task["title"]
        positions.append(plan.index(title))
        assert str(escape(task["body"])) in plan, f"the draft of {task['kind']}"
        if task["subject"]:
            assert str(escape(task["subject"])) in plan
        assert f'data-api="POST /api/tasks/{task["id"]}/done"' in plan
        assert f'data-api="POST /api/tasks/{task["id"]}/snooze"' in plan
        assert f'data-copy="t-{task["id"]}-body"' in plan
        assert f'id="t-{task["id"]}-body"' in plan
    assert positions == sorted(positions), "soonest first"
    assert [task["due_at"] for task in tasks] == sorted(task["due_at"] for task in tasks)
    assert '<option value="next_working_day">' in plan
    assert "Dana Reyes" in plan

    email = next(task for task in tasks if task["kind"] == "thank_you_email")
    assert "migration off Oracle" in email["body"] and "\n" in email["body"]
    mailto = (
        "mailto:dana@acme.example?subject="
        + mailto_part(email["subject"])
        + "&amp;body="
        + mailto_part(email["body"])
    )
    assert f'href="{mailto}"' in plan
    assert "%0D%0A" in mailto and "%0A%0A" not in mailto
    assert 'href="tel:+4930123456"' in plan, "the agreed follow-up call"
    assert 'details class="card add finished"' not in page, "nothing finished yet"


def test_mailto_part_percent_encodes_and_uses_crlf():
    assert (
        mailto_part("Hi Dana,\n\nThanks & bye?") == "Hi%20Dana%2C%0D%0A%0D%0AThanks%20%26%20bye%3F"
    )
    assert mailto_part("a\r\nb\rc") == "a%0D%0Ab%0D%0Ac"
    assert mailto_part("<b>\"'") == "%3Cb%3E%22%27"
    assert mailto_part("") == ""


def test_finished_tasks_are_listed_with_undo(ann):
    interview = make_interview(ann)
    make_person(ann, interview["id"])
    tasks = planned(ann, interview["id"])
    note = next(task for task in tasks if task["kind"] == "handwritten_note")
    assert ann.post(f"/api/tasks/{note['id']}/done", json={}).status_code == 200

    page = html(ann.get(f"/interviews/{interview['id']}"))
    assert f'data-api="POST /api/tasks/{note["id"]}/done"' not in page
    finished = page[page.index('class="card add finished"') :]
    assert str(escape(note["title"])) in finished
    assert f'data-api="POST /api/tasks/{note["id"]}/undo"' in finished

    assert ann.post(f"/api/tasks/{note['id']}/undo", json={}).status_code == 200
    page = html(ann.get(f"/interviews/{interview['id']}"))
    assert f'data-api="POST /api/tasks/{note["id"]}/done"' in page
    assert 'class="card add finished"' not in page


def test_a_snoozed_task_offers_undo(ann):
    interview = make_interview(ann)
    make_person(ann, interview["id"])
    task = planned(ann, interview["id"])[0]
    response = ann.post(f"/api/tasks/{task['id']}/snooze", json={"until": "tomorrow"})
    assert response.status_code == 200
    page = html(ann.get(f"/interviews/{interview['id']}"))
    assert f'data-api="POST /api/tasks/{task["id"]}/undo"' in page
    assert "Undo snooze" in page


def control(page: str, control_id: str) -> str:
    match = re.search(rf'<(?:input|textarea)\b[^>]*\bid="{control_id}"[^>]*>', page)
    assert match, control_id
    return match.group(0)


def test_agreement_form_shows_saved_values(ann):
    interview = make_interview(ann)
    page = html(ann.get(f"/interviews/{interview['id']}"))
    assert 'data-shape="agreement"' in page
    assert f'data-api="PATCH /api/interviews/{interview["id"]}" data-shape="agreement"' in page
    assert "Record what was agreed" in page
    assert "checked" in control(page, "a-wanted-3"), "nothing agreed yet"
    assert "checked" in control(page, "a-channel-4")
    assert "value=" not in control(page, "a-decision")
    assert "checked" not in control(page, "a-touches")

    agree(
        ann,
        interview["id"],
        decision_expected_on="2026-12-01",
        follow_up_wanted=True,
        follow_up_on="2026-12-03",
        follow_up_channel="in_person",
        not_before="2026-11-30",
        concerns="Little Spark experience",
        interests="data contracts\nstreaming costs",
        points_to_recall="The migration off Oracle",
        value_add_touches=True,
    )
    page = html(ann.get(f"/interviews/{interview['id']}"))
    assert "Change what was agreed" in page
    assert 'value="2026-12-01"' in control(page, "a-decision")
    assert 'value="2026-12-03"' in control(page, "a-follow-up-on")
    assert 'value="2026-11-30"' in control(page, "a-not-before")
    assert 'value="yes" checked' in control(page, "a-wanted-1")
    assert "checked" not in control(page, "a-wanted-2") + control(page, "a-wanted-3")
    assert 'value="in_person" checked' in control(page, "a-channel-3")
    assert "checked" in control(page, "a-touches")
    assert ">Little Spark experience</textarea>" in page
    assert ">data contracts\nstreaming costs</textarea>" in page
    assert ">The migration off Oracle</textarea>" in page
    assert "They asked me to follow up, in person, on Thu 03 Dec 2026" in page
    assert "Tue 01 Dec 2026" in page

    agree(ann, interview["id"], follow_up_wanted=False, follow_up_channel=None)
    page = html(ann.get(f"/interviews/{interview['id']}"))
    assert 'value="no" checked' in control(page, "a-wanted-2")
    assert 'value="" checked' in control(page, "a-channel-4")
    assert "They asked me not to follow up" in page


def test_another_users_tasks_never_appear(app, ann, bob):
    mine = make_interview(ann, company="Acme")
    make_person(ann, mine["id"], name="Dana Reyes")
    theirs = make_interview(bob, company="Bobs Secret Ltd")
    make_person(bob, theirs["id"], name="Bobs Contact")
    bobs_tasks = planned(bob, theirs["id"])
    assert bobs_tasks

    # Even a row of Bob's that points at Ann's interview (the API never makes one) stays out.
    with app.app_context():
        intruder = Task(
            user_id=uuid.UUID(bob.account["id"]),
            create_hash="x" * 64,
            interview_id=uuid.UUID(mine["id"]),
            due_at=datetime.now(UTC),
            title="Bobs private task",
            body="Bobs private draft",
        )
        db.session.add(intruder)
        db.session.commit()
        intruder_id = str(intruder.id)

    page = html(ann.get(f"/interviews/{mine['id']}"))
    assert "Dana Reyes" in page
    for text in ("Bobs Contact", "Bobs Secret Ltd", "Bobs private task", "Bobs private draft"):
        assert text not in page
    for task in bobs_tasks:
        assert task["id"] not in page
    assert intruder_id not in page


def test_plan_and_agreement_escape_user_text(ann):
    attack = "<script>alert(1)</script>"
    interview = make_interview(ann, company=attack, position='"><img src=x onerror=alert(2)>')
    make_person(
        ann, interview["id"], name="<b onmouseover=alert(3)>Dana</b>", emails=["d@x.example"]
    )
    agree(
        ann,
        interview["id"],
        concerns="</textarea><script>alert(5)</script>",
        interests=attack,
        points_to_recall="<img src=y onerror=alert(6)>",
        value_add_touches=True,
    )
    assert planned(ann, interview["id"])
    page = html(ann.get(f"/interviews/{interview['id']}"))
    assert "<script>alert" not in page
    assert "</textarea><script>" not in page
    assert "<img src=x" not in page and "<img src=y" not in page
    assert "<b onmouseover" not in page
    assert "&lt;/textarea&gt;&lt;script&gt;alert(5)&lt;/script&gt;" in page
    for href in re.findall(r'href="([^"]*)"', page):
        assert href.startswith(SAFE_LINKS), href
        assert "<" not in href and '"' not in href and " " not in href, href
    mailtos = re.findall(r'href="(mailto:d@x\.example\?[^"]*)"', page)
    assert mailtos, "the thank-you email opens the mail app"
