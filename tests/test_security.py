"""Same-origin writes, security headers, body limits, and errors a person can act on."""

from __future__ import annotations

import pytest

from .conftest import PASSWORD


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "http://localhost.evil.example"},
        {"Origin": "null"},
    ],
)
def test_cross_site_writes_are_refused(ann, headers):
    response = ann.post("/api/interviews", json={"company": "Evil"}, headers=headers)
    assert response.status_code == 403
    assert "another site" in response.get_json()["message"]
    assert ann.get("/api/interviews").get_json() == []
    interview = ann.post("/api/interviews", json={"company": "Acme"}).get_json()
    patched = ann.patch(
        f"/api/interviews/{interview['id']}", json={"company": "X"}, headers=headers
    )
    assert patched.status_code == 403
    deleted = ann.delete(f"/api/interviews/{interview['id']}", headers=headers)
    assert deleted.status_code == 403
    assert ann.get(f"/api/interviews/{interview['id']}").get_json()["company"] == "Acme"


def test_cross_site_log_in_is_refused(client):
    client.post("/api/account", json={"email": "ann@example.com", "password": PASSWORD})
    client.delete("/api/session")
    response = client.post(
        "/api/session",
        json={"email": "ann@example.com", "password": PASSWORD},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert client.get("/api/account").status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {"Origin": "http://localhost"},
        {},
    ],
)
def test_same_origin_and_non_browser_writes_pass(ann, headers):
    response = ann.post("/api/interviews", json={"company": "Acme"}, headers=headers)
    assert response.status_code == 201


def test_cross_site_reads_are_allowed(ann):
    assert ann.get("/api/interviews", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200


@pytest.mark.parametrize("path", ["/", "/login", "/api/interviews", "/api/nope", "/healthz"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    }


def test_api_responses_are_not_cached(ann):
    assert ann.get("/api/account").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ('{"company": "Acme",}', "malformed_json"),
        ("{company: Acme}", "malformed_json"),
        ('["Acme"]', "not_an_object"),
        ('"Acme"', "not_an_object"),
        ("", "empty_body"),
        (b"\xff\xfe{}", "malformed_json"),
    ],
)
def test_malformed_json_is_a_clear_400(ann, data, error):
    response = ann.post("/api/interviews", data=data, content_type="application/json")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == error
    assert body["message"]
    assert ann.get("/api/interviews").get_json() == []


def test_json_over_one_megabyte_is_413_before_the_session_is_checked(client, ann):
    big = {"company": "Acme", "notes": "x" * (1024 * 1024)}
    for caller in (client, ann):
        response = caller.post("/api/interviews", json=big)
        assert response.status_code == 413
        assert "KB" in response.get_json()["message"]
    assert ann.get("/api/interviews").get_json() == []


def test_api_without_session_is_401_json(client):
    for method, path in [
        ("GET", "/api/interviews"),
        ("POST", "/api/contacts"),
        ("GET", "/api/account"),
        ("PATCH", "/api/account"),
    ]:
        response = client.open(path, method=method, json={})
        assert response.status_code == 401, path
        assert response.get_json()["message"] == "Please log in to continue."


def test_wrong_method_and_unknown_route_are_json_under_api(ann):
    response = ann.put("/api/interviews", json={})
    assert response.status_code == 405
    assert response.get_json()["message"]
    missing = ann.get("/api/no-such-thing")
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "not_found"


def test_pages_get_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_unexpected_errors_roll_back_and_say_so(app):
    from server.db import db
    from server.models import Interview

    @app.post("/api/test-boom")
    def boom():
        db.session.add(Interview(company="Half-written", create_hash="x"))
        raise RuntimeError("bug")

    client = app.test_client()
    response = client.post("/api/test-boom", json={})
    assert response.status_code == 500
    assert "Nothing you sent was lost" in response.get_json()["message"]
    with app.app_context():
        assert db.session.scalars(db.select(Interview)).all() == []
