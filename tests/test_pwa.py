"""The shell's server side: the service worker script, the manifest, the offline page, the
static hash that names the worker's caches, and the guard on outbox writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import brotli

from server.pwa import shell_files
from server.pwa import static_hash

from .conftest import sign_up


def test_service_worker_is_served_at_the_root_never_cached(client, app):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    version = app.extensions["afterview_static_hash"]
    assert re.fullmatch(r"[0-9a-f]{12}", version)
    assert f"const VERSION = '{version}';" in source
    assert "__STATIC_HASH__" not in source and "__SHELL_URLS__" not in source
    urls = json.loads(re.search(r"const SHELL_URLS = (\[.*?\]);", source).group(1))
    assert "/offline" in urls and "/static/js/outbox.js" in urls and "/static/css/shell.css" in urls
    assert "/static/sw.js" not in urls and "/static/img/icon-512.png" not in urls


def test_manifest_is_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == "Afterview" and manifest["short_name"]
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["id"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#") and manifest["background_color"].startswith("#")
    icons = {(icon["sizes"], icon["purpose"]): icon["src"] for icon in manifest["icons"]}
    assert set(icons) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for src in icons.values():
        assert client.get(src).status_code == 200


def test_offline_page_has_no_user_data(client):
    sign_up(client, "offline@example.com", name="Olive Offline")
    response = client.get("/offline")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    page = response.get_data(as_text=True)
    assert "You are offline" in page
    assert "offline@example.com" not in page and "Olive" not in page


def test_pages_head_links_the_manifest_and_names_the_user(client):
    logged_out = client.get("/login").get_data(as_text=True)
    assert 'rel="manifest"' in logged_out and "apple-touch-icon" in logged_out
    assert "afterview-user" not in logged_out
    account = sign_up(client)
    response = client.get("/")
    assert f'<meta name="afterview-user" content="{account["id"]}">' in response.get_data(
        as_text=True
    )
    assert response.headers["X-Afterview-User"] == account["id"]
    assert "X-Afterview-User" not in client.get("/api/account").headers


def test_a_write_queued_by_another_account_is_refused(client):
    first = sign_up(client)
    body = {"company": "Acme"}
    mine = client.post("/api/interviews", json=body, headers={"X-Afterview-User": first["id"]})
    assert mine.status_code == 201
    client.delete("/api/session")
    sign_up(client)
    other = client.post("/api/interviews", json=body, headers={"X-Afterview-User": first["id"]})
    assert other.status_code == 401
    assert other.get_json()["error"] == "other_account"
    assert client.get("/api/interviews").get_json() == []


def test_static_hash_changes_with_any_static_file(tmp_path: Path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text("one")
    (tmp_path / "sw.js").write_text("worker")
    first = static_hash(tmp_path)
    assert first == static_hash(tmp_path)
    (tmp_path / "js" / "a.js").write_text("two")
    second = static_hash(tmp_path)
    assert second != first
    (tmp_path / "js" / "b.js").write_text("")
    assert static_hash(tmp_path) != second
    assert shell_files(tmp_path) == ["js/a.js", "js/b.js"]


def test_text_is_sent_compressed_to_browsers_that_accept_it(client):
    """The start page's weight budget counts compressed bytes: pages, CSS and JS are compressed
    (Brotli here) when the browser says it accepts that, and left alone otherwise."""
    for path in ("/", "/static/css/app.css", "/static/js/outbox.js", "/sw.js"):
        packed = client.get(path, headers={"Accept-Encoding": "br"})
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        assert packed.status_code == plain.status_code == 200, path
        assert packed.headers["Content-Encoding"] == "br", path
        assert "Accept-Encoding" in packed.headers["Vary"], path
        assert "Content-Encoding" not in plain.headers, path
        assert brotli.decompress(packed.get_data()) == plain.get_data(), path
        assert len(packed.get_data()) < len(plain.get_data()) / 2, path
