"""A deploy while the app is open: the new version is offered, never forced.

The live server here runs from a copy of the checkout, so the test can change a static file
and restart it as a real deploy would (new static hash, new /sw.js).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..live import LiveServer
from .conftest import phone_context
from .shell_helpers import open_tab
from .shell_helpers import until
from .shell_helpers import wait_for_worker

CHECKOUT = Path(__file__).resolve().parents[2]


@pytest.fixture
def deployable(tmp_path):
    """`afterview serve` from a copy of server/, static/, templates/ and migrations/."""
    code = tmp_path / "code"
    for part in ("server", "static", "templates", "migrations"):
        shutil.copytree(CHECKOUT / part, code / part, ignore=shutil.ignore_patterns("__pycache__"))
    # PYTHONPATH comes before the editable install, so the copy is what runs.
    server = LiveServer(tmp_path / "instance", PYTHONPATH=str(code)).start()
    server.code = code
    yield server
    server.stop()


def shell_caches(page) -> list[str]:
    return page.evaluate(
        "async () => (await caches.keys()).filter((n) => n.startsWith('afterview-shell-'))"
    )


def test_a_new_version_is_offered_and_applied_only_on_the_users_tap(browser, deployable):
    context = phone_context(browser, deployable)
    page = open_tab(context)
    page.goto("/login")
    old_cache = wait_for_worker(page)
    old_worker = page.evaluate("navigator.serviceWorker.controller.scriptURL")

    deployable.stop()  # the deploy: one CSS rule more, then the server starts again
    with open(deployable.code / "static/css/app.css", "a") as css:
        css.write("\n.deployed-later { color: inherit; }\n")
    deployable.start()

    page.evaluate("navigator.serviceWorker.ready.then((r) => r.update())")
    offer = page.get_by_role("button", name="Update available")
    offer.wait_for(state="visible")
    # Not forced: the new worker waits and the old one still runs the page and its cache.
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.waiting !== null)")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == old_worker
    assert old_cache in shell_caches(page)

    with page.expect_navigation():
        offer.click()
    until(page, "async () => (await navigator.serviceWorker.ready).waiting === null")
    until(
        page,
        """async (old) => {
            const names = (await caches.keys()).filter((n) => n.startsWith('afterview-shell-'));
            return names.length === 1 && names[0] !== old;
        }""",
        old_cache,
    )
    css = page.evaluate(
        """async () => {
            const name = (await caches.keys()).find((n) => n.startsWith('afterview-shell-'));
            const cached = await (await caches.open(name)).match('/static/css/app.css');
            return cached ? cached.text() : '';
        }"""
    )
    assert ".deployed-later" in css
    assert page.get_by_label("Email").is_visible()
    assert page.errors == []
    context.close()
