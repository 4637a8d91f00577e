"""Accounts and sessions: /api/account and /api/session."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from .conftest import PASSWORD
from .conftest import sign_up


def test_sign_up_creates_account_and_logs_in(client):
    response = client.post(
        "/api/account",
        json={
            "email": "Ann@Example.com",
            "password": PASSWORD,
            "timezone": "Europe/Berlin",
            "name": " Ann Lee ",
        },
    )
    assert response.status_code == 201
    account = response.get_json()
    assert account["email"] == "ann@example.com"
    assert account["timezone"] == "Europe/Berlin"
    assert account["name"] == "Ann Lee", "signs the drafts"
    assert account["reminder_hour"] == 9
    assert account["working_days"] == ["mon", "tue", "wed", "thu", "fri"]
    assert "password" not in str(account).lower()
    assert client.get("/api/account").get_json()["id"] == account["id"]


@pytest.mark.parametrize("email", ["name@example.com", "someone@company.test", "a.b+c@sub.test"])
def test_sign_up_accepts_syntactically_valid_emails_without_dns(client, email):
    assert (
        client.post("/api/account", json={"email": email, "password": PASSWORD}).status_code == 201
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": PASSWORD, "timezone": "Mars/Olympus"}, "timezone"),
        ({"password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": PASSWORD, "admin": True}, "admin"),
    ],
)
def test_sign_up_rejects_bad_fields_naming_them(client, body, field):
    response = client.post("/api/account", json=body)
    assert response.status_code == 422
    error = response.get_json()
    assert error["field"] == field
    assert field in error["message"]
    assert client.get("/api/account").status_code == 401


def test_sign_up_with_taken_email_is_refused(client):
    sign_up(client, "ann@example.com")
    other = client.application.test_client()
    response = other.post("/api/account", json={"email": "ANN@example.com", "password": PASSWORD})
    assert response.status_code == 409
    assert "already" in response.get_json()["message"]


def test_sign_ups_can_be_closed(app):
    app.config["SIGNUPS_OPEN"] = False
    response = app.test_client().post(
        "/api/account", json={"email": "x@example.com", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "closed" in response.get_json()["message"]


def test_password_is_stored_as_argon2id(app, client):
    from server.db import db
    from server.models import User

    sign_up(client, "ann@example.com")
    with app.app_context():
        stored = db.session.scalars(db.select(User)).one().password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_log_in_and_out(client):
    sign_up(client, "ann@example.com")
    assert client.delete("/api/session").status_code == 204
    assert client.get("/api/account").status_code == 401
    wrong = client.post("/api/session", json={"email": "ann@example.com", "password": "nope-nope"})
    assert wrong.status_code == 401
    assert client.get("/api/account").status_code == 401
    right = client.post("/api/session", json={"email": " ANN@example.com ", "password": PASSWORD})
    assert right.status_code == 200
    assert client.get("/api/account").get_json()["email"] == "ann@example.com"


def test_session_cookie_is_hardened_and_long_lived(client):
    response = client.post("/api/account", json={"email": "a@example.com", "password": PASSWORD})
    header = response.headers["Set-Cookie"]
    cookie = SimpleCookie(header)["afterview_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["expires"], "a permanent cookie survives an iOS Home Screen app being killed"
    assert not cookie["secure"], "plain http://localhost stays usable"


def test_cookie_is_secure_when_public_url_is_https(database_urls):
    from .conftest import make_app

    app = make_app(database_urls("sqlite"), PUBLIC_URL="https://afterview.example")
    client = app.test_client()
    response = client.post("/api/account", json={"email": "s@example.com", "password": PASSWORD})
    try:
        assert SimpleCookie(response.headers["Set-Cookie"])["afterview_session"]["secure"]
    finally:
        from .conftest import wipe

        wipe(app)


def test_settings_change(ann):
    response = ann.patch(
        "/api/account",
        json={
            "timezone": "Asia/Kolkata",
            "country": "de",
            "reminder_hour": 7,
            "working_days": ["fri", "mon", "tue"],
        },
    )
    assert response.status_code == 200, response.get_json()
    account = ann.get("/api/account").get_json()
    assert account["timezone"] == "Asia/Kolkata"
    assert account["country"] == "DE"
    assert account["reminder_hour"] == 7
    assert account["working_days"] == ["mon", "tue", "fri"]


@pytest.mark.parametrize(
    "body",
    [{"reminder_hour": 24}, {"working_days": []}, {"working_days": ["funday"]}, {"country": "DEU"}],
)
def test_bad_settings_change_nothing(ann, body):
    before = ann.get("/api/account").get_json()
    response = ann.patch("/api/account", json=body)
    assert response.status_code == 422
    assert response.get_json()["message"]
    assert ann.get("/api/account").get_json() == before


def test_password_change_needs_the_old_one_and_logs_out_other_devices(app, ann):
    other_device = app.test_client()
    other_device.post("/api/session", json={"email": "ann@example.com", "password": PASSWORD})
    assert other_device.get("/api/account").status_code == 200

    missing = ann.patch("/api/account", json={"password": "new password 1"})
    assert missing.status_code == 422
    wrong = ann.patch("/api/account", json={"password": "new password 1", "old_password": "bad"})
    assert wrong.status_code == 422
    assert wrong.get_json()["field"] == "old_password"

    changed = ann.patch(
        "/api/account", json={"password": "new password 1", "old_password": PASSWORD}
    )
    assert changed.status_code == 200
    assert ann.get("/api/account").status_code == 200, "this device stays logged in"
    assert other_device.get("/api/account").status_code == 401
    fresh = app.test_client()
    old = fresh.post("/api/session", json={"email": "ann@example.com", "password": PASSWORD})
    assert old.status_code == 401
    new = fresh.post(
        "/api/session", json={"email": "ann@example.com", "password": "new password 1"}
    )
    assert new.status_code == 200


def test_delete_account_removes_everything(app, ann, bob):
    interview = ann.post("/api/interviews", json={"company": "Acme"}).get_json()
    ann.post("/api/contacts", json={"name": "Jo", "interview_id": interview["id"]})
    bob.post("/api/interviews", json={"company": "Bobco"})

    assert ann.delete("/api/account").status_code == 204
    assert ann.get("/api/account").status_code == 401
    relogin = ann.post("/api/session", json={"email": "ann@example.com", "password": PASSWORD})
    assert relogin.status_code == 401

    from server.db import db
    from server.models import Contact
    from server.models import Interview
    from server.models import InterviewContact

    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Contact)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(InterviewContact)) == 0
        remaining = db.session.scalars(db.select(Interview.company)).all()
    assert remaining == ["Bobco"]


def test_log_in_is_rate_limited_per_email(client):
    sign_up(client, "ann@example.com")
    client.delete("/api/session")
    for _ in range(5):
        response = client.post("/api/session", json={"email": "ann@example.com", "password": "x"})
        assert response.status_code == 401
    locked = client.post("/api/session", json={"email": "ann@example.com", "password": "x"})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "wait" in locked.get_json()["message"]
    right_but_locked = client.post(
        "/api/session", json={"email": "ann@example.com", "password": PASSWORD}
    )
    assert right_but_locked.status_code == 429
    assert client.get("/api/account").status_code == 401
    # Unknown emails are limited the same way (no hint that an account exists).
    for _ in range(5):
        client.post("/api/session", json={"email": "ghost@example.com", "password": "x"})
    ghost = client.post("/api/session", json={"email": "ghost@example.com", "password": "x"})
    assert ghost.status_code == 429


def test_rate_limit_window_expires(app, client):
    from datetime import timedelta

    import sqlalchemy as sa

    from server.db import db
    from server.models import LoginFailure

    sign_up(client, "ann@example.com")
    for _ in range(5):
        client.post("/api/session", json={"email": "ann@example.com", "password": "x"})
    assert (
        client.post(
            "/api/session", json={"email": "ann@example.com", "password": PASSWORD}
        ).status_code
        == 429
    )
    with app.app_context():
        for failure in db.session.scalars(sa.select(LoginFailure)):
            failure.at -= timedelta(minutes=16)
        db.session.commit()
    response = client.post("/api/session", json={"email": "ann@example.com", "password": PASSWORD})
    assert response.status_code == 200


def test_log_in_is_rate_limited_per_client_address(client):
    sign_up(client, "ann@example.com")
    client.delete("/api/session")
    for number in range(49):
        response = client.post(
            "/api/session", json={"email": f"guess{number}@example.com", "password": "x"}
        )
        assert response.status_code == 401
    response = client.post("/api/session", json={"email": "ann@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Retry-After" in response.headers
