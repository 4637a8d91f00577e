"""One error path: JSON {"error", "message"} under /api/, a readable HTML page elsewhere."""

from __future__ import annotations

import logging

from flask import Flask
from flask import jsonify
from flask import render_template
from flask import request
from werkzeug.exceptions import HTTPException

from .db import db

log = logging.getLogger(__name__)

# What a person should read for the common HTTP errors that carry no message of ours.
FRIENDLY = {
    400: "The request could not be understood.",
    401: "Please log in first.",
    403: "This request was refused.",
    404: "Nothing was found at this address.",
    405: "This address does not accept that method.",
    413: "The request is too large.",
    415: "This kind of upload is not supported.",
    429: "Too many attempts. Please wait and try again.",
    500: "Something went wrong on our side. Nothing you sent was lost; please try again.",
}


class ApiError(Exception):
    """An error meant for the person using the app: a status, a code and a sentence."""

    def __init__(self, status: int, error: str, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.extra = extra
        self.headers: dict[str, str] = {}


def too_large(limit: int) -> ApiError:
    """A JSON body over its limit (the 20 MB photo limit has its own sentence)."""
    return ApiError(
        413, "too_large", f"The request body is over {limit // 1024} KB. Send less at once."
    )


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, error: str, message: str, headers=None, **extra):
    if wants_json():
        response = jsonify({"error": error, "message": message, **extra})
    else:
        response = render_template("error.html", status=status, message=message)
    return response, status, headers or {}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return error_response(exc.status, exc.error, exc.message, exc.headers, **exc.extra)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        message = FRIENDLY.get(status, exc.description or "")
        if status == 413:
            # A chunked body meets the per-request limit only while it is being read.
            limit = request.max_content_length or app.config["MAX_CONTENT_LENGTH"]
            if limit >= 1024 * 1024 * 2:
                message = f"The upload is too large: the limit is {limit // (1024 * 1024)} MB."
            else:
                message = too_large(limit).message
        name = (exc.name or "error").lower().replace(" ", "_")
        headers = {}
        if status == 405 and exc.get_headers():
            headers = {k: v for k, v in exc.get_headers() if k == "Allow"}
        return error_response(status, name, message, headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", FRIENDLY[500])
