"""The `afterview` command's account tools."""

from __future__ import annotations

from click.testing import CliRunner

from server.cli import main

from .conftest import sign_up


def _run(app, monkeypatch, *args, stdin=None):
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("AFTERVIEW_SECRET_KEY", app.config["SECRET_KEY"])
    return CliRunner().invoke(main, list(args), input=stdin)


def test_reset_password(app, client, monkeypatch):
    sign_up(client, "ann@example.com")
    result = _run(
        app,
        monkeypatch,
        "users",
        "reset-password",
        "ANN@example.com",
        stdin="brand new pass\nbrand new pass\n",
    )
    assert result.exit_code == 0, result.output
    assert "ann@example.com" in result.output
    assert client.get("/api/account").status_code == 401, "old sessions are logged out"
    fresh = app.test_client()
    login = {"email": "ann@example.com", "password": "brand new pass"}
    assert fresh.post("/api/session", json=login).status_code == 200


def test_reset_password_of_unknown_email_fails_clearly(app, monkeypatch):
    result = _run(
        app,
        monkeypatch,
        "users",
        "reset-password",
        "nobody@example.com",
        stdin="whatever1\nwhatever1\n",
    )
    assert result.exit_code != 0
    assert "No account uses nobody@example.com" in result.output


def test_create_user_when_signups_are_closed(app, monkeypatch):
    result = _run(
        app, monkeypatch, "users", "create", "cy@example.com", stdin="cy password\ncy password\n"
    )
    assert result.exit_code == 0, result.output
    client = app.test_client()
    login = {"email": "cy@example.com", "password": "cy password"}
    assert client.post("/api/session", json=login).status_code == 200
