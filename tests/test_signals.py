"""Signals from outside (facade and CLI) and message payloads without a messageVariable."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from engine import (
    SYSTEM_ACTOR,
    CaseStateError,
    Database,
    Engine,
    Forbidden,
    NotFound,
    SignalNotExpected,
    TaskConflict,
    ValidationFailed,
)
from tests.helpers import actor, snapshot
from tests.signal_models import LAUNCHED, MESSAGE_BY_NAME, WAITER


@pytest.fixture
def deployed(engine: Engine) -> Engine:
    engine.deploy_files([("waiter.bpmn", WAITER), ("launched.bpmn", LAUNCHED),
                         ("asker.bpmn", MESSAGE_BY_NAME)])  # fmt: skip
    return engine


@pytest.fixture
def admin(engine: Engine):
    return actor(engine, "ada", ("admin", None))


def _ready(engine: Engine, case_id: int) -> list[str]:
    return [t.element_id for t in engine.case_tasks(case_id) if t.state == "ready"]


def test_message_payload_lands_under_the_message_name(deployed: Engine) -> None:
    case = deployed.start_case("asker", {})
    after = deployed.send_message(case.id, "answer", {"verdict": "yes"})
    assert after.status == "running"
    assert after.data["answer"] == {"verdict": "yes"}
    assert after.data["verdict"] == "YES"  # the script after the catch read it
    assert deployed.incidents() == []
    assert _ready(deployed, case.id) == ["a_check"]


def test_message_variable_still_wins(engine: Engine) -> None:
    from tests import modelkit as m

    model = m.process("named", [m.message_catch("wait", "msg", "reply"), m.user("after")])
    engine.deploy_files([("named.bpmn", m.definitions(model, messages={"msg": "answer"}))])
    case = engine.start_case("named", {})
    data = engine.send_message(case.id, "answer", {"ok": True}).data
    assert data["reply"] == {"ok": True} and "answer" not in data


def test_signal_to_one_case_reaches_intermediate_catch(deployed: Engine, admin) -> None:
    case = deployed.start_case("waiter", {})
    result = deployed.send_signal("go", {"level": 3}, admin, case_id=case.id)
    assert result.delivered == (case.id,) and result.started == ()
    data = deployed.case(case.id).data
    assert data["go"] == {"level": 3} and data["level"] == 6
    received = [a for a in deployed.audit_trail(case.id) if a.action == "signal_received"]
    assert [(a.actor, a.element_id, a.changes) for a in received] == [
        ("ada", "go", {"payload": {"before": None, "after": {"level": 3}}})
    ]


def test_signal_variable_name_is_respected(deployed: Engine, admin) -> None:
    case = deployed.start_case("waiter", {})
    deployed.send_signal("go", {"level": 1}, admin, case_id=case.id)
    deployed.send_signal("with_var", {"x": 1}, admin, case_id=case.id)
    data = deployed.case(case.id).data
    assert data["given"] == {"x": 1} and "with_var" not in data
    assert _ready(deployed, case.id) == ["work"]


def test_broadcast_reaches_boundary_and_event_subprocess_in_waiting_cases_only(
    deployed: Engine, admin
) -> None:
    first = deployed.start_case("waiter", {})
    second = deployed.start_case("waiter", {})
    deployed.send_signal("go", {"level": 1}, admin, case_id=first.id)
    deployed.send_signal("with_var", None, admin, case_id=first.id)
    assert _ready(deployed, first.id) == ["work"]
    # the event subprocess start waits in both cases
    noted = deployed.send_signal("note", {"text": "hi"}, admin)
    assert noted.delivered == (first.id, second.id)
    assert not [i for i in deployed.incidents()]
    # only the first case sits on the user task with the "stop" boundary event
    stopped = deployed.send_signal("stop", None, admin)
    assert stopped.delivered == (first.id,)
    assert deployed.case(first.id).status == "completed"
    assert deployed.case(second.id).status == "running"
    [summary] = [a for a in deployed.audit_trail() if a.action == "signal_broadcast"
                 and a.element_id == "stop"]  # fmt: skip
    assert summary.actor == "ada" and summary.case_id is None
    assert summary.reason.startswith("reached 1 case(s), started 0")


def test_broadcast_starts_processes_with_a_signal_start_event(deployed: Engine, admin) -> None:
    result = deployed.send_signal("launch", {"source": "board"}, admin)
    [case_id] = result.started
    case = deployed.case(case_id)
    assert case.process_id == "launched" and case.started_by == "ada"
    assert case.data == {"launch": {"source": "board"}}
    assert _ready(deployed, case_id) == ["handle"]
    actions = [a.action for a in deployed.audit_trail(case_id)]
    assert actions[:2] == ["case_started", "signal_received"]


def test_broadcast_skips_suspended_cases_and_names_them(deployed: Engine, admin) -> None:
    waiting = deployed.start_case("waiter", {})
    deployed.suspend(waiting.id, admin)
    result = deployed.send_signal("go", {"level": 1}, admin)
    assert result.delivered == () and result.skipped == (waiting.id,)
    assert "go" not in deployed.case(waiting.id).data


def test_one_case_refusals_store_nothing(deployed: Engine, admin, db: Database) -> None:
    case = deployed.start_case("waiter", {})
    clerk = actor(deployed, "carla", ("clerk", None))
    before = snapshot(db)
    with pytest.raises(SignalNotExpected, match="not waiting for signal 'stop'"):
        deployed.send_signal("stop", None, admin, case_id=case.id)
    with pytest.raises(NotFound):
        deployed.send_signal("go", None, admin, case_id=9999)
    with pytest.raises(Forbidden):
        deployed.send_signal("go", {"level": 1}, clerk, case_id=case.id)
    with pytest.raises(ValidationFailed) as bad:
        deployed.send_signal("go", [1, 2], admin, case_id=case.id)  # type: ignore[arg-type]
    assert bad.value.errors == {"data": ["Not an object."]}
    with pytest.raises(ValidationFailed):
        deployed.send_signal(" ", None, admin)
    assert snapshot(db) == before
    deployed.suspend(case.id, admin)
    with pytest.raises(CaseStateError, match="suspended"):
        deployed.send_signal("go", {"level": 1}, admin, case_id=case.id)


def test_one_case_race_stores_nothing(deployed: Engine, admin, db: Database) -> None:
    case = deployed.start_case("waiter", {})

    def meanwhile(case_id: int) -> None:
        deployed.hooks.points.pop("signal_loaded")
        deployed.suspend(case_id, admin)
        deployed.resume(case_id, admin)

    deployed.hooks.points["signal_loaded"] = meanwhile
    with pytest.raises(TaskConflict):
        deployed.send_signal("go", {"level": 1}, admin, case_id=case.id)
    assert "go" not in deployed.case(case.id).data
    assert not [a for a in deployed.audit_trail(case.id) if a.action == "signal_received"]


def test_broadcast_retries_a_case_changed_meanwhile(deployed: Engine, admin) -> None:
    case = deployed.start_case("waiter", {})
    seen: list[int] = []

    def meanwhile(case_id: int) -> None:
        seen.append(case_id)
        if len(seen) == 1:
            deployed.suspend(case_id, admin)
            deployed.resume(case_id, admin)

    deployed.hooks.points["signal_loaded"] = meanwhile
    result = deployed.send_signal("go", {"level": 2}, admin)
    assert seen == [case.id, case.id]
    assert result.delivered == (case.id,) and result.conflicts == ()
    assert deployed.case(case.id).data["level"] == 4
    received = [a for a in deployed.audit_trail(case.id) if a.action == "signal_received"]
    assert len(received) == 1


def test_system_actor_may_send(deployed: Engine) -> None:
    case = deployed.start_case("waiter", {})
    assert deployed.send_signal("go", {"level": 1}, SYSTEM_ACTOR).delivered == (case.id,)


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def cli(db: Database, tmp_path, monkeypatch):
    monkeypatch.setenv("STUURBOORD_DATABASE_URL", db.url)
    monkeypatch.setenv("STUURBOORD_INSTANCE_PATH", str(tmp_path))
    from webapp.cli import main

    runner = CliRunner()

    def run(*args: str, code: int = 0):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    return run


def test_cli_signal(cli, deployed: Engine, admin) -> None:
    case = deployed.start_case("waiter", {})
    out = cli("signal", "go", "--case", str(case.id), "--data", '{"level": 5}', "--as", "ada")
    assert out == f"signal 'go' reached case {case.id}\n"
    assert deployed.case(case.id).data["level"] == 10
    out = cli("signal", "launch")
    assert out.startswith("signal 'launch' reached no case\n  started case ")
    assert cli("signal", "nobody-listens") == "signal 'nobody-listens' reached no case\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--case", "1", "--data", "{oops"], "error: --data is not valid JSON"),
        (["--data", "[1]"], "error: --data must be a JSON object"),
        (["--case", "1"], "error: case 1 is not waiting for signal 'stop'"),
        (["--case", "77"], "error: case 77 not found"),
        (["--as", "carla"], "error: only an admin may send a signal"),
    ],
)
def test_cli_signal_errors_are_one_line(cli, deployed: Engine, args, message) -> None:
    deployed.start_case("waiter", {})
    actor(deployed, "carla", ("clerk", None))
    out = cli("signal", "stop", *args, code=1)
    assert out.startswith(message) and out.count("\n") == 1, out
