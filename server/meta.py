"""What a load balancer or a client asks of the server itself."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint
from flask import current_app

from .api import openapi_document
from .db import db

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
def health():
    """200 when the database answers; 503 otherwise."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok"}


@bp.get("/api/openapi.json")
def openapi():
    return openapi_document(current_app)
