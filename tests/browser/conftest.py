"""Real headless Chromium (Debian's, driven by Python Playwright) against a real `afterview serve`.

Playwright's own browser download does not work on these machines, so the tests launch
/usr/bin/chromium (or AFTERVIEW_CHROMIUM). A page records every console error and uncaught
exception in `page.errors`; the `page` fixture fails a test that leaves any behind.
"""

from __future__ import annotations

import itertools
import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from ..conftest import DATABASES
from ..conftest import PASSWORD
from ..live import LiveServer

CHROMIUM = os.environ.get("AFTERVIEW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Without these Chromium floods the closed network with refused connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
_emails = itertools.count()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def start_live(request, tmp_path_factory, backend: str) -> LiveServer:
    database_url = None
    if backend == "postgresql":
        cluster = request.getfixturevalue("postgres_cluster")
        database_url = cluster.create_database(f"afterview_browser_{uuid.uuid4().hex[:8]}")
    return LiveServer(tmp_path_factory.mktemp("browser-instance"), database_url).start()


@pytest.fixture(scope="module")
def live(request, tmp_path_factory):
    """A live server on the first test database (SQLite in the README's run)."""
    server = start_live(request, tmp_path_factory, DATABASES[0])
    yield server
    server.stop()


@pytest.fixture(scope="module", params=DATABASES)
def live_each(request, tmp_path_factory):
    """A live server per test database: for the flows that must work on both."""
    server = start_live(request, tmp_path_factory, request.param)
    yield server
    server.stop()


def phone_context(browser, live: LiveServer, **options):
    """A fresh phone-sized profile: its own cookies, storage and service workers."""
    settings = {
        "viewport": PHONE,
        "device_scale_factor": 1,
        "is_mobile": True,
        "has_touch": True,
        "base_url": live.url,
        "locale": "en-GB",
        "timezone_id": "Europe/Berlin",
        **options,
    }
    return browser.new_context(**settings)


def watch(page):
    """Keep the page's console errors and uncaught exceptions in page.errors."""
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page


@pytest.fixture
def context(browser, live):
    ctx = phone_context(browser, live)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    tab = watch(context.new_page())
    yield tab
    assert tab.errors == [], f"console errors: {tab.errors}"


def sign_up(page, live: LiveServer, name: str = "Ann Example", **extra) -> dict:
    """A new account made through the API from the page's own profile (so it is logged in)."""
    email = f"browser{next(_emails)}-{uuid.uuid4().hex[:6]}@example.com"
    response = page.request.post(
        live.url + "/api/account",
        data={"email": email, "password": PASSWORD, "name": name, **extra},
        headers={"Origin": live.url},
    )
    assert response.status == 201, response.text()
    return {**response.json(), "password": PASSWORD}


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
