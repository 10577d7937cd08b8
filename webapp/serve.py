"""`stuurboord run`: the embedded default. One process serves the web app (waitress) and runs
the scheduler (APScheduler in the background) on SQLite in ./instance.

Steps: bring the database to the latest schema (engine, processes and web app migrations),
deploy bpmn/, load demo data and demo passwords when the database is new, compile the English
catalog if needed, start the scheduler, then serve. For production (several workers on
PostgreSQL and one scheduler process) see webapp/README.md.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import click
from flask import Flask

from engine import Engine
from engine.cli import BPMN_DIR, build_engine
from engine.storage import migrate
from processes import MIGRATIONS as PROCESS_MIGRATIONS
from webapp import MIGRATIONS as WEB_MIGRATIONS
from webapp.app import create_app
from webapp.demo import DEMO_PASSWORD, give_demo_passwords, load_demo_data
from webapp.i18n import compile_catalogs
from webapp.identity import state
from webapp.outage import SCHEDULER_KEY

log = logging.getLogger(__name__)


def _migrations() -> list[Any]:
    return [PROCESS_MIGRATIONS, WEB_MIGRATIONS]


def deploy_models(engine: Any) -> None:
    """Deploy every model in bpmn/ (unchanged ones are a no-op) and say what happened."""
    models = sorted(BPMN_DIR.glob("*.bpmn")) + sorted(BPMN_DIR.glob("*.dmn"))
    if not models:
        click.echo(f"no models in {BPMN_DIR}")
        return
    for item in engine.deploy(models):
        state_text = "new version" if item.created else "unchanged"
        click.echo(f"deployed {item.process_id}: version {item.version} ({state_text})")


def prepare(engine: Engine, app: Flask) -> list[tuple[str, str, list[str]]]:
    """Migrate, deploy bpmn/, and on a new database load demo data and demo passwords.
    Returns the demo accounts made (id, name, roles)."""
    new = not migrate.current_revisions(engine.db)
    revision = migrate.upgrade(engine.db, _migrations())
    click.echo(f"database {engine.db.url} at revision {revision}")
    deploy_models(engine)
    compile_catalogs()
    if not (new and app.config["STUURBOORD_MODE"] == "demo"):
        return []
    load_demo_data(engine)
    with app.app_context():
        return give_demo_passwords(engine, state().accounts)


def serve(host: str = "127.0.0.1", port: int = 8080) -> None:
    """Set up, start the scheduler and serve the web app until interrupted."""
    from waitress import serve as waitress_serve

    from engine.notify.mailer import Sender, transport_from_env
    from engine.scheduling.scheduler import Scheduler

    os.environ.setdefault("STUURBOORD_MODE", "demo")
    engine = build_engine()
    app = create_app(engine)
    demo_accounts = prepare(engine, app)
    scheduler = Scheduler(engine, Sender(engine.db, engine.clock, transport_from_env()))
    app.extensions[SCHEDULER_KEY] = scheduler  # /readyz reports its lease too
    background = scheduler.serve(background=True)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    click.echo(
        f"Stuurboord runs at http://{shown}:{port}/ (Ctrl-C stops it); "
        f"scheduler {scheduler.name} started"
    )
    if demo_accounts:
        click.echo(f"demo accounts (password {DEMO_PASSWORD!r}):")
        for user_id, name, roles in demo_accounts:
            click.echo(f"  {user_id:<14} {name} ({', '.join(roles) or 'no roles'})")
    try:
        waitress_serve(app, host=host, port=port, threads=8, ident="Stuurboord")
    finally:
        scheduler.resign()
        background.shutdown(wait=False)  # type: ignore[attr-defined]
