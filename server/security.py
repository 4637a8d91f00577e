"""Who is logged in, passwords, the same-origin guard, body limits and security headers."""

from __future__ import annotations

import functools
import hashlib
import math
import secrets
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError
from flask import current_app
from flask import Flask
from flask import g
from flask import redirect
from flask import request
from flask import session
from flask import url_for

from .db import db
from .db import utcnow
from .errors import ApiError
from .errors import too_large
from .models import LoginFailure
from .models import new_session_token
from .models import User
from .models import UserSession

# argon2-cffi's defaults are RFC 9106's low-memory argon2id profile.
_hasher = PasswordHasher()

# A fixed hash to verify against when the email is unknown, so that both paths cost the same.
_DUMMY_HASH = _hasher.hash("afterview-no-such-user")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """True when the password is right; rehashes in place when the parameters changed."""
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is None:
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def _session_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def login_user(user: User) -> None:
    """Open a server-side session for this device; the cookie carries only its secret."""
    secret = secrets.token_urlsafe(32)
    # Sessions past the cookie's lifetime can never be presented again: forget them.
    expired = utcnow() - current_app.permanent_session_lifetime
    db.session.execute(sa.delete(UserSession).where(UserSession.created_at < expired))
    db.session.add(UserSession(id=_session_key(secret), user_id=user.id))
    db.session.commit()
    session.clear()
    session.permanent = True
    session["uid"] = str(user.id)
    session["tok"] = user.session_token
    session["sid"] = secret


def logout_user() -> None:
    """End this device's session on the server too, so a copy of the cookie stops working."""
    secret = session.get("sid")
    if isinstance(secret, str):
        db.session.execute(sa.delete(UserSession).where(UserSession.id == _session_key(secret)))
        db.session.commit()
    session.clear()
    g.pop("user", None)


def end_all_sessions(user: User) -> None:
    """Every device of this user is logged out (the caller commits)."""
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    user.session_token = new_session_token()


def current_user() -> User | None:
    """The logged-in user, or None: the cookie's session must still exist on the server."""
    if "user" not in g:
        g.user = _session_user()
    return g.user


def _session_user() -> User | None:
    uid, token, secret = session.get("uid"), session.get("tok"), session.get("sid")
    if not (isinstance(uid, str) and isinstance(token, str) and isinstance(secret, str)):
        return None
    try:
        user_id = uuid.UUID(uid)
    except ValueError:
        return None
    return db.session.scalar(
        sa.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == user_id,
            User.session_token == token,
            UserSession.id == _session_key(secret),
        )
    )


def login_required(view):
    """API views answer 401 without a session; pages send the browser to the log-in page."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            if request.path.startswith("/api/"):
                raise ApiError(401, "not_logged_in", "Please log in to continue.")
            return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def _is_same_origin() -> bool:
    """Go's CrossOriginProtection rules: Sec-Fetch-Site first, then Origin, else allow."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is not None:
        return urlsplit(origin).netloc.lower() == request.host.lower()
    return True


def guard_request() -> None:
    """Runs before every view: body size first (before the session is read), then CSRF."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not request.path.startswith(("/api/cards", "/api/import")):
        limit = current_app.config["MAX_JSON_BYTES"]
        if (request.content_length or 0) > limit:
            raise too_large(limit)
        # Also bounds a body sent without Content-Length (chunked).
        request.max_content_length = limit
    elif request.path == "/api/import" and request.mimetype == "multipart/form-data":
        request.max_content_length = current_app.config["MAX_IMPORT_BYTES"]
    if not _is_same_origin():
        raise ApiError(
            403,
            "cross_site",
            "This request came from another site and was refused. Open Afterview itself and "
            "try again.",
        )


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.path.startswith("/api/"):
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_security(app: Flask) -> None:
    app.before_request(guard_request)
    app.after_request(set_security_headers)


def _failures_since(column, value, since):
    return db.session.scalars(
        sa.select(LoginFailure.at)
        .where(column == value, LoginFailure.at >= since)
        .order_by(LoginFailure.at)
    ).all()


def claim_login_attempt(email: str, address: str) -> int:
    """Count this attempt first, then check the limits: 429 with Retry-After once an email (or
    a client address) has failed too often. Returns the attempt's id, to forget on success.

    Count-then-check would let parallel attempts all pass the check before any is counted.
    Here each attempt is committed before it counts the window, so of any limit + 1 attempts
    the last to count sees them all: at most `limit` ever reach the password check, on
    every database and across every worker.
    """
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_WINDOW_SECONDS"])
    now = utcnow()
    attempt = LoginFailure(email=email, address=address, at=now)
    db.session.add(attempt)
    # Forget what has aged out, so the table stays small.
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < now - window))
    db.session.commit()
    attempt_id = attempt.id
    limits = (
        (LoginFailure.email, email, config["LOGIN_MAX_FAILURES_PER_EMAIL"]),
        (LoginFailure.address, address, config["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
    )
    for column, value, allowed in limits:
        times = _failures_since(column, value, now - window)
        if len(times) > allowed:
            # A refused attempt is not counted: it never reached the password check.
            forget_login_attempt(attempt_id)
            # The attempt that must age out of the window before one more is allowed.
            frees_at = times[len(times) - 1 - allowed] + window
            seconds = max(1, math.ceil((frees_at - now).total_seconds()))
            minutes = math.ceil(seconds / 60)
            error = ApiError(
                429,
                "too_many_attempts",
                f"Too many failed log-ins. Please wait {minutes} minute"
                f"{'s' if minutes != 1 else ''} and try again, or reset your password.",
                retry_after=seconds,
            )
            error.headers["Retry-After"] = str(seconds)
            raise error
    return attempt_id


def forget_login_attempt(attempt_id: int) -> None:
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.id == attempt_id))
    db.session.commit()


def clear_login_failures(email: str) -> None:
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.email == email))
