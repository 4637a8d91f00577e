"""Accounts and sessions: sign up, log in and out, settings, delete everything."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint
from flask import current_app
from flask import request
from flask import session

from .api import apply_changes
from .api import documented
from .api import parse_body
from .db import db
from .errors import ApiError
from .models import User
from .schemas import AccountCreate
from .schemas import AccountOut
from .schemas import AccountPatch
from .schemas import SessionCreate
from .security import claim_login_attempt
from .security import clear_login_failures
from .security import current_user
from .security import end_all_sessions
from .security import hash_password
from .security import login_required
from .security import login_user
from .security import logout_user
from .security import verify_password

bp = Blueprint("auth", __name__, url_prefix="/api")


def account_json(user: User) -> dict:
    return AccountOut.model_validate(user, from_attributes=True).model_dump(mode="json")


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


@bp.post("/account")
@documented("Create an account and log in", AccountCreate, AccountOut, 201)
def create_account():
    if not current_app.config["SIGNUPS_OPEN"]:
        raise ApiError(
            403, "signups_closed", "Sign-ups are closed on this server. Ask its owner for one."
        )
    payload = parse_body(AccountCreate)
    email = payload.email.lower()
    if find_user(email) is not None:
        raise ApiError(
            409, "email_taken", "An account with this email already exists. Log in instead."
        )
    user = User(email=email, password_hash=hash_password(payload.password), name=payload.name)
    if payload.timezone:
        user.timezone = payload.timezone
    db.session.add(user)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise ApiError(
            409, "email_taken", "An account with this email already exists. Log in instead."
        ) from None
    login_user(user)
    return account_json(user), 201


@bp.get("/account")
@login_required
@documented("Read the account's settings", response=AccountOut)
def read_account():
    return account_json(current_user())


@bp.patch("/account")
@login_required
@documented("Change settings or the password (with the old one)", AccountPatch, AccountOut)
def change_account():
    user = current_user()
    payload = parse_body(AccountPatch)
    changes = payload.model_dump(exclude_unset=True, exclude={"password", "old_password"})
    if payload.password is not None:
        if not verify_password(user, payload.old_password):
            raise ApiError(
                422, "wrong_password", "The old password is not right.", field="old_password"
            )
        user.password_hash = hash_password(payload.password)
        # Every other device logs out; this one stays in with a new session.
        end_all_sessions(user)
    apply_changes(user, changes)
    if payload.password is not None:
        login_user(user)
    return account_json(user)


@bp.delete("/account")
@login_required
@documented("Delete the account and everything in it", status=204)
def delete_account():
    user = current_user()
    # Failed log-ins name the email, not the account: they go with it explicitly.
    clear_login_failures(user.email)
    db.session.delete(user)
    db.session.commit()
    session.clear()
    return "", 204


@bp.post("/session")
@documented("Log in", SessionCreate, AccountOut)
def log_in():
    payload = parse_body(SessionCreate)
    email = payload.email.lower()
    address = request.remote_addr or "unknown"
    # The attempt is counted before the password is checked; a right password forgets it.
    claim_login_attempt(email, address)
    user = find_user(email)
    if not verify_password(user, payload.password):
        raise ApiError(401, "wrong_credentials", "The email or the password is not right.")
    clear_login_failures(email)
    db.session.commit()
    login_user(user)
    return account_json(user)


@bp.delete("/session")
@documented("Log out: this device's session ends on the server", status=204)
def log_out():
    logout_user()
    return "", 204


@bp.delete("/sessions")
@login_required
@documented("Log out everywhere: every session of this account ends", status=204)
def log_out_everywhere():
    end_all_sessions(current_user())
    db.session.commit()
    session.clear()
    return "", 204
