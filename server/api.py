"""Plumbing every JSON blueprint shares: bodies, ownership, idempotent creates, OpenAPI."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import TypeVar

from flask import Flask
from flask import request
from pydantic import BaseModel
from pydantic import ValidationError
from pydantic.json_schema import models_json_schema
from sqlalchemy.exc import IntegrityError

from .db import db
from .errors import ApiError
from .errors import too_large
from .security import current_user

B = TypeVar("B", bound=BaseModel)

ERROR_SENTENCES = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this request",
    "string_too_long": "is too long (at most {max_length} characters)",
    "string_too_short": "is too short (at least {min_length} characters)",
    "too_long": "has too many items (at most {max_length})",
    "too_short": "needs at least {min_length} item(s)",
    "literal_error": "must be one of {expected}",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "datetime_from_date_parsing": "must be a date and time in ISO 8601, e.g. 2026-11-23T14:30",
    "datetime_parsing": "must be a date and time in ISO 8601, e.g. 2026-11-23T14:30",
    "datetime_type": "must be a date and time in ISO 8601, e.g. 2026-11-23T14:30",
    "uuid_parsing": "must be a UUID",
    "uuid_type": "must be a UUID",
    "string_pattern_mismatch": "has the wrong format",
}


def _sentence(error: dict) -> tuple[str, str]:
    """(field path, a sentence a person can act on) for one pydantic error."""
    field = ".".join(str(part) for part in error["loc"]) or "body"
    template = ERROR_SENTENCES.get(error["type"])
    if error["type"] == "string_too_short" and error.get("ctx", {}).get("min_length") == 1:
        # A whitespace-only name is stripped to "": for a person it is simply missing.
        template = "cannot be empty"
    if template:
        try:
            text = template.format(**error.get("ctx", {}))
        except (KeyError, IndexError):
            text = error["msg"]
    else:
        text = error["msg"].removeprefix("Value error, ")
    return field, text


def validation_error(exc: ValidationError) -> ApiError:
    problems = [_sentence(error) for error in exc.errors(include_url=False)]
    message = "; ".join(
        f"{field} {text}" if field != "body" else text[:1].upper() + text[1:]
        for field, text in problems
    )
    first_field = problems[0][0] if problems else "body"
    return ApiError(
        422,
        "invalid_field",
        message + ".",
        field=first_field,
        fields={field: text for field, text in problems},
    )


def parse_body(schema: type[B], allow_empty: bool = False) -> B:
    """Parse the JSON body ourselves (clear 400s), then validate it with its schema."""
    raw = request.get_data(cache=True)
    limit = request.max_content_length
    if limit and len(raw) >= limit:
        # A chunked body is cut at the limit while read, not refused: refuse it here.
        raise too_large(limit)
    if not raw.strip() and allow_empty:
        return schema()
    if not raw.strip():
        raise ApiError(400, "empty_body", "The request needs a JSON object body.")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "malformed_json", f"The body is not valid JSON: {exc}.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "not_an_object", "The body must be a JSON object ({...}).")
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from None


def body_digest(payload: BaseModel) -> str:
    """sha256 of the canonical create body, to tell a replay from a different create."""
    canonical = json.dumps(
        payload.model_dump(mode="json", exclude_unset=True), sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def owned(model, row_id: uuid.UUID, noun: str):
    """The current user's row with this id, or 404 (never 403: no existence leak)."""
    row = db.session.get(model, row_id)
    if row is None or row.user_id != current_user().id:
        raise ApiError(404, "not_found", f"No {noun} with this id was found in your account.")
    return row


def apply_changes(row, changes: dict, then=None) -> None:
    """Set the fields a PATCH named (and only those), run `then` (a re-plan), commit once."""
    for field, value in changes.items():
        setattr(row, field, value)
    if then is not None:
        then()
    db.session.commit()


def create_once(model, payload: BaseModel, build, then=None):
    """Insert the row `build(digest)` makes, honouring a phone-minted id; `then(row)` runs
    in the same transaction (a re-plan).

    Returns (row, 201) on the first create and (row, 200) on a replay of the same id and
    body; the same id with another body, or another user's id, is a 409 that tells nothing.
    """
    digest = body_digest(payload)
    row_id = getattr(payload, "id", None)
    if row_id is not None:
        existing = db.session.get(model, row_id)
        if existing is not None:
            return answer_replay(existing, digest)
    row = build(digest)
    if row_id is not None:
        row.id = row_id
    db.session.add(row)
    try:
        db.session.flush()
        if then is not None:
            then(row)
        db.session.commit()
    except IntegrityError:
        # Two requests with the same id raced; the loser answers as a replay.
        db.session.rollback()
        existing = db.session.get(model, row_id) if row_id is not None else None
        if existing is None:
            raise
        return answer_replay(existing, digest)
    return row, 201


def answer_replay(existing, digest: str):
    """(row, 200) when `existing` is the caller's and was created by this very body; else 409."""
    if existing.user_id == current_user().id and existing.create_hash == digest:
        return existing, 200
    raise ApiError(
        409,
        "id_conflict",
        "This id is already taken by a different record. Create it again without an id, "
        "or with a new one.",
    )


# --- OpenAPI --------------------------------------------------------------------------------


def documented(summary: str, body: type[BaseModel] | None = None, response=None, status=200):
    """Attach what the OpenAPI document says of a view; the same schemas validate it."""

    def decorate(view):
        view.openapi = {"summary": summary, "body": body, "response": response, "status": status}
        return view

    return decorate


def openapi_document(app: Flask) -> dict:
    models: set[type[BaseModel]] = set()
    operations = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        doc = getattr(view, "openapi", None)
        if doc is None:
            continue
        path = rule.rule.replace("<uuid:", "{").replace("<", "{").replace(">", "}")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operations.append((path, method.lower(), doc, rule.arguments))
            for model in (doc["body"], doc["response"]):
                inner = model[0] if isinstance(model, list) else model
                if inner is not None:
                    models.add(inner)
    keyed = [(model, "validation") for model in sorted(models, key=lambda m: m.__name__)]
    _, definitions = models_json_schema(keyed, ref_template="#/components/schemas/{model}")

    def ref(model):
        if isinstance(model, list):
            return {"type": "array", "items": ref(model[0])}
        return {"$ref": f"#/components/schemas/{model.__name__}"}

    paths: dict = {}
    for path, method, doc, arguments in operations:
        operation = {"summary": doc["summary"], "responses": {}}
        if arguments:
            operation["parameters"] = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in sorted(arguments)
            ]
        if doc["body"] is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(doc["body"])}},
            }
        success = {"description": "Success"}
        if doc["response"] is not None:
            success["content"] = {"application/json": {"schema": ref(doc["response"])}}
        operation["responses"][str(doc["status"])] = success
        operation["responses"]["4XX"] = {"description": "An error with a message for people"}
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Afterview API", "version": "1"},
        "paths": paths,
        "components": {"schemas": definitions.get("$defs", {})},
    }
