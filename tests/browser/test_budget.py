"""The start page's weight, as the phone receives it (compressed), on a first visit, and
what it fetches: the budget is 100 KB of the page's own HTML, CSS and JS."""

from __future__ import annotations

from .conftest import sign_up
from .screen_helpers import seed

BUDGET = 100 * 1024
OWN_KINDS = {"document", "stylesheet", "script"}


def own_transfers(page, live, path: str) -> dict[str, int]:
    """Bytes of body received (after compression) per own HTML/CSS/JS URL during a load."""
    seen: dict[str, int] = {}

    def record(request):
        if request.url.startswith(live.url) and request.resource_type in OWN_KINDS:
            seen[request.url] = request.sizes()["responseBodySize"]

    page.on("requestfinished", record)
    page.goto(path, wait_until="networkidle")
    page.remove_listener("requestfinished", record)
    return seen


def test_sign_in_page_is_light_and_calls_no_api(page, live):
    calls = []
    page.on("request", lambda r: "/api/" in r.url and calls.append(r.url))
    sizes = own_transfers(page, live, "/")
    assert page.get_by_label("Email").is_visible()
    assert calls == []
    assert any(url.endswith(".css") for url in sizes) and any(url.endswith(".js") for url in sizes)
    assert sum(sizes.values()) < BUDGET, sizes


def test_today_is_under_the_budget_compressed(page, live):
    sign_up(page, live)
    seed(page, live)
    sizes = own_transfers(page, live, "/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert len([url for url in sizes if url.endswith(".js")]) >= 3  # the modules were counted
    assert sum(sizes.values()) < BUDGET, sizes
