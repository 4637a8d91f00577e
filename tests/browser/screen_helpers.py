"""Helpers for the screen and flow tests (and the screenshot script): seeded accounts, the API
seen from the page's own profile, and the checks every screen must pass."""

from __future__ import annotations

import json
import re
import uuid
from contextlib import contextmanager
from pathlib import Path

from .conftest import FIXTURES

CARDS = FIXTURES / "cards"
# A card photo with a clean reading in the tests' OCR, and what is printed on it.
CARD = CARDS / "s001.jpg"
CARD_TRUTH = json.loads((CARDS / "s001.json").read_text())


def api(page, live, method: str, path: str, body=None, **options):
    """Call the API with the page's cookies (same origin); the JSON answer (None for 204)."""
    response = page.request.fetch(
        live.url + path,
        method=method,
        data=json.dumps(body) if body is not None else None,
        headers={"Origin": live.url, "Content-Type": "application/json"},
        **options,
    )
    assert response.ok, (method, path, response.status, response.text())
    return response.json() if response.status != 204 else None


def upload_card(page, live, path: Path = CARD, interview_id: str | None = None) -> dict:
    form = {"id": str(uuid.uuid4())}
    if interview_id:
        form["interview_id"] = interview_id
    response = page.request.post(
        live.url + "/api/cards",
        multipart={
            **form,
            "image": {"name": path.name, "mimeType": "image/jpeg", "buffer": path.read_bytes()},
        },
        headers={"Origin": live.url},
        timeout=120_000,
    )
    assert response.status == 201, response.text()
    return response.json()


def seed(page, live, with_card: bool = False) -> dict:
    """An interview with two people, what was agreed (so a plan exists), and optionally a card
    waiting for review. Returns the ids."""
    interview = api(
        page,
        live,
        "POST",
        "/api/interviews",
        {"company": "Acme GmbH", "position": "Data Engineer", "location": "Berlin"},
    )
    dana = api(
        page,
        live,
        "POST",
        "/api/contacts",
        {
            "name": "Dana Reyes",
            "title": "Head of Data",
            "company": "Acme GmbH",
            "emails": ["dana@acme.example"],
            "phones": [{"number": "+49 30 123 456", "type": "work"}],
            "interview_id": interview["id"],
        },
    )
    api(
        page,
        live,
        "POST",
        "/api/contacts",
        {"name": "Ola Berg", "interview_id": interview["id"], "role": "referral"},
    )
    api(
        page,
        live,
        "PATCH",
        f"/api/interviews/{interview['id']}",
        {
            "follow_up_wanted": True,
            "follow_up_channel": "phone",
            "follow_up_on": "2030-01-08",
            "points_to_recall": "The migration off Oracle",
        },
    )
    ids = {"interview": interview["id"], "dana": dana["id"]}
    if with_card:
        ids["card"] = upload_card(page, live, interview_id=interview["id"])["id"]
    return ids


def fits_the_phone(page, width: int = 390) -> None:
    """No horizontal scroll at phone width."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways: {scroll} px"


def flush_outbox(page) -> None:
    """Send what waits in the outbox now (instead of waiting for the backoff)."""
    page.evaluate("import('/static/js/outbox.js').then((m) => m.flush({ force: true }))")


# What Chromium logs by itself when a request fails while the server is down: not a page bug.
NETWORK_NOISE = ("Failed to load resource", "net::ERR_")


def real_errors(page) -> list[str]:
    return [error for error in page.errors if not any(noise in error for noise in NETWORK_NOISE)]


def outbox_waiting(page) -> int:
    return page.evaluate("import('/static/js/outbox.js').then((m) => m.counts())")["waiting"]


@contextmanager
def server_down(live):
    """The live server stopped for the block (every request fails, the service worker's too),
    then started again on the same port with the same database."""
    live.stop()
    try:
        yield
    finally:
        live.start()


def review_card_from_today(page) -> None:
    """Open Today's "1 card ready to review", check the name read, save the person."""
    page.goto("/")
    page.get_by_role("link", name=re.compile("1 card ready to review")).click()
    review = page.locator("form.review")
    review.wait_for()
    assert review.get_by_label("Name").input_value() == CARD_TRUTH["name"]
    review.get_by_role("button", name="Save person").click()
    page.locator(".review-saved").wait_for()
