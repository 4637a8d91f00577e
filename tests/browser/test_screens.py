"""Every screen at phone size in real Chromium: no sideways scroll, no console error, and the
screens' own actions (Today's done/snooze/undo, outcome buttons, search, settings, a card's
review) reach the server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import sign_up
from .screen_helpers import api
from .screen_helpers import CARD_TRUTH
from .screen_helpers import fits_the_phone
from .screen_helpers import review_card_from_today
from .screen_helpers import seed


@pytest.fixture
def seeded(page, live):
    sign_up(page, live)
    return seed(page, live, with_card=True)


def task_state(page, live, task_id: str) -> dict:
    for view in ("today", "upcoming", "done"):
        for task in api(page, live, "GET", f"/api/tasks?view={view}"):
            if task["id"] == task_id:
                return task
    raise AssertionError(f"task {task_id} not found")


def test_logged_out_screens_fit_the_phone(page, live):
    for path in ("/", "/signup"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        fits_the_phone(page)


def test_every_screen_fits_the_phone(page, live, seeded):
    screens = {
        "/": "Today",
        "/interviews": "Interviews",
        f"/interviews/{seeded['interview']}": "Acme GmbH",
        "/contacts": "Contacts",
        f"/contacts/{seeded['dana']}": "Dana Reyes",
        f"/cards/{seeded['card']}": "Review a card",
        "/settings": "Settings",
        "/after": "Just left an interview",
    }
    for path, heading in screens.items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        page.wait_for_load_state("networkidle")
        fits_the_phone(page)
        tabs = page.get_by_role("navigation", name="Main")
        assert tabs.get_by_role("link").count() == 4
        assert page.locator("form.logout").count() == 1
    # Wider phones too.
    for width in (360, 430):
        page.set_viewport_size({"width": width, "height": 800})
        for path in screens:
            page.goto(path)
            fits_the_phone(page, width)


def test_tab_bar_marks_where_you_are(page, live, seeded):
    page.goto("/contacts")
    current = page.get_by_role("navigation", name="Main").locator("[aria-current=page]")
    expect(current).to_have_text("Contacts")
    box = page.get_by_role("link", name="Today").bounding_box()
    assert box["height"] >= 48 and box["y"] > 700, "a bottom tab bar with 48 px targets"


def test_today_done_undo_and_snooze_change_the_task(page, live, seeded):
    page.goto("/")
    item = page.locator("[data-task]").first
    task_id = item.get_attribute("data-task")
    done = item.get_by_role("button", name=re.compile(r"^Done\b"))
    undo = item.get_by_role("button", name=re.compile(r"^Undo\b"))
    done.click()
    expect(item.locator("[data-said]")).to_have_text("Done.")
    assert task_state(page, live, task_id)["status"] == "done"

    undo.click()
    expect(item.locator("[data-said]")).to_have_text("Undone.")
    assert task_state(page, live, task_id)["status"] == "pending"

    before = task_state(page, live, task_id)["due_at"]
    item.locator("summary").click()
    item.get_by_role("button", name="Tomorrow").click()
    expect(item.locator("[data-said]")).to_contain_text("Snoozed until")
    snoozed = task_state(page, live, task_id)
    assert snoozed["due_at"] > before and snoozed["user_changed"] is True
    undo.click()
    expect(item.locator("[data-said]")).to_have_text("Undone.")
    assert task_state(page, live, task_id)["due_at"] == before


def test_today_deep_link_shows_the_task(page, live, seeded):
    tasks = api(page, live, "GET", "/api/tasks?view=upcoming")
    target = tasks[-1]
    page.goto(f"/?task={target['id']}")
    item = page.locator(f"#task-{target['id']}")
    expect(item).to_have_class(re.compile("is-highlighted"))
    expect(item).to_be_focused()
    expect(item).to_be_in_viewport()


def test_outcome_buttons_set_the_status(page, live, seeded):
    page.goto(f"/interviews/{seeded['interview']}")
    page.get_by_role("button", name="Second interview").click()
    expect(page.get_by_role("button", name="Second interview")).to_have_attribute(
        "aria-pressed", "true"
    )
    interview = api(page, live, "GET", f"/api/interviews/{seeded['interview']}")
    assert interview["status"] == "second_interview"


def test_contacts_filter_as_you_type(page, live, seeded):
    page.goto("/contacts")
    items = page.locator("#contact-list > li")
    expect(items).to_have_count(2)
    page.get_by_label("Search contacts").fill("ola")
    expect(items.filter(visible=True)).to_have_count(1)
    expect(items.filter(visible=True)).to_contain_text("Ola Berg")
    page.get_by_label("Search contacts").fill("nobody at all")
    expect(page.locator("#search-none")).to_contain_text("No contact matches")


def test_contact_edit_and_delete(page, live, seeded):
    page.goto(f"/contacts/{seeded['dana']}")
    page.get_by_text("Edit", exact=True).click()
    page.get_by_label("Job title").fill("VP Data")
    page.get_by_label("Phone 2").fill("+49 170 1234567")
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator(".sub").first).to_contain_text("VP Data")
    dana = api(page, live, "GET", f"/api/contacts/{seeded['dana']}")
    assert dana["title"] == "VP Data"
    assert [phone["number"] for phone in dana["phones"]] == ["+49 30 123 456", "+49 170 1234567"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete contact").click()
    page.wait_for_url(re.compile(r"/contacts$"))
    assert [row["name"] for row in api(page, live, "GET", "/api/contacts")] == ["Ola Berg"]


def test_settings_save_the_schedule_and_the_calendar_feed(page, live, seeded):
    page.goto("/settings")
    expect(page.locator("#reminder-state")).not_to_have_text("Reminders need JavaScript.")
    page.get_by_role("button", name="Use this phone’s time zone").click()
    page.get_by_label("Reminder time").select_option("8")
    page.get_by_label("Fri").uncheck()
    page.get_by_label("Country").select_option("DE")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#flash")).to_have_text("Settings saved.")
    account = api(page, live, "GET", "/api/account")
    assert account["timezone"] == "Europe/Berlin"
    assert account["reminder_hour"] == 8 and account["country"] == "DE"
    assert account["working_days"] == ["mon", "tue", "wed", "thu"]

    page.get_by_role("button", name="Turn on the calendar feed").click()
    url = page.locator("#feed-url")
    expect(url).to_contain_text("webcal://")
    assert url.text_content() == api(page, live, "GET", "/api/calendar")["webcal_url"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Turn off").click()
    expect(page.get_by_role("button", name="Turn on the calendar feed")).to_be_visible()
    fits_the_phone(page)


def test_a_card_waiting_on_today_is_reviewed_into_a_contact(page, live, seeded):
    review_card_from_today(page)
    expect(page.locator(".review-saved")).to_contain_text("Saved")
    page.get_by_role("link", name="Open the interview").click()
    expect(page.get_by_role("heading", name=CARD_TRUTH["name"], exact=True)).to_be_visible()
    assert api(page, live, "GET", "/api/cards?unreviewed=1") == []
    page.goto("/")
    expect(page.get_by_text("card ready to review")).to_have_count(0)


def test_same_person_prompt_merges(page, live, seeded):
    page.goto("/after")
    page.locator("body[data-ready]").wait_for(state="attached")
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator("body[data-ready]").wait_for(state="attached")
    page.get_by_label("Company").fill("Acme GmbH")
    page.get_by_role("button", name="Next: the cards").click()
    page.get_by_role("button", name="Next: check the people").click()
    review = page.locator("form.review")
    review.get_by_label("Name").fill("Dana Reyes")
    review.get_by_label("Email", exact=True).fill("dana@acme.example")
    review.get_by_role("button", name="Save person").click()
    prompt = page.locator("[data-duplicate]")
    expect(prompt).to_contain_text("Dana Reyes (Acme GmbH) is already in your contacts")
    prompt.get_by_role("button", name="Yes, merge them").click()
    expect(page.locator(".review-saved")).to_contain_text("Merged into Dana Reyes")
    danas = [c for c in api(page, live, "GET", "/api/contacts") if c["name"] == "Dana Reyes"]
    assert len(danas) == 1
    assert len(api(page, live, "GET", f"/api/contacts/{danas[0]['id']}")["interviews"]) == 2
