"""How BPMN scripts, expressions, service tasks and DMN tables run.

Scripts and expressions (script tasks, pre- and post-scripts, gateway conditions, timer and
multi-instance expressions, DMN inputs and outputs, message payloads) run in the sandbox of
`engine.sandbox`: RestrictedPython with guarded attribute access, curated builtins and the date
types, stopped at the transaction's time bound. An escape attempt or a runaway script fails the
task, so the case goes into incident.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin

from engine.running import decisions, sandbox
from engine.running.registry import Registry
from engine.running.service_call import ServiceCall, current_step
from engine.settings import Limits


def curated_globals() -> dict[str, Any]:
    """What scripts and expressions see besides the task data (the sandbox's globals)."""
    return sandbox.sandbox_globals()


class SandboxEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's task-data environment with sandboxed compilation and a deadline.

    Same data semantics as `TaskDataEnvironment`: an expression sees the task data over the
    globals; a script runs with the task data as its namespace and leaves its variables there.
    The guards RestrictedPython's code calls always win over task data of the same name."""

    def __init__(self, limits: Limits) -> None:
        super().__init__(curated_globals())
        self.limits = limits
        self._guards = {name: value for name, value in self.globals.items() if name.startswith("_")}

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: Any = None
    ) -> Any:
        code = sandbox.compile_eval(expression)
        namespace = copy.copy(self.globals)
        namespace.update(external_context or {})
        namespace.update(context)
        namespace.update(self._guards)
        return self._run(code, namespace)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        code = sandbox.compile_exec(script)
        self.check_for_overwrite(context, external_context or {})
        context.update(external_context or {})
        context.update(self.globals)
        try:
            self._run(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True

    def _run(self, code: Any, namespace: dict[str, Any]) -> Any:
        seconds = self.limits.max_seconds
        return sandbox.run_until(sandbox.deadline_or(seconds), seconds, code, namespace)


class ServiceNotRegistered(LookupError):
    pass


class EngineScripts(PythonScriptEngine):
    """Script engine with sandboxed scripts and service calls routed to registered handlers."""

    def __init__(self, registry: Registry, limits: Limits | None = None) -> None:
        self.limits = limits if limits is not None else Limits.from_env()
        super().__init__(environment=SandboxEnvironment(self.limits))
        self.registry = registry

    @contextmanager
    def bounded(self) -> Iterator[None]:
        """One transaction's time budget: scripts and engine steps inside share one deadline."""
        with sandbox.bounded(self.limits.max_seconds):
            yield

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        """As SpiffWorkflow's, with the reason an expression failed kept in the message."""
        try:
            return super().evaluate(task, expression, external_context)
        except WorkflowTaskException as error:
            cause = error.__context__
            if cause is not None and not isinstance(cause, WorkflowTaskException):
                error.add_note(f"{type(cause).__name__}: {cause}")
            raise

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
                policy=step.policy,
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
