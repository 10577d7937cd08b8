"""Fixtures for the web app: an engine with the review test model and a few users, the Flask
app in testing mode, and helpers to sign in and to read CSRF tokens.

Runs on SQLite and PostgreSQL like every storage test (the `db` fixture). The web app's tables
come from its own migration branch, added here until the shared fixtures include it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

import processes
import webapp
from engine import Database, Engine, ManualClock, Registry
from engine.storage.migrate import upgrade
from tests.helpers import ApproveForm, IntakeForm, StartForm
from webapp import tokens
from webapp.app import create_app
from webapp.i18n import compile_catalogs
from webapp.identity import state

BPMN = Path(__file__).parent.parent / "bpmn"
PASSWORD = "correct horse battery"
_UPGRADED: set[str] = set()

USERS = {
    "carla": ("Carla Clerk", [("clerk", None)]),
    "dirk": ("Dirk Clerk", [("clerk", None)]),
    "maria": ("Maria Manager", [("manager", None)]),
    "sofie": ("Sofie Secretariaat", [("secretariat", None)]),
    "anna": ("Anna Admin", [("admin", None)]),
}


@pytest.fixture(scope="session", autouse=True)
def english_catalog() -> None:
    """The English catalog compiled (as `make setup` does), so the language tests can run."""
    compile_catalogs()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared SQLite template, with the web app's tables too."""
    path = tmp_path_factory.mktemp("web-template") / "template.db"
    database = Database(f"sqlite:///{path}")
    upgrade(database, [processes.MIGRATIONS, webapp.MIGRATIONS])
    database.dispose()
    return path


@pytest.fixture
def web_db(db: Database) -> Database:
    if db.is_postgresql and db.url not in _UPGRADED:
        upgrade(db, [processes.MIGRATIONS, webapp.MIGRATIONS])
        _UPGRADED.add(db.url)
    return db


@pytest.fixture
def web_engine(web_db: Database, clock: ManualClock) -> Engine:
    registry = Registry()
    registry.form("review", "start", StartForm)
    registry.form("review", "intake", IntakeForm)
    registry.form("review", "approve", ApproveForm)
    engine = Engine(web_db, registry, clock)
    engine.deploy([BPMN / "review.bpmn"])
    for user_id, (name, grants) in USERS.items():
        engine.ensure_user(user_id, name, grants=grants)
    return engine


@pytest.fixture
def app(web_engine: Engine) -> Iterator[Flask]:
    application = create_app(
        web_engine,
        {
            "TESTING": True,
            "TOPIC_PROCESS": "review",
            "LOGIN_MAX_FAILURES": 3,
            "LOGIN_IP_MAX_FAILURES": 10,
            "MAX_CONTENT_LENGTH": 64 * 1024,
            "API_START_LIMIT": 5,
        },
    )
    with application.app_context():
        for user_id in USERS:
            state().accounts.set_password(user_id, PASSWORD)
    yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: FlaskClient, user_id: str, password: str = PASSWORD):
    page = client.get("/aanmelden")
    return client.post(
        "/aanmelden",
        data={"gebruiker": user_id, "wachtwoord": password, "csrf_token": csrf_of(page.text)},
    )


def token_for(app: Flask, user_id: str) -> str:
    with app.app_context():
        return tokens.create(state().engine, user_id, "test")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def start_review(engine: Engine, user_id: str, amount: int | None = None) -> tuple[int, str]:
    """Start a review case as `user_id`; returns (case id, ready intake task id)."""
    case = engine.start_case(
        "review", {"requester": user_id}, engine.actor(user_id), title="Review"
    )
    task = next(t for t in engine.case_tasks(case.id) if t.state == "ready")
    return case.id, task.id
