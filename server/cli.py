"""The `afterview` command: serve, and the admin's user tools."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask_migrate import upgrade

from . import create_app
from . import MIGRATIONS


@click.group()
def main() -> None:
    """Afterview: the hour after a job interview."""


def migrated_app():
    """The app, with the database schema brought up to date."""
    app = create_app()
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
    return app


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False), help="TLS certificate.")
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False), help="TLS private key.")
@click.option("--threads", default=8, show_default=True, type=int, help="Request threads.")
@click.option(
    "--no-dispatcher",
    is_flag=True,
    help="Send no reminders from this server (run `afterview reminders run` instead).",
)
def serve(
    host: str,
    port: int,
    certfile: str | None,
    keyfile: str | None,
    threads: int,
    no_dispatcher: bool,
) -> None:
    """Apply migrations, then serve under gunicorn (one process, threads); the worker also
    sends the reminders that fall due."""
    from .serving import serve_forever

    if bool(certfile) != bool(keyfile):
        raise click.UsageError("--certfile and --keyfile go together.")
    migrated_app()
    scheme = "https" if certfile else "http"
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::", "::1") else host
    serve_forever(
        host,
        port,
        threads,
        certfile,
        keyfile,
        announce=f"Afterview is running at {scheme}://{shown}:{port}",
        dispatcher=not no_dispatcher,
    )


@main.group()
def users() -> None:
    """Manage accounts on this server."""


def _new_password() -> str:
    password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise click.BadParameter("the password needs at least 8 characters")
    return password


@users.command("reset-password")
@click.argument("email")
def reset_password(email: str) -> None:
    """Set a new password for EMAIL and log it out everywhere."""
    from .db import db
    from .models import new_session_token
    from .models import User
    from .security import clear_login_failures
    from .security import hash_password

    app = migrated_app()
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"No account uses {email}.")
        user.password_hash = hash_password(_new_password())
        user.session_token = new_session_token()
        clear_login_failures(user.email)
        address = user.email
        db.session.commit()
    click.echo(f"The password of {address} was changed; its sessions were logged out.")


@users.command("create")
@click.argument("email")
@click.option("--timezone", default="UTC", show_default=True)
def create_user(email: str, timezone: str) -> None:
    """Create an account (for servers whose sign-ups are closed)."""
    from pydantic import ValidationError

    from .db import db
    from .models import User
    from .schemas import AccountCreate
    from .security import hash_password

    try:
        checked = AccountCreate(email=email, password="x" * 8, timezone=timezone)
    except ValidationError as exc:
        raise click.BadParameter(exc.errors()[0]["msg"]) from None
    app = migrated_app()
    with app.app_context():
        address = checked.email.lower()
        if db.session.scalar(sa.select(User.id).where(User.email == address)):
            raise click.ClickException(f"An account with {address} exists already.")
        user = User(email=address, password_hash=hash_password(_new_password()), timezone=timezone)
        db.session.add(user)
        db.session.commit()
    click.echo(f"Created the account {address}.")


from .reminders_cli import reminders  # noqa: E402

main.add_command(reminders)


from .ocr_cli import eval_command  # noqa: E402
from .ocr_cli import scan_command  # noqa: E402

main.add_command(scan_command, "scan")
main.add_command(eval_command, "eval")
