"""The app icon's badge (Badging API): the number of tasks due today, set when the app opens.

Headless Chromium runs no installed app whose icon could show a badge, so the page's
navigator.setAppBadge/clearAppBadge are replaced by recorders before any script runs (the
boundary this machine cannot show); what the app asks for is real.
"""

from __future__ import annotations

import re

from .conftest import sign_up
from .screen_helpers import api
from .screen_helpers import seed
from .shell_helpers import until

RECORD_BADGE = """
window.badgeCalls = [];
navigator.setAppBadge = async (count) => { window.badgeCalls.push(count); };
navigator.clearAppBadge = async () => { window.badgeCalls.push(0); };
"""


def test_opening_the_app_sets_the_badge_to_the_tasks_due_today(context, live):
    context.add_init_script(RECORD_BADGE)
    page = context.new_page()
    sign_up(page, live)
    seed(page, live)
    due = len(api(page, live, "GET", "/api/tasks?view=today"))
    assert due > 0
    page.goto("/")
    until(page, "async () => window.badgeCalls.length > 0")
    assert page.evaluate("window.badgeCalls") == [due]


def test_nothing_due_clears_the_badge(context, live):
    context.add_init_script(RECORD_BADGE)
    page = context.new_page()
    sign_up(page, live)
    page.goto("/")
    until(page, "async () => window.badgeCalls.length > 0")
    assert page.evaluate("window.badgeCalls") == [0]


def test_marking_a_task_done_on_today_lowers_the_badge_at_once(context, live):
    context.add_init_script(RECORD_BADGE)
    page = context.new_page()
    sign_up(page, live)
    seed(page, live)
    due = len(api(page, live, "GET", "/api/tasks?view=today"))
    page.goto("/")
    until(page, "async () => window.badgeCalls.length > 0")
    item = page.locator("[data-task]").first
    item.get_by_role("button", name=re.compile(r"^Done\b")).click()
    until(page, "async () => window.badgeCalls.length > 1")
    assert page.evaluate("window.badgeCalls") == [due, due - 1]
