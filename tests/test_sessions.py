"""Sessions live on the server: log-out ends them, log-in limits hold under a race."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from server.db import db
from server.models import LoginFailure

from .conftest import PASSWORD
from .conftest import sign_up


def _cookie_copy(app, client):
    """A second client holding a copy of `client`'s session cookie (a stolen cookie)."""
    name = app.config["SESSION_COOKIE_NAME"]
    copy = app.test_client()
    copy.set_cookie(name, client.get_cookie(name).value)
    return copy


def test_log_out_ends_the_session_on_the_server(app, client):
    sign_up(client, "ann@example.com")
    copy = _cookie_copy(app, client)
    assert copy.get("/api/account").status_code == 200
    assert client.delete("/api/session").status_code == 204
    assert copy.get("/api/account").status_code == 401


def test_log_out_leaves_other_devices_logged_in(app, client):
    sign_up(client, "ann@example.com")
    phone = app.test_client()
    assert phone.post(
        "/api/session", json={"email": "ann@example.com", "password": PASSWORD}
    ).status_code == 200
    client.delete("/api/session")
    assert phone.get("/api/account").status_code == 200


def test_log_out_everywhere_ends_every_session(app, client):
    sign_up(client, "ann@example.com")
    phone = app.test_client()
    phone.post("/api/session", json={"email": "ann@example.com", "password": PASSWORD})
    copy = _cookie_copy(app, client)
    assert client.delete("/api/sessions").status_code == 204
    for device in (client, phone, copy):
        assert device.get("/api/account").status_code == 401
    # Logging in again works.
    assert client.post(
        "/api/session", json={"email": "ann@example.com", "password": PASSWORD}
    ).status_code == 200


def test_log_out_everywhere_needs_a_session(client):
    assert client.delete("/api/sessions").status_code == 401


def test_settings_offers_log_out_everywhere(client):
    sign_up(client, "ann@example.com")
    page = client.get("/settings").get_data(as_text=True)
    assert 'data-api="DELETE /api/sessions"' in page


def test_deleting_the_account_deletes_its_failed_log_ins(app, client):
    sign_up(client, "ann@example.com")
    other = app.test_client()
    other.post("/api/session", json={"email": "ann@example.com", "password": "wrong one"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure)) == 1
    assert client.delete("/api/account").status_code == 204
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure)) == 0


def test_log_in_limit_holds_under_a_race(app, client, monkeypatch):
    """30 parallel wrong passwords for one email: at most 5 reach the password check."""
    import server.auth

    sign_up(client, "ann@example.com")
    checked = []
    real_verify = server.auth.verify_password

    def counting_verify(user, password):
        checked.append(password)
        return real_verify(user, password)

    monkeypatch.setattr(server.auth, "verify_password", counting_verify)
    statuses = []
    start = threading.Barrier(30)

    def attempt():
        tester = app.test_client()
        start.wait()
        response = tester.post(
            "/api/session", json={"email": "ann@example.com", "password": "wrong guess"}
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) <= 5
    assert sorted(set(statuses)) <= [401, 429]
    assert statuses.count(401) == len(checked)
