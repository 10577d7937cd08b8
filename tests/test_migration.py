"""Moving running cases to a new process version: plan, dry run, move (tests/ for issue 9).

Each rule runs on SQLite and PostgreSQL (the `engine` fixture)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from marshmallow import Schema, fields
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import SYSTEM_ACTOR, Engine, Hooks, ManualClock, NotFound, Registry, ValidationFailed
from engine.scheduling.scheduler import Scheduler
from engine.storage.models import AuditEntry, Case, ScheduledJob
from tests import modelkit as m
from tests.conftest import START

A, B, B2, C = (
    m.user("a", "Intake"),
    m.user("b", "Review"),
    m.user("b2", "Review"),
    m.user("c", "Check"),
)


def deploy(engine: Engine, *steps: tuple[str, str], pid: str = "p") -> None:
    engine.deploy_files([(f"{pid}.bpmn", m.definitions(m.process(pid, list(steps))))])


def ready(engine: Engine, case_id: int) -> list[tuple[str, str]]:
    return [(t.id, t.element_id) for t in engine.case_tasks(case_id) if t.state == "ready"]


def finish_all(engine: Engine, case_id: int) -> list[str]:
    """Complete ready tasks until the case ends; the element ids in the order done."""
    done = []
    while tasks := ready(engine, case_id):
        task_id, element = tasks[0]
        engine.complete_task(task_id, {}, SYSTEM_ACTOR)
        done.append(element)
    return done


def stored(engine: Engine, case_id: int) -> tuple:
    with engine.db.read() as session:
        row = session.get(Case, case_id)
        audit = session.execute(select(AuditEntry.seq).where(AuditEntry.case_id == case_id)).all()
        return (
            row.state_json,
            row.revision,
            row.process_version_id,
            row.status,
            len(audit),
            tuple(ready(engine, case_id)),
        )


def start_at(engine: Engine, steps_done: int) -> int:
    case = engine.start_case("p", {})
    for _ in range(steps_done):
        engine.complete_task(ready(engine, case.id)[0][0], {}, SYSTEM_ACTOR)
    return case.id


def plain_run(xml: bytes, pid: str = "p") -> list[str]:
    """The same model in plain SpiffWorkflow: user tasks in the order they come."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml)
    workflow = BpmnWorkflow(parser.get_spec(pid), parser.get_subprocess_specs(pid))
    done = []
    workflow.do_engine_steps()
    while tasks := workflow.get_tasks(state=TaskState.READY, manual=True):
        done.append(tasks[0].task_spec.bpmn_id)
        tasks[0].run()
        workflow.do_engine_steps()
    assert workflow.is_completed()
    return done


def test_unchanged_waiting_element_moves_and_continues_on_the_new_version(engine: Engine) -> None:
    deploy(engine, A, B)
    at_a, at_b = start_at(engine, 0), start_at(engine, 1)
    deploy(engine, A, C, B)  # version 2: a new step between a and b
    report = engine.migrate_cases("p", 2, actor=SYSTEM_ACTOR, reason="new check")
    assert [(o.case_id, o.result) for o in report.outcomes] == [(at_a, "moved"), (at_b, "moved")]
    assert report.ok and report.count("moved") == 2
    assert engine.case(at_a).version == 2
    v2 = m.definitions(m.process("p", [A, C, B]))
    assert finish_all(engine, at_a) == plain_run(v2) == ["a", "c", "b"]
    assert finish_all(engine, at_b) == ["b"]
    assert engine.case(at_a).status == engine.case(at_b).status == "completed"
    moved = [e for e in engine.audit_trail(at_a) if e.action == "case_migrated"]
    assert moved[0].changes["version"] == {"before": 1, "after": 2}
    assert moved[0].reason == "new check"
    assert [(s.version, s.reason) for s in engine.case_versions(at_a)] == [
        (1, None),
        (2, "new check"),
    ]
    assert engine.verify_audit().ok


def test_removed_element_blocks_that_case_only(engine: Engine) -> None:
    deploy(engine, A, B)
    at_a, at_b = start_at(engine, 0), start_at(engine, 1)
    before = stored(engine, at_b)
    deploy(engine, A)  # version 2 drops b
    report = engine.migrate_cases("p", 2, actor=SYSTEM_ACTOR)
    outcome = {o.case_id: o for o in report.outcomes}
    assert outcome[at_a].result == "moved"
    assert outcome[at_b].result == "refused"
    assert [(r.code, r.element_id) for r in outcome[at_b].reasons] == [("removed", "b")]
    assert "Review" in outcome[at_b].describe()
    assert stored(engine, at_b) == before
    assert finish_all(engine, at_a) == ["a"]
    assert report.plans[0].unmapped[0].id == "b"


def test_mapped_ids_move_and_the_task_follows(engine: Engine) -> None:
    deploy(engine, A, B)
    case_id = start_at(engine, 1)
    deploy(engine, A, B2)  # b renamed to b2
    refused = engine.migrate_cases("p", 2, actor=SYSTEM_ACTOR, dry_run=True)
    assert refused.outcomes[0].result == "refused"
    plan = engine.migration_plans("p", 2)[0]
    assert plan.suggested == {"b": "b2"}  # SpiffWorkflow's SpecDiff sees where b went
    report = engine.migrate_cases("p", 2, actor=SYSTEM_ACTOR, mapping={"b": "b2"})
    assert report.outcomes[0].result == "moved"
    assert [element for _, element in ready(engine, case_id)] == ["b2"]
    assert finish_all(engine, case_id) == ["b2"]
    assert engine.case(case_id).status == "completed"


def test_finished_history_of_a_removed_element_is_cut_out(engine: Engine) -> None:
    deploy(engine, A, C, B)
    case_id = start_at(engine, 2)  # a and c done, waits in b
    deploy(engine, A, B)  # c is gone, but this case has passed it
    assert engine.migrate_cases("p", 2, actor=SYSTEM_ACTOR).outcomes[0].result == "moved"
    assert finish_all(engine, case_id) == ["b"]


def test_case_in_incident_or_suspended_does_not_move(engine: Engine) -> None:
    deploy(engine, A, m.script("boom", "x = 1 / 0"), B)
    broken = start_at(engine, 1)
    assert engine.case(broken).status == "incident"
    paused = start_at(engine, 0)
    engine.suspend(paused, SYSTEM_ACTOR, "wait")
    before = stored(engine, broken), stored(engine, paused)
    deploy(engine, A, B)
    report = engine.migrate_cases("p", 2, actor=SYSTEM_ACTOR)
    codes = {o.case_id: [r.code for r in o.reasons] for o in report.outcomes}
    assert codes == {broken: ["incident"], paused: ["suspended"]}
    assert (stored(engine, broken), stored(engine, paused)) == before


def test_dry_run_changes_nothing(engine: Engine) -> None:
    deploy(engine, A, B)
    ids = [start_at(engine, 0), start_at(engine, 1)]
    before = [stored(engine, i) for i in ids]
    deploy(engine, A)
    report = engine.migrate_cases("p", 2, actor=SYSTEM_ACTOR, dry_run=True)
    assert [o.result for o in report.outcomes] == ["can_move", "refused"]
    assert report.outcomes[0].waiting_in == ("a",)
    assert [stored(engine, i) for i in ids] == before


def test_a_failed_move_leaves_the_case_exactly_as_it_was(
    db, registry: Registry, clock: ManualClock
) -> None:
    def fail(**_: object) -> None:
        raise RuntimeError("disk full")

    engine = Engine(db, registry, clock, Hooks({"migrate_before_commit": fail}))
    deploy(engine, A, B)
    case_id = start_at(engine, 1)
    deploy(engine, A, C, B)
    before = stored(engine, case_id)
    report = engine.migrate_cases("p", 2, actor=SYSTEM_ACTOR)
    assert report.outcomes[0].result == "failed" and not report.ok
    assert "disk full" in report.outcomes[0].describe()
    assert stored(engine, case_id) == before
    assert engine.verify_audit().ok
    assert finish_all(engine, case_id) == ["b"]  # still runs on version 1


def test_a_revision_race_fails_the_move_and_keeps_the_other_writer(
    db, registry: Registry, clock: ManualClock
) -> None:
    engine = Engine(db, registry, clock)
    hooks = Hooks()
    racing = Engine(db, registry, clock, hooks)
    deploy(engine, A, B)
    case_id = start_at(engine, 0)
    deploy(engine, A, C, B)
    hooks.points["migrate_after_load"] = lambda **_: engine.complete_task(
        ready(engine, case_id)[0][0], {}, SYSTEM_ACTOR
    )
    report = racing.migrate_cases("p", 2, actor=SYSTEM_ACTOR)
    assert [r.code for r in report.outcomes[0].reasons] == ["conflict"]
    assert engine.case(case_id).version == 1
    assert [e for _, e in ready(engine, case_id)] == ["b"]
    assert engine.verify_audit().ok


def _timer_due(engine: Engine, case_id: int) -> list[datetime]:
    with engine.db.read() as session:
        return list(
            session.execute(
                select(ScheduledJob.due_at).where(
                    ScheduledJob.case_id == case_id,
                    ScheduledJob.status == "pending",
                    ScheduledJob.kind == "timer",
                )
            ).scalars()
        )


def test_a_waiting_timer_keeps_its_due_time_and_a_changed_timer_refuses(
    engine: Engine, clock: ManualClock
) -> None:
    timer = m.timer_catch("t", '"PT1H"')
    deploy(engine, A, timer, B)
    case_id = start_at(engine, 1)
    assert _timer_due(engine, case_id) == [START + timedelta(hours=1)]
    clock.advance(minutes=30)
    deploy(engine, A, m.timer_catch("t", '"PT2H"'), B)
    report = engine.migrate_cases("p", 2, actor=SYSTEM_ACTOR, dry_run=True)
    assert [r.code for r in report.outcomes[0].reasons] == ["timer_changed"]
    deploy(engine, A, timer, C, B)  # version 3: same timer, a new step after it
    report = engine.migrate_cases("p", 3, actor=SYSTEM_ACTOR)
    assert report.outcomes[0].result == "moved"
    assert _timer_due(engine, case_id) == [START + timedelta(hours=1)]
    clock.advance(minutes=31)
    assert Scheduler(engine).run_due().fired == 1
    assert finish_all(engine, case_id) == ["c", "b"]


class ReviewForm(Schema):
    verdict = fields.String()


def test_changed_form_refuses(engine: Engine, registry: Registry) -> None:
    registry.form("p", "b2", ReviewForm)
    deploy(engine, A, B)
    case_id = start_at(engine, 1)
    deploy(engine, A, B2)
    report = engine.migrate_cases("p", 2, actor=SYSTEM_ACTOR, mapping={"b": "b2"}, dry_run=True)
    assert [r.code for r in report.outcomes[0].reasons] == ["form_changed"]
    assert "verdict" in report.outcomes[0].describe()
    assert engine.case(case_id).version == 1


def test_bad_requests(engine: Engine) -> None:
    deploy(engine, A, B)
    with pytest.raises(NotFound):
        engine.migrate_cases("nope", 2, actor=SYSTEM_ACTOR)
    with pytest.raises(NotFound):
        engine.migrate_cases("p", 7, actor=SYSTEM_ACTOR)
    deploy(engine, A, C)
    with pytest.raises(ValidationFailed) as error:
        engine.migration_plans("p", 2, 1, {"b": "zz"})
    assert "zz" in str(error.value.errors)
    with pytest.raises(ValidationFailed):
        engine.migration_plans("p", 2, 2)


# -- the command ---------------------------------------------------------------------------


@pytest.fixture
def cli(db, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from webapp.cli import main

    monkeypatch.setenv("STUURBOORD_DATABASE_URL", db.url)
    monkeypatch.setenv("STUURBOORD_INSTANCE_PATH", str(tmp_path))
    runner = CliRunner()

    def run(*args: str, code: int = 0):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    return run


def test_cli_dry_run_map_case_and_move(cli, db) -> None:
    engine = Engine(db)
    deploy(engine, A, B)
    at_a, at_b, other = start_at(engine, 0), start_at(engine, 1), start_at(engine, 1)
    deploy(engine, A, B2)
    out = cli("migrate", "p", "--to", "2", "--dry-run")
    assert "v1 -> v2: b (Review) has no place in the new version; perhaps --map b=b2" in out
    assert f"case {at_a} (p): can move v1 -> v2" in out
    assert f"case {at_b} (p): refused: it waits in 'Review', which has no place" in out
    assert "dry run, nothing changed: 1 of 3 cases can move, 2 cannot" in out
    assert engine.case(at_a).version == 1
    out = cli(
        "migrate",
        "p",
        "--to",
        "2",
        "--from",
        "1",
        "--map",
        "b=b2",
        "--case",
        str(at_b),
        "--reason",
        "renamed",
    )
    assert f"case {at_b} (p): moved v1 -> v2" in out
    assert "moved 1, refused 0, failed 0 of 1 cases" in out
    assert engine.case(at_b).version == 2 and engine.case(other).version == 1
    assert "moved 2, refused 0, failed 0 of 2 cases" in cli(
        "migrate", "p", "--to", "2", "--map", "b=b2"
    )
    assert "audit trail intact" in cli("audit", "verify")


def test_cli_errors_and_failed_exit_code(cli, db, monkeypatch) -> None:
    engine = Engine(db)
    deploy(engine, A, B)
    start_at(engine, 1)
    assert "no version 9" in cli("migrate", "p", "--to", "9", code=1)
    assert "no process 'nope'" in cli("migrate", "nope", "--to", "1", code=1)
    deploy(engine, A, C)
    assert "OLD=NEW" in cli("migrate", "p", "--to", "2", "--map", "b", code=1)
    assert "'zz' is no element" in cli("migrate", "p", "--to", "2", "--map", "b=zz", code=1)
    from engine.running import migration

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(migration.Migrations, "_move", broken)
    out = cli("migrate", "p", "--to", "2", "--map", "b=c", code=1)
    assert "failed: moving failed: RuntimeError: disk full" in out
    assert "moved 0, refused 0, failed 1 of 1 cases" in out


def test_spiffworkflows_migrate_workflow_would_restart_a_waiting_timer() -> None:
    """Why `Mover` does not call SpiffWorkflow's `migrate_workflow`: it resets waiting tasks and
    clears their internal data, so a timer's due time is computed again from the moment of the
    move. `Mover` keeps it."""
    from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow

    from engine.running.migration_plan import Mover, build_plan
    from engine.running.serialization import SERIALIZER
    from engine.timing.clock import active

    def specs(xml: bytes):
        parser = SpiffBpmnParser()
        parser.add_bpmn_str(xml)
        return parser.get_spec("p"), parser.get_subprocess_specs("p")

    timer = m.timer_catch("t", '"PT1H"')
    old = specs(m.definitions(m.process("p", [A, timer, B])))
    new = specs(m.definitions(m.process("p", [A, timer, C, B])))
    clock = ManualClock(START)

    def waiting_timer() -> tuple[BpmnWorkflow, str]:
        with active(clock):
            workflow = BpmnWorkflow(*old)
            workflow.do_engine_steps()
            workflow.get_tasks(state=TaskState.READY, manual=True)[0].run()
            workflow.do_engine_steps()
        [task] = workflow.get_tasks(state=TaskState.WAITING, spec_name="t")
        return workflow, task.internal_data["event_value"]

    theirs, due = waiting_timer()
    clock.advance(minutes=30)
    with active(clock):
        migrate_workflow(diff_workflow(SERIALIZER.registry, theirs, *new)[0], theirs, new[0])
    [task] = theirs.get_tasks(state=TaskState.WAITING, spec_name="t")
    assert task.internal_data["event_value"] != due  # restarted at the move

    clock.set(START)
    ours, due = waiting_timer()
    clock.advance(minutes=30)
    plan = build_plan("p", 1, 2, old, new, {})
    with active(clock):
        Mover(plan, old, new, lambda _element: None).move(ours)
    [task] = ours.get_tasks(state=TaskState.WAITING, spec_name="t")
    assert task.internal_data["event_value"] == due
    assert [t.task_spec.bpmn_id for t in task.children] == ["c"]  # predicted from version 2


# -- structure around the waiting tasks changes ---------------------------------------------------


def _deploy_proc(engine: Engine, proc) -> bytes:
    from tests.conformance.bpmnkit import definitions

    xml = definitions(proc).encode()
    engine.deploy_files([(f"{proc.id}.bpmn", xml)])
    return xml


def _parallel(with_check: bool):
    from tests.conformance.bpmnkit import Proc

    p = Proc("par")
    p.chain(p.start(), p.par("split"))
    p.chain("split", p.user("a"), p.par("join"))
    p.chain("split", p.user("b"), "join")
    if with_check:
        p.chain("join", p.user("c"), p.script("sum", "total = 1"), p.end())
    else:
        p.chain("join", p.script("sum", "total = 1"), p.end())
    return p


def test_a_waiting_parallel_join_moves_and_the_new_step_after_it_comes(engine: Engine) -> None:
    _deploy_proc(engine, _parallel(False))
    case = engine.start_case("par", {})
    engine.complete_task(dict((e, t) for t, e in ready(engine, case.id))["b"], {}, SYSTEM_ACTOR)
    v2 = _deploy_proc(engine, _parallel(True))
    report = engine.migrate_cases("par", 2, actor=SYSTEM_ACTOR)
    assert report.outcomes[0].result == "moved", report.outcomes[0].describe()
    assert finish_all(engine, case.id) == ["a", "c"]
    assert engine.case(case.id).status == "completed"
    assert sorted(plain_run(v2, "par")) == ["a", "b", "c"]


def _nested(with_extra: bool):
    from tests.conformance.bpmnkit import Proc

    inner = Proc("")
    inner.chain(inner.start("i_start"), inner.user("deep"), inner.end("i_end"))
    middle = Proc("")
    middle.chain(middle.start("m_start"), middle.sub("inner", inner), middle.user("mid"),
                 middle.end("m_end"))  # fmt: skip
    p = Proc("nest")
    if with_extra:
        p.chain(p.start(), p.sub("outer", middle), p.user("extra"), p.end())
    else:
        p.chain(p.start(), p.sub("outer", middle), p.end())
    return p


def test_a_case_deep_in_subprocesses_moves_and_what_follows_them_is_new(engine: Engine) -> None:
    _deploy_proc(engine, _nested(False))
    case = engine.start_case("nest", {})
    assert [e for _, e in ready(engine, case.id)] == ["deep"]
    v2 = _deploy_proc(engine, _nested(True))
    report = engine.migrate_cases("nest", 2, actor=SYSTEM_ACTOR)
    assert report.outcomes[0].result == "moved", report.outcomes[0].describe()
    assert finish_all(engine, case.id) == plain_run(v2, "nest") == ["deep", "mid", "extra"]
    assert engine.case(case.id).status == "completed"
