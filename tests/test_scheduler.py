"""Time: BPMN timers, due dates, reminders and escalations fired once by one leader."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine import Database, Engine, Hooks, ManualClock, TaskConflict, TaskNotActive
from engine.scheduling.scheduler import Scheduler
from engine.storage.models import Incident, Notification, ScheduledJob
from engine.timing.policy import load_policy
from tests.conftest import BPMN
from tests.helpers import actor

POLICY = """
[calendar]
country = "BE"
timezone = "Europe/Brussels"

[defaults]
reminders = ["-1d", "0d"]
repeat = "weekly"
remind = ["assignee"]
grace = "2 working days"
escalate = { notify = ["role:manager"] }
"""


@pytest.fixture
def policy(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text(POLICY)
    return load_policy(path)


@pytest.fixture
def timed(db: Database, clock: ManualClock, policy) -> Engine:
    engine = Engine(db, clock=clock, policy=policy)
    engine.deploy([BPMN / "deadline.bpmn"])
    actor(engine, "carla", ("clerk", None))
    actor(engine, "mona", ("manager", None))
    return engine


def _count(engine: Engine, action: str) -> int:
    return sum(1 for entry in engine.audit_trail() if entry.action == action)


def test_due_date_on_working_days_and_jobs_scheduled(timed: Engine, clock: ManualClock) -> None:
    clock.set(datetime(2026, 4, 2, 9, 0, tzinfo=UTC))  # Thursday before Easter
    case = timed.start_case("deadline", {})
    [task] = timed.case_tasks(case.id)
    # 2 working days from Thursday 2 April: Friday 3, (weekend, Easter Monday 6), Tuesday 7.
    assert task.due_at == datetime(2026, 4, 7, 9, 0, tzinfo=UTC)
    with timed.db.read() as session:
        kinds = sorted(
            session.execute(
                select(ScheduledJob.kind, ScheduledJob.due_at).where(
                    ScheduledJob.status == "pending"
                )
            ).all()
        )
    # boundary timer P30D, reminders -1d (Mon 6 April is Easter Monday: moved back to Friday 3)
    # and 0d at 09:00 Brussels (07:00 UTC), escalation two working days after the due date.
    assert kinds == [
        ("escalation", datetime(2026, 4, 9, 9, 0, tzinfo=UTC)),
        ("reminder", datetime(2026, 4, 3, 7, 0, tzinfo=UTC)),
        ("reminder", datetime(2026, 4, 7, 7, 0, tzinfo=UTC)),
        ("timer", datetime(2026, 5, 2, 9, 0, tzinfo=UTC)),
    ]


def test_boundary_timer_fires_through_the_scheduler(timed: Engine, clock: ManualClock) -> None:
    case = timed.start_case("deadline", {})
    scheduler = Scheduler(timed)
    assert scheduler.run_due().fired == 0
    clock.advance(days=30)
    report = scheduler.run_due()
    assert report.leader and report.fired >= 1
    tasks = {t.element_id: t.state for t in timed.case_tasks(case.id)}
    assert tasks == {"work": "cancelled", "late": "ready"}
    fired = [e for e in timed.audit_trail(case.id) if e.action == "timer_fired"]
    assert (
        len(fired) == 1 and fired[0].actor == "scheduler" and fired[0].element_id == "work_timeout"
    )
    # Overdue reminders and the escalation came first (in due order); once the timer cancelled
    # the task, its weekly reminders stop.
    sent = (_count(timed, "reminder_sent"), _count(timed, "escalation_raised"))
    # -1d and 0d fell due together: one reminder (the later speaks for both); the weekly
    # repeat is counted from now (coalesced), so after the timer
    assert sent == (1, 1)
    clock.advance(days=30)
    scheduler.run_due()
    assert (_count(timed, "reminder_sent"), _count(timed, "escalation_raised")) == sent
    assert timed.verify_audit().ok


def test_reminders_escalation_and_weekly_repeat(timed: Engine, clock: ManualClock) -> None:
    case = timed.start_case("deadline", {})  # Monday 2 March 09:00 UTC; due Wednesday 4 March
    scheduler = Scheduler(timed)
    clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))  # -1d at 09:00 Brussels = 08:00 UTC
    scheduler.run_due()
    assert _count(timed, "reminder_sent") == 1
    clock.set(datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    scheduler.run_due()
    assert _count(timed, "reminder_sent") == 2
    clock.set(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))  # two working days after the due date
    scheduler.run_due()
    [escalation] = [e for e in timed.audit_trail(case.id) if e.action == "escalation_raised"]
    assert escalation.changes == {"recipients": {"before": None, "after": ["mona"]}}
    clock.set(datetime(2026, 3, 11, 8, 0, tzinfo=UTC))  # weekly repeat after the last reminder
    scheduler.run_due()
    assert _count(timed, "reminder_sent") == 3
    with timed.db.read() as session:
        rows = session.execute(
            select(Notification.user_id, Notification.template, Notification.channel).order_by(
                Notification.id
            )
        ).all()
    assert [(u, t) for u, t, c in rows if c == "inapp"] == [
        ("carla", "reminder"),
        ("carla", "reminder"),
        ("mona", "escalation"),
        ("carla", "reminder"),
    ]


def test_overdue_work_after_downtime_fires_once_in_due_order(
    db, clock: ManualClock, policy
) -> None:
    engine = Engine(db, clock=clock, policy=policy)
    engine.deploy([BPMN / "deadline.bpmn"])
    actor(engine, "carla", ("clerk", None))
    actor(engine, "mona", ("manager", None))
    for _ in range(50):  # 50 tasks x (2 reminders + escalation + timer) = 200 jobs, + repeats
        engine.start_case("deadline", {})
        clock.advance(minutes=1)
    clock.advance(days=40)  # the scheduler was down for weeks
    restarted = Scheduler(Engine(Database(db.url), clock=clock, policy=policy))
    report = restarted.run_due()
    assert report.fired == 200 and report.failed == 0
    # the two planned reminders fell due together: one each (the later speaks for both);
    # the weekly repeat counts from now, not one per missed week
    assert _count(engine, "reminder_sent") == 50
    assert _count(engine, "escalation_raised") == 50
    assert _count(engine, "timer_fired") == 50
    with db.read() as session:
        done = session.execute(
            select(ScheduledJob.due_at, ScheduledJob.done_at)
            .where(ScheduledJob.status == "done")
            .order_by(ScheduledJob.id)
        ).all()
    assert len(done) >= 150
    assert restarted.run_due().fired == 0
    assert engine.verify_audit().ok


@pytest.mark.parametrize("count", [2, 4])
def test_many_schedulers_fire_each_timer_once(db, clock: ManualClock, policy, count: int) -> None:
    engine = Engine(db, clock=clock, policy=policy)
    engine.deploy([BPMN / "deadline.bpmn"])
    actor(engine, "carla", ("clerk", None))
    for _ in range(20):
        engine.start_case("deadline", {})
    clock.advance(days=31)
    schedulers = [
        Scheduler(Engine(Database(db.url), clock=clock, policy=policy), name=f"s{i}")
        for i in range(count)
    ]
    start = threading.Barrier(count, timeout=30)
    reports = []

    def run(scheduler: Scheduler) -> None:
        start.wait()
        reports.append(scheduler.run_due())

    threads = [threading.Thread(target=run, args=(s,)) for s in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(r.leader for r in reports) == 1
    assert _count(engine, "timer_fired") == 20
    assert sum(1 for t in engine.ready_tasks() if t.element_id == "late") == 20
    for scheduler in schedulers:
        scheduler.engine.db.dispose()


def test_paused_leader_late_write_is_refused(db, clock: ManualClock, tmp_path) -> None:
    path = tmp_path / "quiet.toml"
    path.write_text('[defaults]\nreminders = []\ngrace = "none"\n')  # only the BPMN timer
    policy = load_policy(path)
    engine = Engine(db, clock=clock, policy=policy)
    engine.deploy([BPMN / "deadline.bpmn"])
    actor(engine, "carla", ("clerk", None))
    case = engine.start_case("deadline", {})
    clock.advance(days=31)
    paused, resume = threading.Event(), threading.Event()

    def pause(**_: object) -> None:  # the old leader has claimed the timer, then stalls
        paused.set()
        resume.wait(30)

    old_engine = Engine(
        Database(db.url), clock=clock, policy=policy, hooks=Hooks({"job_loaded": pause})
    )
    old = Scheduler(old_engine, name="old")  # the default lease (6 s)
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(old.run_due()))
    thread.start()
    assert paused.wait(30)
    clock.advance(seconds=31)  # its lease runs out while it is paused
    new = Scheduler(Engine(Database(db.url), clock=clock, policy=policy), name="new")
    took_over = new.run_due()
    assert took_over.leader and took_over.fired == 1
    assert new.fence is not None and new.fence.token > old.fence.token  # type: ignore[union-attr]
    resume.set()
    thread.join(30)
    [old_report] = result
    assert old_report.refused == 1 and old_report.fired == 0  # type: ignore[attr-defined]
    assert _count(engine, "timer_fired") == 1
    [task] = [t for t in engine.case_tasks(case.id) if t.state == "ready"]
    assert task.element_id == "late"
    assert engine.verify_audit().ok


def test_timer_and_user_at_the_same_instant_resolve_to_one_branch(
    db, clock: ManualClock, policy
) -> None:
    both = threading.Barrier(2, timeout=30)
    hooks = Hooks({"before_claim": lambda **_: both.wait(), "job_loaded": lambda **_: both.wait()})
    engine = Engine(db, clock=clock, policy=policy, hooks=hooks)
    engine.deploy([BPMN / "deadline.bpmn"])
    carla = actor(engine, "carla", ("clerk", None))
    case = engine.start_case("deadline", {})
    [work] = engine.case_tasks(case.id)
    clock.advance(days=30, seconds=1)
    scheduler = Scheduler(Engine(Database(db.url), clock=clock, policy=policy, hooks=hooks))
    outcome: dict[str, object] = {}

    def user() -> None:
        try:
            outcome["user"] = engine.complete_task(work.id, {}, carla)
        except (TaskConflict, TaskNotActive) as error:  # the timer's step came first
            outcome["user"] = error

    thread = threading.Thread(target=user)
    thread.start()
    outcome["timer"] = scheduler.run_due()
    thread.join(30)
    hooks.points.clear()
    scheduler.run_due()  # a timer that lost the race is retried and finds nothing to do
    states = {t.element_id: t.state for t in engine.case_tasks(case.id)}
    if isinstance(outcome["user"], TaskConflict | TaskNotActive):
        assert states == {"work": "cancelled", "late": "ready"}
        assert _count(engine, "timer_fired") == 1
    else:
        assert states == {"work": "completed"}
        assert engine.case(case.id).status == "completed"
        assert _count(engine, "timer_fired") == 0
    assert engine.verify_audit().ok
    scheduler.engine.db.dispose()


def test_failing_reminder_is_retried_then_an_incident_while_others_go_on(
    timed, clock, monkeypatch
) -> None:
    from engine.running import reminders

    first = timed.start_case("deadline", {})
    timed.start_case("deadline", {})
    real = reminders.notifications.enqueue

    def broken(session, clock_, **kwargs):
        if kwargs["case_id"] == first.id:
            raise RuntimeError("template store unavailable")
        return real(session, clock_, **kwargs)

    monkeypatch.setattr(reminders.notifications, "enqueue", broken)
    scheduler = Scheduler(timed)
    clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    scheduler.run_due()
    assert _count(timed, "reminder_sent") == 1  # the other case's reminder went out
    for minutes in (1, 5, 30, 120):
        clock.advance(minutes=minutes)
        scheduler.run_due()
    with timed.db.read() as session:
        incident = session.execute(select(Incident).where(Incident.kind == "job")).scalar_one()
        failed = session.execute(
            select(func.count()).select_from(ScheduledJob).where(ScheduledJob.status == "failed")
        ).scalar_one()
    assert failed == 1
    assert incident.case_id == first.id and "template store unavailable" in incident.message
    assert timed.case(first.id).status == "running"
    assert timed.verify_audit().ok


def test_daily_reminder_fires_once_on_both_dst_days(db, clock: ManualClock, tmp_path) -> None:
    path = tmp_path / "daily.toml"
    path.write_text(
        '[defaults]\nreminders = ["-3d"]\nrepeat = "daily"\ngrace = "none"\n'
        "working_days_only = false\n"
    )
    changes = {
        datetime(2026, 3, 27, 12, 0, tzinfo=UTC): date(2026, 3, 29),
        datetime(2026, 10, 23, 12, 0, tzinfo=UTC): date(2026, 10, 25),
    }
    for start, dst_day in changes.items():
        clock.set(start)
        engine = Engine(db, clock=clock, policy=load_policy(path))
        engine.deploy([BPMN / "deadline.bpmn"])
        actor(engine, "carla", ("clerk", None))
        case = engine.start_case("deadline", {})  # due in 2 working days
        scheduler = Scheduler(engine)
        for _ in range(6 * 24):  # every hour for six days
            clock.advance(hours=1)
            scheduler.run_due()
        sent = [e.at for e in engine.audit_trail(case.id) if e.action == "reminder_sent"]
        local = [moment.astimezone(engine.policy.calendar.zone) for moment in sent]
        assert len({m.date() for m in local}) == len(local)  # one a day
        assert all((m.hour, m.minute) == (9, 0) for m in local)
        assert dst_day in {m.date() for m in local}
        assert len(local) >= 4


def test_suspension_pauses_the_clock_and_extension_moves_the_due_date(timed, clock) -> None:
    admin = actor(timed, "ada", ("admin", None))
    case = timed.start_case("deadline", {})
    [work] = timed.case_tasks(case.id)
    timed.suspend(case.id, admin, "waiting for advice")
    clock.advance(days=10)
    assert Scheduler(timed).run_due().fired == 0  # nothing fires while suspended
    timed.resume(case.id, admin)
    moved = timed.task(work.id)
    assert moved.due_at == work.due_at + timedelta(days=10)
    [resumed] = [e for e in timed.audit_trail(case.id) if e.action == "case_resumed"]
    assert resumed.changes["clock_paused_for"]["after"] == "10 days, 0:00:00"
    new_due = moved.due_at + timedelta(days=5)
    extended = timed.extend_due(work.id, new_due, "more input needed", admin)
    assert extended.due_at == new_due
    [entry] = [e for e in timed.audit_trail(case.id) if e.action == "due_date_extended"]
    assert entry.reason == "more input needed"
    with timed.db.read() as session:
        reminders_at = sorted(
            session.execute(
                select(ScheduledJob.due_at).where(
                    ScheduledJob.kind == "reminder", ScheduledJob.status == "pending"
                )
            ).scalars()
        )
    assert reminders_at and all(at > clock.now() for at in reminders_at)
    assert max(reminders_at) <= new_due


def test_reminders_reach_a_real_smtp_server_exactly_once(db, clock, policy, inbox) -> None:
    from engine.notify.mailer import Sender

    engine = Engine(db, clock=clock, policy=policy)
    engine.deploy([BPMN / "deadline.bpmn"])
    engine.ensure_user("carla", "Carla", email="carla@example.test", grants=[("clerk", None)])
    engine.ensure_user(
        "eve", "Eve", email="eve@example.test", language="en", grants=[("clerk", None)]
    )
    first = engine.start_case("deadline", {})
    engine.claim(engine.case_tasks(first.id)[0].id, engine.actor("carla"))
    second = engine.start_case("deadline", {})
    engine.claim(engine.case_tasks(second.id)[0].id, engine.actor("eve"))
    scheduler = Scheduler(engine, Sender(db, clock, inbox.transport()))
    clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    report = scheduler.run_due()
    assert report.fired == 2 and report.notifications >= 2
    assert [m["To"] for m in inbox.messages].count("carla@example.test") == 1
    assert [m["To"] for m in inbox.messages].count("eve@example.test") == 1
    assert all(m["Message-ID"] for m in inbox.messages)
    scheduler.run_due()
    clock.advance(minutes=5)
    scheduler.run_due()
    assert len(inbox.messages) == 2
