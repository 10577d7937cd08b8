"""Audit verification benchmark: `stuurboord audit verify` over a 1,000,000-row hash chain.

    .venv/bin/python bench/audit_verify.py [--rows N] [--rounds R] [--postgres URL] [--quick]
                                           [--check]

Builds a valid chain fast (hashed by the writer's own `trail.row_hash`, bulk inserted, not
through the engine one change at a time), with a mix of actions, changed fields, reasons,
non-ASCII text and empty columns, then verifies it in rounds. Every measurement runs in a fresh
child process, interleaved in each round so machine noise hits all of them:

- full: `Engine.verify_audit()` over the whole chain (what `stuurboord audit verify` runs);
- incremental: `verify_audit(incremental=True)` from a checkpoint with --new rows added after
  it (a day's worth of changes; what the nightly `stuurboord audit verify --incremental` runs);
- read (reference): the same rows through the same cursor and query, not hashed;
- hash (reference): the writer's `row_hash` over an in-memory list of rows, no database.

It prints rows/s, the spread over rounds, the ratios full/read and (per row) full/hash, and the
peak memory of each child. --check: the median full verification takes at most 24 s (the 30 s
target less 20 % margin), the slowest at most 30 s, the incremental one at most 5 s, and a full
verification's peak memory is within 50 MB of an incremental one's (memory stays flat).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Running bench/audit_verify.py puts bench/ first on sys.path; make the project importable.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import psycopg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from engine import Database, Engine  # noqa: E402
from engine.audit.trail import GENESIS, _content, jsonable, row_hash  # noqa: E402
from engine.audit.verification import _pages  # noqa: E402
from engine.storage.migrate import upgrade  # noqa: E402

TARGET_S = 30.0
MARGIN = 0.8  # the median must beat the target by 20 %
INCREMENTAL_S = 5.0
FLAT_MB = 50.0
HASH_SAMPLE = 50_000
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
ACTIONS = ("task_completed", "task_created", "case_started", "decision_evaluated", "comment_added")
ACTORS = ("carla", "mona", "system", "Zoë D'hondt", "scheduler")
_COLUMNS = ("seq", "at", "actor", "on_behalf_of", "action", "case_id", "task_id", "element_id",
            "changes", "reason", "prev_hash", "hash")  # fmt: skip


def content(seq: int) -> dict[str, Any]:
    """Row `seq` as the writer hands it to the chain (changes already made jsonable)."""
    k = seq % 5
    changes = None
    if k in (0, 3):
        changes = jsonable({
            "amount": {"before": None, "after": seq % 10_000},
            "title": {"before": "", "after": f"Voorstel {seq} \u2013 \u201cherzien\u201d\n"},
        })  # fmt: skip
    return {
        "seq": seq,
        "at": T0 + timedelta(microseconds=seq * 1_250_000 + (seq % 3) * 17),
        "actor": ACTORS[k],
        "on_behalf_of": "mona" if k == 3 else None,
        "action": ACTIONS[k],
        "case_id": None if k == 2 and seq % 10 == 2 else seq // 7 + 1,
        "task_id": f"{seq:08x}-0000-4000-8000-{seq:012x}" if k < 2 else None,
        "element_id": ("intake", "review", None, "decide_route", "comment")[k],
        "changes": changes,
        "reason": "tikfout in de titel, \"zie\" mail ✓" if k == 4 else None,
    }


def chain(first: int, count: int, prev: str) -> Iterator[tuple[Any, ...]]:
    """Stored rows first..first+count-1 chained onto prev, as the database columns hold them."""
    for seq in range(first, first + count):
        row = content(seq)
        digest = row_hash(prev, _content(row))
        changes = None if row["changes"] is None else json.dumps(row["changes"])
        at = row["at"].astimezone(UTC).replace(tzinfo=None)
        yield (seq, at, row["actor"], row["on_behalf_of"], row["action"], row["case_id"],
               row["task_id"], row["element_id"], changes, row["reason"], prev, digest)  # fmt: skip
        prev = digest


def append(db: Database, first: int, count: int, prev: str) -> str:
    """Bulk insert a valid continuation of the chain and move the head; returns the new head."""
    last = prev
    raw: Any = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        columns = ", ".join(_COLUMNS)
        if db.is_postgresql:
            with cursor.copy(f"COPY audit_trail ({columns}) FROM STDIN") as copy:
                for row in chain(first, count, prev):
                    copy.write_row(row)
                    last = row[-1]
            cursor.execute("UPDATE audit_head SET seq = %s, hash = %s WHERE id = 1",
                           (first + count - 1, last))  # fmt: skip
        else:
            cursor.execute("BEGIN IMMEDIATE")
            marks = ", ".join("?" for _ in _COLUMNS)
            insert = f"INSERT INTO audit_trail ({columns}) VALUES ({marks})"
            batch: list[tuple[Any, ...]] = []
            for row in chain(first, count, prev):
                at = row[1].strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite format
                batch.append((row[0], at, *row[2:]))
                last = row[-1]
                if len(batch) == 10_000:
                    cursor.executemany(insert, batch)
                    batch.clear()
            if batch:
                cursor.executemany(insert, batch)
            cursor.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1",
                           (first + count - 1, last))  # fmt: skip
            cursor.execute("COMMIT")
        raw.commit()
    finally:
        raw.close()
    return last


# -- child processes: one measurement each ---------------------------------------------------


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(mode: str, url: str) -> dict[str, Any]:
    db = Database(url)
    engine = Engine(db)
    began, cpu = time.perf_counter(), _cpu()
    rows = 0
    if mode == "full":
        result = engine.verify_audit(checkpoint=False)
        ok, rows = result.ok, result.checked
    elif mode == "incremental":
        result = engine.verify_audit(incremental=True, checkpoint=False)
        ok, rows = result.ok and result.since is not None, result.checked
    elif mode == "read":
        with db.consistent_read() as connection:
            for page in _pages(connection, 1, 5000):
                rows += len(page)
        ok = True
    else:  # hash: the writer's hashing of in-memory rows
        rows_in_memory = [_content(content(seq)) for seq in range(1, HASH_SAMPLE + 1)]
        began, cpu, prev = time.perf_counter(), _cpu(), GENESIS
        for row in rows_in_memory:
            prev = row_hash(prev, row)
        ok, rows = True, len(rows_in_memory)
    wall, cpu = time.perf_counter() - began, _cpu() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    db.dispose()
    return {"ok": ok, "rows": rows, "wall": wall, "cpu": cpu, "peak_mb": peak_mb}


def measure(mode: str, url: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


# -- the run ---------------------------------------------------------------------------------


def database(admin_url: str | None, tmp: Path) -> tuple[str, Callable[[], None]]:
    """A fresh database: a SQLite file in tmp, or a dedicated PostgreSQL database."""
    if not admin_url:
        return f"sqlite:///{tmp / 'audit.db'}", lambda: None
    name = f"stuurboord_bench_audit_{os.getpid()}"
    admin = psycopg.connect(admin_url, autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")

    def drop() -> None:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} (min {min(values):.2f}, max {max(values):.2f})"


def run(url: str, rows: int, new: int, rounds: int, check: bool) -> bool:
    db = Database(url)
    upgrade(db)
    print(f"building a chain of {rows:,} rows on {db.dialect} ...", flush=True)
    began = time.perf_counter()
    head = append(db, 1, rows, GENESIS)
    print(f"  built in {time.perf_counter() - began:.1f} s", flush=True)
    stored = Engine(db).verify_audit()  # a full verification stores the checkpoint at `rows`
    assert stored.ok and stored.checked == rows, stored.describe()
    append(db, rows + 1, new, head)
    print(f"  checkpoint at {rows:,}; then {new:,} new rows added after it", flush=True)
    db.dispose()

    modes = ("full", "incremental", "read", "hash")
    results: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
    loads = []
    for number in range(1, rounds + 1):
        for mode in results:
            got = measure(mode, url)
            if not got["ok"]:
                print(f"  round {number} {mode}: verification FAILED: {got}")
                return False
            results[mode].append(got)
        loads.append(os.getloadavg()[0])
        line = ", ".join(f"{m} {results[m][-1]['wall']:.2f} s ({results[m][-1]['cpu']:.2f} s CPU)"
                         for m in results)  # fmt: skip
        print(f"  round {number}: {line}; load average {loads[-1]:.1f}", flush=True)

    def times(mode: str, kind: str) -> list[float]:
        return [r[kind] for r in results[mode]]

    def per_row_us(mode: str) -> list[float]:
        return [r["cpu"] / r["rows"] * 1e6 for r in results[mode]]

    total = rows + new
    cores = os.cpu_count() or 1
    print(f"\n{total:,} chained rows on {db.dialect}, {rounds} rounds, {cores} cores, "
          f"load average {min(loads):.1f}-{max(loads):.1f} during the rounds")  # fmt: skip
    print("  seconds: wall clock, and CPU time of the verifying process (what it costs on an "
          "otherwise idle machine)")  # fmt: skip
    for mode, label in (("full", "full verify"), ("incremental", "incremental verify"),
                        ("read", "read only (ref.)")):  # fmt: skip
        wall, cpu = times(mode, "wall"), times(mode, "cpu")
        rate = f"   {total / statistics.median(cpu):,.0f} rows/s CPU"
        rate = "" if mode == "incremental" else rate
        print(f"  {label:<19} wall {spread(wall)}; CPU {spread(cpu)}{rate}")
    print(f"  (incremental: {new:,} new rows after the checkpoint at {rows:,})")
    print(f"  writer's row_hash in memory (ref.): {spread(per_row_us('hash'))} µs/row CPU")
    full, full_wall = times("full", "cpu"), times("full", "wall")
    ratio_read = [f / r for f, r in zip(full, times("read", "cpu"), strict=True)]
    ratio_hash = [f / h for f, h in zip(per_row_us("full"), per_row_us("hash"), strict=True)]
    print(f"  full / read only (CPU):              {spread(ratio_read)}")
    print(f"  full / writer's hash, per row (CPU): {spread(ratio_hash)}")
    peak_full = max(r["peak_mb"] for r in results["full"])
    peak_incr = max(r["peak_mb"] for r in results["incremental"])
    print(f"  peak memory: full {peak_full:.0f} MB, incremental {peak_incr:.0f} MB")
    incr = times("incremental", "wall")
    checks = {
        f"median full verify <= {TARGET_S * MARGIN:.0f} s CPU (30 s less 20 % margin)":
            statistics.median(full) <= TARGET_S * MARGIN,
        f"slowest full verify <= {TARGET_S:.0f} s CPU": max(full) <= TARGET_S,
        f"incremental verify <= {INCREMENTAL_S:.0f} s wall": max(incr) <= INCREMENTAL_S,
        f"memory flat: full within {FLAT_MB:.0f} MB of incremental":
            peak_full - peak_incr <= FLAT_MB,
    }  # fmt: skip
    if max(loads) <= cores:
        checks[f"median full verify <= {TARGET_S * MARGIN:.0f} s wall (machine not overloaded)"] = (
            statistics.median(full_wall) <= TARGET_S * MARGIN
        )
    else:
        print(f"  (load average above {cores}: the wall-clock target is not checked, CPU is)")
    for label, ok in checks.items():
        print(f"  check {'OK  ' if ok else 'FAIL'} {label}")
    return all(checks.values()) or not check


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows before the checkpoint")
    parser.add_argument("--new", type=int, default=2_000, help="rows after the checkpoint")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smoke run: 50,000 rows, 1 round")
    parser.add_argument("--postgres", metavar="URL", help="run in a scratch database there")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    rows, rounds = (50_000, 1) if args.quick else (args.rows, args.rounds)
    with tempfile.TemporaryDirectory(prefix="stuurboord-bench-") as tmp:
        url, drop = database(args.postgres, Path(tmp))
        try:
            return 0 if run(url, rows, args.new, rounds, args.check) else 1
        finally:
            drop()


if __name__ == "__main__":
    sys.exit(main())
