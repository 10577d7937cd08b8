"""Running a case's workflow: spec cache, workflow cache, engine steps and incident capture."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.audit.trail import jsonable
from engine.running import sandbox
from engine.running.scripting import EngineScripts
from engine.running.serialization import prune, specs_from_json, state_from_json
from engine.running.service_call import step_or_none
from engine.settings import Limits

Specs = tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]

# Prune during long automatic runs too, so a loop of script tasks never nears the depth limit.
_PRUNE_EVERY = 100


@dataclass(frozen=True)
class Failure:
    """What went wrong in an automatic step: becomes an incident."""

    task_id: str | None
    element_id: str | None
    error_type: str
    message: str
    line: int | None
    error_line: str | None


class SpecCache:
    """Deserialized specs per process version. Specs are immutable once deployed."""

    def __init__(self) -> None:
        self._specs: dict[int, Specs] = {}
        self._lock = threading.Lock()

    def peek(self, version_id: int) -> Specs | None:
        return self._specs.get(version_id)

    def get(self, version_id: int, spec_json: str) -> Specs:
        specs = self._specs.get(version_id)
        if specs is None:
            specs = specs_from_json(spec_json)
            with self._lock:
                self._specs.setdefault(version_id, specs)
        return specs


class WorkflowCache:
    """Live workflow objects keyed by case id and revision.

    Taking a workflow removes it, so two threads never step the same object; it goes back only
    after its revision committed. A revision mismatch means someone else moved the case on.
    Each entry also remembers the case's ready task ids, so that completing one of them can say
    which revision it hopes to find (`hint`) before it has read anything.
    """

    def __init__(self, limit: int = 2000) -> None:
        self._items: dict[int, tuple[int, BpmnWorkflow, tuple[str, ...]]] = {}
        self._case_of_task: dict[str, int] = {}
        self._limit = limit

    def take(self, case_id: int, revision: int) -> BpmnWorkflow | None:
        item = self._items.pop(case_id, None)
        if item is None:
            return None
        self._forget_tasks(item[2])
        return item[1] if item[0] == revision else None

    def put(
        self, case_id: int, revision: int, workflow: BpmnWorkflow, task_ids: tuple[str, ...] = ()
    ) -> None:
        replaced = self._items.pop(case_id, None)
        if replaced is None and len(self._items) >= self._limit:
            replaced = self._items.pop(next(iter(self._items)), None)
        if replaced is not None:
            self._forget_tasks(replaced[2])
        self._items[case_id] = (revision, workflow, task_ids)
        for task_id in task_ids:
            self._case_of_task[task_id] = case_id

    def hint(self, task_id: str) -> tuple[int, int] | None:
        """(case id, revision) of the cached workflow in which `task_id` was ready, if any: a
        hint only, as another thread may take the workflow at any moment."""
        case_id = self._case_of_task.get(task_id)
        item = self._items.get(case_id) if case_id is not None else None
        return (case_id, item[0]) if case_id is not None and item is not None else None

    def clear(self) -> None:
        self._items.clear()
        self._case_of_task.clear()

    def _forget_tasks(self, task_ids: tuple[str, ...]) -> None:
        for task_id in task_ids:
            self._case_of_task.pop(task_id, None)


def new_workflow(specs: Specs, scripts: EngineScripts, data: dict[str, Any]) -> BpmnWorkflow:
    spec, subprocess_specs = specs
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=scripts)
    workflow.task_tree.data.update(data)
    return workflow


def load_workflow(state_json: str, specs: Specs, scripts: EngineScripts) -> BpmnWorkflow:
    return state_from_json(state_json, specs[0], specs[1], scripts)


def keep_history(scripts: Any) -> None:
    """Switch pruning off for every workflow run with this script engine (`Engine(prune=False)`):
    the stored state then holds the whole task tree, as plain SpiffWorkflow keeps it."""
    scripts.prune_state = False


def _prune(workflow: BpmnWorkflow) -> None:
    if getattr(workflow.script_engine, "prune_state", True):
        prune(workflow)


class _BoundReached(Exception):
    """Raised between two engine steps when the transaction's step or time bound is reached."""

    def __init__(self, error_type: str, message: str, task: Task) -> None:
        super().__init__(message)
        self.error_type, self.message, self.task = error_type, message, task


def run_until_wait(workflow: BpmnWorkflow) -> Failure | None:
    """Run automatic steps until only waits are left. A failure leaves the task in ERROR.

    At most `limits.max_steps` steps and `limits.max_seconds` (from the start of the
    transaction's budget, see `EngineScripts.bounded`): past either, the steps stop after a
    whole step and the tasks that would run next go into ERROR, so the case is an incident
    that a retry continues from."""
    completed = 0
    limits = getattr(workflow.script_engine, "limits", None) or Limits()
    context = step_or_none()

    def after_task(task: Task) -> None:
        nonlocal completed
        completed += 1
        if context is not None and task.task_spec.bpmn_id:
            context.visited.add(task.task_spec.bpmn_id)
        if completed % _PRUNE_EVERY == 0:
            _prune(workflow)
        _check_bounds(workflow, limits, completed, deadline, task)

    with sandbox.bounded(limits.max_seconds) as deadline:
        try:
            workflow.refresh_timers()
            workflow.do_engine_steps(did_complete_task=after_task)
        except _BoundReached as reached:
            return _stop_at_bound(workflow, reached)
        except WorkflowException as error:
            return failure_from_exception(workflow, error)
        except (sandbox.ScriptTimedOut, sandbox.ScriptRefused) as error:
            # An expression SpiffWorkflow evaluates without a task (a completion condition).
            return _failure_from_workflow_error(workflow, error)
        finally:
            _prune(workflow)
    return None


def _check_bounds(
    workflow: BpmnWorkflow, limits: Limits, completed: int, deadline: float, task: Task
) -> None:
    steps_left = completed < limits.max_steps
    if (steps_left and time.monotonic() <= deadline) or not _next_steps(workflow):
        return
    where = _describe(task)
    if not steps_left:
        raise _BoundReached(
            "StepBoundReached",
            f"stopped after {completed} engine steps in one transaction, the bound "
            f"(STUURBOORD_MAX_STEPS_PER_TRANSACTION); the last step completed {where}. "
            "Does a loop never exit?",
            task,
        )
    raise _BoundReached(
        "TimeBoundReached",
        f"stopped after {limits.max_seconds:g} s in one transaction, the bound "
        f"(STUURBOORD_MAX_SECONDS_PER_TRANSACTION), after {completed} engine steps; the "
        f"last step completed {where}. Does a loop never exit?",
        task,
    )


def _describe(task: Task) -> str:
    spec = task.task_spec
    name = f" ({spec.bpmn_name})" if getattr(spec, "bpmn_name", None) else ""
    return f"{spec.bpmn_id or spec.name}{name}"


def _next_steps(workflow: BpmnWorkflow) -> list[Task]:
    """The automatic tasks the engine would run next."""
    return [
        task
        for flow in [workflow, *workflow.subprocesses.values()]
        for task in flow.tasks.values()
        if task.state == TaskState.READY and not task.task_spec.manual
    ]


def _stop_at_bound(workflow: BpmnWorkflow, reached: _BoundReached) -> Failure:
    """Put the automatic tasks that would run next into ERROR: the case waits for a retry."""
    following = _next_steps(workflow)
    for task in following:
        task._set_state(TaskState.ERROR)
    stopped = following[0] if following else reached.task
    return Failure(
        task_id=str(stopped.id),
        element_id=stopped.task_spec.bpmn_id or reached.task.task_spec.bpmn_id,
        error_type=reached.error_type,
        message=reached.message,
        line=None,
        error_line=None,
    )


def failure_from_exception(workflow: BpmnWorkflow, error: WorkflowException) -> Failure:
    if isinstance(error, WorkflowTaskException) and error.task is not None:
        return _failure_from_task_error(error)
    return _failure_from_workflow_error(workflow, error)


def _failure_from_task_error(error: WorkflowTaskException) -> Failure:
    task = error.task
    return Failure(
        task_id=str(task.id) if task is not None else None,
        element_id=task.task_spec.bpmn_id if task is not None else None,
        error_type=_error_type(error),
        message=_message(error),
        line=error.line_number or None,
        error_line=error.error_line or None,
    )


def _failure_from_workflow_error(workflow: BpmnWorkflow, error: Exception) -> Failure:
    spec = getattr(error, "task_spec", None)
    failed = next(iter(error_tasks(workflow)), None)
    element_id = spec.bpmn_id if spec is not None else None
    if failed is not None:
        element_id = failed.task_spec.bpmn_id
    return Failure(
        task_id=str(failed.id) if failed is not None else None,
        element_id=element_id,
        error_type=type(error).__name__,
        message=_message(error),
        line=None,
        error_line=None,
    )


def _error_type(error: WorkflowTaskException) -> str:
    if error.error_type and error.error_type != "unknown":
        return error.error_type
    cause = error.__cause__ or error.__context__
    return type(cause).__name__ if cause is not None else type(error).__name__


def _message(error: Exception) -> str:
    notes = getattr(error, "notes", None) or []
    text = str(error.args[0]) if error.args else str(error)
    return "; ".join([text, *[str(note) for note in notes if str(note) not in text]])


def error_tasks(workflow: BpmnWorkflow) -> list[Task]:
    return [
        task
        for flow in [workflow, *workflow.subprocesses.values()]
        for task in flow.tasks.values()
        if task.state == TaskState.ERROR
    ]


def ready_human_tasks(workflow: BpmnWorkflow) -> list[Task]:
    return [
        task
        for flow in [workflow, *workflow.subprocesses.values()]
        for task in flow.tasks.values()
        if task.state == TaskState.READY and task.task_spec.manual
    ]


def find_task(workflow: BpmnWorkflow, task_id: str) -> Task | None:
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except (ValueError, KeyError):
        return None


def case_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The case's variables as they stand (JSON-safe): the end data, or the latest task's."""
    return jsonable(_latest_data(workflow))


def data_holders(workflow: BpmnWorkflow) -> list[Task]:
    """The tasks whose data the case shows and goes on from: failed, ready, waiting and
    started ones, and the one `case_data` reads (what an admin's correction must reach)."""
    frontier = TaskState.ERROR | TaskState.READY | TaskState.WAITING | TaskState.STARTED
    flows = [workflow, *workflow.subprocesses.values()]
    found = [task for flow in flows for task in flow.tasks.values() if task.state & frontier]
    finished = [t for t in workflow.tasks.values() if t.state == TaskState.COMPLETED]
    if finished:
        latest = max(finished, key=lambda task: task.last_state_change)
        if latest not in found:
            found.append(latest)
    return found


def _latest_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    if workflow.is_completed():
        return dict(workflow.data)
    finished = [
        task
        for task in workflow.tasks.values()
        if task.state == TaskState.COMPLETED or task.state & (TaskState.READY | TaskState.WAITING)
    ]
    if not finished:
        return dict(workflow.task_tree.data)
    latest = max(finished, key=lambda task: task.last_state_change)
    return dict(latest.data)


def waiting_timers(workflow: BpmnWorkflow) -> list[tuple[str, str, datetime]]:
    """(task id, element id, due instant in UTC) for every timer the case is waiting on."""
    found = []
    for task in workflow.event_manager.tasks.values():
        definition = _timer_definition(task)
        if definition is None or task.state != TaskState.WAITING:
            continue
        value = definition.details(task).value
        due = _as_instant(value)
        if due is not None:
            found.append((str(task.id), task.task_spec.bpmn_id, due))
    return found


def _timer_definition(task: Task) -> TimerEventDefinition | None:
    """The timer a waiting task waits on: its own, or one of an event-based gateway's events."""
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, MultipleEventDefinition):
        timers = [d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)]
        return timers[0] if timers else None
    return definition if isinstance(definition, TimerEventDefinition) else None


def _as_instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).astimezone(UTC)
        except ValueError:
            return None
    return None


def shift_timers(workflow: BpmnWorkflow, delta: timedelta) -> None:
    """Move every waiting timer's due time by `delta` (a suspended case's clocks pause)."""
    for task in workflow.event_manager.tasks.values():
        if _timer_definition(task) is None or task.state != TaskState.WAITING:
            continue
        value = task.internal_data.get("event_value")
        if isinstance(value, dict) and "next" in value:
            value["next"] = (datetime.fromisoformat(value["next"]) + delta).isoformat()
        elif isinstance(value, str) and _as_instant(value) is not None:
            task.internal_data["event_value"] = (datetime.fromisoformat(value) + delta).isoformat()


def properties(spec: Any) -> dict[str, str]:
    """The spiffworkflow:properties of a task spec."""
    extensions = getattr(spec, "extensions", None) or {}
    return dict(extensions.get("properties", {}))


def role_of(spec: Any) -> str:
    """The role that does a task: its `role` property, else its lane's name."""
    return properties(spec).get("role") or spec.lane


def evaluate_text(scripts: Any, task: Task, expression: str | None) -> str | None:
    if not expression:
        return None
    value = scripts.evaluate(task, expression)
    return None if value is None else str(value)


def start_event(spec: BpmnProcessSpec) -> Any:
    """The process's single none start event, if it has exactly one."""
    starts = [
        task_spec
        for task_spec in spec.task_specs.values()
        if type(task_spec).__name__ == "StartEvent" and task_spec.bpmn_id is not None
    ]
    return starts[0] if len(starts) == 1 else None
