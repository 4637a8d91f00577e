"""The browser harness itself: Chromium starts, reaches the live server, reports console errors."""

from .conftest import sign_up


def test_sign_in_page_renders_in_chromium(page, live):
    page.goto("/")
    assert page.get_by_label("Email").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_sign_up_through_the_api_logs_the_page_in(page, live):
    sign_up(page, live)
    page.goto("/")
    assert page.get_by_role("button", name="Log out").is_visible()
