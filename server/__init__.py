"""Afterview: the hour after a job interview."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from flask_compress import Compress
from flask_migrate import Migrate
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as settings
from .db import db

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "migrations"

migrate = Migrate()


def create_app(test_config: dict | None = None) -> Flask:
    """Assemble the app: DEFAULTS, then the environment, then test overrides."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("AFTERVIEW_INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_mapping(settings.from_environment(os.environ))
    if test_config:
        app.config.from_mapping(test_config)
    _fill_instance_defaults(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    settings.check_production_safety(app.config)
    app.config["SESSION_COOKIE_SECURE"] = app.config["PUBLIC_URL"].startswith("https://")
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)

    from . import auth
    from . import cards
    from . import contacts
    from . import export
    from . import handoffs
    from . import interviews
    from . import meta
    from . import pages
    from . import push
    from . import pwa
    from . import reminders  # noqa: F401 (keeps the reminder queue in step with tasks)
    from . import tasks
    from .errors import register_error_handlers
    from .security import init_security

    # Registered first so it runs last: it compresses what the other hooks finished. The pages
    # carry no secret a BREACH-style attack could guess (no CSRF tokens; cookies are headers).
    Compress(app)
    init_security(app)
    register_error_handlers(app)
    blueprints = (
        meta, auth, interviews, contacts, cards, tasks, push, pwa, pages, handoffs, export
    )
    for module in blueprints:
        app.register_blueprint(module.bp)
    return app


def _fill_instance_defaults(app: Flask) -> None:
    """The database and the secret key default to files in the instance folder."""
    instance = Path(app.instance_path)
    if "SQLALCHEMY_DATABASE_URI" not in app.config:
        instance.mkdir(parents=True, exist_ok=True, mode=0o700)
        database = instance / "afterview.sqlite3"
        # Created private before SQLite opens it; its -wal and -shm files copy the mode.
        os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.instance_secret(
            instance, "secret_key", lambda: secrets.token_urlsafe(48)
        )
