"""Configuration: URLs, secrets made once and private, and production safety."""

from __future__ import annotations

import stat
import threading

import pytest

from server import config
from server import create_app


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_accepts_both_postgres_schemes(given, expected):
    assert config.database_url(given) == expected


def test_environment_is_read(tmp_path):
    found = config.from_environment(
        {
            "DATABASE_URL": "postgres://u@h/db",
            "AFTERVIEW_PUBLIC_URL": "https://a.example/",
            "AFTERVIEW_SIGNUPS": "off",
            "AFTERVIEW_TRUSTED_PROXIES": "1",
        }
    )
    assert found == {
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@h/db",
        "PUBLIC_URL": "https://a.example",
        "SIGNUPS_OPEN": False,
        "TRUSTED_PROXIES": 1,
    }


def test_instance_secret_is_made_once_private_and_race_free(tmp_path):
    results = []

    def make():
        results.append(config.instance_secret(tmp_path, "secret_key", lambda: "v" + "x" * 40))

    threads = [threading.Thread(target=make) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and results[0].startswith("v")
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"], "no temp files left"
    again = config.instance_secret(tmp_path, "secret_key", lambda: "other")
    assert again == results[0]


@pytest.mark.parametrize("secret", ["dev", "changeme", "short-secret"])
def test_production_refuses_a_default_or_short_secret(secret, tmp_path):
    with pytest.raises(config.UnsafeConfig, match="secret"):
        create_app({"SECRET_KEY": secret, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_generated_secret_and_database_live_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("AFTERVIEW_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("AFTERVIEW_SECRET_KEY", raising=False)
    app = create_app()
    assert len(app.config["SECRET_KEY"]) >= config.MIN_SECRET_LENGTH
    assert create_app().config["SECRET_KEY"] == app.config["SECRET_KEY"], "created once"
    for name in ("secret_key", "afterview.sqlite3"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_proxy_headers_are_trusted_only_when_configured(tmp_path):
    base = {"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "afterview.example"}
    for proxies, expected in ((0, "http://localhost/"), (1, "https://afterview.example/")):
        app = create_app({**base, "TRUSTED_PROXIES": proxies})

        @app.get("/test-where")
        def where():
            from flask import request

            return request.url_root

        assert app.test_client().get("/test-where", headers=forwarded).text == expected
