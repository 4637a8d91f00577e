"""Helpers for the offline-shell browser tests (service worker, outbox, push)."""

from __future__ import annotations

import base64
import sqlite3
import uuid
from contextlib import contextmanager

from ..conftest import PASSWORD
from .conftest import FIXTURES
from .conftest import sign_up
from .conftest import watch

# What Chromium logs by itself when a fetch fails or answers an error: expected while the
# server is down or a route answers 500/422, not a bug in the page.
NETWORK_NOISE = ("Failed to load resource", "net::ERR_")

OUTBOX = "import('/static/js/outbox.js')"


def open_tab(context):
    """A watched page (console errors kept in .errors)."""
    return watch(context.new_page())


def real_errors(page) -> list[str]:
    """The page's console errors, less the browser's own notes about failed requests."""
    return [error for error in page.errors if not any(noise in error for noise in NETWORK_NOISE)]


def until(page, predicate: str, arg=None, timeout: float = 15000) -> None:
    """Wait until the async JS `predicate(arg)` resolves truthy, polling inside the page
    (page.wait_for_function does not await a predicate's promise)."""
    ok = page.evaluate(
        f"""async ([arg, timeout]) => {{
            const predicate = {predicate};
            const end = Date.now() + timeout;
            while (Date.now() < end) {{
                if (await predicate(arg)) return true;
                await new Promise((resolve) => setTimeout(resolve, 50));
            }}
            return false;
        }}""",
        [arg, timeout],
    )
    assert ok, f"timed out waiting for {predicate} with {arg!r}"


def wait_for_worker(page) -> str:
    """Wait until the page is controlled and the whole shell is precached; the cache's name."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
    until(
        page,
        """async () => {
            const names = (await caches.keys()).filter((n) => n.startsWith('afterview-shell-'));
            if (names.length !== 1) return false;
            const cache = await caches.open(names[0]);
            return Boolean(await cache.match('/static/js/outbox.js'));
        }""",
    )
    return page.evaluate(
        "async () => (await caches.keys()).find((n) => n.startsWith('afterview-shell-'))"
    )


def wait_page_cached(page, path: str) -> None:
    until(
        page,
        """async (path) => {
            for (const name of await caches.keys()) {
                if (!name.startsWith('afterview-pages-')) continue;
                if (await (await caches.open(name)).match(location.origin + path)) return true;
            }
            return false;
        }""",
        path,
    )


def controlled_tab(context, live, path: str):
    """A new user's tab on `path`, worker-controlled, the page cached: (tab, account)."""
    page = open_tab(context)
    account = sign_up(page, live)
    page.goto(path)
    wait_for_worker(page)
    page.reload()
    wait_page_cached(page, path)
    return page, account


def counts(page) -> dict:
    return page.evaluate(f"async () => (await {OUTBOX}).counts()")


def wait_counts(page, **expected) -> None:
    """Wait until the outbox's counts include `expected` (e.g. waiting=0)."""
    until(
        page,
        f"""async (expected) => {{
            const now = await (await {OUTBOX}).counts();
            return Object.entries(expected).every(([key, value]) => now[key] === value);
        }}""",
        expected,
        timeout=20000,
    )


def all_entries(page) -> list[dict]:
    """Every entry in the outbox store, of every user (straight from IndexedDB)."""
    return page.evaluate(
        """async () => {
            const { tx } = await import('/static/js/idb.js');
            const all = await tx('outbox', 'readonly', (store) => store.getAll());
            return all.map(({ user, method, url, state }) => ({ user, method, url, state }));
        }"""
    )


def send(page, method: str, url: str, body, **options):
    """outbox.send() from the page; returns its answer ({sent, ...} or {error, status})."""
    return page.evaluate(
        f"""async ([method, url, body, options]) => {{
            try {{
                return await (await {OUTBOX}).send(method, url, body, options);
            }} catch (error) {{
                return {{ error: error.name, status: error.status, message: error.message }};
            }}
        }}""",
        [method, url, body, options],
    )


def send_card(page, card_id: str, interview_id: str, **options):
    """Queue a real card photo (tests/fixtures/cards/s001.jpg) as a Blob, multipart."""
    photo = base64.b64encode((FIXTURES / "cards" / "s001.jpg").read_bytes()).decode()
    return page.evaluate(
        f"""async ([photo, id, interviewId, options]) => {{
            const bytes = Uint8Array.from(atob(photo), (c) => c.charCodeAt(0));
            const image = new File([bytes], 's001.jpg', {{ type: 'image/jpeg' }});
            const outbox = await {OUTBOX};
            return outbox.send('POST', '/api/cards', {{ id, interview_id: interviewId, image }},
                               {{ multipart: true, label: 'Card photo', ...options }});
        }}""",
        [photo, card_id, interview_id, options],
    )


def api(page, live, method: str, path: str, data=None):
    """The API with the page's cookies (page.request shares the context's cookie jar)."""
    response = page.request.fetch(
        live.url + path, method=method, data=data, headers={"Origin": live.url}
    )
    return response


def log_in(page, live, email: str, password: str = PASSWORD) -> None:
    response = api(page, live, "POST", "/api/session", {"email": email, "password": password})
    assert response.status == 200, response.text()


def count_rows(live, table: str, user_id: str | None = None) -> int:
    """Rows in the live server's SQLite database (optionally one user's)."""
    with sqlite3.connect(live.instance / "afterview.sqlite3") as db:
        if user_id is None:
            return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
        hexid = uuid.UUID(user_id).hex
        query = f"SELECT count(*) FROM {table} WHERE replace(user_id, '-', '') = ?"  # noqa: S608
        return db.execute(query, (hexid,)).fetchone()[0]


@contextmanager
def server_down(live):
    """The live server stopped for the block, then started again on the same port."""
    live.stop()
    try:
        yield
    finally:
        live.start()


def new_ids(count: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(count)]
