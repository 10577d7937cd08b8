"""An admin's interventions in a case: retry after an incident, correct case data, suspend and
resume (with the case's clocks), terminate. Part of `CaseService` (engine/running/cases.py)."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update

from engine.audit.trail import AuditRecorder, changed_fields
from engine.errors import CaseStateError, TaskConflict, ValidationFailed
from engine.notify import webhooks
from engine.people.actors import Actor
from engine.running import runtime
from engine.running.case_rows import (
    OPEN_STATUSES,
    case_info,
    case_state,
    require_admin,
    shift_due_dates,
)
from engine.running.queries import CaseInfo
from engine.storage.models import Case, CaseTask, Incident
from engine.timing import jobs


class Interventions:
    """Mixed into `CaseService`; uses its `_writing`, `_run`, `_finish` and `_committed`."""

    def retry(self, case_id: int, actor: Actor, data: dict[str, Any] | None) -> CaseInfo:
        require_admin(actor, "retry a case")
        with self.db.read() as session:
            case = case_state(session, case_id)
        if case.status != "incident":
            raise CaseStateError(f"case {case_id} has no incident to retry ({case.status})")
        if case.suspended:
            raise CaseStateError(f"case {case_id} is suspended; resume it first")
        with self._writing(case_id, case.revision) as current:
            failed = runtime.error_tasks(current.workflow)
            for task in failed:
                if data:
                    task.data.update(data)
                task._set_state(TaskState.READY)
            now = self.clock.now()
            current.session.execute(
                update(Incident)
                .where(
                    Incident.case_id == case_id,
                    Incident.status == "open",
                    Incident.kind == "engine",
                )
                .values(status="resolved", resolved_at=now, resolved_by=actor.user_id)
            )
            current.audit.record(
                actor.user_id,
                "case_retried",
                case_id=case_id,
                element_id=",".join(t.task_spec.bpmn_id for t in failed),
                changes=changed_fields({}, data or {}),
            )
            failure = self._run(current, actor, lambda: runtime.run_until_wait(current.workflow))
            info = self._finish(current, actor, failure)
        self._committed(current)
        return info

    def update_case_data(
        self, case_id: int, changes: dict[str, Any], reason: str, actor: Actor
    ) -> CaseInfo:
        """An admin corrects case variables (say, before a retry), with a reason; audited.

        The changes go into the data of the tasks the case goes on from (failed, ready and
        waiting ones), so a retry or the next step sees them. Nothing runs."""
        require_admin(actor, "correct case data")
        if not isinstance(changes, dict) or not changes:
            raise ValidationFailed("no changes given", {"changes": ["Give at least one change."]})
        bad = [key for key in changes if not isinstance(key, str) or not key.strip()
               or key.startswith("_")]  # fmt: skip
        if bad:
            raise ValidationFailed("unusable variable names", {"changes": [f"Bad names: {bad}"]})
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationFailed("a reason is required", {"reason": ["Give a reason."]})
        with self.db.read() as session:
            case = case_state(session, case_id)
        if case.status not in OPEN_STATUSES:
            raise CaseStateError(f"case {case_id} is {case.status}")
        with self._writing(case_id, case.revision) as current:
            before = runtime.case_data(current.workflow)
            for task in runtime.data_holders(current.workflow):
                task.data.update(changes)
            current.audit.record(
                actor.user_id,
                "case_data_corrected",
                case_id=case_id,
                changes=changed_fields({k: before.get(k) for k in changes}, changes),
                reason=reason.strip()[:2000],
            )
            info = self._finish(current, actor, None)
        self._committed(current)
        return info

    def set_suspended(
        self, case_id: int, actor: Actor, suspended: bool, reason: str | None
    ) -> CaseInfo:
        """Suspending pauses the case's clocks; resuming moves every due time on by the pause."""
        require_admin(actor, "suspend or resume a case")
        with self.db.read() as session:
            case = case_state(session, case_id)
        if case.status not in OPEN_STATUSES:
            raise CaseStateError(f"case {case_id} is {case.status}")
        if case.suspended == suspended:
            state = "suspended" if suspended else "active"
            raise CaseStateError(f"case {case_id} is already {state}")
        with self._writing(case_id, case.revision) as current:
            session, now = current.session, self.clock.now()
            changes: dict[str, Any] = {"suspended": {"before": not suspended, "after": suspended}}
            if suspended:
                jobs.pause_case(session, case_id)
                values: dict[str, Any] = {"suspended": True, "paused_at": now}
            else:
                paused = current.case.paused_at or now
                delta = now - paused
                jobs.resume_case(session, case_id, delta)
                runtime.shift_timers(current.workflow, delta)
                shift_due_dates(session, case_id, delta)
                changes["clock_paused_for"] = {"before": None, "after": str(delta)}
                values = {"suspended": False, "paused_at": None}
            current.case.suspended = suspended
            session.execute(update(Case).where(Case.id == case_id).values(**values))
            current.audit.record(
                actor.user_id,
                "case_suspended" if suspended else "case_resumed",
                case_id=case_id,
                changes=changes,
                reason=reason,
            )
            info = self._finish(current, actor, None)
        self._committed(current)
        return info

    def terminate(self, case_id: int, actor: Actor, reason: str | None) -> CaseInfo:
        require_admin(actor, "terminate a case")
        with self.db.read() as session:
            case = case_state(session, case_id)
        if case.status not in OPEN_STATUSES:
            raise CaseStateError(f"case {case_id} is {case.status}")
        with self.db.write() as session:
            now = self.clock.now()
            bumped = session.execute(
                update(Case)
                .where(Case.id == case_id, Case.revision == case.revision)
                .values(
                    revision=case.revision + 1, status="terminated", ended_at=now, updated_at=now
                )
            )
            if bumped.rowcount != 1:
                raise TaskConflict(f"case {case_id} was changed by someone else just now")
            ready = list(
                session.execute(
                    select(CaseTask.id).where(
                        CaseTask.case_id == case_id, CaseTask.state == "ready"
                    )
                ).scalars()
            )
            session.execute(
                update(CaseTask)
                .where(CaseTask.id.in_(ready))
                .values(state="cancelled", completed_at=now)
            )
            jobs.cancel_case(session, case_id, now)
            session.execute(
                update(Incident)
                .where(Incident.case_id == case_id, Incident.status == "open")
                .values(status="resolved", resolved_at=now, resolved_by=actor.user_id)
            )
            audit = AuditRecorder(session, self.clock)
            audit.record(
                actor.user_id,
                "case_terminated",
                case_id=case_id,
                changes={"status": {"before": case.status, "after": "terminated"}},
                reason=reason,
            )
            audit.flush()
            webhooks.emit(
                session, self.clock, webhooks.CASE_ENDED, subject=f"cases/{case_id}",
                case_id=case_id,
                data={"case_id": case_id, "status": "terminated",
                      "process_id": session.scalar(select(Case.process_id)
                                                   .where(Case.id == case_id))},
            )  # fmt: skip
        self.workflows.take(case_id, -1)
        with self.db.read() as session:
            info = case_info(session, case_id)
        return info
