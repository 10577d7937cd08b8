"""Saving a case state: the fast path (`state_to_json`) must write exactly the text SpiffWorkflow's
serializer writes (`slow_state_to_json`), for every corpus model at every point of its run
(pruned and whole), for the models in tests/bpmn with plain, typed (date, datetime, Decimal,
timedelta) and look-alike data, for the committee's processes in bpmn/ as the demo runs them,
and for the odd values and types the fast path hands back to SpiffWorkflow."""

from __future__ import annotations

import json
import math
import shutil
from collections import OrderedDict
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task

import processes
from engine import Database, Engine
from engine.running import serialization, steps
from engine.running.serialization import prune, slow_state_to_json, state_to_json
from engine.timing.policy import load_policy
from processes import demo
from tests.conformance import harness
from tests.conformance.corpus import SCENARIOS
from tests.processes_fixtures import BPMN_DIR
from tests.test_serialization import (
    BPMN,
    LOOKALIKE,
    MODEL_FILES,
    SCRIPTS,
    START_DATA,
    TYPED,
    _parse,
)


def assert_same_save(workflow: BpmnWorkflow) -> str:
    text = state_to_json(workflow)
    assert text == slow_state_to_json(workflow)
    return text


@pytest.fixture
def no_fallback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fails the test if `state_to_json` hands a workflow to SpiffWorkflow's serializer."""
    fallbacks: list[Any] = []
    original = serialization.slow_state_to_json
    monkeypatch.setattr(
        serialization, "slow_state_to_json", lambda w: fallbacks.append(w) or original(w)
    )
    yield
    assert fallbacks == []


def _corpus_saves(scenario: harness.Scenario) -> int:
    """Compare the saves of every state plain SpiffWorkflow passes through, whole and pruned."""
    count = 0

    def check_then_prune(workflow: BpmnWorkflow) -> int:
        nonlocal count
        assert_same_save(workflow)
        dropped = prune(workflow)
        assert_same_save(workflow)
        count += 2
        return dropped

    original = harness.prune
    harness.prune = check_then_prune
    try:
        harness.run_plain(scenario, prune_each=True)
    finally:
        harness.prune = original
    return count


@pytest.mark.usefixtures("no_fallback")
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.model for s in SCENARIOS])
def test_fast_save_equals_spiffworkflow_along_the_corpus(scenario: harness.Scenario) -> None:
    assert _corpus_saves(scenario) >= 2


def _model_workflows(path: Path, extra: dict[str, Any], steps: int = 12) -> Iterator[Any]:
    """The workflow after every engine step and every completed user task (as in
    tests/test_serialization.py's `_model_states`), yielded live."""
    from engine.running.runtime import ready_human_tasks

    for specs in _parse(path):
        workflow = BpmnWorkflow(*specs, script_engine=SCRIPTS)
        workflow.task_tree.data.update(START_DATA | extra)
        yield workflow
        for step in range(steps):
            try:
                workflow.do_engine_steps()
            except Exception:
                yield workflow
                break
            yield workflow
            ready = ready_human_tasks(workflow)
            if not ready:
                break
            task = ready[step % len(ready)]
            task.data.update({"step": step, "approved": step % 2 == 0, **extra})
            if step % 3 == 2:
                task.data.pop("requester", None)
            try:
                task.run()
            except Exception:
                break
            yield workflow
            if step % 2:
                prune(workflow)
                yield workflow


@pytest.mark.usefixtures("no_fallback")
@pytest.mark.parametrize("extra", [{}, TYPED, LOOKALIKE], ids=["plain", "typed", "lookalike"])
@pytest.mark.parametrize("path", MODEL_FILES, ids=[p.stem for p in MODEL_FILES])
def test_fast_save_equals_spiffworkflow_for_the_models(path: Path, extra: dict[str, Any]) -> None:
    count = 0
    for workflow in _model_workflows(path, extra):
        text = assert_same_save(workflow)
        if extra is TYPED and count:
            assert '"typename": "Decimal"' in text
        count += 1
    assert count >= 2


@pytest.mark.usefixtures("no_fallback")
def test_fast_save_equals_spiffworkflow_for_the_committee_processes(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo load runs every process in bpmn/ through the engine (timers, subprocesses,
    forms with dates); every state it saves is compared."""
    saved: list[str] = []

    def checked(workflow: BpmnWorkflow) -> str:
        saved.append(workflow.spec.name)
        return assert_same_save(workflow)

    monkeypatch.setattr(steps, "state_to_json", checked)
    path = tmp_path / "stuurboord.db"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    try:
        engine = Engine(
            db, processes.build_registry(), None, policy=load_policy(BPMN_DIR / "policy")
        )
        engine.deploy([BPMN_DIR])
        demo.load(engine)
    finally:
        db.dispose()
    names = {p.stem for p in BPMN_DIR.glob("*.bpmn")}
    assert names <= set(saved), names - set(saved)


# -- the paths taken --------------------------------------------------------------------------


def _review_workflow(data: dict[str, Any]) -> BpmnWorkflow:
    [specs] = [s for s in _parse(BPMN / "review.bpmn") if s[0].name == "review"]
    workflow = BpmnWorkflow(*specs, script_engine=SCRIPTS)
    workflow.task_tree.data.update(START_DATA | data)
    workflow.do_engine_steps()
    ready = [t for t in workflow.get_tasks() if t.task_spec.name == "intake"]
    ready[0].data.update({"amount": 5000, "note": ""} | data)
    ready[0].run()
    workflow.do_engine_steps()
    return workflow


@pytest.mark.usefixtures("no_fallback")
def test_plain_states_take_the_fast_path() -> None:
    workflow = _review_workflow({"when": date(2026, 1, 2)})
    assert_same_save(workflow)
    assert not serialization.SERIALIZER.registry._encoder_mode


class OtherTask(Task):
    pass


class OtherWorkflow(BpmnWorkflow):
    pass


def _retype_a_task(workflow: BpmnWorkflow) -> None:
    task = next(iter(workflow.tasks.values()))
    task.__class__ = OtherTask


def _retype_the_workflow(workflow: BpmnWorkflow) -> None:
    workflow.__class__ = OtherWorkflow


@pytest.mark.parametrize("change", [_retype_a_task, _retype_the_workflow])
def test_unknown_types_go_through_spiffworkflow(
    change: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    workflow = _review_workflow({})
    change(workflow)
    slow = []
    original = serialization.slow_state_to_json
    monkeypatch.setattr(
        serialization, "slow_state_to_json", lambda w: slow.append(w) or original(w)
    )
    with pytest.raises(TypeError):  # SpiffWorkflow's serializer does not know them either
        state_to_json(workflow)
    assert len(slow) == 1
    assert not serialization.SERIALIZER.registry._encoder_mode


ODD = [
    2**70,
    -(2**64),
    float("inf"),
    -math.inf,
    math.nan,
    "\ud800 lone surrogate",
    'é ü \u2028 "quoted" \\ \n',
    0.1,
    -0.0,
    True,
    None,
    (1, 2),
    {"set", "of"},  # SpiffWorkflow's encoder writes sets as lists
    {1: "int key", None: "none key", 2.5: "float key", False: "bool key"},
    date(2026, 12, 3),
    datetime(2026, 12, 3, 1, 2, 3),
    Decimal("1.10"),
    len,  # callables are written as null, or dropped from workflow and internal data
    json,  # modules too
    OrderedDict(a=1),
]


@pytest.mark.parametrize("value", ODD, ids=[f"{i}-{type(v).__name__}" for i, v in enumerate(ODD)])
def test_odd_values_are_saved_as_spiffworkflow_saves_them(value: Any) -> None:
    workflow = _review_workflow({"odd": value, "nested": {"odd": [value]}})
    root = workflow.task_tree
    root.data["odd_root"] = value
    for task in workflow.tasks.values():
        task.internal_data["odd"] = value
    workflow.data["odd"] = value
    workflow.correlations["odd"] = value
    assert_same_save(workflow)


@pytest.mark.parametrize("kind", [OrderedDict, dict], ids=["ordered-dict", "dict"])
def test_data_that_is_not_a_plain_dict(kind: type) -> None:
    workflow = _review_workflow({"x": 1})
    for task in workflow.tasks.values():
        task.data = kind(task.data)
        task.internal_data = kind(task.internal_data)
    workflow.data = kind({"y": 2})
    assert_same_save(workflow)


def test_a_nan_equal_to_itself_only_by_identity() -> None:
    """A value a task shares with its parent but that is != itself (nan) is an update."""
    workflow = _review_workflow({})
    nan = float("nan")
    for task in workflow.tasks.values():
        task.data["same_nan"] = nan
    text = assert_same_save(workflow)
    assert '"same_nan": NaN' in text


def test_circular_data_fails_as_in_spiffworkflow() -> None:
    workflow = _review_workflow({})
    loop: dict[str, Any] = {}
    loop["self"] = loop
    workflow.task_tree.data["loop"] = loop
    with pytest.raises(ValueError, match="Circular reference") as fast:
        state_to_json(workflow)
    with pytest.raises(ValueError, match="Circular reference") as slow:
        slow_state_to_json(workflow)
    assert str(fast.value) == str(slow.value)
    assert not serialization.SERIALIZER.registry._encoder_mode
