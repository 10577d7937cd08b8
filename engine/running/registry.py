"""What a process package plugs into the engine: form schemas and checks, service-task
handlers, task briefs (what a person needs to see to do a task; opaque to the engine), hooks that
run when a user task is created, and the names of model elements per language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from marshmallow import Schema

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from engine.running.service_call import ServiceCall

ServiceHandler = Callable[["ServiceCall", dict[str, Any]], Any]
FormCheck = Callable[["Session", "FormInput"], Mapping[str, Any]]
"""Checks a form's validated data against what is stored (reference data: does this code,
this meeting, this working group exist?); returns errors by field, as marshmallow does
(dotted keys reach into lists: ``treatments.1.bound_entities``)."""


@dataclass(frozen=True)
class FormInput:
    """What a form check sees: which form, in which case (None at a start), the data (valid by
    the schema, JSON-safe) and the schema class."""

    process_id: str
    element_id: str
    case_id: int | None
    data: dict[str, Any]
    schema: type[Schema]


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
    """Forms and briefs per (process id, task element id); service handlers per operator name;
    checks of form data against stored records."""

    forms: dict[tuple[str, str], type[Schema]] = field(default_factory=dict)
    services: dict[str, ServiceHandler] = field(default_factory=dict)
    checks: list[FormCheck] = field(default_factory=list)
    briefs: dict[tuple[str, str], Callable[..., Any]] = field(default_factory=dict)
    task_hooks: dict[tuple[str, str], list[TaskHook]] = field(default_factory=dict)
    """Per user task, the hooks run in the step that creates it, in registration order."""
    names: Callable[[str], dict[str, str]] | None = None
    """The names of a model element's (Dutch) name per language, for notifications."""
    webhook_events: dict[str, dict[str, str]] = field(default_factory=dict)
    """The application's own webhook event types, with their names per language."""

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

    def form_check(self, check: FormCheck) -> FormCheck:
        """Register `check` for every form: it runs after the schema accepted the data and
        before anything is stored; any error it returns refuses the data (ValidationFailed)."""
        self.checks.append(check)
        return check

    def brief(self, process_id: str, element_id: str, builder: Callable[..., Any]) -> None:
        """Register what the application shows a person above a task's form. The engine only
        keeps it: its arguments and result are the application's business."""
        key = (process_id, element_id)
        if key in self.briefs:
            raise ValueError(f"a brief is already registered for {process_id}/{element_id}")
        self.briefs[key] = builder

    def brief_for(self, process_id: str, element_id: str) -> Callable[..., Any] | None:
        return self.briefs.get((process_id, element_id))

    def on_task(self, process_id: str, element_id: str) -> Callable[[TaskHook], TaskHook]:
        """Decorator: run `hook` in the step that creates user task `element_id` (to notify, or
        to tie the new task's case to a record). Several packages may hook the same task; the
        hooks run in the order they were registered, each on its own."""

        def register(hook: TaskHook) -> TaskHook:
            self.task_hooks.setdefault((process_id, element_id), []).append(hook)
            return hook

        return register

    def webhook_event(self, event_type: str, names: dict[str, str]) -> None:
        """Offer `event_type` to webhook endpoints (`names`: per language, for the admin); the
        application emits it with `ServiceCall.emit_event`."""
        if event_type in self.webhook_events:
            raise ValueError(f"webhook event type {event_type!r} is already registered")
        self.webhook_events[event_type] = dict(names)

    def name_of(self, name: str | None) -> Any:
        """A model element's name as notification parameters take it: per language when the
        registry knows its translations, else as it is."""
        if not name or self.names is None:
            return name
        return self.names(name)

    def form_for(self, process_id: str, element_id: str) -> type[Schema] | None:
        return self.forms.get((process_id, element_id))
