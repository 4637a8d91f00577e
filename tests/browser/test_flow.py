"""The after-interview flow in real Chromium, through the real OCR: company, a card photo,
checking the person, what was agreed, the plan. Online on each database, offline then back
online, and across a reload."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import phone_context
from .conftest import sign_up
from .conftest import watch
from .screen_helpers import api
from .screen_helpers import CARD
from .screen_helpers import CARD_TRUTH
from .screen_helpers import fits_the_phone
from .screen_helpers import flush_outbox
from .screen_helpers import outbox_waiting
from .screen_helpers import real_errors
from .screen_helpers import review_card_from_today
from .screen_helpers import server_down

OCR_WAIT = 120_000  # ms: the first card waits for the OCR engine to load


def open_flow(page, fresh: bool = True) -> None:
    """/after with its modules loaded (body[data-ready]), from a clean draft."""
    page.goto("/after")
    if fresh:
        page.evaluate("localStorage.clear()")
        page.reload()
    page.locator("body[data-ready]").wait_for(state="attached")


def start_flow(page, company: str) -> None:
    open_flow(page)
    page.get_by_label("Company").fill(company)
    page.get_by_label("Position").fill("Data Engineer")
    page.get_by_role("button", name="Next: the cards").click()
    expect(page.get_by_role("heading", name="Photograph their cards")).to_be_visible()


def agree(page) -> None:
    page.get_by_role("radio", name="Next week").check()
    page.get_by_role("radio", name="They asked me to follow up").check()
    page.get_by_role("radio", name="Email", exact=True).check()
    page.get_by_label("Points to recall").fill("The migration off Oracle")
    page.get_by_label("Plan value-add touches").check()
    page.get_by_role("button", name="Save and make my plan").click()


def check_saved(page, live, company: str) -> dict:
    """Exactly one interview, the card's person with the right name and email, and a plan."""
    interviews = api(page, live, "GET", "/api/interviews")
    assert [row["company"] for row in interviews] == [company]
    interview = api(page, live, "GET", f"/api/interviews/{interviews[0]['id']}")
    contacts = api(page, live, "GET", "/api/contacts")
    assert [row["name"] for row in contacts] == [CARD_TRUTH["name"]]
    assert CARD_TRUTH["emails"][0] in contacts[0]["emails"]
    assert contacts[0]["card_id"], "the contact keeps the card photo"
    assert [person["role"] for person in interview["contacts"]] == ["interviewer"]
    assert interview["follow_up_wanted"] is True and interview["follow_up_channel"] == "email"
    assert interview["decision_expected_on"] and interview["value_add_touches"] is True
    assert interview["points_to_recall"] == "The migration off Oracle"
    kinds = {task["kind"] for task in interview["tasks"]}
    assert {"thank_you_email", "handwritten_note"} <= kinds, kinds
    assert api(page, live, "GET", "/api/cards?unreviewed=1") == [], "the card is reviewed"
    assert len(api(page, live, "GET", "/api/cards")) == 1
    return interview


@pytest.fixture
def flow_page(browser, live_each):
    context = phone_context(browser, live_each)
    page = watch(context.new_page())
    yield page
    assert page.errors == [], f"console errors: {page.errors}"
    context.close()


def test_the_whole_flow_with_a_card_photo(flow_page, live_each):
    page, live = flow_page, live_each
    sign_up(page, live)
    company = f"Juniper {uuid.uuid4().hex[:6]}"
    start_flow(page, company)
    page.locator("#card-file").set_input_files(str(CARD))
    shot = page.locator(".shot[data-status=read]")
    shot.wait_for(timeout=OCR_WAIT)
    assert CARD_TRUTH["name"] in shot.text_content()
    fits_the_phone(page)

    page.get_by_role("button", name="Next: check the people").click()
    review = page.locator("form.review")
    assert review.get_by_label("Name").input_value() == CARD_TRUTH["name"]
    assert review.get_by_label("Email", exact=True).input_value() == CARD_TRUTH["emails"][0]
    assert review.locator("img[data-photo]").is_visible()
    fits_the_phone(page)
    review.get_by_role("button", name="Save person").click()
    expect(page.locator(".review-saved")).to_have_text(f"Saved: {CARD_TRUTH['name']}.")

    page.get_by_role("button", name="Next: what was agreed").click()
    agree(page)
    plan = page.locator("#plan-list > li")
    plan.first.wait_for()
    assert plan.count() >= 2
    assert "Thank-you email" in page.locator("#plan-list").text_content()
    fits_the_phone(page)
    page.get_by_role("link", name="Done: open the interview").click()
    page.wait_for_url(re.compile(r"/interviews/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name=company, level=1)).to_be_visible()
    check_saved(page, live, company)


def test_offline_flow_arrives_once_and_offers_the_card_review(context, live):
    page = watch(context.new_page())
    sign_up(page, live)
    company = f"Offline {uuid.uuid4().hex[:6]}"
    open_flow(page)
    with server_down(live):
        page.get_by_label("Company").fill(company)
        page.get_by_role("button", name="Next: the cards").click()
        expect(page.locator("#flow-status")).to_contain_text("Saved on this phone")
        page.locator("#card-file").set_input_files(str(CARD))
        page.locator(".shot[data-status=queued]").wait_for()
        page.get_by_role("button", name="Next: check the people").click()
        expect(page.locator("#waiting-note")).to_contain_text("still on its way")
        page.get_by_role("button", name="Next: what was agreed").click()
        agree(page)
        expect(page.locator("#plan-note")).to_contain_text(
            "plan will appear when the phone is back online"
        )
        assert outbox_waiting(page) == 3
    flush_outbox(page)
    # Back online: the interview, the card (read now) and what was agreed arrive in order;
    # the plan appears, and the card's review is offered.
    page.locator("#plan-list > li").first.wait_for(timeout=OCR_WAIT)
    review_link = page.get_by_role("link", name=re.compile(f"Card read: {CARD_TRUTH['name']}"))
    review_link.wait_for(timeout=OCR_WAIT)
    assert outbox_waiting(page) == 0
    review_card_from_today(page)
    check_saved(page, live, company)
    assert real_errors(page) == []
    page.errors.clear()


def test_the_flow_survives_a_reload(page, live):
    sign_up(page, live)
    company = f"Reload {uuid.uuid4().hex[:6]}"
    start_flow(page, company)
    page.locator("#card-file").set_input_files(str(CARD))
    page.locator(".shot[data-status=read]").wait_for(timeout=OCR_WAIT)
    page.reload()
    expect(page.get_by_role("heading", name="Photograph their cards")).to_be_visible()
    assert page.locator(".shot[data-status=read]").count() == 1
    page.get_by_role("button", name="Next: check the people").click()
    review = page.locator("form.review")
    review.wait_for()
    assert review.get_by_label("Name").input_value() == CARD_TRUTH["name"]
    review.get_by_role("button", name="Save person").click()
    page.locator(".review-saved").wait_for()
    page.get_by_role("button", name="Next: what was agreed").click()
    agree(page)
    page.locator("#plan-list > li").first.wait_for()
    assert len(api(page, live, "GET", "/api/interviews")) == 1


def test_what_was_typed_under_agreed_survives_the_app_being_closed(context, live):
    """Phones close a backgrounded app without warning: the flow's draft, including the notes
    typed under "what was agreed", comes back in a new tab."""
    page = watch(context.new_page())
    sign_up(page, live)
    start_flow(page, f"Closed {uuid.uuid4().hex[:6]}")
    page.get_by_role("button", name="Next: check the people").click()
    page.get_by_role("button", name="Next: what was agreed").click()
    page.get_by_role("radio", name="On a date").check()
    page.get_by_label("Decision expected by").fill("2026-12-04")
    page.get_by_role("radio", name="They asked me to follow up").check()
    page.get_by_label("Concerns they raised").fill("Little Kubernetes experience")
    page.get_by_label("Points to recall").fill("Their move to Postgres")
    page.close()

    again = watch(context.new_page())
    again.goto("/after")
    again.locator("body[data-ready]").wait_for(state="attached")
    expect(again.get_by_role("heading", name="What was agreed?")).to_be_visible()
    expect(again.get_by_label("Concerns they raised")).to_have_value("Little Kubernetes experience")
    expect(again.get_by_label("Points to recall")).to_have_value("Their move to Postgres")
    expect(again.get_by_role("radio", name="On a date")).to_be_checked()
    expect(again.get_by_label("Decision expected by")).to_have_value("2026-12-04")
    again.get_by_role("button", name="Save and make my plan").click()
    again.locator("#plan-list > li").first.wait_for()
    [interview] = api(again, live, "GET", "/api/interviews")
    saved = api(again, live, "GET", f"/api/interviews/{interview['id']}")
    assert saved["concerns"] == "Little Kubernetes experience"
    assert saved["decision_expected_on"] == "2026-12-04" and saved["follow_up_wanted"] is True
    assert again.errors == []
