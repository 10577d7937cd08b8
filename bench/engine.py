"""Throughput and step-cost benchmark: Stuurboord against plain SpiffWorkflow, in one run.

    .venv/bin/python bench/engine.py [--cases N] [--quick] [--check]

(a) in-memory SpiffWorkflow, (b) naive persistence (whole workflow JSON with specs, loaded and
saved in SQLite at every step), (c) Stuurboord on SQLite with audit: completed cases per second
on tests/bpmn/review.bpmn, alternating a big amount (intake -> approve) and a small one
(intake -> archive). The variants run interleaved in rounds so machine noise hits all of them.
(d) step cost in tests/bpmn/loop.bpmn: median time of one user-task completion in a window of 20
around 1,000 completed user tasks, divided by the same around 10 completed user tasks.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Running bench/engine.py puts bench/ first on sys.path, where this file would shadow `engine`.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from marshmallow import Schema, fields  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from engine import Actor, Database, Engine, Registry, SystemClock  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from tests.helpers import ApproveForm, IntakeForm, StartForm  # noqa: E402

BPMN = _HERE.parent / "tests" / "bpmn"
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
START_DATA = {"requester": "carla"}
LOOP_DATA = {"passes": 0, "limit": 100_000}
WINDOW = 20  # completions per step-cost window
Specs = tuple[Any, dict[str, Any]]


class LoopStartForm(Schema):
    passes = fields.Integer(required=True)
    limit = fields.Integer(required=True)


def steps(i: int) -> list[dict[str, Any]]:
    """The data for the two user tasks of review case number i: both branches, alternating."""
    return [{"amount": 5000}, {"approved": True}] if i % 2 == 0 else [{"amount": 10}, {}]


def parse(name: str, process_id: str) -> Specs:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(BPMN / name))
    return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)


def user_task(wf: BpmnWorkflow) -> Any:
    return next(t for t in wf.tasks.values() if t.state == TaskState.READY and t.task_spec.manual)


def deep_engine_steps(wf: BpmnWorkflow) -> None:
    """Research brief section 9: step past the TaskIterator depth limit (~333 loop passes)."""
    while True:
        ready = [t for w in [wf, *wf.subprocesses.values()] for t in w.tasks.values()
                 if t.state == TaskState.READY and not t.task_spec.manual]  # fmt: skip
        if not ready:
            break
        for task in ready:
            task.run()
    wf.do_engine_steps()


# -- (a) in memory ---------------------------------------------------------------------------


def memory_case(specs: Specs, i: int) -> None:
    wf = BpmnWorkflow(*specs)
    wf.task_tree.data.update(START_DATA)
    wf.do_engine_steps()
    for data in steps(i):
        task = wf.get_next_task(state=TaskState.READY, manual=True)
        task.data.update(data)
        task.run()
        wf.do_engine_steps()
    assert wf.is_completed()


# -- (b) naive persistence -------------------------------------------------------------------


class Naive:
    """Whole workflow JSON (specs included) in one row; same pragmas as engine/db.py."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON",
                       "synchronous=FULL"):  # fmt: skip
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.execute("CREATE TABLE IF NOT EXISTS instance(id INTEGER PRIMARY KEY, state TEXT)")

    def insert(self, wf: BpmnWorkflow) -> int:
        self.conn.execute("BEGIN IMMEDIATE")
        cursor = self.conn.execute(
            "INSERT INTO instance(state) VALUES (?)", (SERIALIZER.serialize_json(wf),)
        )
        self.conn.execute("COMMIT")
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def save(self, key: int, wf: BpmnWorkflow) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute(
            "UPDATE instance SET state = ? WHERE id = ?", (SERIALIZER.serialize_json(wf), key)
        )
        self.conn.execute("COMMIT")

    def load(self, key: int) -> BpmnWorkflow:
        self.conn.execute("BEGIN DEFERRED")
        (text,) = self.conn.execute("SELECT state FROM instance WHERE id = ?", (key,)).fetchone()
        self.conn.execute("COMMIT")
        return SERIALIZER.deserialize_json(text)

    def step(self, key: int, data: dict[str, Any], deep: bool = False) -> None:
        wf = self.load(key)
        task = user_task(wf)
        task.data.update(data)
        task.run()
        deep_engine_steps(wf) if deep else wf.do_engine_steps()
        self.save(key, wf)

    def case(self, specs: Specs, i: int) -> None:
        wf = BpmnWorkflow(*specs)
        wf.task_tree.data.update(START_DATA)
        wf.do_engine_steps()
        key = self.insert(wf)
        for data in steps(i):
            self.step(key, data)


# -- (c) Stuurboord --------------------------------------------------------------------------


class Stuurboord:
    def __init__(self, path: Path) -> None:
        db = Database(f"sqlite:///{path}")
        upgrade(db)
        registry = Registry()
        registry.form("review", "start", StartForm)
        registry.form("review", "intake", IntakeForm)
        registry.form("review", "approve", ApproveForm)
        registry.form("loop", "start", LoopStartForm)
        self.engine = Engine(db, registry, SystemClock())
        self.engine.deploy([BPMN / "review.bpmn", BPMN / "loop.bpmn"])
        self.users: dict[str, Actor] = {}
        for user_id, role in (("carla", "clerk"), ("mona", "manager")):
            self.engine.ensure_user(user_id, user_id.title(), grants=[(role, None)])
            self.users[role] = self.engine.actor(user_id)

    def case(self, i: int) -> None:
        clerk, manager = self.users["clerk"], self.users["manager"]
        case = self.engine.start_case("review", START_DATA, clerk)
        for data in steps(i):
            [task] = [t for t in self.engine.case_tasks(case.id) if t.state == "ready"]
            self.engine.complete_task(task.id, data, manager if task.role == "manager" else clerk)
        assert self.engine.case(case.id).status == "completed"

    def loop_step(self) -> None:
        [task] = self.engine.tasks_for(self.users["clerk"])
        self.engine.complete_task(task.id, {}, self.users["clerk"])


# -- measuring -------------------------------------------------------------------------------


def rate(run: Callable[[int], None], cases: int) -> float:
    started = time.perf_counter()
    for i in range(cases):
        run(i)
    return cases / (time.perf_counter() - started)


def step_costs(step: Callable[[], None], fast_forward: Callable[[int], None]) -> tuple[float, float]:
    """Median step time in a window of WINDOW around 10 and around 1,000 completed user tasks."""
    windows = []
    done = 0
    for centre in (10, 1000):
        fast_forward(centre - WINDOW // 2 - done)
        times = []
        for _ in range(WINDOW):
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
        done = centre + WINDOW // 2
        windows.append(statistics.median(times))
    return windows[0], windows[1]


def loop_costs_stuurboord(sb: Stuurboord) -> tuple[float, float]:
    sb.engine.start_case("loop", LOOP_DATA, sb.users["clerk"])

    def forward(n: int) -> None:
        for _ in range(n):
            sb.loop_step()

    return step_costs(sb.loop_step, forward)


def loop_costs_naive(naive: Naive, specs: Specs) -> tuple[float, float]:
    """Persisted steps in the windows; in between, steps run in memory (same state size)."""
    wf = BpmnWorkflow(*specs)
    wf.task_tree.data.update(LOOP_DATA)
    wf.do_engine_steps()
    key = naive.insert(wf)

    def forward(n: int) -> None:
        wf = naive.load(key)
        for _ in range(n):
            user_task(wf).run()
            deep_engine_steps(wf)
        naive.save(key, wf)

    return step_costs(lambda: naive.step(key, {}, deep=True), forward)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1500, help="review cases per variant")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--quick", action="store_true", help="smoke run: few cases, no loop")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    cases, rounds = (30, 2) if args.quick else (args.cases, args.rounds)
    per_round = max(1, cases // rounds)

    with tempfile.TemporaryDirectory(prefix="stuurboord-bench-") as tmp:
        review = parse("review.bpmn", "review")
        naive = Naive(Path(tmp) / "naive.db")
        sb = Stuurboord(Path(tmp) / "bench.db")
        variants: dict[str, Callable[[int], None]] = {
            "a": lambda i: memory_case(review, i),
            "b": lambda i: naive.case(review, i),
            "c": sb.case,
        }
        for run in variants.values():  # warm-up
            rate(run, 10)
        rates: dict[str, list[float]] = {key: [] for key in variants}
        for _ in range(rounds):
            for key, run in variants.items():
                rates[key].append(rate(run, per_round))
        med = {key: statistics.median(values) for key, values in rates.items()}
        c_over_b = statistics.median(c / b for b, c in zip(rates["b"], rates["c"], strict=True))

        print(f"review.bpmn, {rounds} interleaved rounds x {per_round} cases per variant "
              f"(median rate; range over rounds)")  # fmt: skip
        labels = {"a": "(a) in-memory SpiffWorkflow", "b": "(b) naive JSON in SQLite",
                  "c": "(c) Stuurboord SQLite+audit"}  # fmt: skip
        for key, label in labels.items():
            low, high = min(rates[key]), max(rates[key])
            print(f"  {label:30} {med[key]:8.1f} cases/s  ({low:.1f}..{high:.1f}; "
                  f"{1000 / med[key]:.2f} ms/case)")  # fmt: skip
        ok_c = c_over_b >= 0.5
        print(f"  (c)/(b) = {c_over_b:.2f}  target at least 0.5: {'OK' if ok_c else 'MISSED'}"
              f"  [(c)/(a) = {med['c'] / med['a']:.3f}]")  # fmt: skip

        ok_d = True
        if not args.quick:
            print(f"loop.bpmn step cost: median of {WINDOW} user-task completions around 10 and "
                  "around 1,000 completed user tasks (1 pass = user task + script + gateway)")
            sb.engine.start_case("loop", {"passes": 0, "limit": 5}, sb.users["clerk"])  # warm-up
            for _ in range(5):
                sb.loop_step()
            loop_specs = parse("loop.bpmn", "loop")
            for label, (early, late) in (
                ("(d) Stuurboord SQLite+audit", loop_costs_stuurboord(sb)),
                ("    naive JSON (deep steps)", loop_costs_naive(naive, loop_specs)),
            ):
                ratio = late / early
                line = f"  {label:30} {early * 1000:7.2f} ms -> {late * 1000:7.2f} ms  x{ratio:.2f}"
                if label.startswith("(d)"):
                    ok_d = ratio <= 2
                    line += f"  target at most 2: {'OK' if ok_d else 'MISSED'}"
                print(line)
        sb.engine.db.dispose()
        naive.conn.close()
    return 1 if args.check and not (ok_c and ok_d) else 0


if __name__ == "__main__":
    sys.exit(main())
