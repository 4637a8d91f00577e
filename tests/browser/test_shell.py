"""The service worker and the installable shell, in real headless Chromium.

"Offline" here means the live server is stopped: Playwright's set_offline does not reach the
worker's own fetches.
"""

from __future__ import annotations

import io
import re

from PIL import Image

from .conftest import sign_up
from .shell_helpers import open_tab
from .shell_helpers import real_errors
from .shell_helpers import server_down
from .shell_helpers import until
from .shell_helpers import wait_for_worker
from .shell_helpers import wait_page_cached


def test_worker_script_is_served_at_the_root_and_never_cached(page, live):
    response = page.request.get(live.url + "/sw.js")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert re.search(r"const VERSION = '[0-9a-f]{12}';", response.text())


def test_worker_registers_for_the_whole_site_and_precaches_the_shell(page, live):
    page.goto("/login")
    version = re.search(r"VERSION = '([0-9a-f]{12})'", page.request.get(live.url + "/sw.js").text())
    cache = wait_for_worker(page)
    assert cache == f"afterview-shell-{version.group(1)}"
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)") == live.url + "/"
    wanted = ["/offline", "/static/js/app.js", "/static/js/shell.js", "/static/css/app.css"]
    until(
        page,
        """async ([name, wanted]) => {
            const cache = await caches.open(name);
            return (await Promise.all(wanted.map((path) => cache.match(path)))).every(Boolean);
        }""",
        [cache, wanted],
    )
    cached = page.evaluate(
        """async (name) => (await (await caches.open(name)).keys())
            .map((request) => new URL(request.url).pathname)""",
        cache,
    )
    # API answers are never put in a cache by the worker.
    assert not any(path.startswith("/api/") for path in cached)


def test_pages_offline_the_visited_one_from_cache_others_the_offline_page(context, live):
    page = open_tab(context)
    account = sign_up(page, live)
    page.goto("/contacts")
    wait_for_worker(page)
    page.reload()  # now through the worker, which keeps a copy of the page
    wait_page_cached(page, "/contacts")
    with server_down(live):
        page.goto("/contacts")
        assert page.locator('meta[name="afterview-user"]').get_attribute("content") == account["id"]
        assert page.get_by_role("button", name="Log out").is_visible()
        page.goto("/interviews/never-visited")
        assert page.get_by_role("heading", name="You are offline").is_visible()
        # A cached page is only shown to the user it belongs to.
        page.evaluate("async () => (await import('/static/js/idb.js')).metaSet('user', 'other')")
        page.goto("/contacts")
        assert page.get_by_role("heading", name="You are offline").is_visible()
    assert real_errors(page) == []


def test_the_flow_and_today_open_offline_without_an_earlier_visit(context, live):
    """In the car with no signal, the first tap on "Just left an interview" must work: the
    worker keeps the main screens for the logged-in user once the app has loaded online."""
    page = open_tab(context)
    sign_up(page, live)
    page.goto("/contacts")
    wait_for_worker(page)
    for path in ("/", "/after", "/settings"):
        wait_page_cached(page, path)
    with server_down(live):
        page.goto("/after")
        assert page.get_by_role("heading", name="Just left an interview").is_visible()
        assert page.get_by_label("Company").is_visible()
        page.goto("/")
        assert page.get_by_role("heading", name="Today").is_visible()
    assert real_errors(page) == []


def test_manifest_and_icons(page, live):
    page.goto("/login")
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    response = page.request.get(live.url + href)
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "Afterview" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["id"] == "/"
    purposes = set()
    for icon in manifest["icons"]:
        image = Image.open(io.BytesIO(page.request.get(live.url + icon["src"]).body()))
        assert f"{image.width}x{image.height}" == icon["sizes"] and image.format == "PNG"
        purposes.add((icon["sizes"], icon["purpose"]))
    assert purposes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    touch = page.locator('link[rel="apple-touch-icon"]').get_attribute("href")
    assert Image.open(io.BytesIO(page.request.get(live.url + touch).body())).size == (180, 180)
    capable = page.locator('meta[name="apple-mobile-web-app-capable"]')
    assert capable.get_attribute("content") == "yes"
