"""What a service-task handler receives: the case, the actor and the open transaction."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.audit.trail import AuditRecorder
from engine.storage.models import Case
from engine.timing import jobs
from engine.timing.clock import Clock
from engine.timing.duerules import parse_due
from engine.timing.policy import Policy


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
    deferred: list[str]
    policy: Policy | None = None

    def policy_due(self, element_id: str, data: Mapping[str, Any] | None = None) -> datetime | None:
        """When the policy's ``due`` rule would make task `element_id` of this process due,
        counted now over `data` (default: the case data). None when the policy gives that task
        no due rule. Lets a handler store a date the policy sets (a deadline tied to a date in
        the case) that the model's tasks then count from."""
        if self.policy is None:
            return None
        rule = self.policy.for_task(self.process_id, element_id).due
        if not rule:
            return None
        source = self.data if data is None else data
        return parse_due(rule).compute(self.clock.now(), source, self.policy.calendar)

    def set_title(self, title: str) -> None:
        """Give this case a title of its own (what lists, reminders and notifications call it),
        audited; one line, at most 500 characters."""
        shown = " ".join(str(title).split())[:500]
        if not shown:
            return
        query = select(Case.title).where(Case.id == self.case_id)
        before = self.session.execute(query).scalar_one_or_none()
        if before == shown:
            return
        self.session.execute(update(Case).where(Case.id == self.case_id).values(title=shown))
        self.record("case_retitled", changes={"title": {"before": before, "after": shown}})

    def send_message(self, case_id: int, name: str, payload: Any = None) -> None:
        """Deliver a BPMN message to another case once this step has committed."""
        key = f"message:{self.task_id}:{case_id}:{name}"
        self._defer(
            key,
            jobs.MESSAGE,
            case_id,
            {"name": name, "payload": payload, "from_case": self.case_id},
        )

    def start_case(
        self, process_id: str, data: dict[str, Any], title: str | None = None, key: str = ""
    ) -> None:
        """Start a case of `process_id` once this step has committed (at most once per key)."""
        job_key = f"start:{self.task_id}:{process_id}:{key}"
        self._defer(
            job_key,
            jobs.START,
            None,
            {"process_id": process_id, "data": data, "title": title, "from_case": self.case_id},
        )

    def _defer(self, key: str, kind: str, case_id: int | None, payload: dict[str, Any]) -> None:
        now = self.clock.now()
        jobs.add(
            self.session,
            [
                jobs.job_row(
                    key=key, kind=kind, due_at=now, now=now, case_id=case_id, payload=payload
                )
            ],
        )
        self.deferred.append(key)

    def role_holders(self, role: str, scope: str | None = None) -> list[str]:
        """Active users holding `role` unscoped or for `scope`, sorted."""
        from engine.notify.recipients import holders

        return holders(self.session, role, scope)

    def notify(self, user_id: str, template: str, params: dict[str, Any], *, event: str) -> int:
        """Queue a notification in this step's transaction (at most once per event and user)."""
        from engine.notify.notifications import enqueue

        return enqueue(self.session, self.clock, event_key=event, user_id=user_id,
                       template=template, params=params, case_id=self.case_id)  # fmt: skip

    def emit_event(
        self, event_type: str, data: dict[str, Any], *, subject: str
    ) -> int:
        """Queue a webhook event (CloudEvent) in this step's transaction for every active
        endpoint that wants `event_type`; it goes out only if the step commits."""
        from engine.notify.webhooks import emit

        return emit(self.session, self.clock, event_type, subject=subject, data=data,
                    case_id=self.case_id)  # fmt: skip

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
    deferred: list[str]
    visited: set[str]
    policy: Policy | None = None


_current: ContextVar[StepContext | None] = ContextVar("stuurboord_step", default=None)


@contextmanager
def step(context: StepContext) -> Iterator[StepContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def step_or_none() -> StepContext | None:
    return _current.get()


def current_step() -> StepContext:
    context = _current.get()
    if context is None:
        raise RuntimeError("service task run outside an engine step")
    return context
