"""Configuration: DEFAULTS, then the environment, then test overrides.

Everything a deployment may change is read from the environment here and nowhere else;
the README's table lists the same names.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

DEFAULTS = {
    "PUBLIC_URL": "http://localhost:8000",
    "SIGNUPS_OPEN": True,
    "TRUSTED_PROXIES": 0,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # The phone keeps the user logged in (an iOS Home Screen app must survive being killed);
    # 400 days is the longest cookie lifetime browsers honour.
    "PERMANENT_SESSION_LIFETIME": timedelta(days=400),
    "SESSION_COOKIE_NAME": "afterview_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Card photos may be 20 MB; JSON bodies are held to MAX_JSON_BYTES before anything is read.
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "MAX_JSON_BYTES": 1024 * 1024,
    # An export with many card photos is larger than one photo: a multipart import may be this
    # big (spooled to disk by the form parser, not held in memory).
    "MAX_IMPORT_BYTES": 200 * 1024 * 1024,
    "LOGIN_WINDOW_SECONDS": 15 * 60,
    "LOGIN_MAX_FAILURES_PER_EMAIL": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 49,
    "JSON_SORT_KEYS": False,
    # Web push: only these push services are ever POSTed to (no request forgery through a
    # subscription). "*." matches any subdomain; AFTERVIEW_PUSH_HOSTS adds more, and a
    # loopback entry (127.0.0.1, localhost, ::1, optionally with a port) also allows plain
    # http, for tests and the benchmark's local sink.
    "PUSH_HOSTS": (
        "fcm.googleapis.com",
        "updates.push.services.mozilla.com",
        "*.push.apple.com",
        "web.push.apple.com",
        "*.notify.windows.com",
    ),
    # The VAPID `sub` claim: a mailto: or https: URL the push services may contact. None means
    # PUBLIC_URL when it is https, else a mailto: on the server's host.
    "VAPID_SUBJECT": None,
    # How long a push service keeps a reminder for a phone that is offline (seconds).
    "PUSH_TTL": 24 * 60 * 60,
    "PUSH_TIMEOUT": 10.0,
    "PUSH_CONCURRENCY": 64,
    # The dispatcher: reminders claimed per batch, the lease they are held under while sent,
    # and the longest sleep between looks at the queue.
    "DISPATCH_BATCH": 250,
    "DISPATCH_LEASE_SECONDS": 120,
    "DISPATCH_POLL_SECONDS": 1.0,
    # Card OCR: the engine POST /api/cards uses (rapidocr or tesseract), and whether the server
    # loads it in the background at start (after the fork) so the first scan is fast.
    "OCR_ENGINE": "rapidocr",
    "OCR_WARM_UP": True,
}

OCR_ENGINES = ("rapidocr", "tesseract")

# Secrets that must never protect a production server.
WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "test", "development"}
MIN_SECRET_LENGTH = 32


class UnsafeConfig(RuntimeError):
    """Raised at start when the configuration would be unsafe in production."""


def _env_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(raw: str) -> str:
    """Accept postgres:// and postgresql:// (Heroku style) and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def from_environment(environ: os._Environ | dict) -> dict:
    """The settings the environment gives, already converted to their types."""
    found: dict = {}
    if environ.get("DATABASE_URL"):
        found["SQLALCHEMY_DATABASE_URI"] = database_url(environ["DATABASE_URL"])
    secret = environ.get("AFTERVIEW_SECRET_KEY") or environ.get("FLASK_SECRET_KEY")
    if secret is not None:
        found["SECRET_KEY"] = secret
    if environ.get("AFTERVIEW_PUBLIC_URL"):
        found["PUBLIC_URL"] = environ["AFTERVIEW_PUBLIC_URL"].rstrip("/")
    if environ.get("AFTERVIEW_SIGNUPS"):
        found["SIGNUPS_OPEN"] = _env_bool(environ["AFTERVIEW_SIGNUPS"])
    if environ.get("AFTERVIEW_TRUSTED_PROXIES"):
        found["TRUSTED_PROXIES"] = int(environ["AFTERVIEW_TRUSTED_PROXIES"])
    if environ.get("AFTERVIEW_PUSH_HOSTS"):
        extra = [host.strip() for host in environ["AFTERVIEW_PUSH_HOSTS"].split(",")]
        found["PUSH_HOSTS"] = (*DEFAULTS["PUSH_HOSTS"], *[host for host in extra if host])
    if environ.get("AFTERVIEW_VAPID_SUBJECT"):
        found["VAPID_SUBJECT"] = environ["AFTERVIEW_VAPID_SUBJECT"].strip()
    if environ.get("AFTERVIEW_OCR_ENGINE"):
        engine = environ["AFTERVIEW_OCR_ENGINE"].strip().lower()
        if engine not in OCR_ENGINES:
            raise UnsafeConfig(
                f"AFTERVIEW_OCR_ENGINE must be one of {', '.join(OCR_ENGINES)}, not {engine!r}."
            )
        found["OCR_ENGINE"] = engine
    if environ.get("AFTERVIEW_OCR_WARM_UP"):
        found["OCR_WARM_UP"] = _env_bool(environ["AFTERVIEW_OCR_WARM_UP"])
    if environ.get("FLASK_DEBUG"):
        found["DEBUG"] = _env_bool(environ["FLASK_DEBUG"])
    return found


def instance_secret(instance_path: Path, name: str, make) -> str:
    """Read a secret from the instance folder, creating it once (0600, race-free).

    The value is written to a private temporary file and hard-linked into place: link()
    fails if another process won the race, and then its complete file is read instead.
    """
    target = instance_path / name
    try:
        return target.read_text().strip()
    except FileNotFoundError:
        pass
    instance_path.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = instance_path / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(make() + "\n")
        try:
            os.link(temporary, target)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
    return target.read_text().strip()


def vapid_subject(config: dict) -> str:
    """The VAPID `sub`: Apple refuses one that is not a mailto: or https: URL (403)."""
    subject = config.get("VAPID_SUBJECT")
    if not subject:
        public = config["PUBLIC_URL"]
        if public.startswith("https://"):
            return public
        host = public.split("://", 1)[-1].split("/")[0].split(":")[0] or "localhost"
        return f"mailto:afterview@{host}"
    if not subject.startswith(("mailto:", "https://")):
        raise UnsafeConfig(
            "AFTERVIEW_VAPID_SUBJECT must be a mailto: or https: URL (push services refuse "
            f"anything else), not {subject!r}."
        )
    return subject


def check_production_safety(config: dict) -> None:
    """Refuse to serve with a default or short secret outside debug and tests."""
    vapid_subject(config)  # a bad VAPID subject fails every push: refuse it at start
    if config.get("TESTING") or config.get("DEBUG"):
        return
    secret = str(config.get("SECRET_KEY") or "")
    if secret.lower() in WEAK_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        raise UnsafeConfig(
            "Refusing to start: the secret key is a default or shorter than "
            f"{MIN_SECRET_LENGTH} characters. Unset AFTERVIEW_SECRET_KEY to use the generated "
            "one in the instance folder, or set a long random value."
        )
