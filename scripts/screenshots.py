"""Screenshots of every screen at phone size, light and dark, for a person to look at.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]      (default /tmp/shots)

Starts `afterview serve` on a throwaway instance, makes an account with an interview, people,
a plan and a card waiting for review, then saves <screen>-<light|dark>.png (390 x 844 CSS px,
device scale 2, full page). A look, not a test.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.browser.conftest import phone_context  # noqa: E402
from tests.browser.conftest import sign_up  # noqa: E402
from tests.browser.screen_helpers import CARD  # noqa: E402
from tests.browser.screen_helpers import seed  # noqa: E402
from tests.live import LiveServer  # noqa: E402


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    live = LiveServer(Path(tempfile.mkdtemp(prefix="afterview-shots-"))).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            setup = phone_context(browser, live)
            page = setup.new_page()
            sign_up(page, live, name="Ann Example")
            ids = seed(page, live, with_card=True)
            state = setup.storage_state()
            setup.close()
            screens = {
                "today": "/",
                "interviews": "/interviews",
                "interview": f"/interviews/{ids['interview']}",
                "contacts": "/contacts",
                "contact": f"/contacts/{ids['dana']}",
                "card": f"/cards/{ids['card']}",
                "settings": "/settings",
                "after-1": "/after",
            }
            for scheme in ("light", "dark"):
                context = phone_context(
                    browser, live, device_scale_factor=2, color_scheme=scheme, storage_state=state
                )
                tab = context.new_page()
                for name, path in screens.items():
                    tab.goto(path)
                    tab.wait_for_load_state("networkidle")
                    tab.screenshot(path=out / f"{name}-{scheme}.png", full_page=True)
                flow(tab, out, scheme)
                context.close()
                login = phone_context(browser, live, device_scale_factor=2, color_scheme=scheme)
                tab = login.new_page()
                tab.goto("/")
                tab.screenshot(path=out / f"login-{scheme}.png", full_page=True)
                login.close()
            browser.close()
    finally:
        live.stop()
    print(f"screenshots in {out}")


def flow(tab, out: Path, scheme: str) -> None:
    """The after-interview flow, step by step, with the test card."""
    tab.evaluate("localStorage.clear()")
    tab.goto("/after")
    tab.get_by_label("Company").fill(f"Globex {uuid.uuid4().hex[:4]}")
    tab.get_by_label("Position").fill("Platform Engineer")
    tab.get_by_role("button", name="Next: the cards").click()
    tab.locator("#card-file").set_input_files(str(CARD))
    tab.wait_for_selector(".shot[data-status=read]", timeout=120_000)
    tab.screenshot(path=out / f"after-2-{scheme}.png", full_page=True)
    tab.get_by_role("button", name="Next: check the people").click()
    tab.wait_for_selector("form.review")
    tab.screenshot(path=out / f"after-3-{scheme}.png", full_page=True)
    tab.get_by_role("button", name="Save person").click()
    tab.wait_for_selector(".review-saved")
    tab.get_by_role("button", name="Next: what was agreed").click()
    tab.get_by_text("Next week").click()
    tab.get_by_text("They asked me to follow up").click()
    tab.screenshot(path=out / f"after-4-{scheme}.png", full_page=True)
    tab.get_by_role("button", name="Save and make my plan").click()
    tab.wait_for_selector("#plan-list li")
    tab.screenshot(path=out / f"after-5-{scheme}.png", full_page=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/shots"))
