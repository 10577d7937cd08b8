"""The conformance corpus: every model runs through Stuurboord (pruned, on SQLite and PostgreSQL;
with pruning off, on SQLite) and through plain SpiffWorkflow 3.2 with the same inputs. All must
agree on the completed elements, the final data, the status and the open tasks, unless a model
documents why pruned Stuurboord differs on purpose."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine import Database, Registry
from engine.running import runtime
from engine.running.runtime import load_workflow
from engine.running.scripting import EngineScripts
from engine.running.serialization import state_to_json
from tests.conformance.bpmnkit import Proc, definitions
from tests.conformance.corpus import BUILDERS, DMN, SCENARIOS
from tests.conformance.harness import MODELS, Scenario, run_engine, run_plain

IDS = [scenario.model for scenario in SCENARIOS]


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "stuurboord.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_pruned_agrees_with_spiffworkflow(scenario: Scenario, db: Database) -> None:
    """Every step starts from the stored, pruned state (the in-process cache is dropped)."""
    plain = run_plain(scenario)
    assert plain.status == scenario.status, plain
    ours = run_engine(scenario, db, prune=True, reload=True)
    if scenario.expected_difference:
        assert ours.status == plain.status
        assert ours.path != plain.path
        expected = list(scenario.expected_path)
        assert ours.path == expected if scenario.ordered else sorted(ours.path) == sorted(expected)
        return
    assert ours.comparable(scenario.ordered) == plain.comparable(scenario.ordered)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_unpruned_agrees_with_spiffworkflow(scenario: Scenario, sqlite_db: Database) -> None:
    """With pruning off the engine keeps SpiffWorkflow's whole tree: it agrees on every model,
    the ones where pruned Stuurboord differs on purpose included."""
    plain = run_plain(scenario)
    ours = run_engine(scenario, sqlite_db, prune=False, reload=False)
    assert ours.comparable(scenario.ordered) == plain.comparable(scenario.ordered)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_pruning_after_every_task_changes_nothing(scenario: Scenario) -> None:
    """Plain SpiffWorkflow pruned after every completed task (the engine prunes when the case
    waits and every 100 tasks in long runs): the outcome must not depend on where that was."""
    plain = run_plain(scenario)
    pruned = run_plain(scenario, prune_each=True)
    if scenario.expected_difference:
        expected = list(scenario.expected_path)
        assert sorted(pruned.path) == sorted(expected) and pruned.status == plain.status
        return
    assert pruned.comparable(scenario.ordered) == plain.comparable(scenario.ordered)


@pytest.mark.parametrize("join", ["parallel", "inclusive"])
def test_pruned_state_stays_bounded_in_a_loop_through_a_join(join: str) -> None:
    """What pruning keeps for joins (nearest ancestors, merge partners) does not pile up."""
    specs = _loop_specs(join)
    workflow = BpmnWorkflow(*specs, script_engine=EngineScripts(Registry()))
    workflow.task_tree.data["n"] = 0
    assert runtime.run_until_wait(workflow) is None
    sizes = {}
    for done in range(1, 201):
        workflow = load_workflow(state_to_json(workflow), specs, workflow.script_engine)
        ready = runtime.ready_human_tasks(workflow)
        first = "a" if done % 2 else "b"  # finish the branches in both orders
        task = next((t for t in ready if t.task_spec.bpmn_id == first), ready[0])
        task.run()
        assert runtime.run_until_wait(workflow) is None
        if done in (20, 200):
            sizes[done] = (len(workflow.tasks), len(state_to_json(workflow)))
    assert sizes[200][0] == sizes[20][0], sizes
    assert sizes[200][1] <= sizes[20][1] * 1.05, sizes


def _loop_specs(join: str) -> runtime.Specs:
    p = Proc("join_loop")
    gateway = p.par if join == "parallel" else p.inc
    p.chain(p.start(), p.xor("merge"), gateway("split"))
    condition = None if join == "parallel" else "True"
    p.flow("split", p.user("a"), condition)
    p.flow("split", p.user("b"), condition)
    p.chain("a", gateway("join"))
    p.chain("b", "join")
    p.chain("join", p.script("count", "n = n + 1"), p.xor("again", default="f_out"))
    p.flow("again", "merge", "n < 1000")
    p.flow("again", p.end(), id="f_out")
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(definitions(p).encode())
    return parser.get_spec("join_loop"), parser.get_subprocess_specs("join_loop")


def test_corpus_is_large_and_written_out() -> None:
    assert len(BUILDERS) >= 40
    for name, build in BUILDERS.items():
        assert (MODELS / f"{name}.bpmn").read_text() == build(), f"rerun corpus.py for {name}"
    assert (MODELS / "conformance_rules.dmn").read_text() == DMN


def test_scenarios_name_their_models() -> None:
    assert {scenario.model for scenario in SCENARIOS} == set(BUILDERS)
    documented = [s for s in SCENARIOS if s.expected_difference]
    assert all(s.expected_path for s in documented)
