"""The outbox in real headless Chromium: writes kept in IndexedDB, sent in order exactly once.

The writes go through static/js/outbox.js straight from page.evaluate (no screen needed).
"Offline" means this module's live server is stopped (Playwright's set_offline does not reach
service-worker fetches); a 500 or a lost answer comes from context.route.
"""

from __future__ import annotations

import requests

from .conftest import phone_context
from .conftest import sign_up
from .shell_helpers import all_entries
from .shell_helpers import api
from .shell_helpers import controlled_tab
from .shell_helpers import count_rows
from .shell_helpers import counts
from .shell_helpers import log_in
from .shell_helpers import new_ids
from .shell_helpers import open_tab
from .shell_helpers import real_errors
from .shell_helpers import send
from .shell_helpers import send_card
from .shell_helpers import server_down
from .shell_helpers import wait_counts
from .shell_helpers import wait_for_worker
from .shell_helpers import wait_page_cached

PAGE = "/contacts"
NEW_PASSWORD = "another horse battery"


def end_sessions_elsewhere(live, account) -> None:
    """Change the password from another client: every other session of the account ends (a
    cookie cleared in the browser could be set again by a response still in flight)."""
    other = requests.Session()
    login = {"email": account["email"], "password": account["password"]}
    assert other.post(live.url + "/api/session", json=login).status_code == 200
    change = {"password": NEW_PASSWORD, "old_password": account["password"]}
    assert other.patch(live.url + "/api/account", json=change).status_code == 200


def capture(page, interview_id, contact_id, card_id) -> list[dict]:
    """An interview, its interviewer and a card photo, as the capture flow would queue them."""
    return [
        send(page, "POST", "/api/interviews", {"id": interview_id, "company": "Acme"}, wait=3000),
        send(
            page,
            "POST",
            "/api/contacts",
            {"id": contact_id, "name": "Dana Reyes", "interview_id": interview_id},
            wait=3000,
        ),
        send_card(page, card_id, interview_id, wait=3000),
    ]


def assert_exactly_once(page, live, account, interview_id, contact_id, card_id):
    interviews = api(page, live, "GET", "/api/interviews").json()
    assert [row["id"] for row in interviews] == [interview_id]
    contacts = api(page, live, "GET", "/api/contacts").json()
    assert [row["id"] for row in contacts] == [contact_id]
    assert api(page, live, "GET", f"/api/cards/{card_id}").status == 200
    assert count_rows(live, "card_scans", account["id"]) == 1


def test_offline_capture_survives_a_reload_and_is_sent_once(context, live):
    page, account = controlled_tab(context, live, PAGE)
    ids = new_ids(3)
    with server_down(live):
        answers = capture(page, *ids)
        assert answers == [{"sent": False, "queued": True}] * 3
        assert counts(page)["waiting"] == 3
        status = page.locator("#outbox-status")
        assert status.text_content() == "3 changes saved on this phone, waiting to be sent."
        page.reload()  # the worker's copy of the page; the queue is in IndexedDB
        assert counts(page)["waiting"] == 3
    page.reload()  # back online: the load flushes
    wait_counts(page, waiting=0, attention=0)
    assert_exactly_once(page, live, account, *ids)
    assert page.locator("#outbox-status").text_content() == ""
    assert real_errors(page) == []


def test_a_500_and_a_lost_answer_are_retried_without_doubling(browser, live):
    # No service worker here: context.route sees only requests that the page itself sends.
    context = phone_context(browser, live, service_workers="block")
    page = open_tab(context)
    account = sign_up(page, live)
    page.goto(PAGE)
    seen = {"interviews": 0, "cards": 0}

    def fail_interview_once(route):
        seen["interviews"] += 1
        if seen["interviews"] == 1:
            route.fulfill(status=500, json={"error": "boom", "message": "Boom."})
        else:
            route.fallback()

    def lose_card_answer_once(route):
        seen["cards"] += 1
        if seen["cards"] == 1:
            route.fetch()  # the server saves the card; the phone never hears back
            route.abort()
        else:
            route.fallback()

    context.route("**/api/interviews", fail_interview_once)
    context.route("**/api/cards", lose_card_answer_once)
    ids = new_ids(3)
    interview_id, contact_id, card_id = ids
    assert send(page, "POST", "/api/interviews", {"id": interview_id, "company": "Acme"}) == {
        "sent": False,
        "queued": True,
    }
    page.evaluate(
        """() => {
            window.sentOrder = [];
            addEventListener('outbox:sent', (e) => window.sentOrder.push(e.detail.url));
        }"""
    )
    # The contact waits behind the interview (FIFO): order matters for replays.
    body = {"id": contact_id, "name": "Dana Reyes", "interview_id": interview_id}
    send(page, "POST", "/api/contacts", body, wait=0)
    page.evaluate("async () => (await import('/static/js/outbox.js')).flush({ force: true })")
    wait_counts(page, waiting=0)
    assert page.evaluate("window.sentOrder") == ["/api/interviews", "/api/contacts"]
    assert send_card(page, card_id, interview_id)["sent"] is False  # the lost answer
    page.evaluate("async () => (await import('/static/js/outbox.js')).flush({ force: true })")
    wait_counts(page, waiting=0, attention=0)
    assert seen == {"interviews": 2, "cards": 2}
    assert_exactly_once(page, live, account, *ids)
    assert real_errors(page) == []
    context.close()


def test_a_401_pauses_until_the_same_user_logs_in_again(context, live):
    page = open_tab(context)
    account = sign_up(page, live)
    page.goto(PAGE)
    end_sessions_elsewhere(live, account)  # e.g. the password was changed on another device
    interview_id = new_ids(1)[0]
    answer = send(page, "POST", "/api/interviews", {"id": interview_id, "company": "Acme"})
    assert answer == {"sent": False, "queued": True}
    wait_counts(page, waiting=1, paused=True)
    prompt = page.locator("#outbox-login")
    prompt.wait_for(state="visible")
    link = page.get_by_role("link", name="Log in again")
    assert link.get_attribute("href") == f"/login?next={PAGE.replace('/', '%2F')}"
    log_in(page, live, account["email"], NEW_PASSWORD)
    page.reload()
    wait_counts(page, waiting=0, paused=False)
    assert prompt.is_hidden()
    assert [row["id"] for row in api(page, live, "GET", "/api/interviews").json()] == [interview_id]
    assert real_errors(page) == []


def test_a_refused_write_needs_attention_and_stays_until_dealt_with(context, live):
    page = open_tab(context)
    sign_up(page, live)
    page.goto(PAGE)
    # While the caller waits, a refusal is the caller's to show (the form has the fields).
    refused = send(page, "POST", "/api/interviews", {"company": ""})
    assert refused["error"] == "ApiError" and refused["status"] == 422
    assert counts(page) == {"waiting": 0, "attention": 0, "paused": False}
    # Found in a background flush, it goes to the visible "needs attention" list.
    send(page, "POST", "/api/interviews", {"company": ""}, wait=0, label="Interview at ?")
    wait_counts(page, attention=1, waiting=0)
    page.reload()
    box = page.locator("#outbox-attention")
    box.wait_for(state="visible")
    item = box.locator("li")
    assert "Interview at ?" in item.text_content() and "company" in item.text_content()
    item.get_by_role("button", name="Retry").click()
    page.wait_for_timeout(0)
    wait_counts(page, attention=1)
    page.once("dialog", lambda dialog: dialog.dismiss())
    item.get_by_role("button", name="Discard").click()
    assert counts(page)["attention"] == 1
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Discard").click()
    wait_counts(page, attention=0)
    box.wait_for(state="hidden")
    assert real_errors(page) == []


def test_a_second_user_never_sees_or_sends_the_first_users_writes(context, live):
    page = open_tab(context)
    ann = sign_up(page, live, name="Ann")
    page.goto(PAGE)
    wait_for_worker(page)
    ids = new_ids(2)
    with server_down(live):
        for interview_id in ids:
            send(page, "POST", "/api/interviews", {"id": interview_id, "company": "Acme"}, wait=0)
        wait_counts(page, waiting=2)
        context.clear_cookies()  # Ann's session is gone; her entries stay on the phone
    bob = sign_up(page, live, name="Bob")
    # A stale tab still showing Ann's page: the server refuses her writes for Bob's session.
    page.evaluate("async () => (await import('/static/js/outbox.js')).flush({ force: true })")
    wait_counts(page, paused=True)
    page.reload()  # now Bob's page
    assert page.locator('meta[name="afterview-user"]').get_attribute("content") == bob["id"]
    assert counts(page) == {"waiting": 0, "attention": 0, "paused": False}
    assert page.locator("#outbox-status").text_content() == ""
    assert api(page, live, "GET", "/api/interviews").json() == []
    assert [entry["user"] for entry in all_entries(page)] == [ann["id"], ann["id"]]
    context.clear_cookies()
    log_in(page, live, ann["email"])
    page.reload()
    wait_counts(page, waiting=0)
    assert sorted(row["id"] for row in api(page, live, "GET", "/api/interviews").json()) == sorted(
        ids
    )
    assert all_entries(page) == []
    assert count_rows(live, "interviews", bob["id"]) == 0
    assert real_errors(page) == []


def test_log_out_flushes_asks_then_clears_caches_and_the_queue(context, live):
    page, account = controlled_tab(context, live, PAGE)
    send(page, "POST", "/api/interviews", {"company": ""}, wait=0)  # will need attention
    wait_counts(page, attention=1)
    messages = []

    def answer(dialog, accept):
        messages.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Log out").click()
    page.wait_for_function("() => document.getElementById('flash').textContent !== ''")
    assert "1 change saved on this phone has not reached Afterview yet" in messages[0]
    assert api(page, live, "GET", "/api/account").status == 200  # still logged in
    page.once("dialog", lambda dialog: answer(dialog, True))
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert api(page, live, "GET", "/api/account").status == 401
    caches = page.evaluate("caches.keys()")
    assert not any(name.startswith("afterview-pages-") for name in caches)
    assert all_entries(page) == []
    user = page.evaluate("async () => (await import('/static/js/idb.js')).metaGet('user')")
    assert user is None
    assert account["id"]
    assert real_errors(page) == []


def test_deleting_the_account_asks_then_forgets_everything_on_this_phone(context, live):
    page = open_tab(context)
    sign_up(page, live)
    page.goto("/settings")
    wait_for_worker(page)
    page.reload()
    wait_page_cached(page, "/settings")
    send(page, "POST", "/api/interviews", {"company": ""}, wait=0)  # will need attention
    wait_counts(page, attention=1)
    delete = page.get_by_role("button", name="Delete my account")

    page.once("dialog", lambda dialog: dialog.dismiss())
    delete.click()
    assert api(page, live, "GET", "/api/account").status == 200  # kept: the user said no

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        delete.click()
    page.wait_for_load_state()
    assert page.locator("#flash").text_content() == "Your account is deleted."
    assert api(page, live, "GET", "/api/account").status == 401
    assert not any(name.startswith("afterview-pages-") for name in page.evaluate("caches.keys()"))
    assert all_entries(page) == []
    user = page.evaluate("async () => (await import('/static/js/idb.js')).metaGet('user')")
    assert user is None
    assert real_errors(page) == []
