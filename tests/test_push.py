"""Web push: the VAPID key, subscriptions (validated, upserted, per user), the test push, the
allow-list, the sender's outcomes and headers."""

from __future__ import annotations

import base64
import json
import stat
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from server import config as settings
from server.pushsink import DeviceKeys
from server.webpush import classify
from server.webpush import MAX_PAYLOAD_BYTES
from server.webpush import notification
from server.webpush import PushHosts
from server.webpush import retry_after_seconds
from server.webpush import Sender
from server.webpush import vapid_for
from server.webpush import VAPID_LIFETIME

from .conftest import make_app
from .pushfake import device_count
from .pushfake import push_app_fixture  # noqa: F401 (fixture)
from .pushfake import sink_fixture  # noqa: F401 (fixture)
from .pushfake import subscribe

FCM = "https://fcm.googleapis.com/fcm/send/abc:APA91b"
KEYS = DeviceKeys.generate()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def toJSON(sink, endpoint: str | None = None) -> dict:  # noqa: N802 (the browser's name)
    subscription = sink.add_device()
    if endpoint:
        subscription["endpoint"] = endpoint
    return subscription


# --- the key --------------------------------------------------------------------------------


def test_key_is_the_raw_p256_point_made_once_and_kept_private(app, ann):
    first = ann.get("/api/push/key").get_json()["publicKey"]
    raw = _unb64(first)
    assert len(raw) == 65 and raw[0] == 4
    assert "=" not in first
    stored = Path(app.instance_path) / "vapid_private_key"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    # Another app on the same instance folder (a restart) reuses the key.
    again = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    assert (
        vapid_for(again).public_key.public_numbers() == vapid_for(app).public_key.public_numbers()
    )
    assert ann.get("/api/push/key").get_json()["publicKey"] == first


def test_every_push_route_needs_a_login(client):
    for method, url in [
        ("GET", "/api/push/key"),
        ("PUT", "/api/push/subscription"),
        ("DELETE", "/api/push/subscription"),
        ("POST", "/api/push/test"),
        ("GET", "/api/push/status"),
    ]:
        response = client.open(url, method=method, json={})
        assert response.status_code == 401, url
        assert set(response.get_json()) >= {"error", "message"}


# --- subscriptions --------------------------------------------------------------------------


def test_subscribe_takes_to_json_as_it_is_and_upserts(push_app, sink, ann):
    subscription = toJSON(sink)
    subscription["expirationTime"] = 1893456000000
    created = ann.put("/api/push/subscription", json=subscription)
    assert created.status_code == 201
    device = created.get_json()
    assert device["push_service"] == "127.0.0.1"
    # The same endpoint again (keys rotated): updated in place, not doubled.
    subscription["keys"] = toJSON(sink)["keys"]
    again = ann.put("/api/push/subscription", json=subscription)
    assert again.status_code == 200
    assert again.get_json()["id"] == device["id"]
    # Several devices per user.
    subscribe(ann, sink)
    status = ann.get("/api/push/status").get_json()
    assert len(status["devices"]) == 2
    assert status["last_reminder_at"] is None and status["undelivered"] == []
    assert ann.get("/api/account").get_json()["last_reminder_at"] is None


def test_unsubscribe_removes_only_ones_own_device_and_is_idempotent(push_app, sink, ann, bob):
    anns = subscribe(ann, sink)
    bobs = subscribe(bob, sink)
    # Bob names Ann's endpoint: nothing of Ann's changes, and nothing is revealed.
    assert bob.delete("/api/push/subscription", json={"endpoint": anns["endpoint"]}).status_code
    assert len(ann.get("/api/push/status").get_json()["devices"]) == 1
    assert (
        ann.delete("/api/push/subscription", json={"endpoint": anns["endpoint"]}).status_code == 204
    )
    assert (
        ann.delete("/api/push/subscription", json={"endpoint": anns["endpoint"]}).status_code == 204
    )
    assert ann.get("/api/push/status").get_json()["devices"] == []
    assert len(bob.get("/api/push/status").get_json()["devices"]) == 1
    assert bobs


def test_an_endpoint_seen_under_another_user_moves_to_this_one(push_app, sink, ann, bob):
    """The same browser, logged out of Ann's account and into Bob's."""
    shared = subscribe(ann, sink)
    assert bob.put("/api/push/subscription", json=shared).status_code == 200
    assert ann.get("/api/push/status").get_json()["devices"] == []
    assert len(bob.get("/api/push/status").get_json()["devices"]) == 1
    # Ann's test push reaches no one; Bob's reaches the device.
    assert ann.post("/api/push/test").status_code == 409
    assert bob.post("/api/push/test").get_json()["sent"] == 1


@pytest.mark.parametrize(
    "endpoint, allowed",
    [
        (FCM, True),
        ("https://updates.push.services.mozilla.com/wpush/v2/gAAA", True),
        ("https://web.push.apple.com/QGuQ", True),
        ("https://api.push.apple.com/3/device/x", True),
        ("https://wns2-par02p.notify.windows.com/w/?token=x", True),
        ("http://fcm.googleapis.com/fcm/send/x", False),  # plain http to a real service
        ("https://fcm.googleapis.com:8443/fcm/send/x", False),
        ("https://fcm.googleapis.com@evil.example/x", False),
        ("https://evil.example/?fcm.googleapis.com", False),
        ("https://push.apple.com.evil.example/x", False),
        ("https://evilpush.apple.com/x", False),
        ("http://169.254.169.254/latest/meta-data", False),
        ("http://127.0.0.1:5432/", False),  # loopback is not allowed unless configured
        ("https://localhost/x", False),
        ("file:///etc/passwd", False),
        ("not a url", False),
    ],
)
def test_only_known_push_services_may_be_subscribed(ann, endpoint, allowed):
    body = {
        "endpoint": endpoint,
        "expirationTime": None,
        "keys": {"p256dh": KEYS.p256dh, "auth": "tBHItJI5svbpez7KI4CCXg"},
    }
    response = ann.put("/api/push/subscription", json=body)
    if allowed:
        assert response.status_code == 201, response.get_json()
    else:
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["field"] == "endpoint"


def test_loopback_is_allowed_only_when_configured(push_app, sink, ann):
    assert ann.put("/api/push/subscription", json=toJSON(sink)).status_code == 201
    push_app.config["PUSH_HOSTS"] = settings.DEFAULTS["PUSH_HOSTS"]
    assert ann.put("/api/push/subscription", json=toJSON(sink)).status_code == 422


@pytest.mark.parametrize(
    "change, field",
    [
        ({"keys": {"auth": "tBHItJI5svbpez7KI4CCXg"}}, "keys.p256dh"),
        ({"keys": {"p256dh": "BAAA", "auth": "tBHItJI5svbpez7KI4CCXg"}}, "keys.p256dh"),
        ({"keys": {"p256dh": "B" + "A" * 86, "auth": "tBHItJI5svbpez7KI4CCXg"}}, "keys.p256dh"),
        ({"keys": None}, "keys"),
        ({"endpoint": "x" * 1001}, "endpoint"),
    ],
)
def test_bad_subscriptions_are_refused_with_a_field(push_app, sink, ann, change, field):
    subscription = toJSON(sink)
    subscription.update(change)
    response = ann.put("/api/push/subscription", json=subscription)
    assert response.status_code == 422
    assert response.get_json()["field"] == field
    assert response.get_json()["message"]


def test_a_bad_auth_secret_is_refused(push_app, sink, ann):
    subscription = toJSON(sink)
    subscription["keys"]["auth"] = "c2hvcnQ"
    response = ann.put("/api/push/subscription", json=subscription)
    assert response.status_code == 422 and response.get_json()["field"] == "keys.auth"


# --- the test push --------------------------------------------------------------------------


def test_test_push_without_a_device_says_what_to_do(ann):
    response = ann.post("/api/push/test")
    assert response.status_code == 409
    assert response.get_json()["error"] == "no_device"


def test_test_push_reports_each_device(push_app, sink, ann):
    good = subscribe(ann, sink)
    gone = subscribe(ann, sink, mode="410")
    flaky = subscribe(ann, sink, mode="500")
    response = ann.post("/api/push/test")
    assert response.status_code == 200
    result = response.get_json()
    assert result["sent"] == 1
    assert [device["outcome"] for device in result["devices"]] == ["sent", "gone", "retry"]
    assert [device["status"] for device in result["devices"]] == [201, 410, 500]
    assert all(device["message"] for device in result["devices"])
    (delivery,) = sink.deliveries_to(good["endpoint"])
    assert delivery.payload["title"] and delivery.payload["url"] == "/"
    assert delivery.payload["tag"] == "afterview-test"
    # The gone device is forgotten; the failing one is kept for the next try.
    endpoints = {device["id"] for device in ann.get("/api/push/status").get_json()["devices"]}
    assert len(endpoints) == 2
    assert device_count(push_app, ann.account["id"]) == 2
    assert gone and flaky


# --- the sender, pure -----------------------------------------------------------------------


def test_outcomes_of_every_answer():
    assert classify(201, {}).kind == "sent"
    assert classify(202, {}).kind == "sent"
    assert classify(404, {}).kind == "gone"
    assert classify(410, {}).kind == "gone"
    too_big = classify(413, {})
    assert too_big.kind == "failed" and "too large" in too_big.error
    limited = classify(429, {"Retry-After": "120"})
    assert limited.kind == "retry" and limited.retry_after == 120
    assert classify(500, {}).kind == "retry"
    assert classify(503, {}).kind == "retry"
    refused = classify(403, {}, "BadJwtToken")
    assert refused.kind == "failed" and "BadJwtToken" in refused.error
    assert classify(301, {}).kind == "failed"


def test_retry_after_in_both_forms():
    now = 1_900_000_000.0
    from datetime import datetime
    from datetime import UTC

    date = format_datetime(datetime.fromtimestamp(now + 90, UTC), usegmt=True)
    assert retry_after_seconds(date, now) == 90
    assert retry_after_seconds("15", now) == 15
    assert retry_after_seconds("999999", now) == 3600  # within reason
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def test_notification_stays_under_3_kb_and_carries_the_deep_link():
    payload = notification("Title", "é" * 5000, "/interviews/x", "task-1", "1")
    assert len(payload) < MAX_PAYLOAD_BYTES
    data = json.loads(payload)
    assert data["url"] == "/interviews/x" and data["tag"] == "task-1" and data["task_id"] == "1"
    assert [action["action"] for action in data["actions"]] == ["done", "snooze"]


def test_host_rules_with_ports_and_wildcards():
    hosts = PushHosts(["*.push.apple.com", "127.0.0.1:9000", "localhost"])
    assert hosts.refusal("https://a.b.push.apple.com/x") is None
    assert hosts.refusal("https://push.apple.com/x") is not None
    assert hosts.refusal("http://127.0.0.1:9000/x") is None
    assert hosts.refusal("http://127.0.0.1:9001/x") is not None
    assert hosts.refusal("http://localhost:1234/x") is None
    assert hosts.refusal("ftp://localhost/x") is not None
    assert hosts.refusal("http://[::1]:9000/x") is not None


def test_vapid_header_is_cached_per_origin_and_resigned_before_expiry(app):
    wall = [1_900_000_000.0]
    sender = Sender(vapid_for(app), "mailto:ops@example.com", PushHosts([]), wall=lambda: wall[0])

    def claims(header: str) -> dict:
        token = header.split("t=")[1].split(",")[0]
        return json.loads(_unb64(token.split(".")[1]))

    first = sender.authorization("https://fcm.googleapis.com/fcm/send/a")
    assert sender.authorization("https://fcm.googleapis.com/fcm/send/b") == first
    other = sender.authorization("https://updates.push.services.mozilla.com/wpush/v2/x")
    assert claims(other)["aud"] == "https://updates.push.services.mozilla.com"
    signed = claims(first)
    assert signed["aud"] == "https://fcm.googleapis.com"
    assert signed["sub"] == "mailto:ops@example.com"
    assert wall[0] < signed["exp"] <= wall[0] + 24 * 3600
    wall[0] += VAPID_LIFETIME - 30 * 60  # within the last hour: signed afresh
    renewed = sender.authorization("https://fcm.googleapis.com/fcm/send/a")
    assert renewed != first and claims(renewed)["exp"] > signed["exp"]


def test_vapid_subject_must_be_mailto_or_https():
    base = {"PUBLIC_URL": "https://afterview.example"}
    assert settings.vapid_subject(base) == "https://afterview.example"
    assert settings.vapid_subject({"PUBLIC_URL": "http://localhost:8000"}).startswith("mailto:")
    with pytest.raises(settings.UnsafeConfig):
        settings.vapid_subject({**base, "VAPID_SUBJECT": "ops@example.com"})
    found = settings.from_environment(
        {"AFTERVIEW_PUSH_HOSTS": "127.0.0.1:8123, push.example", "AFTERVIEW_VAPID_SUBJECT": "x"}
    )
    assert found["PUSH_HOSTS"][-2:] == ("127.0.0.1:8123", "push.example")
    assert "fcm.googleapis.com" in found["PUSH_HOSTS"]


def test_serve_has_a_no_dispatcher_switch(monkeypatch, tmp_path):
    import server.serving
    from server.cli import main

    seen = {}
    monkeypatch.setattr(server.serving, "serve_forever", lambda *a, **k: seen.update(k))
    monkeypatch.setattr("server.cli.migrated_app", lambda: None)
    assert CliRunner().invoke(main, ["serve", "--no-dispatcher"]).exit_code == 0
    assert seen["dispatcher"] is False
    assert CliRunner().invoke(main, ["serve"]).exit_code == 0
    assert seen["dispatcher"] is True
