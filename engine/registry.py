"""What a process package plugs into the engine: form schemas, service-task handlers and task
briefs (what a person needs to see to do a task; opaque to the engine, shown by applications)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from marshmallow import Schema

if TYPE_CHECKING:
    from engine.service_call import ServiceCall

ServiceHandler = Callable[["ServiceCall", dict[str, Any]], Any]


@dataclass
class Registry:
    """Forms and briefs per (process id, task element id); service handlers per operator name."""

    forms: dict[tuple[str, str], type[Schema]] = field(default_factory=dict)
    services: dict[str, ServiceHandler] = field(default_factory=dict)
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
