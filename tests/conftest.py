"""Fixtures in the flaskr style; every database test runs on SQLite and on PostgreSQL.

AFTERVIEW_TEST_DATABASES=sqlite limits a local run to SQLite; the README's test command
runs both.
"""

from __future__ import annotations

import itertools
import os
import tempfile

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

# Keep every app the tests make out of the checkout's own instance folder.
os.environ["AFTERVIEW_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="afterview-instance-")
os.environ.pop("DATABASE_URL", None)

from server import create_app  # noqa: E402
from server import MIGRATIONS  # noqa: E402
from server.db import db  # noqa: E402

from .pg_cluster import PostgresCluster  # noqa: E402

DATABASES = os.environ.get("AFTERVIEW_TEST_DATABASES", "sqlite,postgresql").split(",")
PASSWORD = "correct horse battery"
_names = itertools.count()


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-of-sufficient-length-0123",
        "SQLALCHEMY_DATABASE_URI": database_url,
    }
    config.update(overrides)
    return create_app(config)


def migrate(database_url: str) -> str:
    app = make_app(database_url)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        db.engine.dispose()
    return database_url


@pytest.fixture(scope="session")
def postgres_cluster():
    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def database_urls(request, tmp_path_factory):
    """One migrated database per backend, made on first use and shared by the session."""
    made: dict[str, str] = {}

    def get(backend: str) -> str:
        if backend not in made:
            if backend == "sqlite":
                path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
                made[backend] = migrate(f"sqlite:///{path}")
            else:
                cluster = request.getfixturevalue("postgres_cluster")
                made[backend] = migrate(cluster.create_database("afterview_test"))
        return made[backend]

    return get


def wipe(app) -> None:
    """Empty every table, children first, so each test starts from nothing."""
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(sa.delete(table))
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(params=DATABASES)
def app(request, database_urls):
    application = make_app(database_urls(request.param))
    yield application
    wipe(application)


@pytest.fixture
def client(app):
    return app.test_client()


def sign_up(client, email: str | None = None, password: str = PASSWORD, **extra):
    """Create an account through the API; the client is then logged in as it."""
    email = email or f"user{next(_names)}@example.com"
    response = client.post("/api/account", json={"email": email, "password": password, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def new_user(app):
    """Factory: a new test client logged in as a new user (`.account` holds its JSON)."""

    def make(email: str | None = None, **extra):
        client = app.test_client()
        client.account = sign_up(client, email, **extra)
        return client

    return make


@pytest.fixture
def ann(new_user):
    return new_user("ann@example.com", timezone="Europe/Berlin")


@pytest.fixture
def bob(new_user):
    return new_user("bob@example.com", timezone="America/New_York")
