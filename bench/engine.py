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
from engine.storage.migrate import upgrade  # noqa: E402
from tests.helpers import ApproveForm, IntakeForm, StartForm  # noqa: E402

BPMN = _HERE.parent / "tests" / "bpmn"
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
START_DATA = {"requester": "carla"}
LOOP_DATA = {"passes": 0, "limit": 100_000}
WINDOW = 20  # completions per step-cost window
PRAGMAS = ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON", "synchronous=FULL")
Specs = tuple[Any, dict[str, Any]]


class LoopStartForm(Schema):
    passes = fields.Integer(required=True)
    limit = fields.Integer(required=True)


FORMS: dict[tuple[str, str], type[Schema]] = {
    ("review", "start"): StartForm,
    ("review", "intake"): IntakeForm,
    ("review", "approve"): ApproveForm,
    ("loop", "start"): LoopStartForm,
}


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
        ready = [
            t
            for w in [wf, *wf.subprocesses.values()]
            for t in w.tasks.values()
            if t.state == TaskState.READY and not t.task_spec.manual
        ]
        if not ready:
            break
        for task in ready:
            task.run()
    wf.do_engine_steps()


def start_workflow(specs: Specs, data: dict[str, Any]) -> BpmnWorkflow:
    wf = BpmnWorkflow(*specs)
    wf.task_tree.data.update(data)
    wf.do_engine_steps()
    return wf


def memory_case(specs: Specs, i: int) -> None:
    wf = start_workflow(specs, START_DATA)
    for data in steps(i):
        task = wf.get_next_task(state=TaskState.READY, manual=True)
        task.data.update(data)
        task.run()
        wf.do_engine_steps()
    assert wf.is_completed()


class Naive:
    """Whole workflow JSON (specs included) in one row; same pragmas as engine/storage/db.py."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        for pragma in PRAGMAS:
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.execute("CREATE TABLE IF NOT EXISTS instance(id INTEGER PRIMARY KEY, state TEXT)")

    def save(self, key: int | None, wf: BpmnWorkflow) -> int:
        """One committed write transaction; inserts a new row when key is None."""
        state = SERIALIZER.serialize_json(wf)
        self.conn.execute("BEGIN IMMEDIATE")
        if key is None:
            key = self.conn.execute("INSERT INTO instance(state) VALUES (?)", (state,)).lastrowid
        else:
            self.conn.execute("UPDATE instance SET state = ? WHERE id = ?", (state, key))
        self.conn.execute("COMMIT")
        assert key is not None
        return key

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
        if deep:
            deep_engine_steps(wf)
        else:
            wf.do_engine_steps()
        self.save(key, wf)

    def case(self, specs: Specs, i: int) -> None:
        key = self.save(None, start_workflow(specs, START_DATA))
        for data in steps(i):
            self.step(key, data)

    def fast_forward(self, key: int, n: int) -> None:
        """n loop passes in memory, between the measured windows: only the state size matters."""
        wf = self.load(key)
        for _ in range(n):
            user_task(wf).run()
            deep_engine_steps(wf)
        self.save(key, wf)


class Stuurboord:
    def __init__(self, path: Path) -> None:
        db = Database(f"sqlite:///{path}")
        upgrade(db)
        registry = Registry()
        for (process_id, element_id), form in FORMS.items():
            registry.form(process_id, element_id, form)
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
            case = self.engine.complete_task(
                task.id, data, manager if task.role == "manager" else clerk
            )
        assert case.status == "completed"

    def loop_steps(self, n: int = 1) -> None:
        for _ in range(n):
            [task] = self.engine.tasks_for(self.users["clerk"])
            self.engine.complete_task(task.id, {}, self.users["clerk"])


def rate(run: Callable[[int], None], cases: int) -> float:
    started = time.perf_counter()
    for i in range(cases):
        run(i)
    return cases / (time.perf_counter() - started)


def step_costs(
    step: Callable[[], None], fast_forward: Callable[[int], None], late: int
) -> tuple[float, float]:
    """Median step time in a window of WINDOW around 10 and around `late` completed user tasks."""
    windows = []
    done = 0
    for centre in (10, late):
        fast_forward(centre - WINDOW // 2 - done)
        times = []
        for _ in range(WINDOW):
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
        done = centre + WINDOW // 2
        windows.append(statistics.median(times))
    return windows[0], windows[1]


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def bench_review(naive: Naive, sb: Stuurboord, cases: int, rounds: int) -> bool:
    review = parse("review.bpmn", "review")
    variants: dict[str, tuple[str, Callable[[int], None]]] = {
        "a": ("(a) in-memory SpiffWorkflow", lambda i: memory_case(review, i)),
        "b": ("(b) naive JSON in SQLite", lambda i: naive.case(review, i)),
        "c": ("(c) Stuurboord SQLite+audit", sb.case),
    }
    for _, run in variants.values():  # warm-up
        rate(run, 10)
    per_round = max(1, cases // rounds)
    rates: dict[str, list[float]] = {key: [] for key in variants}
    for _ in range(rounds):  # interleaved, so machine noise hits every variant alike
        for key, (_, run) in variants.items():
            rates[key].append(rate(run, per_round))
    print(f"review.bpmn: {rounds} interleaved rounds x {per_round} cases per variant")
    med = {key: statistics.median(values) for key, values in rates.items()}
    for key, (label, _) in variants.items():
        spread = f"{min(rates[key]):.1f}..{max(rates[key]):.1f}"
        print(
            f"  {label:28} {med[key]:7.1f} cases/s (median; rounds {spread})"
            f"  {1000 / med[key]:6.2f} ms/case"
        )
    c_over_b = statistics.median(c / b for b, c in zip(rates["b"], rates["c"], strict=True))
    print(
        f"  (c)/(b) = {c_over_b:.2f} (median of per-round ratios)  target at least 0.5: "
        f"{verdict(c_over_b >= 0.5)}   [(c)/(a) = {med['c'] / med['a']:.3f}]"
    )
    return c_over_b >= 0.5


def bench_loop(naive: Naive, sb: Stuurboord, late: int) -> bool:
    print(
        f"loop.bpmn: median time of one user-task completion, window of {WINDOW} around 10 "
        f"and around {late} completed user tasks (1 pass: user task, script, gateway)"
    )
    sb.engine.start_case("loop", {"passes": 0, "limit": 5}, sb.users["clerk"])  # warm-up
    sb.loop_steps(5)
    sb.engine.start_case("loop", LOOP_DATA, sb.users["clerk"])
    key = naive.save(None, start_workflow(parse("loop.bpmn", "loop"), LOOP_DATA))
    results = {
        "(d) Stuurboord SQLite+audit": step_costs(sb.loop_steps, sb.loop_steps, late),
        "naive JSON, deep steps": step_costs(
            lambda: naive.step(key, {}, deep=True), lambda n: naive.fast_forward(key, n), late
        ),
    }
    for label, (early, later) in results.items():
        print(
            f"  {label:28} {early * 1000:8.2f} ms -> {later * 1000:8.2f} ms"
            f"  ratio {later / early:6.2f}"
        )
    early, later = results["(d) Stuurboord SQLite+audit"]
    print(f"  (d) = {later / early:.2f}  target at most 2: {verdict(later / early <= 2)}")
    return later / early <= 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="review cases per variant")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--quick", action="store_true", help="smoke run: few cases, short loop")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    cases, rounds, late = (30, 2, 60) if args.quick else (args.cases, args.rounds, 1000)
    with tempfile.TemporaryDirectory(prefix="stuurboord-bench-") as tmp:
        naive = Naive(Path(tmp) / "naive.db")
        sb = Stuurboord(Path(tmp) / "bench.db")
        ok = [bench_review(naive, sb, cases, rounds), bench_loop(naive, sb, late)]
        sb.engine.db.dispose()
        naive.conn.close()
    return 1 if args.check and not all(ok) else 0


if __name__ == "__main__":
    sys.exit(main())
