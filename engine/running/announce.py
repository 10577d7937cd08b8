"""Telling people that something waits for them or went wrong, inside the step's transaction.

* Process packages may register hooks per user task (`Registry.on_task`): when the engine
  creates that task, each hook runs with a `ServiceCall` on the case (to read its data and queue
  notifications) and the `NewTask` (who it is for, when it is due). A failing hook is logged and
  does not stop the step: a notification is never worth losing the work.
* A new incident is announced to every active admin (template ``incident``), with the case and
  the step where it happened; the technical message stays in the incident list in *Beheer*.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.audit.trail import AuditRecorder
from engine.notify import notifications
from engine.notify.recipients import holders
from engine.running.registry import NewTask, Registry
from engine.running.service_call import ServiceCall
from engine.timing.clock import Clock

log = logging.getLogger(__name__)

ADMIN_ROLE = "admin"


def announce_task(
    registry: Registry,
    session: Session,
    audit: AuditRecorder,
    case_id: int,
    process_id: str,
    data: dict[str, Any],
    task: NewTask,
) -> None:
    """Run the hooks registered for this task, if any (see the module docstring): each in its
    own savepoint, so one that fails (logged) neither undoes nor stops the others."""
    for hook in registry.task_hooks.get((process_id, task.element_id), ()):
        call = ServiceCall(
            session=session,
            audit=audit,
            clock=audit.clock,
            case_id=case_id,
            process_id=process_id,
            task_id=task.task_id,
            element_id=task.element_id,
            actor="system",
            data=dict(data),
            deferred=[],
        )
        try:
            with session.begin_nested():
                hook(call, task)
        except Exception:
            log.exception("announcing task %s of case %s failed", task.element_id, case_id)


def announce_incident(
    session: Session,
    clock: Clock,
    *,
    case_id: int,
    case_title: str | None,
    step_name: Any,
    now: datetime,
) -> int:
    """Queue the ``incident`` notification for every active admin; returns how many."""
    params = {
        "case_title": case_title or f"#{case_id}",
        "case_id": case_id,
        "step": step_name or "",
    }
    queued = 0
    for user_id in holders(session, ADMIN_ROLE, None):
        queued += notifications.enqueue(
            session,
            clock,
            event_key=f"incident:{case_id}:{now.isoformat()}",
            user_id=user_id,
            template="incident",
            params=params,
            case_id=case_id,
            channels=(notifications.INAPP, notifications.EMAIL),
        )
    return queued
