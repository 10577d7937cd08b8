"""Commands for operators: `flask --app webapp.wsgi:app <command>`.

set-password USER        ask for a new password (or read STUURBOORD_NEW_PASSWORD)
create-token USER NAME   print a new API token for USER
"""

from __future__ import annotations

import os

import click
from flask import Flask

from engine import NotFound
from webapp import tokens
from webapp.identity import state


def register_commands(app: Flask) -> None:
    @app.cli.command("set-password")
    @click.argument("user_id")
    def set_password(user_id: str) -> None:
        """Set USER_ID's password (prompted, or from STUURBOORD_NEW_PASSWORD)."""
        accounts = state().accounts
        password = os.environ.get("STUURBOORD_NEW_PASSWORD") or click.prompt(
            "New password", hide_input=True, confirmation_prompt=True
        )
        if accounts.password_problem(password):
            raise click.ClickException("use at least 12 characters")
        try:
            accounts.set_password(user_id, password)
        except NotFound as error:
            raise click.ClickException(f"unknown or inactive user {user_id}") from error
        click.echo(f"password set for {user_id}")

    @app.cli.command("create-token")
    @click.argument("user_id")
    @click.argument("name")
    def create_token(user_id: str, name: str) -> None:
        """Print a new API token for USER_ID."""
        try:
            state().engine.actor(user_id)
        except NotFound as error:
            raise click.ClickException(f"unknown or inactive user {user_id}") from error
        click.echo(tokens.create(state().engine, user_id, name))
