"""What a service-task handler receives: the case, the actor and the open transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engine.audit import AuditRecorder
from engine.clock import Clock


@dataclass
class ServiceCall:
    """Handed to every service handler. Writes through `session` are part of the step's
    transaction: they commit with it or roll back with it. Record every change with `audit`."""

    session: Session
    audit: AuditRecorder
    clock: Clock
    case_id: int
    process_id: str
    task_id: str
    element_id: str
    actor: str
    data: dict[str, Any]

    def record(
        self, action: str, *, changes: dict[str, Any] | None = None, reason: str | None = None
    ) -> None:
        """Add an audit row for this step, attributed to the actor that drove it."""
        self.audit.record(
            self.actor,
            action,
            case_id=self.case_id,
            task_id=self.task_id,
            element_id=self.element_id,
            changes=changes,
            reason=reason,
        )


@dataclass
class StepContext:
    """The transaction an engine step runs in; set while SpiffWorkflow runs the case."""

    session: Session
    audit: AuditRecorder
    clock: Clock
    case_id: int
    process_id: str
    actor: str


_current: ContextVar[StepContext | None] = ContextVar("stuurboord_step", default=None)


@contextmanager
def step(context: StepContext) -> Iterator[StepContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def current_step() -> StepContext:
    context = _current.get()
    if context is None:
        raise RuntimeError("service task run outside an engine step")
    return context
