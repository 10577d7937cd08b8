"""What a process package plugs into the engine: form schemas, service-task handlers and task
briefs (what a person needs to see to do a task; opaque to the engine, shown by applications)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from marshmallow import Schema

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from engine.service_call import ServiceCall

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


@dataclass
class Registry:
    """Forms and briefs per (process id, task element id); service handlers per operator name;
    checks of form data against stored records."""

    forms: dict[tuple[str, str], type[Schema]] = field(default_factory=dict)
    services: dict[str, ServiceHandler] = field(default_factory=dict)
    checks: list[FormCheck] = field(default_factory=list)
    briefs: dict[tuple[str, str], Callable[..., Any]] = field(default_factory=dict)

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

    def form_for(self, process_id: str, element_id: str) -> type[Schema] | None:
        return self.forms.get((process_id, element_id))
