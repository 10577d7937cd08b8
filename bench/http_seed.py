"""Seeding for bench/http.py: real `topic` cases as templates, then bulk copies of them in SQL.

Five cases run through the engine, a submitter, the secretariat and the chair acting: waiting at
confirm_screening (secretariat), chair_decision (chair) and revise_submission (assigned to the
submitter), one withdrawn, one declined after a round of revision. Each bulk case copies one
template's case_instance (state_json, data), case_task, scheduled_job and audit_trail rows with
fresh task ids, its own id, title and submitter, and earlier times. The audit rows are chained
onto the head with engine.audit.row_hash, so `stuurboord audit verify` holds for the whole trail.
"""

from __future__ import annotations

import json
import random
import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

import processes
import webapp
from engine import Database, Engine, SystemClock
from engine.audit.trail import _HASHED, _content, row_hash
from engine.storage.migrate import upgrade
from engine.timing.policy import load_policy
from processes.records import directory

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_USER, TOKEN = "tmpl-indiener", "DOSSIERNR"
SECRETARIAT, CHAIR = "secretariaat", "voorzitter"
ORGS = ("dep-omg", "gem-gent", "gem-leuven")
SCOPE = {"affected_entities": list(ORGS), "focus_domains": ["common_counter_functions"],
         "vrd2_priorities": ["mijn_burgerprofiel"]}  # fmt: skip
WITHDRAW = {"revision_action": "withdraw", "revision_note": "Niet meer nodig."}
RESUBMIT = {"revision_action": "resubmit", "revision_note": "Aangevuld.", **SCOPE}
DECLINE = {"chair_decision": "decline", "chair_reason": "Geen prioriteit dit jaar."}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TABLES = {"case_instance": "id", "case_task": "case_id", "scheduled_job": "case_id",
          "audit_trail": "case_id"}  # fmt: skip


def submitter(n: int) -> str:
    return f"indiener-{n:04d}"


def templates(engine: Engine, users: int) -> dict[str, int]:
    """People and organisations, then the template cases: name -> case id."""
    with engine.db.write() as session:
        for org in ORGS:
            directory.add_organisation(session, org, f"Entiteit {org}", "department")
    engine.ensure_user(SECRETARIAT, "Sam Secretariaat", grants=[("secretariat", None)])
    engine.ensure_user(CHAIR, "Vera Voorzitter", grants=[("chair", None), ("member", None)])
    for user in [TEMPLATE_USER] + [submitter(n) for n in range(users)]:
        engine.ensure_user(user, user.title(), grants=[("submitter", None)])
    actors = {u: engine.actor(u) for u in (TEMPLATE_USER, SECRETARIAT, CHAIR)}
    data = {"kind": "topic", "title": f"Gemeenschappelijk aanmeldplatform {TOKEN}",
            "summary": "Een aanmelding voor alle lokale besturen.", "question": "Gebruiken?",
            "impact": "Minder dubbel werk, overgang in 2027."}  # fmt: skip

    def case(admissible: bool, *steps: tuple[dict[str, Any], str]) -> int:
        start = {**data, **(SCOPE if admissible else {key: [] for key in SCOPE})}
        case_id = engine.start_case("topic", start, actors[TEMPLATE_USER]).id
        for form, user in steps:
            (task,) = [t for t in engine.case_tasks(case_id) if t.state == "ready"]
            engine.complete_task(task.id, form, actors[user])
        return case_id

    sec, me, chair = ({}, SECRETARIAT), TEMPLATE_USER, (DECLINE, CHAIR)
    ids = {"screen": case(True), "chair": case(True, sec), "revise": case(False, sec),
           "withdrawn": case(False, sec, (WITHDRAW, me)),
           "declined": case(False, sec, (RESUBMIT, me), sec, chair, ({}, me))}  # fmt: skip
    waits = [
        [t.element_id for t in engine.case_tasks(c) if t.state == "ready"] for c in ids.values()
    ]
    assert waits == [["confirm_screening"], ["chair_decision"], ["revise_submission"], [], []]
    return ids


def plan(
    cases: int, audit: int, trails: dict[str, int], users: int, mine: dict[int, int]
) -> list[tuple[str, str]]:
    """(template, submitter) per bulk case, shuffled: `mine` ready tasks for the first users
    (and 200 closed cases for user 0), 200 cases in the secretariat's queue, 50 in the chair's,
    12 % waiting for revision, the rest closed: withdrawn or declined, in the mix that brings
    the audit trail to `audit` rows."""
    rng = random.Random(7)
    some = [submitter(n) for n in range(len(mine), users)]
    out = [("revise", submitter(n)) for n, k in mine.items() for _ in range(k)]
    out += [("withdrawn", submitter(0))] * 200 + [("screen", rng.choice(some)) for _ in range(200)]
    out += [("chair", rng.choice(some)) for _ in range(50)]
    out += [("revise", rng.choice(some)) for _ in range(cases * 12 // 100)]
    closed = cases - len(out)
    short = audit - sum(trails[t] for t, _ in out) - closed * trails["withdrawn"]
    declined = max(0, min(closed, round(short / (trails["declined"] - trails["withdrawn"]))))
    out += [("declined", rng.choice(some)) for _ in range(declined)]
    out += [("withdrawn", rng.choice(some)) for _ in range(closed - declined)]
    rng.shuffle(out)
    return out


class Copier:
    """Bulk copies of the template cases, COPYed table by table in batches."""

    def __init__(self, conn: psycopg.Connection, ids: dict[str, int]) -> None:
        self.conn, self.rows, self.cols = conn, {}, {}
        for table, column in TABLES.items():
            for name, case_id in ids.items():
                query = f"SELECT * FROM {table} WHERE {column} = %s ORDER BY 1"
                cur = conn.execute(query, [case_id])
                self.cols[table] = [d.name for d in cur.description or ()]
                rows = [
                    [json.dumps(v) if isinstance(v, dict | list) else v for v in r] for r in cur
                ]
                self.rows[table, name] = [dict(zip(self.cols[table], r, strict=True)) for r in rows]
        self.cols["scheduled_job"].remove("id")  # serial
        self.starts = {n: self.rows["case_instance", n][0]["started_at"] for n in ids}
        self.seq, self.prev = conn.execute("SELECT seq, hash FROM audit_head").fetchall()[0]
        self.uuids: dict[str, tuple[str, ...]] = {}  # template text -> the task ids in it

    def case(
        self, name: str, case_id: int, user: str, started: datetime
    ) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """(table, row) for one copy of template `name`."""
        ids: dict[str, str] = {}
        shift = started - self.starts[name]

        def text(value: str) -> str:
            found = self.uuids.get(value)
            if found is None:
                found = self.uuids[value] = tuple(dict.fromkeys(UUID.findall(value)))
            for old in found:
                value = value.replace(old, ids.get(old) or ids.setdefault(old, str(uuid.uuid4())))
            return value.replace(TEMPLATE_USER, user).replace(TOKEN, str(case_id))

        def cell(column: str, value: Any) -> Any:
            if column in ("id", "case_id") and isinstance(value, int):
                return case_id
            if isinstance(value, datetime):
                return value + shift
            return text(value) if isinstance(value, str) else value

        for table in TABLES:
            for row in self.rows[table, name]:
                new = {c: cell(c, row[c]) for c in self.cols[table]}
                if table == "audit_trail":  # chained: seq, prev_hash and hash as the engine would
                    self.seq += 1
                    changes = None if new["changes"] is None else json.loads(new["changes"])
                    new.update(seq=self.seq, prev_hash=self.prev)
                    hashed = {k: new[k] for k in _HASHED}
                    hashed.update(at=new["at"].replace(tzinfo=UTC), changes=changes)
                    new["hash"] = self.prev = row_hash(self.prev, _content(hashed))
                yield table, tuple(new[c] for c in self.cols[table])

    def copy(self, jobs: list[tuple[str, str]], first: int, years: float = 3.0) -> float:
        """Insert the copies (case ids from `first`, started over the past `years`), ANALYZE;
        returns the seconds spent making the rows (and the hash chain) in Python."""
        now, step = datetime.now(UTC).replace(tzinfo=None), timedelta(days=365 * years) / len(jobs)
        self.conn.execute("SET synchronous_commit = off")  # this seeding session only
        making = 0.0
        for at in range(0, len(jobs), 2000):
            began, out = time.perf_counter(), {t: [] for t in TABLES}
            for i, (name, user) in enumerate(jobs[at : at + 2000], start=at):
                for table, row in self.case(name, first + i, user, now - step * (len(jobs) - i)):
                    out[table].append(row)
            making += time.perf_counter() - began
            for table, rows in out.items():
                columns = ", ".join(self.cols[table])
                with self.conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as cp:
                    for row in rows:
                        cp.write_row(row)
            self.conn.execute("UPDATE audit_head SET seq = %s, hash = %s", [self.seq, self.prev])
            self.conn.commit()
        self.conn.execute("SELECT setval('case_instance_id_seq', %s)", [first + len(jobs) - 1])
        self.conn.commit()
        self.conn.autocommit = True
        self.conn.execute("ANALYZE")
        return making


Seeded = tuple[Engine, psycopg.Connection]


def seed(url: str, cases: int, audit: int, mine: dict[int, int]) -> Seeded:
    """A migrated database with bpmn/ deployed and `cases` topic cases; the engine on it and a
    psycopg connection. `mine`: user number -> ready tasks assigned to that submitter."""
    policy = load_policy(ROOT / "bpmn/policy")
    eng = Engine(Database(url), processes.build_registry(), SystemClock(), policy=policy)
    upgrade(eng.db, [processes.MIGRATIONS, webapp.MIGRATIONS])
    began, users = time.perf_counter(), max(50, cases // 100)
    eng.deploy([ROOT / "bpmn"])
    ids = templates(eng, users)
    made, began = time.perf_counter() - began, time.perf_counter()
    conn = psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    copier = Copier(conn, ids)
    have = conn.execute("SELECT count(*) FROM audit_trail").fetchall()[0][0]
    trails = {name: len(copier.rows["audit_trail", name]) for name in ids}
    jobs = plan(cases - len(ids), audit - have, trails, users, mine)
    making = copier.copy(jobs, max(ids.values()) + 1)
    count = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}
    print(f"seed: {made:.1f} s through the engine (deploy, {users + 3} users, {len(ids)} cases);"
          f" bulk {time.perf_counter() - began:.1f} s ({making:.1f} s making rows and the hash"
          " chain in Python, the rest COPY and ANALYZE); rows: "
          + ", ".join(f"{t} {n:,}" for t, n in count.items()), flush=True)  # fmt: skip
    return eng, conn
