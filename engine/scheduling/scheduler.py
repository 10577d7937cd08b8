"""The scheduler: fires due work from the `scheduled_job` table, exactly one leader at a time.

- Leadership is a lease row with a fencing token. Every write that fires a job checks the token
  in the same transaction, so a paused old leader's late writes are refused after a standby
  took over (`LeaseLost`).
- Due jobs are claimed atomically (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the IMMEDIATE
  write transaction) and fired oldest first. After downtime every overdue job fires once, in
  due order; repeating reminders continue from now (coalesced).
- The lease lasts `STUURBOORD_SCHEDULER_LEASE_SECONDS` (6 s by default) and is renewed, or tried
  for by a standby, every third of that: a standby leads within 8 s of the leader's death.
- Then, still as leader, it delivers due mail (`sender`) and due webhooks
  (`engine.notify.webhook_delivery`, on the engine's clock).
- `serve()` runs APScheduler with an in-memory job store: one date job at the earliest due time,
  re-armed after every run and whenever `wake()` is called (new earlier work), plus a lease
  renewal job. Nothing polls in a busy loop.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.audit.trail import AuditRecorder
from engine.errors import EngineError, TaskConflict
from engine.facade import Engine
from engine.notify import webhooks
from engine.notify.webhook_delivery import WebhookSender
from engine.people.actors import SCHEDULER_ACTOR
from engine.settings import scheduler_lease_seconds
from engine.storage.models import Incident, Notification, SchedulerLease
from engine.timing import jobs

log = logging.getLogger("stuurboord.scheduler")

RETRY_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                 timedelta(hours=2))  # fmt: skip
MAX_ATTEMPTS = 5


@dataclass
class RunReport:
    leader: bool = False
    fired: int = 0
    retried: int = 0
    failed: int = 0
    refused: int = 0
    notifications: int = 0
    webhooks: int = 0
    errors: list[str] = field(default_factory=list)


class Scheduler:
    """One scheduler process (or thread). Many may run; one leads."""

    def __init__(self, engine: Engine, sender: object | None = None, *,
                 name: str | None = None, lease: timedelta | None = None,
                 batch: int = 200,
                 webhook_sender: WebhookSender | None = None) -> None:  # fmt: skip
        self.engine = engine
        self.sender = sender
        self.webhook_sender = webhook_sender or WebhookSender(engine.db, engine.clock)
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease = lease or timedelta(seconds=scheduler_lease_seconds())
        self.lease_checked_at: float | None = None  # time.monotonic() of the last lease check
        self.batch = batch
        self.fence: jobs.Fence | None = None
        self._stopping = threading.Event()
        self.listening = threading.Event()
        self._plan_lock = threading.Lock()
        self._planned: datetime | None = None
        self._ticking = False
        self._woken: datetime | None = None
        self._apscheduler: object | None = None

    # -- leadership -------------------------------------------------------------------------

    def lead(self) -> jobs.Fence | None:
        """Take or renew the lease. A new leader gets a higher token than any before it."""
        db, now = self.engine.db, self.engine.clock.now()
        with db.write() as session:
            row = session.execute(
                select(SchedulerLease).where(SchedulerLease.name == jobs.LEASE).with_for_update()
            ).scalar_one()
            mine = (
                self.fence is not None and row.holder == self.name and row.token == self.fence.token
            )
            if mine or row.expires_at is None or row.expires_at <= now:
                token = row.token if mine else row.token + 1
                session.execute(
                    update(SchedulerLease).where(SchedulerLease.name == jobs.LEASE)
                    .values(holder=self.name, token=token, expires_at=now + self.lease)
                )  # fmt: skip
                if not mine:
                    log.info("%s leads the scheduler (token %s)", self.name, token)
                self.fence = jobs.Fence(self.name, token)
                self.lease_checked_at = time.monotonic()
                return self.fence
        if self.fence is not None:
            log.info("%s is standby now (%s leads)", self.name, row.holder)
        self.fence = None
        self.lease_checked_at = time.monotonic()
        return None

    @property
    def renew_every(self) -> timedelta:
        """How often the leader renews its lease and a standby tries to take it."""
        return self.lease / 3

    def health(self) -> dict[str, object]:
        """For readiness probes: has this scheduler checked its lease within one lease time?"""
        checked = self.lease_checked_at
        age = None if checked is None else time.monotonic() - checked
        ok = age is not None and age <= self.lease.total_seconds()
        return {
            "ok": ok,
            "role": "leader" if self.fence is not None else "standby",
            "lease_checked_seconds_ago": None if age is None else round(age, 1),
        }

    def resign(self) -> None:
        if self.fence is None:
            return
        with self.engine.db.write() as session:
            session.execute(
                update(SchedulerLease)
                .where(SchedulerLease.name == jobs.LEASE, SchedulerLease.holder == self.name,
                       SchedulerLease.token == self.fence.token)
                .values(expires_at=None)
            )  # fmt: skip
        self.fence = None

    # -- running ----------------------------------------------------------------------------

    def run_due(self) -> RunReport:
        """Fire everything due now (if this scheduler leads). Safe to call any time."""
        report = RunReport()
        fence = self.lead()
        if fence is None:
            return report
        report.leader = True
        while True:
            now = self.engine.clock.now()
            with self.engine.db.write() as session:
                jobs.check_fence(session, fence)
                claimed = jobs.claim_due(session, fence, now, self.batch)
            for job in claimed:
                self._fire(job, fence, report)
            if len(claimed) < self.batch:
                break
        if self.sender is not None:
            delivered = self.sender.deliver_due()  # type: ignore[attr-defined]
            report.notifications = getattr(delivered, "sent", 0)
        try:
            report.webhooks = self.webhook_sender.deliver_due().delivered
        except Exception as error:  # the next run tries again; jobs and mail went on
            log.exception("webhook delivery failed")
            report.errors.append(f"webhooks: {type(error).__name__}: {error}")
        return report

    def _fire(self, job: jobs.Job, fence: jobs.Fence, report: RunReport) -> None:
        try:
            self.engine._cases.fire(job, fence, SCHEDULER_ACTOR)
            report.fired += 1
        except jobs.LeaseLost as error:
            report.refused += 1
            log.warning("refused: %s", error)
        except Exception as error:
            self._give_back(job, fence, error, report)

    def _give_back(self, job: jobs.Job, fence: jobs.Fence, error: Exception,
                   report: RunReport) -> None:  # fmt: skip
        now = self.engine.clock.now()
        conflict = isinstance(error, TaskConflict)
        attempts = job.attempts + (0 if conflict else 1)
        give_up = attempts >= MAX_ATTEMPTS
        retry_at = now if conflict else now + RETRY_BACKOFF[min(attempts, len(RETRY_BACKOFF)) - 1]
        message = f"{type(error).__name__}: {error}"
        try:
            with self.engine.db.write() as session:
                jobs.check_fence(session, fence)
                jobs.release(session, job, fence, message, retry_at, give_up, now)
                if conflict:  # a lost race is not a failed attempt
                    session.execute(
                        update(jobs.ScheduledJob).where(jobs.ScheduledJob.id == job.id)
                        .values(attempts=job.attempts)
                    )  # fmt: skip
                if give_up:
                    _job_incident(session, self.engine, job, message)
        except jobs.LeaseLost:
            report.refused += 1
            return
        if give_up:
            report.failed += 1
        else:
            report.retried += 1
        level = logging.INFO if conflict or isinstance(error, EngineError) else logging.ERROR
        log.log(level, "job %s (%s) not done: %s", job.id, job.kind, message)
        report.errors.append(message)

    def next_wakeup(self) -> datetime | None:
        """The earliest time anything is due: a job, a notification or a webhook delivery."""
        with self.engine.db.read() as session:
            due = jobs.next_due(session)
            mail = session.execute(
                select(Notification.next_attempt_at).where(Notification.status == "pending")
                .order_by(Notification.next_attempt_at).limit(1)
            ).scalar_one_or_none()  # fmt: skip
            hook = self.webhook_sender.next_due(session)
        times = [t for t in (due, mail, hook) if t is not None]
        return min(times) if times else None

    # -- serving with APScheduler -------------------------------------------------------------

    def serve(
        self, *, background: bool = False, idle_check: timedelta = timedelta(minutes=5)
    ) -> object:
        """Run until stopped: APScheduler (in-memory job store) sleeps until the next due time."""
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.schedulers.blocking import BlockingScheduler

        scheduler = BackgroundScheduler() if background else BlockingScheduler()
        self._apscheduler = scheduler
        self._idle_check = idle_check
        self._planned = datetime.now().astimezone()
        self.engine.db.work_listeners.append(self.wake_if_earlier)
        if self.engine.db.is_postgresql:
            self._listen_thread = threading.Thread(
                target=self._listen, name="stuurboord-work-listener", daemon=True
            )
            self._listen_thread.start()
        scheduler.add_job(self._tick, "date", run_date=datetime.now().astimezone(), id="due",
                          misfire_grace_time=None, coalesce=True)  # fmt: skip
        scheduler.add_job(self.lead, "interval", seconds=self.renew_every.total_seconds(),
                          id="lease", misfire_grace_time=None, coalesce=True)  # fmt: skip
        scheduler.start()
        return scheduler

    def wake(self) -> None:
        """New work may be due earlier than planned: run now."""
        self.wake_if_earlier(datetime.now().astimezone())

    def wake_if_earlier(self, due: datetime) -> None:
        """Re-arm the next run for `due` if that is earlier than planned (new work appeared).

        Called after other transactions commit, so it never raises. During a run the next run is
        planned when the run ends (it reads what is due then); a wake-up meanwhile is kept for
        that. A `due` job that is gone (APScheduler drops a date job while it runs) is added back.
        """
        scheduler = self._apscheduler
        try:
            with self._plan_lock:
                if scheduler is None:
                    return
                if self._ticking:
                    self._woken = due if self._woken is None else min(self._woken, due)
                    return
                if self._planned is not None and due >= self._planned:
                    return
                when = max(due, datetime.now().astimezone())
                self._planned = when
                self._arm(scheduler, when)
        except Exception:
            log.warning("could not re-arm the scheduler for work due %s", due, exc_info=True)

    def _arm(self, scheduler: object, when: datetime) -> None:
        """Plan the next run at `when` (caller holds the plan lock)."""
        from apscheduler.jobstores.base import JobLookupError

        try:
            scheduler.modify_job("due", next_run_time=when)  # type: ignore[attr-defined]
        except JobLookupError:
            self._add_due(scheduler, when)

    def _add_due(self, scheduler: object, when: datetime) -> None:
        scheduler.add_job(self._tick, "date", run_date=when, id="due", replace_existing=True,  # type: ignore[attr-defined]
                          misfire_grace_time=None, coalesce=True)  # fmt: skip

    def stop(self) -> None:
        """Stop serving: APScheduler, the work listener and the lease."""
        self._stopping.set()
        scheduler = self._apscheduler
        if scheduler is not None:
            scheduler.shutdown(wait=False)  # type: ignore[attr-defined]
            self._apscheduler = None
        if self.wake_if_earlier in self.engine.db.work_listeners:
            self.engine.db.work_listeners.remove(self.wake_if_earlier)
        self.resign()

    def _listen(self) -> None:
        """PostgreSQL: hear NOTIFYs from other processes that committed new work."""
        import psycopg

        from engine.storage.work import CHANNEL

        url = self.engine.db.engine.url.set(drivername="postgresql")
        while not self._stopping.is_set():
            try:
                with psycopg.connect(url.render_as_string(hide_password=False),
                                     autocommit=True) as connection:  # fmt: skip
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stopping.is_set():
                        for note in connection.notifies(timeout=1.0):
                            self.wake_if_earlier(datetime.fromisoformat(note.payload))
            except Exception:
                log.warning("work listener lost its connection; reconnecting", exc_info=True)
                self._stopping.wait(5)

    def _tick(self) -> None:
        with self._plan_lock:
            self._ticking, self._woken = True, None
        try:
            self._run_and_plan()
        finally:
            with self._plan_lock:
                self._ticking = False

    def _run_and_plan(self) -> None:
        try:
            self.run_due()
        except Exception:
            log.exception("scheduler run failed")
        try:
            next_at = self.next_wakeup()
        except Exception:
            log.exception("scheduler could not read the next due time")
            next_at = None
        now = self.engine.clock.now()
        limit = now + self._idle_check  # also re-check leadership and other processes' work
        when = limit if next_at is None else max(now, min(next_at, limit))
        with self._plan_lock:
            if self._woken is not None:  # work that appeared during this run
                when = max(now, min(when, self._woken))
            self._planned = when
            scheduler = self._apscheduler
            if scheduler is not None:
                self._add_due(scheduler, when)


def _job_incident(session: Session, engine: Engine, job: jobs.Job, message: str) -> None:
    """A job that failed for good: an incident for the admins, audited with it."""
    now = engine.clock.now()
    session.add(Incident(kind="job", case_id=job.case_id, task_id=job.task_id,
                         element_id=job.element_id, error_type="JobFailed", message=message,
                         status="open", created_at=now))  # fmt: skip
    audit = AuditRecorder(session, engine.clock)
    audit.record(SCHEDULER_ACTOR.user_id, "job_failed", case_id=job.case_id, task_id=job.task_id,
                 element_id=job.element_id, reason=f"{job.kind}: {message}")  # fmt: skip
    audit.flush()
    webhooks.emit(
        session, engine.clock, webhooks.INCIDENT_OPENED,
        subject=f"cases/{job.case_id}" if job.case_id else "jobs", case_id=job.case_id,
        data={"case_id": job.case_id, "kind": "job", "element_id": job.element_id,
              "error_type": "JobFailed"},
    )  # fmt: skip
