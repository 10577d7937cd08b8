"""Scheduler benchmark: a burst of due BPMN timers among many pending ones, and idle CPU.

    .venv/bin/python bench/scheduler.py [--cases N] [--quick] [--idle-seconds S]
                                        [--postgres URL] [--profile]

Seeds N cases (default 10,000) of a small model: one user task with three interrupting boundary
timers, so 3N pending timer rows. Every tenth case gets a first timer of PT5M, started on a
ManualClock spread over 50 s, so N/10 timers fall due in the same minute; the others wait days.
The policy has no reminders and no escalation: BPMN timers are the only scheduled work.
(a) the clock moves past that minute and one `Scheduler.run_due()` fires the burst; the
reference is one plain `complete_task` of the same user task (same database, same engine),
measured on 100 extra cases just before the burst and on 100 far-timer cases just after.
(b) `Scheduler.serve(background=True)` on the system clock with nothing due for days: process
CPU time and `run_due` calls while it sits idle.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Running bench/scheduler.py puts bench/ first on sys.path, where engine.py would shadow `engine`.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import psycopg  # noqa: E402
from marshmallow import Schema, fields  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from engine import Database, Engine, ManualClock, Registry, SystemClock  # noqa: E402
from engine.scheduling.scheduler import RunReport, Scheduler  # noqa: E402
from engine.storage.migrate import upgrade  # noqa: E402
from engine.storage.models import AuditEntry, CaseTask, ScheduledJob  # noqa: E402
from engine.timing.policy import Policy, load_policy  # noqa: E402
from processes import MIGRATIONS  # noqa: E402

POLICY = '[defaults]\nreminders = []\ngrace = "none"\n'  # only BPMN timers get scheduled
TIMERS = {"t_soon": "soon", "t_month": '"P30D"', "t_quarter": '"P90D"'}  # element: expression
SOON, LATER = "PT5M", "P7D"
REFERENCE = 200  # plain complete_task calls for the reference
BOUNDARY = """    <bpmn:boundaryEvent id="{id}" attachedToRef="work" cancelActivity="true">
      <bpmn:timerEventDefinition><bpmn:timeDuration>{expr}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f_{id}" sourceRef="{id}" targetRef="late"/>"""
MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="defs_timers" targetNamespace="http://stuurboord.test/bench-timers">
  <bpmn:process id="timers" name="Three timers" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="l_clerk" name="clerk">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>work</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>done</bpmn:flowNodeRef>{refs}
      </bpmn:lane>
      <bpmn:lane id="l_manager" name="manager">
        <bpmn:flowNodeRef>late</bpmn:flowNodeRef><bpmn:flowNodeRef>late_end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"/><bpmn:userTask id="work"/><bpmn:userTask id="late"/>
    <bpmn:endEvent id="done"/><bpmn:endEvent id="late_end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="done"/>
    <bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="late_end"/>
{boundaries}
  </bpmn:process>
</bpmn:definitions>
""".format(
    refs="".join(f"<bpmn:flowNodeRef>{t}</bpmn:flowNodeRef>" for t in TIMERS),
    boundaries="\n".join(BOUNDARY.format(id=t, expr=e) for t, e in TIMERS.items()),
)


class StartForm(Schema):
    soon = fields.String(required=True)


def count(db: Database, *where: Any, of: Any = None) -> int:
    with db.read() as session:
        return session.execute(select(func.count(of)).where(*where)).scalar_one()


def timers(status: str, *where: Any) -> tuple[Any, ...]:
    return (ScheduledJob.kind == "timer", ScheduledJob.status == status, *where)


def database(admin_url: str | None, tmp: Path) -> tuple[str, Callable[[], None]]:
    """A fresh database: a SQLite file in tmp, or a dedicated PostgreSQL database."""
    if not admin_url:
        return f"sqlite:///{tmp / 'bench.db'}", lambda: None
    name = f"stuurboord_bench_{os.getpid()}"
    admin = psycopg.connect(admin_url, autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")

    def drop() -> None:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def seed(engine: Engine, clock: ManualClock, cases: int, due: int) -> float:
    """Start `cases` cases; one in cases/due gets the short timer, spread over 50 s."""
    every, step = max(1, cases // due), 50 / due
    started = time.perf_counter()
    for i in range(cases):
        short = i % every == 0 and i // every < due
        engine.start_case("timers", {"soon": SOON if short else LATER})
        if short:
            clock.advance(seconds=step)
        if (i + 1) % 2000 == 0:
            print(f"  seeded {i + 1} cases ({time.perf_counter() - started:.0f} s)", flush=True)
    return time.perf_counter() - started


def burst(engine: Engine, profile: bool) -> tuple[RunReport, float, RunReport]:
    """One timed run_due() over everything due, then a second one that must fire nothing."""
    scheduler = Scheduler(engine, name="bench")
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    report = profiler.runcall(scheduler.run_due) if profiler else scheduler.run_due()
    elapsed = time.perf_counter() - started
    again = scheduler.run_due()
    scheduler.resign()  # so the idle scheduler on the system clock leads at once
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return report, elapsed, again


def verify(db: Database, report: RunReport, again: RunReport, pending: int,
           due: int) -> dict[str, bool]:  # fmt: skip
    fired = count(db, AuditEntry.action == "timer_fired")
    tasks = count(db, AuditEntry.action == "timer_fired", of=func.distinct(AuditEntry.task_id))
    late = count(db, CaseTask.element_id == "late", CaseTask.state == "ready")
    cancelled = count(db, CaseTask.element_id == "work", CaseTask.state == "cancelled")
    left = count(db, *timers("pending"))
    return {
        f"run_due fired {report.fired} (failed {report.failed}, retried {report.retried})":
            report.fired == due and not report.errors,
        f"audit timer_fired rows {fired}, distinct tasks {tasks}": fired == tasks == due,
        f"'late' ready {late}, 'work' cancelled {cancelled}": late == cancelled == due,
        f"pending timers left {left} (= {pending} - 3 x {due})": left == pending - 3 * due,
        f"second run_due fired {again.fired}": again.fired == 0,
    }  # fmt: skip


def reference(engine: Engine, n: int) -> list[float]:
    """Seconds per plain complete_task of `work` in the n newest far-timer cases."""
    with engine.db.read() as session:
        ids = session.execute(
            select(CaseTask.id).where(CaseTask.element_id == "work", CaseTask.state == "ready")
            .order_by(CaseTask.case_id.desc()).limit(n)
        ).scalars().all()  # fmt: skip
    clerk = engine.actor("carla")
    times = []
    for task_id in ids:
        started = time.perf_counter()
        engine.complete_task(task_id, {}, clerk)
        times.append(time.perf_counter() - started)
    return times


class Counting(Scheduler):  # counts run_due() and lead() calls; `ticked`: the first run ended
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, name="idle")
        self.runs = self.leads = 0
        self.ticked = threading.Event()

    def run_due(self) -> RunReport:
        self.runs += 1
        try:
            return super().run_due()
        finally:
            self.ticked.set()

    def lead(self) -> Any:
        self.leads += 1
        return super().lead()


def idle(db: Database, registry: Registry, policy: Policy, seconds: float) -> None:
    scheduler = Counting(Engine(db, registry, SystemClock(), policy=policy))
    ap: Any = scheduler.serve(background=True)
    try:
        assert scheduler.ticked.wait(60), "the served scheduler never ran"
        time.sleep(0.5)  # let the first tick re-arm its date job
        runs, leads, wakeup = scheduler.runs, scheduler.leads, ap.get_job("due").next_run_time
        wall, cpu = time.time(), time.process_time()
        time.sleep(seconds)
        cpu, wall = time.process_time() - cpu, time.time() - wall
        runs, leads = scheduler.runs - runs, scheduler.leads - leads
    finally:
        ap.shutdown(wait=False)
        scheduler.resign()
    ahead = (wakeup - datetime.now(UTC)).total_seconds()
    print(f"(b) idle serve() on the system clock for {wall:.1f} s; earliest timer days away")
    print(f"  next run_due armed {ahead:.0f} s ahead (the idle re-check cap)")
    print(f"  process CPU {cpu * 1000:.1f} ms = {cpu / wall * 60_000:.1f} ms CPU per idle minute"
          f" = {cpu / wall:.4%} of one core")  # fmt: skip
    print(f"  run_due calls in the window: {runs} (expected 0); lease renewals: {leads}")


def run(url: str, tmp: Path, cases: int, idle_seconds: float, profile: bool) -> bool:
    db = Database(url)
    upgrade(db, [MIGRATIONS])
    (tmp / "timers.bpmn").write_text(MODEL)
    (tmp / "policy.toml").write_text(POLICY)
    policy = load_policy(tmp / "policy.toml")
    registry = Registry()
    registry.form("timers", "start", StartForm)
    t0 = datetime.now(UTC).replace(second=0, microsecond=0)
    clock = ManualClock(t0)
    engine = Engine(db, registry, clock, policy=policy)
    engine.deploy([tmp / "timers.bpmn"])
    engine.ensure_user("carla", "Carla", grants=[("clerk", None)])
    due = max(1, cases // 10)
    print(f"{db.dialect}: seeding {cases} cases, {due} with a {SOON} timer", flush=True)
    seeded = seed(engine, clock, cases, due)
    half = REFERENCE // 2
    for _ in range(half):  # extra cases for the reference before the burst, completed below
        engine.start_case("timers", {"soon": LATER})
    cold = Engine(Database(url), registry, clock, policy=policy)  # as in a scheduler process
    before = reference(cold, half)  # the newest cases: the extra ones
    pending = count(db, *timers("pending"))
    clock.set(t0 + timedelta(minutes=6))  # past the minute in which the burst is due
    in_burst = count(db, *timers("pending", ScheduledJob.due_at <= clock.now()))
    print(f"  {seeded:.0f} s ({seeded / cases * 1000:.2f} ms per start_case); {pending} pending"
          f" timers, {in_burst} due in {t0 + timedelta(minutes=5):%H:%M} UTC")  # fmt: skip
    report, elapsed, again = burst(cold, profile)
    checks = verify(db, report, again, pending, in_burst)
    after = reference(cold, half)
    times = before + after
    ref, per_timer = statistics.fmean(times), elapsed / max(report.fired, 1)
    print(f"(a) burst: one run_due() over {pending} pending timers in {cases} cases")
    print(f"  {report.fired} timers fired in {elapsed:.2f} s = {report.fired / elapsed:.0f}"
          f" timers/s, {per_timer * 1000:.2f} ms per timer")  # fmt: skip
    for label, ok in checks.items():
        print(f"  check {'OK  ' if ok else 'FAIL'} {label}")
    print(f"  reference, plain complete_task: mean {statistics.fmean(before) * 1000:.2f} ms"
          f" ({len(before)} before the burst) / {statistics.fmean(after) * 1000:.2f} ms"
          f" ({len(after)} after); median {statistics.median(times) * 1000:.2f} ms")  # fmt: skip
    print(f"  ms per fired timer / mean ms per complete_task = {per_timer / ref:.2f}")
    idle(db, registry, policy, idle_seconds)
    cold.db.dispose()
    db.dispose()
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases, 3 timers each")
    parser.add_argument("--quick", action="store_true", help="smoke run: 500 cases, 3 s idle")
    parser.add_argument("--idle-seconds", type=float, help="idle window (default 10 s)")
    parser.add_argument("--postgres", metavar="URL", help="run in a scratch database there")
    parser.add_argument("--profile", action="store_true", help="cProfile the burst")
    args = parser.parse_args()
    cases = 500 if args.quick else args.cases
    if cases < 200:
        parser.error("--cases: at least 200 (the reference needs 100 cases without a due timer)")
    idle_seconds = args.idle_seconds or (3.0 if args.quick else 10.0)
    with tempfile.TemporaryDirectory(prefix="stuurboord-bench-") as tmp:
        url, drop = database(args.postgres, Path(tmp))
        try:
            return 0 if run(url, Path(tmp), cases, idle_seconds, args.profile) else 1
        finally:
            drop()


if __name__ == "__main__":
    sys.exit(main())
