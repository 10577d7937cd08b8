"""The `stuurboord` command: the engine's commands, wired to the committee's processes and the
web app's tables, plus `run` (web app and scheduler together) and `demo`.

This module is the composition root: the only place that knows every layer.
"""

from __future__ import annotations

import click

from engine.cli import build_engine, clean_errors, configure, main
from processes import MIGRATIONS as PROCESS_MIGRATIONS
from processes import build_registry
from webapp import MIGRATIONS as WEB_MIGRATIONS

configure(build_registry, [PROCESS_MIGRATIONS, WEB_MIGRATIONS])


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@clean_errors
def run(host: str, port: int) -> None:
    """Set up the embedded database, deploy bpmn/, start the scheduler and serve the web app."""
    from webapp.serve import serve

    serve(host, port)


@main.command()
@clean_errors
def demo() -> None:
    """Fill the database with the demo committee, meetings and cases in every state."""
    from engine.storage import migrate
    from webapp.app import create_app
    from webapp.demo import DEMO_PASSWORD, give_demo_passwords, load_demo_data
    from webapp.identity import state
    from webapp.serve import deploy_models

    engine = build_engine()
    migrate.upgrade(engine.db, [PROCESS_MIGRATIONS, WEB_MIGRATIONS])
    deploy_models(engine)
    summary = load_demo_data(engine)
    if not summary.loaded:
        click.echo("the demo data was already there; nothing changed")
    app = create_app(engine, {"STUURBOORD_MODE": "demo"})
    with app.app_context():
        accounts = give_demo_passwords(engine, state().accounts)
    for user_id, name, roles in accounts:
        click.echo(f"  {user_id:<22} {name:<30} {', '.join(roles)}")
    click.echo(f"demo data loaded; demo password for every account: {DEMO_PASSWORD}")


__all__ = ["build_engine", "main"]
