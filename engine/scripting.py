"""How BPMN scripts, expressions, service tasks and DMN tables run.

Scripts and expressions see curated globals: a short list of harmless builtins and the date
types. There is no `__import__`, no `open`, nothing from `os`. This is hygiene, not a sandbox:
Python offers ways out of any name-based restriction (for example walking `__subclasses__`), so
deploying models stays an admin right and models count as trusted code.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import json
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin

from engine import decisions
from engine.registry import Registry
from engine.service_call import ServiceCall, current_step

_SAFE_BUILTINS = (
    "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "filter", "float", "format",
    "frozenset", "int", "isinstance", "len", "list", "map", "max", "min", "range", "reversed",
    "round", "set", "sorted", "str", "sum", "tuple", "zip", "True", "False", "None",
    "Exception", "ValueError", "TypeError", "KeyError", "ZeroDivisionError",
)  # fmt: skip


def curated_globals() -> dict[str, Any]:
    safe = {name: getattr(builtins, name) for name in _SAFE_BUILTINS}
    return {
        "__builtins__": safe,
        "date": _dt.date,
        "datetime": _dt.datetime,
        "timedelta": _dt.timedelta,
        "timezone": _dt.timezone,
    }


class ServiceNotRegistered(LookupError):
    pass


class EngineScripts(PythonScriptEngine):
    """Script engine with curated globals and service calls routed to registered handlers."""

    def __init__(self, registry: Registry) -> None:
        super().__init__(environment=TaskDataEnvironment(curated_globals()))
        self.registry = registry

    def call_service(self, task: Any, **kwargs: Any) -> str:
        """Run the handler registered for the operator. SpiffWorkflow 3.2.0's own version masks
        the handler's error behind a NameError; this one keeps the real error."""
        name = kwargs["operation_name"]
        params = {key: spec["value"] for key, spec in kwargs.get("operation_params", {}).items()}
        try:
            handler = self.registry.services.get(name)
            if handler is None:
                raise ServiceNotRegistered(f"no service handler is registered for {name!r}")
            step = current_step()
            call = ServiceCall(
                session=step.session,
                audit=step.audit,
                clock=step.clock,
                case_id=step.case_id,
                process_id=step.process_id,
                task_id=str(task.id),
                element_id=task.task_spec.bpmn_id,
                actor=step.actor,
                data=dict(task.data),
                deferred=step.deferred,
            )
            return json.dumps(handler(call, params))
        except Exception as error:
            raise WorkflowTaskException(
                f"service {name!r} failed: {type(error).__name__}: {error}",
                task=task,
                exception=error,
            ) from error


class StrictDMNEngine(DMNEngine):
    """A decision table where no rule matches is an error, not a silent empty result."""

    def decide(self, task: Any) -> list[Any]:
        rules = super().decide(task)
        if not rules:
            table = self.decision_table
            message = f"decision table {table.name or table.id!r} has no rule matching the data"
            raise WorkflowTaskException(message, task=task, exception=NoRuleMatched(message))
        decisions.record(task, self.decision_table, rules)
        return rules


class NoRuleMatched(Exception):
    pass


def harden_specs(specs: list[Any]) -> None:
    """Make every business-rule task in these process specs use the strict DMN engine."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, BusinessRuleTaskMixin):
                engine = task_spec.dmnEngine
                if type(engine) is DMNEngine:
                    engine.__class__ = StrictDMNEngine
