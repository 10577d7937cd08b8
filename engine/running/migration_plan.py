"""Plans for moving cases between process versions, and moving one workflow.

A plan maps each element of the old version to one of the new (by id, or by an explicit
`OLD=NEW`). `Mover` checks a workflow against a plan (every task it waits in must have a place
of the same kind, the same form fields and the same timer) and re-points it at the new specs.
How and why: see `engine.running.migration`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.util.diff import SpecDiff
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.errors import ValidationFailed
from engine.running import runtime
from engine.running.serialization import SERIALIZER

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
# Element kinds a case can rest in (the plan asks where these go when their id is gone).
RESTING = frozenset({
    "UserTask", "ManualTask", "NoneTask", "ReceiveTask", "IntermediateCatchEvent",
    "BoundaryEvent", "EventBasedGateway", "ParallelGateway", "InclusiveGateway",
    "SubWorkflowTask", "CallActivity", "TransactionSubprocess", "ServiceTask", "ScriptTask",
    "BusinessRuleTask", "SendTask", "IntermediateThrowEvent",
})  # fmt: skip
_NOT_ELEMENTS = frozenset({"StartEvent", "EndEvent"})


@dataclass(frozen=True)
class Element:
    id: str
    name: str | None
    kind: str


@dataclass(frozen=True)
class Plan:
    """Where each element of `from_version` goes in `to_version` (None: nowhere)."""

    process_id: str
    from_version: int
    to_version: int
    mapping: dict[str, str | None]
    explicit: dict[str, str]
    suggested: dict[str, str]
    old_elements: tuple[Element, ...]
    new_elements: tuple[Element, ...]

    @property
    def unmapped(self) -> list[Element]:
        """Old elements a case can rest in that have no place in the new version."""
        return [e for e in self.old_elements if self.mapping.get(e.id) is None
                and e.kind in RESTING]  # fmt: skip


@dataclass(frozen=True)
class Refusal:
    """Why a case cannot move. `code`: ended, suspended, incident, removed, kind_changed,
    form_changed, timer_changed, subprocess_removed, not_this_process, same_version,
    multi_instance_changed, conflict, error."""

    code: str
    element_id: str | None = None
    element_name: str | None = None
    detail: str = ""

    def describe(self) -> str:
        where = f"'{self.element_name or self.element_id}'" if self.element_id else ""
        texts = {
            "ended": "the case has ended",
            "suspended": "the case is suspended",
            "incident": "the case has an open incident",
            "removed": f"it waits in {where}, which has no place in the new version",
            "kind_changed": f"{where} is a different kind of step in the new version",
            "form_changed": f"the form of {where} changed ({self.detail})",
            "timer_changed": f"the timer of {where} changed, its due time would change",
            "subprocess_removed": f"the subprocess {where} is gone from the new version",
            "multi_instance_changed": f"what follows the running repetition {where} changed",
            "not_this_process": "the case belongs to another process",
            "same_version": "the case already runs on that version",
            "conflict": "someone changed the case at the same moment; run again",
            "error": f"moving failed: {self.detail}",
        }
        return texts.get(self.code, self.code)


class _Refused(Exception):
    def __init__(self, reasons: Sequence[Refusal]) -> None:
        super().__init__("refused")
        self.reasons = tuple(reasons)


# -- plans ------------------------------------------------------------------------------------


def elements(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> list[Element]:
    found: dict[str, Element] = {}
    for process in [spec, *subprocess_specs.values()]:
        for task_spec in process.task_specs.values():
            kind = type(task_spec).__name__
            own = task_spec.bpmn_id and task_spec.name == task_spec.bpmn_id
            if own and kind not in _NOT_ELEMENTS:
                found.setdefault(task_spec.bpmn_id, Element(task_spec.bpmn_id,
                                                            task_spec.bpmn_name, kind))  # fmt: skip
    return sorted(found.values(), key=lambda e: ((e.name or e.id).lower(), e.id))


def build_plan(
    process_id: str,
    from_version: int,
    to_version: int,
    old: runtime.Specs,
    new: runtime.Specs,
    explicit: dict[str, str],
) -> Plan:
    old_elements = elements(*old)
    new_elements = elements(*new)
    new_ids = {e.id for e in new_elements}
    mapping: dict[str, str | None] = {}
    for element in old_elements:
        target = explicit.get(element.id, element.id)
        mapping[element.id] = target if target in new_ids else None
    return Plan(process_id, from_version, to_version, mapping, dict(explicit),
                _suggestions(old, new, mapping), tuple(old_elements),
                tuple(new_elements))  # fmt: skip


def check_mapping(
    explicit: dict[str, str], plans_old: Iterable[set[str]], new_ids: set[str]
) -> None:
    """Every OLD must be an element of some old version, every NEW one of the new version."""
    old_ids = set().union(*plans_old)
    errors: dict[str, list[str]] = {}
    for old, new in explicit.items():
        problems = []
        if old not in old_ids:
            problems.append(f"{old!r} is no element of the version the cases run on")
        if new not in new_ids:
            problems.append(f"{new!r} is no element of the new version")
        if problems:
            errors[old] = problems
    if errors:
        raise ValidationFailed("the mapping names elements that do not exist", {"map": errors})


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """`OLD=NEW` strings as a dict; ValidationFailed names the bad ones."""
    mapping: dict[str, str] = {}
    bad = []
    for pair in pairs:
        old, sep, new = (pair or "").partition("=")
        if not sep or not old.strip() or not new.strip():
            bad.append(pair)
            continue
        mapping[old.strip()] = new.strip()
    if bad:
        raise ValidationFailed("a mapping is written OLD=NEW (element ids)",
                               {"map": [f"not OLD=NEW: {item!r}" for item in bad]})  # fmt: skip
    return mapping


def _suggestions(old: runtime.Specs, new: runtime.Specs,
                 mapping: dict[str, str | None]) -> dict[str, str]:  # fmt: skip
    """For old elements without a place: where SpiffWorkflow's SpecDiff aligns them by the
    shape of the flow (a suggestion for the admin, never applied by itself)."""
    suggested: dict[str, str] = {}
    pairs = [(old[0], new[0])]
    pairs += [(spec, new[1][name]) for name, spec in old[1].items() if name in new[1]]
    for original, changed in pairs:
        try:
            diff = SpecDiff(SERIALIZER.registry, original, changed)
        except Exception:
            continue
        for spec, target in diff.alignment.items():
            if (spec is not None and target is not None and spec.bpmn_id
                    and mapping.get(spec.bpmn_id, "") is None and target.bpmn_id
                    and target.name == target.bpmn_id):  # fmt: skip
                suggested[spec.bpmn_id] = target.bpmn_id
    return suggested


# -- checking and moving one workflow ---------------------------------------------------------


@dataclass
class Mover:
    """Re-points one workflow at the new version's specs, after checking it may."""

    plan: Plan
    old: runtime.Specs
    new: runtime.Specs
    form_fields: Callable[[str], frozenset[str] | None]
    reasons: list[Refusal] = field(default_factory=list)

    def _target_name(self, task_spec: Any) -> str | None:
        name, bpmn_id = task_spec.name, task_spec.bpmn_id
        if bpmn_id:
            target = self.plan.mapping.get(bpmn_id, bpmn_id)
            if target is None:
                return None
            return target + name[len(bpmn_id) :] if name.startswith(bpmn_id) else name
        for old_id, new_id in self.plan.explicit.items():
            if name.startswith(old_id + "."):
                return new_id + name[len(old_id) :]
        return name

    def _flows(self, workflow: BpmnWorkflow) -> list[tuple[Any, BpmnProcessSpec | None]]:
        flows: list[tuple[Any, BpmnProcessSpec | None]] = [(workflow, self.new[0])]
        for sub in workflow.subprocesses.values():
            flows.append((sub, self.new[1].get(sub.spec.name)))
        return flows

    def waiting_in(self, workflow: BpmnWorkflow) -> list[Task]:
        return [task for flow in [workflow, *workflow.subprocesses.values()]
                for task in flow.tasks.values()
                if task.state & LIVE and task.task_spec.bpmn_id]  # fmt: skip

    def check(self, workflow: BpmnWorkflow) -> list[Refusal]:
        reasons: list[Refusal] = []
        for flow, new_spec in self._flows(workflow):
            if new_spec is None:
                reasons.append(Refusal("subprocess_removed", flow.spec.name,
                                       getattr(flow.spec, "description", None)))  # fmt: skip
                continue
            for task in flow.tasks.values():
                if task.state & LIVE and task.task_spec.bpmn_id:
                    reasons.extend(self._check_task(task, new_spec))
        unique: dict[tuple[str, str | None], Refusal] = {}
        for reason in reasons:
            unique.setdefault((reason.code, reason.element_id), reason)
        return list(unique.values())

    def _check_task(self, task: Task, new_spec: BpmnProcessSpec) -> list[Refusal]:
        spec = task.task_spec
        element, name = spec.bpmn_id, spec.bpmn_name
        target_name = self._target_name(spec)
        target = new_spec.task_specs.get(target_name) if target_name else None
        if target is None:
            return [Refusal("removed", element, name)]
        if type(target) is not type(spec):
            return [Refusal("kind_changed", element, name)]
        found = []
        if spec.manual:
            before = self.form_fields(element)
            after = self.form_fields(target.bpmn_id)
            if before != after:
                found.append(Refusal("form_changed", element, name,
                                     _field_change(before, after)))  # fmt: skip
        if task.state & TaskState.WAITING and _timer_of(spec) != _timer_of(target):
            found.append(Refusal("timer_changed", element, name))
        if task.state & TaskState.STARTED and isinstance(spec, LoopTask):
            outputs_before = sorted(filter(None, (self._target_name(o) for o in spec.outputs)))
            if outputs_before != sorted(o.name for o in target.outputs):
                found.append(Refusal("multi_instance_changed", element, name))
        return found

    def move(self, workflow: BpmnWorkflow) -> None:
        """Re-point `workflow` at the new specs; raises _Refused when a task has no place."""
        reasons = self.check(workflow)
        if reasons:
            raise _Refused(reasons)
        for flow, new_spec in self._flows(workflow):
            assert new_spec is not None
            self._move_flow(flow, new_spec)
        workflow.subprocess_specs = self.new[1]

    def _move_flow(self, flow: Any, new_spec: BpmnProcessSpec) -> None:
        gone, changed = [], set()
        for task in list(flow.tasks.values()):
            name = self._target_name(task.task_spec)
            target = new_spec.task_specs.get(name) if name else None
            if target is None:
                if task.state & TaskState.FINISHED_MASK and task.parent is not None:
                    gone.append(task)
                    continue
                if not task.state & (TaskState.PREDICTED_MASK | TaskState.FUTURE):
                    raise _Refused([Refusal("removed", task.task_spec.bpmn_id,
                                            task.task_spec.bpmn_name)])  # fmt: skip
                changed.add(task.id)
                continue  # predicted again below
            if self._outputs(task.task_spec) != [o.name for o in target.outputs]:
                changed.add(task.id)
            task.task_spec = target
        for task in gone:
            _splice(flow, task)
        flow.spec = new_spec
        for task in [t for t in flow.tasks.values() if t.state & TaskState.STARTED]:
            spec = task.task_spec
            subprocess = isinstance(spec, SubWorkflowTask) and not isinstance(spec, LoopTask)
            if subprocess and any(t.id in changed for t in task):
                _predict_again(task)
        for task in [t for t in flow.tasks.values()
                     if t.state & (TaskState.READY | TaskState.WAITING)]:  # fmt: skip
            # Predicted branches are kept where the model around them is the same: only a
            # waiting task whose own or predicted steps' outputs changed is predicted again.
            if task.id in flow.tasks and any(t.id in changed for t in task):
                _reset_keeping_state(task)
        stale = [t for t in flow.tasks.values()
                 if new_spec.task_specs.get(t.task_spec.name) is not t.task_spec]  # fmt: skip
        if stale:
            spec = stale[0].task_spec
            raise _Refused([Refusal("removed", spec.bpmn_id or spec.name, spec.bpmn_name)])
        if flow.last_task is not None and flow.last_task.id not in flow.tasks:
            flow.last_task = None

    def _outputs(self, spec: Any) -> list[str | None]:
        return [self._target_name(output) for output in spec.outputs]


def _splice(flow: Any, task: Task) -> None:
    """Cut a finished task out of the tree; its children hang from its parent."""
    parent = task.parent
    position = parent._children.index(task.id)
    parent._children[position : position + 1] = list(task._children)
    for child in task.children:
        child._parent = parent.id
    del flow.tasks[task.id]


def _predict_again(task: Task) -> None:
    """A running subprocess: drop what was predicted after it and predict it from the new
    model."""
    for child in list(task.children):
        if child.state & (TaskState.PREDICTED_MASK | TaskState.FUTURE):
            task.workflow._remove_task(child.id)
    task._sync_children(task.task_spec.outputs, TaskState.FUTURE)
    for child in task.children:
        child.task_spec._predict(child, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE)


def _reset_keeping_state(task: Task) -> None:
    """`Task.reset_branch`, keeping what the waiting task holds: its data, its internal data (a
    timer's due time, a message already caught) and when it became ready."""
    data, internal, since = dict(task.data), dict(task.internal_data), task.last_state_change
    state = task.state
    task.reset_branch(data)
    task.internal_data.update(internal)
    if task.state == state:
        task.last_state_change = since


def _timer_of(spec: Any) -> Any:
    definition = getattr(spec, "event_definition", None)
    if not isinstance(definition, TimerEventDefinition):
        return None
    return (type(definition).__name__, definition.expression)


def _field_change(before: frozenset[str] | None, after: frozenset[str] | None) -> str:
    before, after = before or frozenset(), after or frozenset()
    parts = []
    if after - before:
        parts.append("new fields: " + ", ".join(sorted(after - before)))
    if before - after:
        parts.append("fields gone: " + ", ".join(sorted(before - after)))
    return "; ".join(parts) or "another form"
