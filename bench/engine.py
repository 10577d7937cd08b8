"""Throughput and step-cost benchmark: Stuurboord against plain SpiffWorkflow, in one run.

    .venv/bin/python bench/engine.py [--cases N] [--rounds N] [--quick] [--check]
                                     [--postgres URL | --no-postgres]
    .venv/bin/python bench/engine.py --pages [--cases N]

Every measurement runs in a fresh child process; each round starts one child per variant, in
alternating order (forwards, then backwards), so machine noise and drift hit every variant
alike. The parent prints each ratio as the median of its per-round values, with two decimals and
its spread (min-max over the rounds).

(a) in-memory SpiffWorkflow, (b) naive persistence (whole workflow JSON with specs, loaded and
saved in one SQLite row at every step, with the engine's own pragmas: WAL, synchronous=FULL),
(c) Stuurboord on SQLite with task rows, jobs and the audit chain: completed cases per second on
tests/bpmn/review.bpmn, alternating a big amount (intake -> approve) and a small one (intake ->
archive). Target (c)/(b) >= 0.8, checked on (pair): one process running a naive and a
Stuurboord case in turn (time of the naive cases / time of the Stuurboord cases), so that
noise hits both alike; (c)/(b) from the separate (b) and (c) children is printed beside it.
(cold) one Stuurboord process alternating cases whose completions find the workflow in the
process's cache (warm) and cases where the cache is emptied before each completion (cold, as
when another worker served the previous step): p50 cold / p50 warm completion, target <= 1.1.
(pg) one process alternating cases on PostgreSQL and on SQLite: p50 completion on PostgreSQL /
p50 on SQLite, target <= 1.6.
(d) step cost in tests/bpmn/loop.bpmn (one child): median time of one user-task completion in a
window of 20 around 1,000 completed user tasks, divided by the same around 10; target <= 2.

--pages: no timing; runs naive and Stuurboord cases in turn (50 unless --cases) with
wal_autocheckpoint off and reads the WAL files: pages written per case and per commit (exact,
whatever the load), and which table or index each Stuurboord page belongs to.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
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
WARM_UP = 10  # unmeasured cases at the start of every child
PRAGMAS = ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON", "synchronous=FULL")
DEFAULT_PG = os.environ.get(
    "STUURBOORD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
TARGETS = {  # name: (label, target, higher is better)
    "c/b": ("(c)/(b) cases/s, naive and Stuurboord cases in turn in one process", 0.8, True),
    "cold/warm": ("(cold)/(warm) p50 completion, workflow not cached in the process", 1.1, False),
    "pg/sqlite": ("(pg)/(sqlite) p50 completion, in one process", 1.6, False),
    "d": ("(d) step cost in the late window / around 10 loop passes", 2.0, False),
}
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
    def __init__(self, url: str) -> None:
        db = Database(url)
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
        self.completions: list[float] = []

    def case(self, i: int, *, cold: bool = False) -> None:
        clerk, manager = self.users["clerk"], self.users["manager"]
        case = self.engine.start_case("review", START_DATA, clerk)
        for data in steps(i):
            [task] = [t for t in self.engine.case_tasks(case.id) if t.state == "ready"]
            if cold:  # as if another worker had served the previous step
                self.engine._cases.workflows.clear()
            started = time.perf_counter()
            case = self.engine.complete_task(
                task.id, data, manager if task.role == "manager" else clerk
            )
            self.completions.append(time.perf_counter() - started)
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


# -- children ------------------------------------------------------------------------------


def _sqlite_url(work: Path, name: str) -> str:
    return f"sqlite:///{work / name}"


def child(variant: str, cases: int, work: Path, postgres: str | None, late: int) -> dict[str, Any]:
    """One measurement in this (fresh) process; the parent reads the returned dict as JSON."""
    if variant == "a":
        review = parse("review.bpmn", "review")
        rate(lambda i: memory_case(review, i), WARM_UP)
        return {"rate": rate(lambda i: memory_case(review, i), cases)}
    if variant == "b":
        review = parse("review.bpmn", "review")
        naive = Naive(work / "naive.db")
        rate(lambda i: naive.case(review, i), WARM_UP)
        result = {"rate": rate(lambda i: naive.case(review, i), cases)}
        naive.conn.close()
        return result
    if variant == "c":
        sb = Stuurboord(_sqlite_url(work, "stuurboord.db"))
        rate(sb.case, WARM_UP)
        sb.completions.clear()
        result = {"rate": rate(sb.case, cases), "p50": statistics.median(sb.completions)}
        sb.engine.db.dispose()
        return result
    if variant == "pair":
        review = parse("review.bpmn", "review")
        naive = Naive(work / "pair-naive.db")
        sb = Stuurboord(_sqlite_url(work, "pair.db"))
        spent = {"b": 0.0, "c": 0.0}
        for i in range(WARM_UP + cases):  # naive and Stuurboord cases in turn
            for key, run in (("b", lambda i: naive.case(review, i)), ("c", sb.case)):
                started = time.perf_counter()
                run(i)
                if i >= WARM_UP:
                    spent[key] += time.perf_counter() - started
        sb.engine.db.dispose()
        naive.conn.close()
        return {"b": spent["b"], "c": spent["c"], "ratio": spent["b"] / spent["c"]}
    if variant == "cold":
        sb = Stuurboord(_sqlite_url(work, "cold.db"))
        times: dict[bool, list[float]] = {False: [], True: []}
        for i in range(WARM_UP + cases):
            cold = i % 2 == 1
            sb.completions.clear()
            sb.case(i // 2, cold=cold)
            if i >= WARM_UP:
                times[cold].extend(sb.completions)
        sb.engine.db.dispose()
        warm, cold_p50 = statistics.median(times[False]), statistics.median(times[True])
        return {"warm": warm, "cold": cold_p50, "ratio": cold_p50 / warm}
    if variant == "pg":
        assert postgres is not None
        engines = {
            "sqlite": Stuurboord(_sqlite_url(work, "pg-reference.db")),
            "pg": Stuurboord(postgres),
        }
        times = {name: [] for name in engines}
        for i in range(WARM_UP + cases):
            name = "pg" if i % 2 else "sqlite"
            sb = engines[name]
            sb.completions.clear()
            sb.case(i // 2)
            if i >= WARM_UP:
                times[name].extend(sb.completions)
        for sb in engines.values():
            sb.engine.db.dispose()
        pg, sqlite = statistics.median(times["pg"]), statistics.median(times["sqlite"])
        return {"pg": pg, "sqlite": sqlite, "ratio": pg / sqlite}
    if variant == "d":
        return loop_child(work, late)
    if variant == "pages":
        return pages_child(work, cases)
    raise SystemExit(f"unknown variant {variant!r}")


def loop_child(work: Path, late: int) -> dict[str, Any]:
    sb = Stuurboord(_sqlite_url(work, "loop.db"))
    naive = Naive(work / "loop-naive.db")
    sb.engine.start_case("loop", {"passes": 0, "limit": 5}, sb.users["clerk"])  # warm-up
    sb.loop_steps(5)
    sb.engine.start_case("loop", LOOP_DATA, sb.users["clerk"])
    key = naive.save(None, start_workflow(parse("loop.bpmn", "loop"), LOOP_DATA))
    stuurboord = step_costs(sb.loop_steps, sb.loop_steps, late)
    plain = step_costs(
        lambda: naive.step(key, {}, deep=True), lambda n: naive.fast_forward(key, n), late
    )
    sb.engine.db.dispose()
    naive.conn.close()
    return {"stuurboord": stuurboord, "naive": plain, "ratio": stuurboord[1] / stuurboord[0]}


def wal_commits(wal: Path) -> list[list[int]]:
    """The page numbers written by each committed transaction in a WAL file, in order (a WAL
    frame is a 24-byte header, whose first field is the page number and second the database
    size for a commit frame, then the page)."""
    data = wal.read_bytes()
    if len(data) < 32:
        return []
    page_size = int.from_bytes(data[8:12], "big")
    commits: list[list[int]] = []
    pages: list[int] = []
    for offset in range(32, len(data) - 24 - page_size + 1, 24 + page_size):
        pages.append(int.from_bytes(data[offset : offset + 4], "big"))
        if int.from_bytes(data[offset + 4 : offset + 8], "big"):  # a commit frame
            commits.append(pages)
            pages = []
    return commits


def page_owners(path: Path) -> dict[int, str]:
    """Which table or index each page of an SQLite file belongs to (dbstat; page 1 is the
    header and schema; unlisted pages are on the freelist)."""
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT pageno, name FROM dbstat"))
    finally:
        conn.close()


def pages_child(work: Path, cases: int) -> dict[str, Any]:
    """WAL pages written per commit by the naive variant and by Stuurboord, with
    wal_autocheckpoint off: exact counts (a commit writes each page it changed once), and which
    b-tree each Stuurboord page belongs to."""
    from sqlalchemy import event

    review = parse("review.bpmn", "review")
    naive = Naive(work / "pages-naive.db")
    naive.conn.execute("PRAGMA wal_autocheckpoint=0")
    sb = Stuurboord(_sqlite_url(work, "pages.db"))

    @event.listens_for(sb.engine.db.engine, "connect")
    def _no_checkpoint(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")

    sb.engine.db.engine.dispose()  # reconnect with the listener in place
    for i in range(WARM_UP):
        naive.case(review, i)
        sb.case(i)
    checkpointer = sqlite3.connect(work / "pages.db")
    for conn in (checkpointer, naive.conn):  # count from an empty WAL
        [(busy, _, _)] = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        assert not busy
    checkpointer.close()
    for i in range(cases):
        naive.case(review, i)
        sb.case(i)
    mine = wal_commits(work / "pages.db-wal")
    theirs = wal_commits(work / "pages-naive.db-wal")
    owners = page_owners(work / "pages.db")
    per_step: list[list[int]] = [[], [], []]  # start, first and second completion
    by_tree: dict[str, int] = {}
    for number, pages in enumerate(mine):
        per_step[number % 3].append(len(pages))
        for page in pages:
            name = "page 1 (header)" if page == 1 else owners.get(page, "freelist/new")
            by_tree[name] = by_tree.get(name, 0) + 1
    sb.engine.db.dispose()
    naive.conn.close()
    return {
        "cases": cases,
        "commits": [len(mine), len(theirs)],
        "naive": sum(map(len, theirs)) / cases,
        "stuurboord": sum(map(len, mine)) / cases,
        "per_step": [sum(step) / len(step) for step in per_step if step],
        "by_tree": {k: v / cases for k, v in sorted(by_tree.items(), key=lambda kv: -kv[1])},
    }


def print_pages(result: dict[str, Any]) -> None:
    print(f"WAL pages per case, wal_autocheckpoint off, {result['cases']} cases "
          f"({result['commits'][0]} and {result['commits'][1]} commits):")  # fmt: skip
    print(f"  (b) naive JSON in SQLite      {result['naive']:6.2f}")
    steps = " / ".join(f"{n:.2f}" for n in result["per_step"])
    print(f"  (c) Stuurboord SQLite+audit   {result['stuurboord']:6.2f}"
          f"  (per commit: start / first / second completion {steps})")  # fmt: skip
    for name, pages in result["by_tree"].items():
        print(f"      {name:36} {pages:6.2f}")


# -- parent --------------------------------------------------------------------------------


def spawn(variant: str, cases: int, work: Path, postgres: str | None, late: int) -> Any:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", variant,
               "--cases", str(cases), "--work", str(work), "--late", str(late)]  # fmt: skip
    if postgres:
        command += ["--postgres", postgres]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child {variant} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def scratch_postgres(admin_url: str) -> tuple[str, Callable[[], None]] | None:
    """A fresh database next to `admin_url`'s for the pg variant, and how to drop it; None when
    PostgreSQL does not answer."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"bench_engine_{os.getpid()}"
    try:
        with psycopg.connect(plain, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        print(f"PostgreSQL not reachable ({error.__class__.__name__}): pg variant skipped")
        return None

    def drop() -> None:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.set(database=name).render_as_string(hide_password=False), drop


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


def report(name: str, values: list[float], extra: str = "") -> bool:
    label, target, higher = TARGETS[name]
    value = statistics.median(values)
    ok = value >= target if higher else value <= target
    sign = ">=" if higher else "<="
    print(
        f"  {label}: {value:.2f} (rounds {spread(values)}){extra}"
        f"  target {sign} {target:g}: {'OK' if ok else 'MISSED'}"
    )
    return ok


def parent(args: argparse.Namespace) -> int:
    cases, rounds, late = (20, 2, 60) if args.quick else (args.cases or 300, args.rounds, 1000)
    postgres = None if args.no_postgres else args.postgres or DEFAULT_PG
    with tempfile.TemporaryDirectory(prefix="stuurboord-bench-") as tmp:
        work = Path(tmp)
        scratch = scratch_postgres(postgres) if postgres else None
        try:
            variants = ["a", "b", "c", "pair", "cold"] + (["pg"] if scratch else [])
            results: dict[str, list[Any]] = {v: [] for v in variants}
            for number in range(rounds):
                order = variants if number % 2 == 0 else variants[::-1]
                for variant in order:
                    results[variant].append(
                        spawn(variant, cases, work, scratch[0] if scratch else None, late)
                    )
                print(f"round {number + 1}/{rounds} done", file=sys.stderr, flush=True)
            loop = spawn("d", cases, work, None, late)
        finally:
            if scratch:
                scratch[1]()
    return summarise(results, loop, cases, rounds, late, args.check)


def _times(results: list[dict[str, Any]], *keys: str) -> str:
    """The medians of the children's p50 completion times, for context."""
    medians = [f"{statistics.median(r[key] for r in results) * 1000:.2f} ms {key}" for key in keys]
    return f" [{', '.join(medians)}]"


def summarise(results: dict[str, list[Any]], loop: dict[str, Any], cases: int, rounds: int,
              late: int, check: bool) -> int:  # fmt: skip
    print(f"review.bpmn: {rounds} rounds, each a fresh child process per variant in alternating "
          f"order, {cases} measured cases per child after {WARM_UP} unmeasured")  # fmt: skip
    labels = {"a": "(a) in-memory SpiffWorkflow", "b": "(b) naive JSON in SQLite",
              "c": "(c) Stuurboord SQLite+audit"}  # fmt: skip
    for key, label in labels.items():
        rates = [r["rate"] for r in results[key]]
        med = statistics.median(rates)
        print(f"  {label:28} {med:7.1f} cases/s (median; rounds {min(rates):.1f}-{max(rates):.1f})"
              f"  {1000 / med:6.2f} ms/case")  # fmt: skip
    apart = [c["rate"] / b["rate"] for b, c in zip(results["b"], results["c"], strict=True)]
    print(f"  (c)/(b) from the separate children above: {statistics.median(apart):.2f}"
          f" (rounds {spread(apart)})")  # fmt: skip
    ok = [report("c/b", [r["ratio"] for r in results["pair"]])]
    cold = results["cold"]
    ok.append(report("cold/warm", [r["ratio"] for r in cold], _times(cold, "warm", "cold")))
    if results.get("pg"):
        pg = results["pg"]
        ok.append(report("pg/sqlite", [r["ratio"] for r in pg], _times(pg, "pg", "sqlite")))
    print(
        f"loop.bpmn: median time of one user-task completion, window of {WINDOW} around 10 "
        f"and around {late} completed user tasks (1 pass: user task, script, gateway)"
    )
    for label, key in (("Stuurboord SQLite+audit", "stuurboord"), ("naive JSON", "naive")):
        early, later = loop[key]
        print(f"  {label:28} {early * 1000:8.2f} ms -> {later * 1000:8.2f} ms"
              f"  ratio {later / early:6.2f}")  # fmt: skip
    ok.append(report("d", [loop["ratio"]]))
    return 1 if check and not all(ok) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, help="measured cases per child (300; --pages 50)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds")
    parser.add_argument("--quick", action="store_true", help="smoke run: few cases, short loop")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--postgres", help=f"admin URL for the pg variant (default {DEFAULT_PG})")
    parser.add_argument("--no-postgres", action="store_true", help="leave out the pg variant")
    parser.add_argument("--pages", action="store_true",
                        help="only count the WAL pages each commit writes, by b-tree")  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--late", type=int, default=1000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.cases, args.work, args.postgres, args.late)))
        return 0
    if args.pages:
        with tempfile.TemporaryDirectory(prefix="stuurboord-pages-") as tmp:
            print_pages(pages_child(Path(tmp), args.cases or 50))
        return 0
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
