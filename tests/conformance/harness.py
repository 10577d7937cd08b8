"""Drive one conformance model through Stuurboord and through plain SpiffWorkflow 3.2 alike.

A scenario is a start payload and a list of inputs (complete a user task with data, deliver a
message, let time pass). Each driver records the elements it completed (from the task specs'
`completed_event`, so pruned history does not matter) and reports an `Outcome`: that path, the
final case data, the status and the user tasks still open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import Schema, fields
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import Database, Engine, ManualClock, Registry
from engine.running.runtime import case_data, ready_human_tasks
from engine.running.serialization import prune
from engine.scheduling.scheduler import Scheduler
from engine.storage.models import ProcessVersion
from engine.timing.clock import active
from tests.conftest import START
from tests.helpers import actor

MODELS = Path(__file__).parent / "models"


@dataclass(frozen=True)
class Complete:
    element: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Message:
    name: str
    payload: Any = None


@dataclass(frozen=True)
class Wait:
    """Let time pass: the clock moves on and due timers fire."""

    seconds: float


Input = Complete | Message | Wait


@dataclass(frozen=True)
class Scenario:
    model: str  # file stem in models/
    process: str
    start: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[Input, ...] = ()
    status: str = "completed"  # what plain SpiffWorkflow ends in (checks the scenario itself)
    ordered: bool = True  # False: compare the completed elements as a multiset
    dmn: tuple[str, ...] = ()
    # Why pruned Stuurboord differs on purpose, if it does, and the path it takes instead.
    expected_difference: str | None = None
    expected_path: tuple[str, ...] = ()


@dataclass
class Outcome:
    path: list[str]
    data: dict[str, Any]
    status: str
    open_tasks: list[str]

    def comparable(self, ordered: bool) -> tuple[Any, ...]:
        path = self.path if ordered else sorted(self.path)
        return (path, self.data, self.status, sorted(self.open_tasks))


def _recorder(path: list[str]) -> Callable[[Any, Any], None]:
    def record(_workflow: Any, task: Any) -> None:
        if task.task_spec.bpmn_id is not None:
            path.append(task.task_spec.bpmn_id)

    return record


def _listen(specs: tuple[Any, dict[str, Any]], path: list[str]) -> None:
    record = _recorder(path)
    for spec in [specs[0], *specs[1].values()]:
        for task_spec in spec.task_specs.values():
            task_spec.completed_event.connect(record)


def _files(scenario: Scenario) -> list[Path]:
    return [MODELS / f"{scenario.model}.bpmn", *(MODELS / f"{name}.dmn" for name in scenario.dmn)]


# -- plain SpiffWorkflow ----------------------------------------------------------------------


def run_plain(scenario: Scenario, *, prune_each: bool = False) -> Outcome:
    """Plain SpiffWorkflow; `prune_each` prunes after every completed task (the most often the
    engine could), so the outcome must not depend on where pruning happened."""
    parser = SpiffBpmnParser()
    for path in _files(scenario):
        if path.suffix == ".dmn":
            parser.add_dmn_file(str(path))
        else:
            parser.add_bpmn_file(str(path))
    specs = parser.get_spec(scenario.process), parser.get_subprocess_specs(scenario.process)
    completed: list[str] = []
    _listen(specs, completed)
    clock = ManualClock(START)
    workflow = BpmnWorkflow(*specs)
    workflow.task_tree.data.update(scenario.start)
    failed = False

    def after_task(_task: Any) -> None:
        if prune_each:
            prune(workflow)

    def advance(action: Callable[[], None]) -> None:
        nonlocal failed
        with active(clock):
            try:
                action()
                if prune_each:
                    prune(workflow)
                workflow.refresh_timers()
                workflow.do_engine_steps(did_complete_task=after_task)
            except WorkflowException:
                failed = True

    advance(lambda: None)
    for step in scenario.inputs:
        if isinstance(step, Complete):
            ready = ready_human_tasks(workflow)
            task = _pick(step.element, ready, [t.task_spec.bpmn_id for t in ready])
            task.data.update(step.data)
            advance(task.run)
        elif isinstance(step, Message):
            event = BpmnEvent(MessageEventDefinition(step.name), step.payload)
            advance(lambda event=event: workflow.send_event(event))
        else:
            clock.advance(seconds=step.seconds)
            advance(lambda: None)
    status = "completed" if workflow.is_completed() else "running"
    if failed or any(t.state == TaskState.ERROR for t in workflow.get_tasks()):
        status = "incident"
    open_tasks = [t.task_spec.bpmn_id for t in ready_human_tasks(workflow)]
    return Outcome(completed, case_data(workflow), status, open_tasks)


# -- Stuurboord -------------------------------------------------------------------------------


def _pick(element: str, ready: list[Any], elements: list[str]) -> Any:
    """The first ready task of `element`; a precise failure if the case does not offer one."""
    for task, element_id in zip(ready, elements, strict=True):
        if element_id == element:
            return task
    raise AssertionError(f"no ready task {element!r}; ready: {elements}")


def _form(data: dict[str, Any]) -> type[Schema]:
    return Schema.from_dict({name: fields.Raw(allow_none=True) for name in data})


def run_engine(scenario: Scenario, db: Database, *, prune: bool, reload: bool) -> Outcome:
    """Run the scenario through the Engine facade; `reload` drops the in-process workflow cache
    before every input, so each step starts from the stored (pruned) state."""
    registry = Registry()
    clock = ManualClock(START)
    engine = Engine(db, registry, clock, prune=prune)
    engine.deploy(_files(scenario))
    processes = _deployed_specs(engine)
    forms: dict[str, dict[str, Any]] = {"start": scenario.start}
    for step in scenario.inputs:
        if isinstance(step, Complete):
            forms.setdefault(step.element, {}).update(step.data)
    for process_id in processes:
        for element, data in forms.items():
            registry.form(process_id, element, _form(data))
    completed: list[str] = []
    _listen(processes[scenario.process], completed)
    clerk = actor(engine, "carla", ("clerk", None))
    case = engine.start_case(scenario.process, scenario.start, clerk)
    scheduler = Scheduler(engine)
    for step in scenario.inputs:
        if reload:
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
    return Outcome(completed, dict(info.data), info.status, open_tasks)


def _deployed_specs(engine: Engine) -> dict[str, Any]:
    """The specs of every deployed process, loaded into the engine's own spec cache."""
    with engine.db.read() as session:
        rows = session.execute(select(ProcessVersion.process_id, ProcessVersion.id)).all()
    return {process_id: engine._cases._specs(version_id) for process_id, version_id in rows}
