"""Installing the app: Android's prompt at a good moment, the iOS guide where it applies.

Headless Chromium never fires `beforeinstallprompt` by itself (its install criteria need a
real browser UI), so the test dispatches one with a recorded prompt(): the boundary this
machine cannot cross. What the page does with it is real.
"""

from __future__ import annotations

from .conftest import phone_context
from .conftest import sign_up
from .conftest import watch
from .shell_helpers import send
from .shell_helpers import until

OFFER_INSTALL = """(outcome) => {
    window.prompted = 0;
    const event = new Event('beforeinstallprompt', { cancelable: true });
    event.prompt = async () => { window.prompted += 1; };
    event.userChoice = Promise.resolve({ outcome, platform: 'web' });
    window.dispatchEvent(event);
}"""
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def test_the_install_offer_waits_for_a_first_save_and_a_no_is_remembered(page, live):
    sign_up(page, live)
    page.goto("/")
    offer = page.get_by_role("button", name="Install app")
    page.evaluate(OFFER_INSTALL, "dismissed")
    assert offer.is_hidden()  # not on load: nothing saved yet

    answer = send(page, "POST", "/api/interviews", {"company": "Initech"})
    assert answer["sent"] is True
    offer.wait_for(state="visible")
    offer.click()
    until(page, "async () => window.prompted === 1")
    offer.wait_for(state="hidden")

    page.reload()
    page.evaluate(OFFER_INSTALL, "dismissed")
    # outbox:sent is dispatched before send() resolves: the offer has been reconsidered.
    assert send(page, "POST", "/api/interviews", {"company": "Globex"})["sent"] is True
    assert offer.is_hidden()  # refused once: not offered again


def test_not_now_hides_the_offer(page, live):
    sign_up(page, live)
    page.goto("/")
    page.evaluate(OFFER_INSTALL, "accepted")
    send(page, "POST", "/api/interviews", {"company": "Initech"})
    page.get_by_role("button", name="Install app").wait_for(state="visible")
    page.get_by_role("button", name="Not now").click()
    assert page.get_by_role("button", name="Install app").is_hidden()
    assert page.evaluate("window.prompted") == 0


def test_iphone_safari_gets_the_add_to_home_screen_guide(browser, live):
    context = phone_context(browser, live, user_agent=IPHONE)
    page = watch(context.new_page())
    sign_up(page, live)
    page.goto("/settings")
    guide = page.get_by_role("heading", name="Install Afterview on your iPhone or iPad")
    guide.wait_for(state="visible")
    assert page.get_by_text("Add to Home Screen").is_visible()
    assert page.errors == []
    context.close()


def test_other_browsers_do_not_see_the_ios_guide(page, live):
    sign_up(page, live)
    page.goto("/settings")
    page.wait_for_load_state("networkidle")
    guide = page.get_by_role("heading", name="Install Afterview on your iPhone or iPad")
    assert guide.is_hidden()
