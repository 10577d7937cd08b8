"""What a process package plugs into the engine: form schemas, service-task handlers, hooks
that run when a user task is created, and the names of model elements per language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from marshmallow import Schema

if TYPE_CHECKING:
    from engine.service_call import ServiceCall

ServiceHandler = Callable[["ServiceCall", dict[str, Any]], Any]


@dataclass(frozen=True)
class NewTask:
    """A user task the engine just created, as a task hook sees it."""

    task_id: str
    element_id: str
    name: str | None
    role: str
    scope: str | None
    assignee: str | None
    due_at: datetime | None
    case_title: str | None


TaskHook = Callable[["ServiceCall", NewTask], None]


@dataclass
class Registry:
    """Forms per (process id, task element id); service handlers per operator name."""

    forms: dict[tuple[str, str], type[Schema]] = field(default_factory=dict)
    services: dict[str, ServiceHandler] = field(default_factory=dict)
    task_hooks: dict[tuple[str, str], TaskHook] = field(default_factory=dict)
    names: Callable[[str], dict[str, str]] | None = None
    """The names of a model element's (Dutch) name per language, for notifications."""

    def form(self, process_id: str, element_id: str, schema: type[Schema]) -> None:
        key = (process_id, element_id)
        if key in self.forms:
            raise ValueError(f"a form is already registered for {process_id}/{element_id}")
        self.forms[key] = schema

    def service(self, name: str) -> Callable[[ServiceHandler], ServiceHandler]:
        """Decorator: register `handler` for service tasks whose operator is `name`."""

        def register(handler: ServiceHandler) -> ServiceHandler:
            if name in self.services:
                raise ValueError(f"a service handler named {name!r} is already registered")
            self.services[name] = handler
            return handler

        return register

    def on_task(self, process_id: str, element_id: str) -> Callable[[TaskHook], TaskHook]:
        """Decorator: run `hook` in the step that creates user task `element_id` (to notify)."""

        def register(hook: TaskHook) -> TaskHook:
            key = (process_id, element_id)
            if key in self.task_hooks:
                raise ValueError(f"a task hook is already registered for {process_id}/{element_id}")
            self.task_hooks[key] = hook
            return hook

        return register

    def name_of(self, name: str | None) -> Any:
        """A model element's name as notification parameters take it: per language when the
        registry knows its translations, else as it is."""
        if not name or self.names is None:
            return name
        return self.names(name)

    def form_for(self, process_id: str, element_id: str) -> type[Schema] | None:
        return self.forms.get((process_id, element_id))
