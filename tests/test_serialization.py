"""Loading a stored case state: the fast path (`state_from_json`) must build the same workflow as
SpiffWorkflow's own deserializer (`slow_state_from_dict`), for every corpus model at every point
of its run (pruned and whole), for the models in tests/bpmn, and for task data that needs
restoring (dates, decimals, datetimes) or only looks as if it did."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.task import Task

from engine import Registry
from engine.running import serialization
from engine.running.runtime import ready_human_tasks
from engine.running.scripting import EngineScripts
from engine.running.serialization import (
    prune,
    slow_state_from_dict,
    state_from_json,
    state_to_json,
)
from tests.conformance import harness
from tests.conformance.corpus import SCENARIOS

BPMN = Path(__file__).parent / "bpmn"
SCRIPTS = EngineScripts(Registry())


def _shape(value: Any, seen: dict[int, int]) -> Any:
    """The value with every dict, list and set replaced by (its number in order of first
    meeting, contents): equal shapes mean equal values and the same sharing between tasks."""
    kind = type(value)
    if kind in (dict, list, set) or isinstance(value, (dict, list, set)):
        first = id(value) not in seen
        number = seen.setdefault(id(value), len(seen))
        if not first:
            return ("seen", number)
        if isinstance(value, dict):
            items: Any = [(k, _shape(v, seen)) for k, v in value.items()]
        elif isinstance(value, set):
            items = sorted(map(repr, value))
        else:
            items = [_shape(v, seen) for v in value]
        return (kind.__name__, number, items)
    if kind in serialization.SERIALIZER.registry.typenames and kind not in RESTORED:
        return (kind.__name__, serialization.SERIALIZER.registry.convert(value))
    return (kind.__name__, value)


RESTORED = (date, datetime, Decimal, timedelta)  # compare by value, not by their dicts


def _flow(flow: Any, seen: dict[int, int]) -> dict[str, Any]:
    tasks = []
    for key, task in flow.tasks.items():
        attributes = vars(task)
        assert type(task) is Task
        assert key == task.id and attributes["workflow"] is flow
        tasks.append(
            [
                (name, _shape(value, seen))
                if name in ("data", "internal_data")
                else (name, value if name != "workflow" else None)
                for name, value in attributes.items()
            ]
        )
    return {
        "class": type(flow).__name__,
        "tasks": tasks,
        "root": flow.task_tree.id,
        "last_task": flow.last_task.id if flow.last_task is not None else None,
        "success": flow.success,
        "completed": flow.completed,
        "correlations": flow.correlations,
        "data": _shape(flow.data, seen),
        "spec": flow.spec,
        "receivers": _receivers(flow.completed_event),
        "extra": sorted(set(vars(flow)) - {"tasks", "task_tree", "last_task", "data"}),
    }


def _receivers(event: Any) -> list[Any]:
    """What `completed_event.connect` hooked up (a subprocess to its task): tasks by id."""
    return [
        (getattr(callback, "__func__", callback), getattr(callback, "__self__", None),
         [getattr(arg, "id", arg) for arg in args], kwargs)
        for callback, args, kwargs in event.hard_subscribers or []
    ]  # fmt: skip


def snapshot(workflow: BpmnWorkflow) -> dict[str, Any]:
    seen: dict[int, int] = {}
    return {
        "top": _flow(workflow, seen),
        "subprocesses": {key: _flow(sub, seen) for key, sub in workflow.subprocesses.items()},
        "sub_parents": {key: sub.parent_task_id for key, sub in workflow.subprocesses.items()},
        "waiting": list(workflow.event_manager.tasks),
        "bpmn_events": serialization.SERIALIZER.registry.convert(workflow.bpmn_events),
        "script_engine": workflow.script_engine,
        "subprocess_specs": workflow.subprocess_specs,
    }


def assert_same_load(text: str, specs: Any) -> BpmnWorkflow:
    fast = state_from_json(text, specs[0], specs[1], SCRIPTS)
    slow = slow_state_from_dict(json.loads(text), specs[0], specs[1], SCRIPTS)
    assert snapshot(fast) == snapshot(slow)
    assert state_to_json(fast) == state_to_json(slow)
    return fast


# -- states along the corpus runs -------------------------------------------------------------


def _corpus_states(scenario: harness.Scenario) -> Iterator[tuple[str, Any]]:
    """Every state plain SpiffWorkflow passes through (after every task), whole and pruned."""
    states: list[tuple[str, Any]] = []

    def record_then_prune(workflow: BpmnWorkflow) -> int:
        states.append((state_to_json(workflow), (workflow.spec, workflow.subprocess_specs)))
        dropped = prune(workflow)
        states.append((state_to_json(workflow), (workflow.spec, workflow.subprocess_specs)))
        return dropped

    original = harness.prune
    harness.prune = record_then_prune
    try:
        harness.run_plain(scenario, prune_each=True)
    finally:
        harness.prune = original
    yield from states


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.model for s in SCENARIOS])
def test_fast_load_equals_spiffworkflow_along_the_corpus(scenario: harness.Scenario) -> None:
    count = 0
    for text, specs in _corpus_states(scenario):
        assert_same_load(text, specs)
        count += 1
    assert count >= 2


# -- the models in tests/bpmn, with data that needs restoring ----------------------------------

START_DATA = {
    "amount": 1500,
    "passes": 0,
    "limit": 3,
    "drafts": 0,
    "requester": "carla",
    "nested": {"list": [1, {"deep": "x"}], "empty": {}},
}
TYPED = {
    "when": date(2026, 12, 3),
    "at": datetime(2026, 12, 3, 18, 0, 0),
    "cost": Decimal("12.50"),
    "span": timedelta(days=2),
    "deep": {"list": [date(2026, 1, 1), {"at": datetime(2026, 1, 2, 3, 4, 5)}]},
}
# (A `typename` key in task data cannot be stored at all: SpiffWorkflow's restore fails on it.)
LOOKALIKE = {"note": "typename", "nested": {"names": ["typename", "Task"]}}


def _parse(path: Path) -> list[tuple[Any, dict[str, Any]]]:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(path))
    for dmn in path.parent.glob("*.dmn"):
        parser.add_dmn_file(str(dmn))
    return [(parser.get_spec(p), parser.get_subprocess_specs(p)) for p in parser.get_process_ids()]


def _model_states(path: Path, extra: dict[str, Any], steps: int = 12) -> Iterator[tuple[str, Any]]:
    for specs in _parse(path):
        workflow = BpmnWorkflow(*specs, script_engine=EngineScripts(Registry()))
        workflow.task_tree.data.update(START_DATA | extra)
        for step in range(steps):
            try:
                workflow.do_engine_steps()
            except Exception:  # a failed task (ERROR) is a state to load too
                yield state_to_json(workflow), specs
                break
            yield state_to_json(workflow), specs
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
            yield state_to_json(workflow), specs
            if step % 2:
                prune(workflow)
        if workflow.is_completed():
            yield state_to_json(workflow), specs


# timer_computed and timer_wait parse only through the engine's deploy (their timer expressions).
MODEL_FILES = sorted(
    p for p in BPMN.glob("*.bpmn") if p.stem not in ("timer_computed", "timer_wait")
)


@pytest.mark.parametrize("extra", [{}, TYPED, LOOKALIKE], ids=["plain", "typed", "lookalike"])
@pytest.mark.parametrize("path", MODEL_FILES, ids=[p.stem for p in MODEL_FILES])
def test_fast_load_equals_spiffworkflow_for_the_models(path: Path, extra: dict[str, Any]) -> None:
    count = 0
    for text, specs in _model_states(path, extra):
        workflow = assert_same_load(text, specs)
        if extra is TYPED:
            assert any(
                task.data.get("cost") == Decimal("12.50") for task in workflow.tasks.values()
            )
        count += 1
    assert count >= 1


# -- the paths taken --------------------------------------------------------------------------


def _review_state(data: dict[str, Any]) -> tuple[str, Any]:
    [specs] = [s for s in _parse(BPMN / "review.bpmn") if s[0].name == "review"]
    workflow = BpmnWorkflow(*specs, script_engine=SCRIPTS)
    workflow.task_tree.data.update(START_DATA | data)
    workflow.do_engine_steps()
    return state_to_json(workflow), specs


def test_plain_values_are_taken_as_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    text, specs = _review_state({})
    calls = []
    monkeypatch.setattr(
        serialization.SERIALIZER.registry, "restore", lambda v, **k: calls.append(v) or v
    )
    state_from_json(text, specs[0], specs[1], SCRIPTS)
    assert calls == []  # no value went through DictionaryConverter.restore


@pytest.mark.parametrize("data", [TYPED, LOOKALIKE], ids=["typed", "lookalike"])
def test_values_with_a_marker_are_restored(data: dict[str, Any]) -> None:
    text, specs = _review_state(data)
    dct = json.loads(text)
    assert not serialization._plain_values(text, dct)
    workflow = assert_same_load(text, specs)
    if data is TYPED:
        assert workflow.task_tree.data["when"] == date(2026, 12, 3)
        assert workflow.task_tree.data["deep"]["list"][1]["at"] == datetime(2026, 1, 2, 3, 4, 5)


def test_other_serializer_versions_go_through_spiffworkflow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text, specs = _review_state({})
    dct = json.loads(text)
    dct["serializer_version"] = "0.0-unknown"  # no migration registered for it
    called = []
    monkeypatch.setattr(serialization, "_fast_state", lambda *a: called.append(a))
    workflow = state_from_json(json.dumps(dct), specs[0], specs[1], SCRIPTS)
    assert not called and isinstance(workflow, BpmnWorkflow)
    monkeypatch.undo()
    assert snapshot(workflow) == snapshot(state_from_json(text, specs[0], specs[1], SCRIPTS))


def test_what_the_fast_path_does_not_know_goes_through_spiffworkflow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text, specs = _review_state({})
    dct = json.loads(text)
    [task_id] = [key for key, item in dct["tasks"].items() if item["task_spec"] == "intake"]
    dct["tasks"][task_id]["typename"] = "SomeOtherTask"
    slow = []
    original = serialization.slow_state_from_dict
    monkeypatch.setattr(
        serialization, "slow_state_from_dict", lambda *a: slow.append(a) or original(*a)
    )
    with pytest.raises(TypeError):  # SpiffWorkflow's restore knows no such type either
        state_from_json(json.dumps(dct), specs[0], specs[1], SCRIPTS)
    assert len(slow) == 1


@pytest.mark.parametrize(
    "value", [2**70, -(2**64), float("inf"), "\ud800 lone surrogate", 0.1, -0.0], ids=str
)
def test_odd_json_values_load_as_spiffworkflow_loads_them(value: Any) -> None:
    text, specs = _review_state({"odd": value, "nested": {"odd": [value]}})
    workflow = assert_same_load(text, specs)
    assert repr(workflow.task_tree.data["odd"]) == repr(value)
