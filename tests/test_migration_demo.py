"""Moving the demo committee's running topic cases to a new version of the topic process: the
real models (boundary timers, messages, receive tasks, service tasks), not test models."""

from __future__ import annotations

from sqlalchemy import select

import processes
from engine import SYSTEM_ACTOR, Engine
from engine.storage.models import ScheduledJob
from engine.timing.policy import load_policy
from processes import demo
from tests.processes_fixtures import BPMN_DIR
from tests.test_migration import stored


def test_demo_topic_cases_move_to_version_2(db) -> None:
    engine = Engine(db, processes.build_registry(), policy=load_policy(BPMN_DIR / "policy"))
    engine.deploy([BPMN_DIR])
    demo.load(engine)
    xml = (BPMN_DIR / "topic.bpmn").read_text()
    changed = xml.replace('name="Beslissen over agendering"', 'name="Beslissen over de agenda"')
    assert changed != xml
    dmn = (BPMN_DIR / "admission.dmn").read_bytes()
    engine.deploy_files([("topic.bpmn", changed.encode()), ("admission.dmn", dmn)])
    open_cases = [
        c
        for c in engine.list_cases(process_id="topic", limit=1000)
        if c.status in ("running", "incident")
    ]
    assert len(open_cases) >= 3

    before = {c.id: stored(engine, c.id) for c in open_cases}
    timers = pending_jobs(engine)
    dry = engine.migrate_cases("topic", 2, actor=SYSTEM_ACTOR, dry_run=True)
    assert {c.id: stored(engine, c.id) for c in open_cases} == before
    assert dry.count("can_move") >= 3
    refused = {
        o.case_id: [r.code for r in o.reasons] for o in dry.outcomes if o.result == "refused"
    }
    assert all(codes in (["incident"], ["suspended"]) for codes in refused.values()), refused

    report = engine.migrate_cases("topic", 2, actor=SYSTEM_ACTOR, reason="agenda wording")
    assert report.ok and report.count("moved") == dry.count("can_move")
    for outcome in report.outcomes:
        if outcome.result != "moved":
            assert stored(engine, outcome.case_id) == before[outcome.case_id]
            continue
        case = engine.case(outcome.case_id)
        assert case.version == 2
        # The same tasks wait, under the same ids, and the state loads on version 2.
        assert stored(engine, case.id)[5] == before[case.id][5]
        assert engine.diagram_state(case.id).version == 2
    waits = {w for o in report.outcomes for w in o.waiting_in}
    assert {"wait_outcome", "outcome_late", "chair_decision"} <= waits
    # Timers (the boundary timer on the wait for the outcome), reminders and escalations keep
    # their due times.
    assert pending_jobs(engine) == timers
    assert engine.verify_audit().ok


def pending_jobs(engine: Engine) -> set[tuple]:
    with engine.db.read() as session:
        return set(
            session.execute(
                select(ScheduledJob.kind, ScheduledJob.task_id, ScheduledJob.due_at).where(
                    ScheduledJob.status == "pending"
                )
            ).all()
        )
