"""The embedded run's setup, and the operator commands."""

from __future__ import annotations

import re

from engine import Engine
from tests.web.conftest import csrf_of
from webapp.app import create_app
from webapp.cli import build_engine
from webapp.demo import DEMO_PASSWORD
from webapp.serve import prepare


def test_prepare_a_new_database_with_demo_accounts(tmp_path, monkeypatch):
    monkeypatch.setenv("STUURBOORD_DATABASE_URL", f"sqlite:///{tmp_path}/run.db")
    monkeypatch.setenv("STUURBOORD_INSTANCE_PATH", str(tmp_path))
    engine: Engine = build_engine()
    app = create_app(engine, {"STUURBOORD_MODE": "demo"})
    accounts = prepare(engine, app)
    assert accounts, "a new database gets demo accounts"
    assert engine.versions(), "bpmn/ was deployed"
    client = app.test_client()
    page = client.get("/aanmelden")
    user_id = accounts[0][0]
    response = client.post(
        "/aanmelden",
        data={"gebruiker": user_id, "wachtwoord": DEMO_PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 302
    assert prepare(engine, app) == []  # not new any more: no demo data, no passwords reset
    engine.db.dispose()


def test_operator_commands(app, monkeypatch):
    runner = app.test_cli_runner()
    monkeypatch.setenv("STUURBOORD_NEW_PASSWORD", "another long secret")
    result = runner.invoke(args=["set-password", "carla"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["set-password", "nobody"]).exit_code != 0
    token = runner.invoke(args=["create-token", "carla", "cli"]).output.strip()
    assert re.fullmatch(r"sbt_[\w-]+", token)
    response = app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
