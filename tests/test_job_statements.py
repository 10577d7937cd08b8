"""The prebuilt statements of the write path for scheduled jobs and organisation reads: the
same rows and counts as the ORM statements they replace, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from engine import Database, Engine, ManualClock
from engine.storage import work
from engine.storage.models import ScheduledJob
from engine.timing import jobs
from processes.records import directory
from processes.records.choices import organisation_rows
from processes.records.models import Organisation
from tests.conftest import BPMN

NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def case_id(db: Database, clock: ManualClock) -> int:
    """A case to hang jobs on (the job table's case_id is a foreign key)."""
    engine = Engine(db, clock=clock)
    engine.deploy([BPMN / "deadline.bpmn"])
    return engine.start_case("deadline", {}).id


def _row(key: str, kind: str, case: int | None, task: str | None, **extra: object) -> dict:
    row = jobs.job_row(
        key=key, kind=kind, due_at=NOW + timedelta(days=1), now=NOW, case_id=case, task_id=task
    )
    row.update(extra)
    return row


def _states(db: Database, case: int) -> dict[str, tuple[str, datetime | None]]:
    with db.read() as session:
        rows = session.execute(
            select(ScheduledJob.key, ScheduledJob.status, ScheduledJob.done_at).where(
                ScheduledJob.case_id == case
            )
        ).all()
    return {row.key: (row.status, row.done_at) for row in rows}


def test_cancel_for_tasks_cancels_only_open_reminders_and_escalations_of_those_tasks(
    db: Database, case_id: int
) -> None:
    mine = [
        _row("a-reminder", jobs.REMINDER, case_id, "a"),
        _row("a-escalation", jobs.ESCALATION, case_id, "a"),
        _row("a-paused", jobs.REMINDER, case_id, "a"),
        _row("a-claimed", jobs.REMINDER, case_id, "a"),
        _row("a-done", jobs.ESCALATION, case_id, "a"),
        _row("a-timer", jobs.TIMER, case_id, "a"),
        _row("b-reminder", jobs.REMINDER, case_id, "b"),
        _row("c-reminder", jobs.REMINDER, case_id, "c"),
        _row("d-reminder", jobs.REMINDER, case_id, "d"),
    ]
    with db.write() as session:
        before = {key for key in _states(db, case_id)}
        assert jobs.add(session, mine) == len(mine)
        for key, status in (("a-paused", "paused"), ("a-claimed", "claimed"), ("a-done", "done")):
            session.execute(
                update(ScheduledJob).where(ScheduledJob.key == key).values(status=status)
            )
    later = NOW + timedelta(hours=1)
    with db.write() as session:
        jobs.cancel_for_tasks(session, case_id, ["a", "b"], later)  # several: executemany
        jobs.cancel_for_tasks(session, case_id, iter(["c"]), later)  # one
        jobs.cancel_for_tasks(session, case_id, [], later)  # none: no statement
        # a read in the same transaction sees the (deferred) cancels
        seen = session.execute(
            select(ScheduledJob.key).where(ScheduledJob.status == "cancelled")
        ).scalars()
        assert set(seen) == {"a-reminder", "a-escalation", "a-paused", "b-reminder", "c-reminder"}
    states = {key: value for key, value in _states(db, case_id).items() if key not in before}
    assert states == {
        "a-reminder": ("cancelled", later),
        "a-escalation": ("cancelled", later),
        "a-paused": ("cancelled", later),
        "a-claimed": ("claimed", None),
        "a-done": ("done", None),
        "a-timer": ("pending", None),
        "b-reminder": ("cancelled", later),
        "c-reminder": ("cancelled", later),
        "d-reminder": ("pending", None),
    }


def test_cancel_for_tasks_leaves_other_cases_alone(db: Database, clock: ManualClock) -> None:
    engine = Engine(db, clock=clock)
    engine.deploy([BPMN / "deadline.bpmn"])
    one, two = (engine.start_case("deadline", {}).id for _ in range(2))
    with db.write() as session:
        jobs.add(
            session, [_row("one", jobs.REMINDER, one, "t"), _row("two", jobs.REMINDER, two, "t")]
        )
    with db.write() as session:
        jobs.cancel_for_tasks(session, one, ["t"], NOW)
    assert _states(db, one)["one"] == ("cancelled", NOW)
    assert _states(db, two)["two"] == ("pending", None)


def test_add_counts_new_rows_ignores_duplicates_and_announces_only_new_work(
    db: Database, case_id: int
) -> None:
    first = [_row(f"k{n}", jobs.MESSAGE, case_id, None) for n in range(3)]
    with db.write() as session:
        assert jobs.add(session, first) == 3
        assert session.info[work._KEY] == NOW + timedelta(days=1)
    with db.write() as session:
        # all known: nothing new, nothing announced
        assert jobs.add(session, first) == 0
        assert work._KEY not in session.info
        # known, new, the same new one twice in one batch, and rows with other columns
        sooner = _row("k9", jobs.MESSAGE, case_id, None, due_at=NOW)
        fewer = {key: value for key, value in _row("k10", jobs.START, None, None).items()}
        del fewer["case_id"], fewer["task_id"]
        rows = [first[0], sooner, dict(sooner), fewer, _row("k3", jobs.MESSAGE, case_id, None)]
        assert jobs.add(session, rows) == 3
        assert session.info[work._KEY] == NOW
        assert jobs.add(session, []) == 0
    with db.read() as session:
        stored = session.execute(
            select(ScheduledJob.key, ScheduledJob.kind, ScheduledJob.case_id, ScheduledJob.payload)
            .where(ScheduledJob.key.like("k%"))
            .order_by(ScheduledJob.key)
        ).all()
    assert [tuple(row) for row in stored] == [
        ("k0", "message", case_id, {}),
        ("k1", "message", case_id, {}),
        ("k10", "start", None, {}),
        ("k2", "message", case_id, {}),
        ("k3", "message", case_id, {}),
        ("k9", "message", case_id, {}),
    ]


def test_organisation_rows_match_an_in_list_for_any_number_of_codes(db: Database) -> None:
    codes = [f"org-{n:02d}" for n in range(70)]
    with db.write() as session:
        for n, code in enumerate(codes):
            directory.add_organisation(session, code, f"Organisatie {n}", "department")
        for code in codes[::3]:
            session.get(Organisation, code).active = False  # type: ignore[union-attr]
    inactive = set(codes[::3])
    with db.read() as session:
        for count in (1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 64, 65, 70):
            # known codes, unknown ones and repeats, in no order
            wanted = [*codes[:count:2], "nope", codes[0], *codes[1:count:2][::-1]]
            wanted = wanted[:count]
            known = {code for code in wanted if code in codes}
            assert {r[0] for r in organisation_rows(session, wanted)} == known
            active = {r[0] for r in organisation_rows(session, wanted, active_only=True)}
            assert active == known - inactive
            named = dict(organisation_rows(session, wanted, names=True))
            assert named == {code: f"Organisatie {int(code[4:])}" for code in known}
        assert organisation_rows(session, []) == []


def test_organisation_rows_see_an_organisation_not_yet_flushed(db: Database) -> None:
    with db.write() as session:
        session.add(Organisation(id="new-org", name="Nieuw", kind="department"))
        assert organisation_rows(session, ["new-org"], names=True, active_only=True) == [
            ("new-org", "Nieuw")
        ]
