"""Moving a case to another version at every point of its run changes nothing about the run.

Every conformance model runs through Stuurboord as in tests/test_conformance.py, but before each
input the case is moved to the other of two versions of its process (the second differs from
the first only in a start event's documentation, so every element has a place). The outcome
must be the one plain SpiffWorkflow 3.2 gives with no move at all. A case that may not move (an
incident) stays where it is and goes on."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from engine import SYSTEM_ACTOR, Database, Engine, ManualClock, Registry
from engine.scheduling.scheduler import Scheduler
from engine.storage.models import ProcessVersion
from tests.conformance.corpus import SCENARIOS
from tests.conformance.harness import (
    Complete,
    Message,
    Outcome,
    Scenario,
    _deployed_specs,
    _files,
    _form,
    _listen,
    _pick,
    run_plain,
)
from tests.conftest import START
from tests.helpers import actor

IDS = [scenario.model for scenario in SCENARIOS]


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "stuurboord.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _second_version(path: Path, process_id: str) -> bytes:
    """The same model with a documentation line on the process's start event."""
    tree = etree.parse(str(path))
    process = tree.find(f"{{{BPMN_NS}}}process[@id='{process_id}']")
    start = process.find(f"{{{BPMN_NS}}}startEvent")
    note = etree.Element(f"{{{BPMN_NS}}}documentation")
    note.text = "version 2"
    start.insert(0, note)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def run_moving(scenario: Scenario, db: Database) -> tuple[Outcome, int]:
    registry = Registry()
    clock = ManualClock(START)
    engine = Engine(db, registry, clock)
    files = _files(scenario)
    engine.deploy(files)
    second = [(p.name, _second_version(p, scenario.process) if p.suffix == ".bpmn"
               else p.read_bytes()) for p in files]  # fmt: skip
    engine.deploy_files(second)
    assert [v.version for v in engine.versions(scenario.process)] == [1, 2]
    forms = {"start": scenario.start}
    for step in scenario.inputs:
        if isinstance(step, Complete):
            forms.setdefault(step.element, {}).update(step.data)
    specs = _deployed_specs(engine)
    for process_id in specs:
        for element, data in forms.items():
            registry.form(process_id, element, _form(data))
    completed: list[str] = []
    with engine.db.read() as session:
        version_ids = session.execute(select(ProcessVersion.id).where(
            ProcessVersion.process_id == scenario.process)).scalars().all()  # fmt: skip
    for version_id in version_ids:
        _listen(engine._cases._specs(version_id), completed)
    clerk = actor(engine, "carla", ("clerk", None))
    case = engine.start_case(scenario.process, scenario.start, clerk)
    scheduler = Scheduler(engine)
    moves = 0
    for step in scenario.inputs:
        current = engine.case(case.id)
        if current.status in ("running", "incident"):
            target = 2 if current.version == 1 else 1
            report = engine.migrate_cases(scenario.process, target, actor=SYSTEM_ACTOR,
                                          case_ids=[case.id])  # fmt: skip
            [outcome] = report.outcomes
            assert outcome.result in ("moved", "refused"), outcome
            if outcome.result == "refused":
                assert [r.code for r in outcome.reasons] == ["incident"], outcome
            moves += outcome.result == "moved"
        engine._cases.workflows.clear()
        if isinstance(step, Complete):
            ready = [t for t in engine.case_tasks(case.id) if t.state == "ready"]
            task = _pick(step.element, ready, [t.element_id for t in ready])
            engine.complete_task(task.id, step.data, clerk)
        elif isinstance(step, Message):
            engine.send_message(case.id, step.name, step.payload)
        else:
            clock.advance(seconds=step.seconds)
            scheduler.run_due()
    info = engine.case(case.id)
    open_tasks = [t.element_id for t in engine.case_tasks(case.id) if t.state == "ready"]
    assert engine.verify_audit().ok
    return Outcome(completed, dict(info.data), info.status, open_tasks), moves


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_moving_at_every_step_agrees_with_spiffworkflow(
    scenario: Scenario, sqlite_db: Database
) -> None:
    """On SQLite only: tests/test_migration.py moves cases on both databases."""
    plain = run_plain(scenario)
    ours, moves = run_moving(scenario, sqlite_db)
    if scenario.inputs and plain.status != "incident":
        assert moves >= 1
    if scenario.expected_difference:
        assert ours.status == plain.status
        expected = list(scenario.expected_path)
        assert ours.path == expected if scenario.ordered else sorted(ours.path) == sorted(expected)
        return
    assert ours.comparable(scenario.ordered) == plain.comparable(scenario.ordered)
