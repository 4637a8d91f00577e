"""Reminders in real headless Chromium: pushes delivered to the service worker through the
DevTools protocol, the notification's actions, and the page's subscribe path.

Headless Chromium has no push service, so the page side runs with a stubbed PushManager;
delivery to the worker is real (ServiceWorker.deliverPushMessage). A click on a shown
notification cannot be simulated: the worker's notificationclick handler is driven with a
synthetic NotificationEvent (and stubbed clients.openWindow / matchAll where a window matters).
"""

from __future__ import annotations

import base64
import json
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .conftest import sign_up
from .shell_helpers import api
from .shell_helpers import open_tab
from .shell_helpers import real_errors
from .shell_helpers import server_down
from .shell_helpers import until
from .shell_helpers import wait_counts
from .shell_helpers import wait_for_worker

PAGE = "/contacts"

# Headless Chromium has no push service: the page gets this PushManager instead.
PUSH_STUB = """(() => {
    const json = SUBSCRIPTION;
    const sub = {
        endpoint: json.endpoint, options: {}, toJSON: () => json,
        unsubscribe: async () => { localStorage.removeItem('stub-sub'); return true; },
    };
    PushManager.prototype.subscribe = async () => {
        localStorage.setItem('stub-sub', '1');
        return sub;
    };
    PushManager.prototype.getSubscription = async () =>
        (localStorage.getItem('stub-sub') ? sub : null);
})();"""

CLICK = """async ([taskId, action, url]) => {
    const tag = `test-${Math.random()}`;
    await self.registration.showNotification('Due', {
        tag, data: { url, task_id: taskId },
        actions: [{ action: 'done', title: 'Done' }, { action: 'snooze', title: 'Snooze 1 h' }],
    });
    const [notification] = await self.registration.getNotifications({ tag });
    const event = new NotificationEvent('notificationclick', { notification, action });
    let work = Promise.resolve();
    event.waitUntil = (promise) => { work = promise; };  // a synthetic event has no lifetime
    self.dispatchEvent(event);
    await work;
}"""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fake_subscription(name: str) -> dict:
    """What PushSubscription.toJSON() gives: an FCM-like endpoint, a P-256 key, an auth secret."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {
        "endpoint": f"https://fcm.googleapis.com/fcm/send/{name}-{b64url(os.urandom(8))}",
        "expirationTime": None,
        "keys": {"p256dh": b64url(point), "auth": b64url(os.urandom(16))},
    }


def ready(context, page, live):
    """A logged-in page controlled by the worker, notifications allowed; the worker."""
    context.grant_permissions(["notifications"], origin=live.url)
    account = sign_up(page, live)
    page.goto(PAGE)
    wait_for_worker(page)
    until(page, "async () => (await import('/static/js/idb.js')).metaGet('user')")
    return account, context.service_workers[0]


def registration_id(context, page, live) -> tuple:
    cdp = context.new_cdp_session(page)
    found = {}

    def updated(event):
        for registration in event["registrations"]:
            if registration["scopeURL"] == live.url + "/" and not registration["isDeleted"]:
                found["id"] = registration["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", updated)
    cdp.send("ServiceWorker.enable")
    for _ in range(100):  # the event arrives while the driver waits on something
        if "id" in found:
            return cdp, found["id"]
        page.wait_for_timeout(50)
    raise AssertionError("no service worker registration reported")


def notifications(page) -> list[dict]:
    return page.evaluate(
        """async () => (await navigator.serviceWorker.ready).getNotifications().then((all) =>
            all.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data,
                              actions: n.actions.map((a) => a.action) })))"""
    )


def planned_task(page, live) -> dict:
    """An interview with an interviewer: the planner makes tasks; one of them."""
    interview = api(page, live, "POST", "/api/interviews", {"company": "Acme"}).json()
    person = {"name": "Dana Reyes", "interview_id": interview["id"], "emails": ["d@acme.example"]}
    assert api(page, live, "POST", "/api/contacts", person).status == 201
    tasks = api(page, live, "GET", f"/api/interviews/{interview['id']}").json()["tasks"]
    return next(task for task in tasks if task["kind"] == "thank_you_email")


def task(page, live, task_id: str) -> dict:
    for view in ("today", "upcoming", "done"):
        for row in api(page, live, "GET", f"/api/tasks?view={view}").json():
            if row["id"] == task_id:
                return row
    raise AssertionError(f"task {task_id} not found")


def test_a_push_shows_a_notification_with_its_actions(context, live):
    page = open_tab(context)
    ready(context, page, live)
    cdp, registration = registration_id(context, page, live)
    payload = {
        "title": "Thank Dana",
        "body": "Send the thank-you email today.",
        "url": "/interviews/1",
        "tag": "task-1",
        "task_id": "00000000-0000-4000-8000-000000000001",
        "actions": [{"action": "done", "title": "Done"}, {"action": "snooze", "title": "Snooze"}],
    }
    message = {"origin": live.url, "registrationId": registration, "data": json.dumps(payload)}
    cdp.send("ServiceWorker.deliverPushMessage", message)
    until(
        page, "async () => (await (await navigator.serviceWorker.ready).getNotifications()).length"
    )
    [shown] = notifications(page)
    assert shown["title"] == "Thank Dana" and shown["body"] == "Send the thank-you email today."
    assert shown["tag"] == "task-1" and shown["actions"] == ["done", "snooze"]
    assert shown["data"] == {"url": "/interviews/1", "task_id": payload["task_id"]}
    # Not JSON: still a notification (iOS drops subscriptions whose pushes show nothing).
    cdp.send("ServiceWorker.deliverPushMessage", {**message, "data": "plain words"})
    until(
        page,
        "async () => (await (await navigator.serviceWorker.ready).getNotifications()).length > 1",
    )
    generic = next(n for n in notifications(page) if n["tag"] == "afterview")
    assert generic["title"] == "Afterview" and generic["body"] == "plain words"
    assert generic["actions"] == []
    assert real_errors(page) == []


def test_done_and_snooze_actions_reach_the_api(context, live):
    page = open_tab(context)
    _, worker = ready(context, page, live)
    first = planned_task(page, live)
    worker.evaluate(CLICK, [first["id"], "done", "/"])
    assert task(page, live, first["id"])["status"] == "done"
    second = planned_task(page, live)
    worker.evaluate(CLICK, [second["id"], "snooze", "/"])
    snoozed = task(page, live, second["id"])
    assert snoozed["status"] == "pending" and snoozed["user_changed"] is True
    assert snoozed["due_at"] != second["due_at"]
    assert real_errors(page) == []


def test_an_action_made_offline_is_kept_and_sent_by_the_page(context, live):
    page = open_tab(context)
    _, worker = ready(context, page, live)
    due = planned_task(page, live)
    with server_down(live):
        worker.evaluate(CLICK, [due["id"], "done", "/"])
        wait_counts(page, waiting=1)
    page.reload()
    wait_counts(page, waiting=0, attention=0)
    assert task(page, live, due["id"])["status"] == "done"
    assert real_errors(page) == []


def test_a_plain_click_opens_or_focuses_the_app_at_the_notifications_url(context, live):
    page = open_tab(context)
    _, worker = ready(context, page, live)
    opened = worker.evaluate(
        """async (click) => {
            const opened = [];
            self.clients.matchAll = async () => [];
            self.clients.openWindow = async (url) => { opened.push(url); return null; };
            await (${click})([null, '', '/interviews/abc']);
            return opened;
        }""".replace("${click}", CLICK),
        CLICK,
    )
    assert opened == [live.url + "/interviews/abc"]
    navigated = worker.evaluate(
        """async () => {
            const navigated = [];
            const open = { url: location.origin + '/contacts', focus: async () => null,
                           navigate: async (url) => { navigated.push(url); } };
            self.clients.matchAll = async () => [open];
            await (${click})([null, '', 'https://elsewhere.example/phish']);
            return navigated;
        }""".replace("${click}", CLICK)
    )
    assert navigated == [live.url + "/"]  # never leaves the site


def test_turning_reminders_on_saves_the_subscription_and_each_start_refreshes_it(context, live):
    subscription = fake_subscription("test")
    endpoint = subscription["endpoint"]
    context.add_init_script(PUSH_STUB.replace("SUBSCRIPTION", json.dumps(subscription)))
    page = open_tab(context)
    ready(context, page, live)
    push = "import('/static/js/push.js')"
    assert page.evaluate(f"async () => (await {push}).reminderState()") == "off"
    assert page.evaluate(f"async () => (await {push}).turnOnReminders()") == "on"
    devices = api(page, live, "GET", "/api/push/status").json()["devices"]
    assert [device["push_service"] for device in devices] == ["fcm.googleapis.com"]
    assert page.evaluate(f"async () => (await {push}).reminderState()") == "on"
    # The server forgot it (say, a failed send): the next start of the app saves it again.
    forget = page.request.delete(
        live.url + "/api/push/subscription",
        data={"endpoint": endpoint},
        headers={"Origin": live.url},
    )
    assert forget.status == 204
    again = open_tab(context)
    again.goto(PAGE)
    until(
        again, "async () => (await (await fetch('/api/push/status')).json()).devices.length === 1"
    )
    assert again.evaluate(f"async () => (await {push}).turnOffReminders()") == "off"
    assert api(page, live, "GET", "/api/push/status").json()["devices"] == []
    assert real_errors(page) == [] and real_errors(again) == []


RESUBSCRIBE = """async (fresh) => {
    // A synthetic pushsubscriptionchange (the browser fires it when the push service rotates
    // a subscription, which cannot be triggered here) carrying the new subscription.
    const event = new Event('pushsubscriptionchange');
    event.oldSubscription = null;
    event.newSubscription = { endpoint: fresh.endpoint, toJSON: () => fresh };
    let work = Promise.resolve();
    event.waitUntil = (promise) => { work = promise; };
    self.dispatchEvent(event);
    await work;
}"""


def test_a_rotated_subscription_is_saved_by_the_worker_itself(context, live):
    """No page is needed: the worker PUTs the new subscription with the user's session."""
    page = open_tab(context)
    _, worker = ready(context, page, live)
    fresh = fake_subscription("rotated")
    assert api(page, live, "GET", "/api/push/status").json()["devices"] == []
    worker.evaluate(RESUBSCRIBE, fresh)
    devices = api(page, live, "GET", "/api/push/status").json()["devices"]
    assert [device["push_service"] for device in devices] == ["fcm.googleapis.com"]
    assert real_errors(page) == []
