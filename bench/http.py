"""HTTP benchmark: the web app under gunicorn (2 workers) on PostgreSQL, with a big database.

    .venv/bin/python bench/http.py [--quick] [--cases N] [--requests N] [--completions N]
                                   [--threads N] [--postgres ADMIN_URL] [--keep]

Seeds N topic cases (default 100,000; quick 10,000) and 10 audit rows per case in a scratch
database (bench/http_seed.py), serves webapp.wsgi:app with 2 gunicorn workers set up as in
production by gunicorn.conf.py (sync workers; `--threads N`: N threads each), and measures from
loopback, 2 clients at a time, all endpoints taking turns in rounds: p50/p95 of the inbox, the
case list and a case page, as pages and API, for a submitter (100 ready tasks, 300 cases) and
for the secretariat (sees every case, 200 tasks in its queue). Reference: GET /healthz in the
same rounds. Meanwhile 2 more API clients keep completing tasks (a mixed read/write load). Then
completions per second: 4 API clients complete their own revise_submission tasks (withdraw and
resubmit in turn), against complete_task through the engine in this process.
Targets: p95 of the inbox and the case list at most 50 ms while completions run; at least 200
completions per second.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import runpy
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

# Running bench/http.py puts bench/ first on sys.path, where this file would shadow `http`
# and engine.py `engine`; http_seed is still found, at the end.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.append(str(_HERE))

import http.client  # noqa: E402

import psycopg  # noqa: E402
from http_seed import RESUBMIT, SECRETARIAT, WITHDRAW, seed, submitter  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from engine import Engine  # noqa: E402
from webapp import tokens  # noqa: E402
from webapp.accounts import Accounts  # noqa: E402

PASSWORD = "bench-" + secrets.token_urlsafe(12)
CLIENTS, WRITERS, SPARE, TARGET_MS = 2, 4, 5, 50.0
BACKGROUND = 2  # API clients completing tasks while the reads are measured
TARGET_RATE = 200.0
# webapp.wsgi alone builds its engine with an empty Registry (no forms, no service handlers):
# only the composition root, webapp.cli, configures it. So import that before gunicorn forks.
GUNICORN = "import webapp.cli; from gunicorn.app.wsgiapp import run; run()"
Conn = psycopg.Connection[Any]


class Client:
    """A browser (cookies) or an API client (token). One connection per request, as gunicorn's
    sync workers close each one."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port, self.token, self.cookies = port, token, {}

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if isinstance(body, dict):
            headers["Content-Type"], body = "application/json", json.dumps(body)
        elif body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        started = time.perf_counter()
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        data, elapsed = response.read(), time.perf_counter() - started
        conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return response.status, data, elapsed

    def sign_in(self, user: str) -> Client:
        page = self.request("GET", "/aanmelden")[1]
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        form = {"csrf_token": token[1].decode() if token else "", "gebruiker": user,
                "wachtwoord": PASSWORD}  # fmt: skip
        assert self.request("POST", "/aanmelden", urlencode(form))[0] == 302, f"sign-in of {user}"
        return self


def worker_args(threads: int | None) -> tuple[list[str], str]:
    """gunicorn's arguments for 2 workers with gunicorn.conf.py (threads: None as it says, 1 for
    sync workers, more for threaded ones) and how they serve, for the report."""
    config = runpy.run_path(str(_HERE.parent / "gunicorn.conf.py"))
    args = ["--config", str(_HERE.parent / "gunicorn.conf.py"), "--workers", "2"]
    threads = threads or config["threads"]
    if threads == 1:
        return [*args, "--worker-class", "sync", "--threads", "1"], "--workers 2 (sync)"
    return [*args, "--threads", str(threads)], f"--workers 2 (gthread, {threads})"


def serve(url: str, tmp: Path, workers: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, STUURBOORD_DATABASE_URL=url, STUURBOORD_MODE="production",
               STUURBOORD_INSTANCE_PATH=str(tmp),
               STUURBOORD_SECRET_KEY=secrets.token_urlsafe(32))  # fmt: skip
    args = [*workers, "--bind", f"127.0.0.1:{port}", "--timeout", "120", "webapp.wsgi:app"]
    log = (tmp / "gunicorn.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-c", GUNICORN, *args], cwd=_HERE.parent, env=env,
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    for _ in range(600):
        try:
            if Client(port).request("GET", "/healthz")[0] == 200:
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("gunicorn did not answer:\n" + (tmp / "gunicorn.log").read_text())  # fmt: skip


def pct(times: list[float], q: float) -> float:
    return sorted(times)[round(q * (len(times) - 1))] * 1000


Targets = dict[str, tuple[Client, list[str]]]


def measure(targets: Targets, n: int, rounds: int) -> dict[str, list[float]]:
    """n GETs per target, CLIENTS at a time; the targets take turns in `rounds` rounds."""
    times: dict[str, list[float]] = {name: [] for name in targets}

    def get(client: Client, path: str) -> float:
        status, _, elapsed = client.request("GET", path)
        assert status == 200, f"GET {path}: {status}"
        return elapsed

    with ThreadPoolExecutor(CLIENTS) as pool:
        for _ in range(rounds):
            for name, (client, paths) in targets.items():
                batch = [paths[i % len(paths)] for i in range(n // rounds)]
                times[name] += pool.map(lambda path, c=client: get(c, path), batch)
    return times


def pages(eng: Engine, port: int, conn: Conn, n: int, how: str) -> dict[str, list[float]]:
    cases = [case for _, case in ready(conn, submitter(0))[:20]]
    targets = {"healthz (reference)": (Client(port), ["/healthz"])}
    for who, user in {"submitter": submitter(0), "secretariat": SECRETARIAT}.items():
        page, api = Client(port).sign_in(user), Client(port, tokens.create(eng, user, "bench"))
        for name, client, paths in (
            ("inbox", page, ["/taken"]), ("cases", page, ["/dossiers"]),
            ("case", page, [f"/dossiers/{c}" for c in cases]),
            ("api tasks", api, ["/api/v1/tasks"]), ("api cases", api, ["/api/v1/cases"]),
            ("api case", api, [f"/api/v1/cases/{c}" for c in cases]),
        ):  # fmt: skip
            targets[f"{who} {name}"] = (client, paths)
    measure(targets, 4, rounds=2)  # warm-up: imports, caches, connection pools
    stop, done = threading.Event(), []
    users = [submitter(WRITERS + 2 + u) for u in range(BACKGROUND)]
    writers = [threading.Thread(target=keep_completing, args=(eng, port, conn, u, stop, done))
               for u in users]  # fmt: skip
    for writer in writers:
        writer.start()
    began = time.perf_counter()
    try:
        times = measure(targets, n, rounds=5)
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    wall = time.perf_counter() - began
    ref = [pct(times["healthz (reference)"], q) for q in (0.5, 0.95)]
    print(f"gunicorn {how}; {n} GETs per row, {CLIENTS} clients; ratios to /healthz;"
          f" meanwhile {BACKGROUND} API clients completed {len(done)} tasks"
          f" ({len(done) / wall:.1f}/s)")  # fmt: skip
    print(f"  {'GET':<24}{'p50 ms':>8}{'p95 ms':>8}{'p50/ref':>9}{'p95/ref':>9}")
    for name, t in times.items():
        p50, p95 = pct(t, 0.5), pct(t, 0.95)
        print(f"  {name:<24}{p50:>8.1f}{p95:>8.1f}{p50 / ref[0]:>9.1f}{p95 / ref[1]:>9.1f}")
    return times


def keep_completing(eng: Engine, port: int, conn: Conn, user: str, stop: threading.Event,
                    done: list[float]) -> None:  # fmt: skip
    """Complete the user's ready tasks over the API until `stop` (or none are left)."""
    client = Client(port, tokens.create(eng, user, "bench"))
    for i, (task_id, _) in enumerate(ready(conn, user)):
        if stop.is_set():
            return
        path, data = f"/api/v1/tasks/{task_id}/complete", WITHDRAW if i % 2 else RESUBMIT
        status, body, elapsed = client.request("POST", path, {"data": data})
        assert status == 200, f"POST {path}: {status} {body[:300]!r}"
        done.append(elapsed)


def ready(conn: Conn, user: str) -> list[tuple[str, int]]:
    query = "SELECT id, case_id FROM case_task WHERE state = 'ready' AND assignee = %s ORDER BY 2"
    return conn.execute(query, [user]).fetchall()


def writes(eng: Engine, port: int, conn: Conn, n: int) -> bool:
    """Completions through the engine in this process (reference), then over HTTP."""
    me, direct = eng.actor(submitter(WRITERS + 1)), []
    for i, (task_id, _) in enumerate(ready(conn, me.user_id)[: 2 + n // 10]):
        began = time.perf_counter()
        eng.complete_task(task_id, WITHDRAW if i % 2 else RESUBMIT, me)
        direct.append(time.perf_counter() - began)
    mean = statistics.fmean(direct[2:])  # the first ones load the spec

    def run(user: str) -> list[float]:
        client, times = Client(port, tokens.create(eng, user, "bench")), []
        for i, (task_id, _) in enumerate(ready(conn, user)[: n // WRITERS]):
            path, data = f"/api/v1/tasks/{task_id}/complete", WITHDRAW if i % 2 else RESUBMIT
            status, body, elapsed = client.request("POST", path, {"data": data})
            assert status == 200, f"POST {path}: {status} {body[:300]!r}"
            times.append(elapsed)
        return times

    began = time.perf_counter()
    with ThreadPoolExecutor(WRITERS) as pool:
        lat = [t for ts in pool.map(run, [submitter(u) for u in range(1, WRITERS + 1)]) for t in ts]
    wall = time.perf_counter() - began
    left = sum(len(ready(conn, submitter(u))) for u in range(1, WRITERS + 1))
    print(f"completions over HTTP: {len(lat)} by {WRITERS} API clients in {wall:.1f} s ="
          f" {len(lat) / wall:.1f}/s; p50 {pct(lat, 0.5):.0f} ms, p95 {pct(lat, 0.95):.0f} ms;"
          f" ready tasks left {left} (expected {WRITERS * SPARE})")  # fmt: skip
    print(f"  reference: complete_task in this process, 1 thread: {mean * 1000:.1f} ms ="
          f" {1 / mean:.1f}/s; HTTP rate / in-process = {len(lat) / wall * mean:.2f}")  # fmt: skip
    rate = len(lat) / wall
    print(f"  {'PASS' if rate >= TARGET_RATE else 'MISS'} completions over HTTP: {rate:.1f}/s"
          f" (>= {TARGET_RATE:.0f}/s)")  # fmt: skip
    return left == WRITERS * SPARE and rate >= TARGET_RATE


def run(url: str, tmp: Path, args: argparse.Namespace) -> bool:
    background = range(WRITERS + 2, WRITERS + 2 + BACKGROUND)
    mine = {0: 100, **dict.fromkeys(range(1, WRITERS + 2), args.completions // WRITERS + SPARE),
            **dict.fromkeys(background, args.requests * 10)}  # fmt: skip
    eng, conn = seed(url, args.cases, args.cases * 10, mine)
    accounts = Accounts(eng, {})
    for user in (submitter(0), SECRETARIAT):
        accounts.set_password(user, PASSWORD)
    workers, how = worker_args(args.threads)
    proc, port = serve(url, tmp, workers)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    try:
        times = pages(eng, port, conn, args.requests, how)
        ok = writes(eng, port, conn, args.completions)
    finally:
        proc.terminate()
        proc.wait(30)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    began, chain = time.perf_counter(), eng.verify_audit()
    print(f"  {chain.describe()} ({time.perf_counter() - began:.0f} s)")
    for label in ("submitter inbox", "submitter cases", "secretariat inbox", "secretariat cases"):
        p95 = pct(times[label], 0.95)
        ok &= p95 <= TARGET_MS
        print(f"  {'PASS' if p95 <= TARGET_MS else 'MISS'} {label}: p95 {p95:.1f} ms (<= 50 ms)")
    conn.close()
    eng.db.dispose()
    return ok and chain.ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 cases, 100,000 audit rows")
    parser.add_argument("--cases", type=int, help="default 100,000 (10 audit rows per case)")
    parser.add_argument("--requests", type=int, help="GETs per endpoint (default 100, quick 40)")
    parser.add_argument("--completions", type=int, help="default 500, quick 100")
    parser.add_argument(
        "--threads",
        type=int,
        help="threads per worker (default: as gunicorn.conf.py says; 1: sync workers)",
    )
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    args.cases = args.cases or (10_000 if args.quick else 100_000)
    args.requests = args.requests or (40 if args.quick else 100)
    args.completions = args.completions or (100 if args.quick else 500)
    name = f"stuurboord_bench_http_{os.getpid()}"
    admin = psycopg.connect(args.postgres, autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory(prefix="stuurboord-http-") as tmp:
            return 0 if run(url, Path(tmp), args) else 1
    finally:
        print(f"kept database {name}" if args.keep else f"dropped database {name}")
        if not args.keep:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


if __name__ == "__main__":
    sys.exit(main())
