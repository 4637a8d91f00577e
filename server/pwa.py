"""The installable, offline-first shell: the service worker, the web app manifest, the
offline page, and the guard that keeps one account's queued writes out of another's.

The worker's source is static/sw.js with two placeholders, filled here once at app start:
the hash of everything under static/ (so cache names change with every deploy that changes a
static file, with no manual bump) and the list of files to precache.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Blueprint
from flask import current_app
from flask import g
from flask import render_template
from flask import request
from flask import Response
from flask import url_for

from .errors import ApiError
from .security import current_user

bp = Blueprint("pwa", __name__)

HASH_PLACEHOLDER = "__STATIC_HASH__"
SHELL_PLACEHOLDER = '"__SHELL_URLS__"'
# Left out of the precache: the worker's own source and files only the browser's install UI
# fetches (the big icons), which would make the first visit heavier for nothing.
NOT_PRECACHED = (
    "sw.js",
    "img/icon-512.png",
    "img/icon-maskable-512.png",
    "img/apple-touch-icon.png",
)
# The header an outbox write carries: whose write it is (see guard_outbox_user).
USER_HEADER = "X-Afterview-User"
THEME_COLOR = "#1f6f5c"
BACKGROUND_COLOR = "#f5f6f4"


def static_hash(folder: Path, extra: tuple[Path, ...] = ()) -> str:
    """A short hash of every file under `folder` (names and bytes) and of `extra` files."""
    digest = hashlib.sha256()
    files = sorted(path for path in Path(folder).rglob("*") if path.is_file())
    for path in (*files, *extra):
        name = path.relative_to(folder) if path.is_relative_to(folder) else path.name
        digest.update(str(name).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def shell_files(folder: Path) -> list[str]:
    """The static files the worker precaches, as paths relative to `folder`."""
    return sorted(
        path.relative_to(folder).as_posix()
        for path in Path(folder).rglob("*")
        if path.is_file()
        and path.relative_to(folder).as_posix() not in NOT_PRECACHED
        and not path.name.startswith(".")
    )


@bp.record_once
def _prepare(state) -> None:
    """Hash static/ once, when the app is assembled (a deploy restarts the app)."""
    app = state.app
    folder = Path(app.static_folder)
    offline = Path(app.template_folder) / "offline.html"
    app.extensions["afterview_static_hash"] = static_hash(folder, (offline,))
    app.extensions["afterview_shell_files"] = shell_files(folder)


def render_worker() -> str:
    """static/sw.js with the hash and the precache list filled in: made once per app (like
    the hash itself), as browsers ask for /sw.js on nearly every navigation."""
    app = current_app
    if "afterview_worker" not in app.extensions:
        app.extensions["afterview_worker"] = _fill_worker(app)
    return app.extensions["afterview_worker"]


def _fill_worker(app) -> str:
    source = Path(app.static_folder, "sw.js").read_text(encoding="utf-8")
    urls = [url_for("static", filename=name) for name in app.extensions["afterview_shell_files"]]
    urls.append(url_for("pwa.offline"))
    return source.replace(HASH_PLACEHOLDER, app.extensions["afterview_static_hash"]).replace(
        SHELL_PLACEHOLDER, json.dumps(urls)
    )


@bp.get("/sw.js")
def service_worker():
    """The worker at the root, so that its scope is the whole site; always revalidated."""
    response = Response(render_worker(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: what the phone shows when the app is installed."""

    def icon(name: str, size: int, purpose: str = "any") -> dict:
        return {
            "src": url_for("static", filename=f"img/{name}"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }

    data = {
        "id": "/",
        "name": "Afterview",
        "short_name": "Afterview",
        "description": "The hour after a job interview: the card, what was agreed, and when to "
        "follow up.",
        "lang": "en",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["productivity", "business"],
        "icons": [
            icon("icon-192.png", 192),
            icon("icon-512.png", 512),
            icon("icon-maskable-512.png", 512, "maskable"),
        ],
    }
    response = Response(json.dumps(data, indent=1), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    """What the worker shows for a page it has no copy of while the server is unreachable.
    The same for everyone (no user data): it is precached."""
    response = Response(render_template("offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.before_app_request
def guard_outbox_user() -> None:
    """A queued write names the account that made it; sent with another account's session
    (the phone changed hands, or a stale tab), it is refused with 401 instead of landing in
    the wrong account. The outbox then pauses and asks to log in as the right person."""
    claimed = request.headers.get(USER_HEADER)
    if not claimed or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    user = current_user()
    if user is None or str(user.id) != claimed:
        raise ApiError(
            401,
            "other_account",
            "This change was saved by another account. Log in as that account to send it.",
        )


@bp.after_app_request
def name_page_owner(response: Response) -> Response:
    """HTML pages say whose they are, so the worker never shows one account's cached page to
    another (it checks this header against the user the page last told it about)."""
    user = g.get("user")
    if user is not None and response.mimetype == "text/html":
        response.headers[USER_HEADER] = str(user.id)
    return response
