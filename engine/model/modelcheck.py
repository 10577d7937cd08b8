"""Static checks on parsed BPMN processes, run at deploy time so mistakes fail before any case runs.

SpiffWorkflow only notices most of these problems when a case reaches the element. Checked here:

1. every script (script task, spiffworkflow pre-/post-script) compiles as Python;
2. every gateway condition and timer expression compiles as a Python expression; a timer given as
   plain ISO-8601 text (`PT30M`, `R3/PT1H`) or as a string literal (`"PT30M"`) must be a valid,
   non-negative duration, date or cycle within 100 years, and a cycle no shorter than the
   minimum (`engine.timers`, which SpiffWorkflow's own parser confirms, so deploy time and run
   time agree);
3. every user task and manual task has a role: its `role` property, else its (named) lane;
4. every service task names an operator.

Every problem is a `DeployError` whose `line` is the source line of the element it names. The
checks collect every problem of a model (`check_document` and `check_processes` return them all),
so an admin sees them at once; `raise_all` raises one `DeployError` carrying the list.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Sequence

from lxml import etree
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.manual_task import ManualTask
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.specs.MultiChoice import MultiChoice
from SpiffWorkflow.spiff.specs.mixins.service_task import ServiceTask
from SpiffWorkflow.spiff.specs.spiff_task import SpiffBpmnTask

from engine.errors import DeployError
from engine.timing import timers

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"


class ElementIndex:
    """Elements of the uploaded documents by file name and id, to report source lines."""

    def __init__(self) -> None:
        self._roots: dict[str, etree._Element] = {}
        self._by_id: dict[str, dict[str, etree._Element]] = {}

    def add(self, file_name: str, root: etree._Element) -> None:
        """Index every element with an `id` attribute in the document `root`."""
        self._roots[file_name] = root
        by_id: dict[str, etree._Element] = {}
        for element in root.iter(etree.Element):
            element_id = element.get("id")
            if element_id is not None:
                by_id.setdefault(element_id, element)
        self._by_id[file_name] = by_id

    def root(self, file_name: str) -> etree._Element | None:
        """The root element of `file_name`, if it was indexed."""
        return self._roots.get(file_name)

    def find(self, file_name: str | None, element_id: str | None) -> etree._Element | None:
        """The element `element_id` in `file_name`, or None."""
        if file_name is None or element_id is None:
            return None
        return self._by_id.get(file_name, {}).get(element_id)

    def line(self, file_name: str | None, element_id: str | None) -> int | None:
        """Source line of `element_id` in `file_name`, or None."""
        element = self.find(file_name, element_id)
        return element.sourceline if element is not None else None

    def files_with(self, element_id: str) -> list[str]:
        """Names of the indexed files that contain an element with this id."""
        return [name for name, by_id in self._by_id.items() if element_id in by_id]

    def id_on_line(self, file_name: str, line: int, local_name: str | None = None) -> str | None:
        """Id of the element starting on `line` (or of its nearest ancestor that has one).

        Prefers an element whose local name is `local_name` (taken from an XSD message).
        """
        root = self._roots.get(file_name)
        if root is None:
            return None
        on_line = [el for el in root.iter(etree.Element) if el.sourceline == line]
        if local_name is not None:
            on_line.sort(key=lambda el: etree.QName(el).localname != local_name)
        for element in on_line:
            for candidate in (element, *element.iterancestors()):
                if candidate.get("id"):
                    return candidate.get("id")
        return None


def raise_all(problems: Sequence[DeployError]) -> None:
    """Raise the first problem, carrying all of them in its `problems`; nothing if none."""
    if problems:
        raise DeployError.of(problems)


def check_document(file_name: str, root: etree._Element) -> list[DeployError]:
    """XML-level checks on one BPMN document, before SpiffWorkflow builds specs from it.

    These are problems SpiffWorkflow reports badly: a service task operator without an id
    surfaces as a bare `KeyError('id')`, and a flow to a missing element as "we found two items,
    perhaps a form has the same ID?".
    """
    return [*_check_flow_references(file_name, root), *_check_service_operators(file_name, root)]


def _check_flow_references(file_name: str, root: etree._Element) -> Iterator[DeployError]:
    ids = {el.get("id") for el in root.iter(etree.Element) if el.get("id")}
    for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        for end in ("sourceRef", "targetRef"):
            ref = flow.get(end)
            if ref not in ids:
                yield DeployError(
                    f"sequence flow '{flow.get('id')}' has {end}=\"{ref or ''}\", "
                    "which matches no element in this file",
                    file=file_name,
                    line=flow.sourceline,
                    element=flow.get("id"),
                )


def _check_service_operators(file_name: str, root: etree._Element) -> Iterator[DeployError]:
    operator_tag = f"{{{SPIFF_NS}}}serviceTaskOperator"
    for task in root.iter(f"{{{BPMN_NS}}}serviceTask"):
        operator = next(
            (
                el
                for ext in task.iterchildren(f"{{{BPMN_NS}}}extensionElements")
                for el in ext.iterchildren(operator_tag)
            ),
            None,
        )
        if operator is None or not (operator.get("id") or "").strip():
            yield DeployError(
                f"service task '{task.get('id')}' has no operator; add "
                '<spiffworkflow:serviceTaskOperator id="..."> in its extensionElements',
                file=file_name,
                line=task.sourceline,
                element=task.get("id"),
            )


def check_processes(specs: Iterable[BpmnProcessSpec], index: ElementIndex) -> list[DeployError]:
    """Every problem the static checks find in the specs (top-level processes and subprocesses).

    A spec shared by several processes is checked once, and the same problem is reported once.
    """
    seen: set[int] = set()
    problems: list[DeployError] = []
    reported: set[tuple[str | None, str | None, str]] = set()
    for spec in specs:
        if id(spec) in seen:
            continue
        seen.add(id(spec))
        for problem in check_process(spec, index):
            key = (problem.file, problem.element, problem.detail)
            if key not in reported:
                reported.add(key)
                problems.append(problem)
    return problems


def check_process(spec: BpmnProcessSpec, index: ElementIndex) -> list[DeployError]:
    """Every problem the static checks find in the task specs of one process spec."""
    return [
        problem
        for task_spec in spec.task_specs.values()
        for problem in _check_task(spec.file, task_spec, index)
    ]


def _check_task(file_name: str, task_spec: TaskSpec, index: ElementIndex) -> Iterator[DeployError]:
    if isinstance(task_spec, ScriptTask):
        yield from _check_script(file_name, task_spec, task_spec.script, "script task", index)
    if isinstance(task_spec, SpiffBpmnTask):
        yield from _check_optional_script(
            file_name, task_spec, task_spec.prescript, "pre-script", index
        )
        yield from _check_optional_script(
            file_name, task_spec, task_spec.postscript, "post-script", index
        )
    if isinstance(task_spec, MultiChoice):
        yield from _check_conditions(file_name, task_spec, index)
    event_definition = getattr(task_spec, "event_definition", None)
    if isinstance(event_definition, TimerEventDefinition):
        yield from _check_timer(file_name, task_spec, event_definition, index)
    if isinstance(task_spec, UserTask | ManualTask):
        yield from _check_lane(file_name, task_spec, index)
    if isinstance(task_spec, ServiceTask) and not (task_spec.operation_name or "").strip():
        yield _fail(file_name, task_spec, index, f"service task '{_id(task_spec)}' has no operator")


def _id(task_spec: TaskSpec) -> str:
    return getattr(task_spec, "bpmn_id", None) or task_spec.name


def _fail(file_name: str, task_spec: TaskSpec, index: ElementIndex, message: str) -> DeployError:
    """The problem `message` on `task_spec`, located by its element id."""
    element_id = _id(task_spec)
    return DeployError(
        message, file=file_name, line=index.line(file_name, element_id), element=element_id
    )


def _syntax_detail(exc: SyntaxError, source: str) -> str:
    """`exc.msg` with the line of `source` (script or expression) where Python stopped."""
    text = (exc.text or "").strip()
    detail = f"{exc.msg} on line {exc.lineno} of the {source}" if exc.lineno else exc.msg
    return f"{detail}: {text}" if text else detail


def _check_script(
    file_name: str, task_spec: TaskSpec, script: str | None, what: str, index: ElementIndex
) -> Iterator[DeployError]:
    element_id = _id(task_spec)
    if script is None or not script.strip():
        yield _fail(file_name, task_spec, index, f"{what} '{element_id}' has no script")
        return
    try:
        compile(script, f"<{element_id}>", "exec")
    except SyntaxError as exc:
        yield _fail(
            file_name,
            task_spec,
            index,
            f"{what} '{element_id}': Python syntax error, {_syntax_detail(exc, 'script')}",
        )


def _check_optional_script(
    file_name: str, task_spec: TaskSpec, script: str | None, what: str, index: ElementIndex
) -> Iterator[DeployError]:
    if script is not None and script.strip():
        yield from _check_script(file_name, task_spec, script, f"{what} of task", index)


def _as_eval_source(expression: str) -> str:
    """The text `eval()` really compiles: it strips leading and trailing spaces and tabs."""
    return expression.strip(" \t")


def _check_conditions(
    file_name: str, gateway: MultiChoice, index: ElementIndex
) -> Iterator[DeployError]:
    for condition, _target in gateway.cond_task_specs:
        if condition is None:
            continue
        expression = condition.args[0] if getattr(condition, "args", None) else None
        if not isinstance(expression, str):
            continue
        try:
            compile(_as_eval_source(expression), f"<{_id(gateway)}>", "eval")
        except SyntaxError as exc:
            flow = _find_flow(index.root(file_name), _id(gateway), expression)
            flow_id = flow.get("id") if flow is not None else _id(gateway)
            yield DeployError(
                f"condition on the flow out of gateway '{_id(gateway)}' is not a valid Python "
                f"expression: {_syntax_detail(exc, 'condition')}",
                file=file_name,
                line=flow.sourceline if flow is not None else index.line(file_name, flow_id),
                element=flow_id,
            )


def _find_flow(
    root: etree._Element | None, source_id: str, expression: str
) -> etree._Element | None:
    """The sequence flow out of `source_id` whose condition text is `expression`."""
    if root is None:
        return None
    for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        if flow.get("sourceRef") != source_id:
            continue
        for condition in flow.iterchildren(f"{{{BPMN_NS}}}conditionExpression"):
            if condition.text == expression:
                return flow
    return None


def _timer_kind(definition: TimerEventDefinition) -> str:
    if isinstance(definition, DurationTimerEventDefinition):
        return timers.DURATION
    if isinstance(definition, TimeDateEventDefinition):
        return timers.DATE
    if isinstance(definition, CycleTimerEventDefinition):
        return timers.CYCLE
    return "timer"


def _check_timer(
    file_name: str, task_spec: TaskSpec, definition: TimerEventDefinition, index: ElementIndex
) -> Iterator[DeployError]:
    problem = timer_expression_problem(definition.expression, _timer_kind(definition))
    if problem is not None:
        yield _fail(file_name, task_spec, index, f"timer on '{_id(task_spec)}': {problem}")


def timer_expression_problem(expression: str | None, kind: str) -> str | None:
    """Why a timer expression would fail at run time, or None if it looks fine.

    `kind` is "duration", "date" or "cycle". Plain ISO-8601 text (`PT30M`, as modelling tools
    write it) and a Python string literal (`"PT30M"`) are checked as ISO values now; any other
    Python expression is computed from case data at run time (and checked then).
    """
    if expression is None or not expression.strip():
        return f"the {kind} timer has no expression"
    source = _as_eval_source(expression)
    if kind in _TIMER_KINDS and timers.is_plain_iso(source):
        return timers.problem(source.strip(), kind)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        return f"the expression is not valid Python: {_syntax_detail(exc, 'expression')}"
    body = tree.body
    if not isinstance(body, ast.Constant):
        return None  # computed at run time from case data; checked when the timer starts
    return timers.problem(body.value, kind) if kind in _TIMER_KINDS else None


_TIMER_KINDS = (timers.DURATION, timers.DATE, timers.CYCLE)


def _check_lane(file_name: str, task_spec: TaskSpec, index: ElementIndex) -> Iterator[DeployError]:
    """A human task needs a role: its `role` property, else the name of its lane."""
    if getattr(task_spec, "lane", None) is not None or _role_property(task_spec):
        return
    kind = "user task" if isinstance(task_spec, UserTask) else "manual task"
    element_id = _id(task_spec)
    lane = _unnamed_lane_of(index.root(file_name), element_id)
    if lane is not None:
        message = (
            f"{kind} '{element_id}' is in lane '{lane.get('id')}', which has no name; "
            "name the lane after the role that does the task"
        )
    else:
        message = (
            f"{kind} '{element_id}' is not in a lane; put it in the lane of the role that does "
            "it (or give it a 'role' property)"
        )
    yield _fail(file_name, task_spec, index, message)


def _role_property(task_spec: TaskSpec) -> str:
    properties = (getattr(task_spec, "extensions", None) or {}).get("properties") or {}
    return str(properties.get("role") or "").strip()


def _unnamed_lane_of(root: etree._Element | None, element_id: str) -> etree._Element | None:
    """The nameless lane that lists `element_id` (SpiffWorkflow treats it as no lane)."""
    if root is None:
        return None
    for ref in root.iter(f"{{{BPMN_NS}}}flowNodeRef"):
        lane = ref.getparent()
        if (ref.text or "").strip() == element_id and lane is not None and not lane.get("name"):
            return lane
    return None
