"""Against the real `afterview serve`: gunicorn, the instance folder, the wire itself."""

from __future__ import annotations

import http.client
import json
import stat
import uuid

import pytest
import requests

from .conftest import DATABASES
from .conftest import PASSWORD
from .live import LiveServer


@pytest.fixture(scope="module", params=DATABASES)
def live(request, tmp_path_factory):
    database_url = None
    if request.param == "postgresql":
        cluster = request.getfixturevalue("postgres_cluster")
        # postgres:// as Heroku-style hosts hand it out; the app must accept it.
        database_url = cluster.create_database(f"afterview_live_{uuid.uuid4().hex[:8]}")
    server = LiveServer(tmp_path_factory.mktemp("live-instance"), database_url).start()
    yield server
    server.stop()


def test_serve_announces_its_url_and_runs_gunicorn_gthread(live):
    output = live.output()
    assert f"Afterview is running at http://localhost:{live.port}" in output
    assert "Using worker: gthread" in output
    assert output.count("Booting worker") == 1


def test_a_person_signs_up_and_records_an_interview(live):
    session = requests.Session()
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    created = session.post(f"{live.url}/api/account", json={"email": email, "password": PASSWORD})
    assert created.status_code == 201
    cookie = created.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    interview = session.post(f"{live.url}/api/interviews", json={"company": "Acme"})
    assert interview.status_code == 201
    assert session.get(f"{live.url}/api/interviews").json()[0]["company"] == "Acme"
    page = session.get(live.url + "/")
    assert page.status_code == 200 and "Acme" in page.text
    headers = page.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    cross = session.post(
        f"{live.url}/api/interviews",
        json={"company": "Evil"},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    assert len(session.get(f"{live.url}/api/interviews").json()) == 1


def test_oversized_json_is_refused_from_content_length_before_reading(live):
    """The server answers 413 from the header alone: the 50 MB body is never sent."""
    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=15)
    connection.putrequest("POST", "/api/interviews")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(50 * 1024 * 1024))
    connection.endheaders()
    response = connection.getresponse()
    body = json.loads(response.read())
    assert response.status == 413, "413 comes before the 401 of a missing session"
    assert body["error"] == "too_large" and "KB" in body["message"]
    connection.close()


def test_malformed_json_on_the_wire(live):
    session = requests.Session()
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    session.post(f"{live.url}/api/account", json={"email": email, "password": PASSWORD})
    response = session.post(
        f"{live.url}/api/interviews", data="{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"


def test_instance_files_are_private(live):
    assert stat.S_IMODE((live.instance / "secret_key").stat().st_mode) == 0o600
    database = live.instance / "afterview.sqlite3"
    if database.exists() and "DATABASE_URL" not in live.environ:
        assert stat.S_IMODE(database.stat().st_mode) == 0o600


def test_sessions_survive_a_restart(tmp_path):
    """The secret key is created once in the instance folder and reused."""
    server = LiveServer(tmp_path / "instance").start()
    session = requests.Session()
    try:
        session.post(
            f"{server.url}/api/account", json={"email": "r@example.com", "password": PASSWORD}
        )
    finally:
        server.stop()
    server = LiveServer(tmp_path / "instance").start()
    try:
        session.cookies = requests.utils.cookiejar_from_dict(
            {c.name: c.value for c in session.cookies}
        )
        response = session.get(f"{server.url}/api/account")
        assert response.status_code == 200
        assert response.json()["email"] == "r@example.com"
    finally:
        server.stop()


def test_chunked_json_without_content_length_is_still_limited(live):
    def chunks():
        # Exactly the limit: the server reads it all before refusing, so it never resets a
        # connection whose client is still sending (that race is not what is tested here).
        for _ in range(16):
            yield b"x" * 64 * 1024

    session = requests.Session()
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    session.post(f"{live.url}/api/account", json={"email": email, "password": PASSWORD})
    response = session.post(
        f"{live.url}/api/interviews", data=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert session.get(f"{live.url}/api/interviews").json() == []
    assert "KB" in response.json()["message"]
