"""The `stuurboord` command: each subcommand, and one clear line on every error."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from engine import Database
from tests import modelkit as m
from tests.conftest import BPMN
from webapp.cli import main


@pytest.fixture
def cli(db: Database, tmp_path, monkeypatch):
    monkeypatch.setenv("STUURBOORD_DATABASE_URL", db.url)
    monkeypatch.setenv("STUURBOORD_INSTANCE_PATH", str(tmp_path))
    runner = CliRunner()

    def run(*args: str, ok: bool = True):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result

    return run


def _users(db: Database) -> None:
    from engine import Engine

    engine = Engine(db)
    engine.ensure_user("carla", "Carla", grants=[("clerk", None)])
    engine.ensure_user("mona", "Mona", grants=[("manager", None)])


def test_full_round_trip(cli, db: Database, tmp_path) -> None:
    assert "at revision" in cli("db", "upgrade").output
    out = cli("deploy", str(BPMN / "review.bpmn")).output
    assert "review: version 1 (new version)" in out
    assert "review: version 1 (unchanged)" in cli("deploy", str(BPMN / "review.bpmn")).output
    _users(db)
    started = cli("start", "review", "--as", "carla").output
    assert "case 1 started (review v1): running" in started
    listed = cli("tasks", "--role", "clerk").output
    task_id = listed.split()[0]
    assert "intake" in listed and "case 1" in listed
    assert task_id in cli("tasks", "--as", "carla").output
    assert "no ready tasks" in cli("tasks", "--as", "mona").output
    # No form is registered for the test model, so no amount: the gateway cannot decide.
    done = cli("complete", task_id, "--data", "{}", "--as", "carla").output
    assert f"task {task_id} completed; case 1 is incident" in done
    assert "at gw" in cli("incidents").output
    assert "audit trail intact" in cli("audit", "verify").output


def test_errors_are_one_line_without_traceback(cli, db: Database) -> None:
    cli("deploy", str(BPMN / "review.bpmn"))
    _users(db)
    cases = [
        (("complete", "no-such-task", "--as", "carla"), "error: task no-such-task not found"),
        (("start", "nope"), "error: no process 'nope' is deployed"),
        (("start", "review", "--data", "{bad"), "error: --data is not valid JSON"),
        (("start", "review", "--as", "ghost"), "error: user ghost not found"),
        (("start", "review", "--as", "mona"), "error: starting review needs the role 'clerk'"),
        (("retry", "42"), "error: case 42 not found"),
        (("deploy", "/nonexistent.bpmn"), "error: /nonexistent.bpmn: no such file or folder"),
    ]
    for args, message in cases:
        result = cli(*args, ok=False)
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(message), (args, result.output)


def test_validation_error_lists_fields(cli, db: Database, tmp_path) -> None:
    path = tmp_path / "bad.bpmn"
    path.write_bytes(m.definitions(m.process("broken", [m.script("oops", "x = (")])))
    result = cli("deploy", str(path), ok=False)
    assert "bad.bpmn" in result.output and "oops" in result.output and "line" in result.output
    cli("deploy", str(BPMN / "review.bpmn"))
    _users(db)
    cli("start", "review", "--as", "carla")
    task_id = cli("tasks").output.split()[0]
    result = cli(
        "complete", task_id, "--data", json.dumps({"amount": 1}), "--as", "carla", ok=False
    )
    assert "error: intake takes no data" in result.output and '"amount"' in result.output


def test_deploy_prints_every_problem_each_on_its_element(cli, db: Database, tmp_path) -> None:
    path = tmp_path / "two.bpmn"
    path.write_bytes(m.two_faults())
    result = cli("deploy", str(path), ok=False)
    lines = [line for line in result.output.splitlines() if "two.bpmn" in line]
    assert len(lines) == 2, result.output
    assert "element 'oops'" in lines[0] and "element 'wait'" in lines[1]
    assert "no process" in cli("start", "two_faults", ok=False).output  # nothing deployed


def test_incidents_retry_and_admin_commands(cli, db: Database, tmp_path) -> None:
    path = tmp_path / "fail.bpmn"
    path.write_bytes(
        m.definitions(m.process("fail", [m.script("divide", "x = 1 / 0"), m.user("after")]))
    )
    cli("deploy", str(path))
    cli("start", "fail")
    listed = cli("incidents").output
    assert "case 1 open at divide line 1: ZeroDivisionError" in listed
    assert "case 1 retried: incident" in cli("retry", "1").output
    assert len(cli("incidents", "--all").output.strip().splitlines()) == 2
    assert "(suspended)" in cli("suspend", "1", "--reason", "checking").output
    assert "case 1: incident" in cli("resume", "1").output
    assert "case 1: terminated" in cli("terminate", "1", "--reason", "obsolete").output
    assert "no open incidents" in cli("incidents").output


def test_audit_verify_fails_on_tampering(cli, db: Database) -> None:
    cli("deploy", str(BPMN / "review.bpmn"))
    cli("start", "review")
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text("DROP TRIGGER audit_trail_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_trail DISABLE TRIGGER audit_trail_no_change"))
        conn.execute(text("UPDATE audit_trail SET reason = 'nothing to see' WHERE seq = 2"))
    result = cli("audit", "verify", ok=False)
    assert "audit trail broken at sequence 2" in result.output


def test_run_serves_the_web_app_with_the_scheduler(cli, monkeypatch) -> None:
    import webapp.serve

    calls = []
    monkeypatch.setattr(webapp.serve, "serve", lambda host, port: calls.append((host, port)))
    cli("run", "--port", "9123")
    assert calls == [("127.0.0.1", 9123)]


def test_demo_loads_users_with_a_demo_password(cli, db: Database) -> None:
    out = cli("demo").output
    assert "demo password for every account" in out
    from engine import Engine

    users = Engine(db).users()
    assert len(users) >= 5
    assert any(("secretariat", None) in u.grants for u in users)


def test_notifications_stuck_lists_resends_and_dismisses(cli, db: Database) -> None:
    from engine import Engine
    from engine.notify.mailer import DeliveryUncertain, Sender
    from tests.test_notifications import make_user, notify

    class Uncertain:
        def send(self, mail) -> None:
            raise DeliveryUncertain("connection lost after the data was sent")

    engine = Engine(db)
    assert "no stuck mail" in cli("notifications", "stuck").output
    make_user(engine, "ann")
    make_user(engine, "bob")
    notify(db, engine.clock, "remind:1", "ann", channels=("email",))
    notify(db, engine.clock, "remind:1", "bob", channels=("email",))
    Sender(db, engine.clock, Uncertain()).deliver_due()
    listed = cli("notifications", "stuck", ok=False).output
    assert "to Ann <ann@example.org>" in listed and "DeliveryUncertain" in listed
    first, second = (line.split()[0].lstrip("#") for line in listed.splitlines())
    assert "--reason" in cli("notifications", "dismiss", first, ok=False).output
    assert f"mail #{first} queued again" in cli("notifications", "resend", first).output
    assert "is not a stuck mail" in cli("notifications", "resend", first, ok=False).output
    assert "dismissed" in cli("notifications", "dismiss", second, "--reason", "ok").output
    assert "no stuck mail" in cli("notifications", "stuck").output
