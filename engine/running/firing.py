"""Firing scheduled work in a case: BPMN timers, deferred messages, deferred case starts,
reminders and escalations. Part of `CaseService` (engine/running/cases.py)."""

from __future__ import annotations

from datetime import timedelta

from engine.errors import CaseStateError
from engine.people.actors import Actor
from engine.running import runtime
from engine.running.case_rows import OPEN_STATUSES, case_state
from engine.running.steps import Step
from engine.timing import jobs
from engine.timing.clock import AtLeast, active

INLINE = jobs.Fence("engine", None)


class Firing:
    """Mixed into `CaseService`; uses its `_writing`, `_run`, `_finish` and `_committed`."""

    def fire(self, job: jobs.Job, fence: jobs.Fence, actor: Actor) -> None:
        """Apply one claimed job and mark it done, in one transaction that checks the fence."""
        if job.kind in (jobs.TIMER, jobs.MESSAGE):
            self._fire_in_case(job, fence, actor)
        elif job.kind == jobs.START:
            self._fire_start(job, fence, actor)
        elif job.kind in (jobs.REMINDER, jobs.ESCALATION):
            from engine.running.reminders import fire_reminder

            fire_reminder(self, job, fence, actor)
        else:
            raise ValueError(f"unknown job kind {job.kind!r}")

    def _fire_in_case(self, job: jobs.Job, fence: jobs.Fence, actor: Actor) -> None:
        assert job.case_id is not None
        with self.db.read() as session:
            case = case_state(session, job.case_id)
        if case.status not in OPEN_STATUSES:
            with self.db.write() as session:
                jobs.check_fence(session, fence)
                jobs.finish(session, job, fence, self.clock.now(), status="cancelled")
            return
        if case.suspended:
            raise CaseStateError(f"case {job.case_id} is suspended")
        self.hooks("job_loaded", job=job)
        with self._writing(job.case_id, case.revision) as current:
            jobs.check_fence(current.session, fence)
            if job.kind == jobs.TIMER:
                self._fire_timer(current, job, actor)
            else:
                self._deliver(current, job.payload["name"], job.payload.get("payload"), actor)
            self.hooks("job_before_commit", job=job)
            jobs.finish(current.session, job, fence, self.clock.now())
        self._committed(current)

    def _fire_timer(self, current: Step, job: jobs.Job, actor: Actor) -> None:
        waiting = {task_id for task_id, _, _ in runtime.waiting_timers(current.workflow)}
        if job.task_id in waiting:
            current.audit.record(
                actor.user_id,
                "timer_fired",
                case_id=current.case.id,
                task_id=job.task_id,
                element_id=job.element_id,
                reason=f"due {job.due_at.isoformat()}",
            )
        floor = job.due_at + timedelta(microseconds=1)
        with active(AtLeast(self.clock, floor)):
            failure = self._run(current, actor, lambda: runtime.run_until_wait(current.workflow))
        self._finish(current, actor, failure)

    def _fire_start(self, job: jobs.Job, fence: jobs.Fence, actor: Actor) -> None:
        process_id = job.payload["process_id"]
        with self.db.read() as session:
            version = self._latest(session, process_id)
        specs = self._specs(version.id)
        data = dict(job.payload.get("data") or {})
        with self.db.write() as session:
            jobs.check_fence(session, fence)
            _, current = self._start_in(
                session, version, specs, process_id, data, actor, job.payload.get("title")
            )
            jobs.finish(session, job, fence, self.clock.now())
        self._committed(current)

    def drain(self, keys: list[str]) -> None:
        """Deliver internal events a step deferred, right after its commit. Whatever fails
        here stays pending for the scheduler."""
        from engine.people.actors import SYSTEM_ACTOR

        for key in keys:
            with self.db.write() as session:
                job = jobs.claim_by_key(session, key, INLINE, self.clock.now())
            if job is None:
                continue
            try:
                self.fire(job, INLINE, SYSTEM_ACTOR)
            except Exception as error:  # the scheduler retries it
                with self.db.write() as session:
                    jobs.release(
                        session,
                        job,
                        INLINE,
                        f"{type(error).__name__}: {error}",
                        self.clock.now(),
                        give_up=False,
                        now=self.clock.now(),
                    )
