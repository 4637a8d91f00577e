"""The outbox's waits: a server's Retry-After is honoured (even by a forced flush), other
failures back off, growing with each attempt. No service worker here: context.route sees
only requests the page itself sends."""

from __future__ import annotations

import time

from .conftest import phone_context
from .conftest import sign_up
from .shell_helpers import api
from .shell_helpers import new_ids
from .shell_helpers import open_tab
from .shell_helpers import real_errors
from .shell_helpers import send
from .shell_helpers import until
from .shell_helpers import wait_counts

FLUSH = "async () => (await import('/static/js/outbox.js')).flush({ force: true })"
ENTRY = """async () => {
    const { tx } = await import('/static/js/idb.js');
    const [entry] = await tx('outbox', 'readonly', (store) => store.getAll());
    return entry ? { wait: entry.nextTryAt - Date.now(), attempts: entry.attempts } : null;
}"""


def entry_after(page, attempts: int) -> dict:
    """The queued entry once it has been tried `attempts` times."""
    until(page, f"async () => ((await ({ENTRY})()) || {{}}).attempts === {attempts}")
    return page.evaluate(ENTRY)


def answer_first(context, answers: list[dict]):
    """POST /api/interviews answered from `answers` first, then by the server; the hits."""
    hits = []

    def handle(route):
        if route.request.method != "POST":
            return route.fallback()
        hits.append(time.monotonic())
        if len(hits) <= len(answers):
            route.fulfill(**answers[len(hits) - 1])
        else:
            route.fallback()

    context.route("**/api/interviews", handle)
    return hits


def test_retry_after_is_honoured_even_by_a_forced_flush(browser, live):
    context = phone_context(browser, live, service_workers="block")
    page = open_tab(context)
    sign_up(page, live)
    page.goto("/contacts")
    busy = {"status": 429, "headers": {"Retry-After": "3"}, "json": {"message": "Slow down."}}
    hits = answer_first(context, [busy])
    page.wait_for_load_state("networkidle")  # the load's own flush is over
    [interview_id] = new_ids(1)
    answer = send(page, "POST", "/api/interviews", {"id": interview_id, "company": "Acme"}, wait=0)
    assert answer == {"sent": False, "queued": True}
    entry = entry_after(page, 1)
    assert 2000 < entry["wait"] <= 3000
    page.evaluate(FLUSH)  # "back online": still not before the server said
    assert len(hits) == 1
    wait_counts(page, waiting=0)  # sent by itself once the 3 s are over
    assert len(hits) == 2
    interviews = api(page, live, "GET", "/api/interviews").json()
    assert [row["id"] for row in interviews] == [interview_id]
    assert real_errors(page) == []
    context.close()


def test_server_errors_are_retried_by_themselves_waiting_longer_each_time(browser, live):
    context = phone_context(browser, live, service_workers="block")
    page = open_tab(context)
    sign_up(page, live)
    page.goto("/contacts")
    down = {"status": 503, "json": {"message": "Down for a moment."}}
    hits = answer_first(context, [down, down])
    # The load's own flush (forced: it skips backoffs) must be over before the write is made.
    page.wait_for_load_state("networkidle")
    send(page, "POST", "/api/interviews", {"company": "Acme"}, wait=0)
    # No event, no reload: the outbox's own timer tries again, later each time.
    until(
        page,
        "async () => (await (await fetch('/api/interviews')).json()).length === 1",
        timeout=20000,
    )
    assert len(hits) == 3
    first_gap, second_gap = hits[1] - hits[0], hits[2] - hits[1]
    assert 1.2 < first_gap < second_gap, (first_gap, second_gap)
    assert real_errors(page) == []
    context.close()


def test_a_retry_after_date_is_read(page, live):
    page.goto("/login")
    in_five_seconds = page.evaluate(
        """async () => (await import('/static/js/outbox-delivery.js'))
            .retryAfter(new Date(Date.now() + 5000).toUTCString())"""
    )
    assert 3000 <= in_five_seconds <= 6000  # an HTTP date has whole seconds
