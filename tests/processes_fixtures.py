"""Shared helpers for the tests of the committee's processes (topics, meetings, working groups,
escalations, comply-or-explain).

Use it from a test module with::

    from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401

    def test_something(committee: Committee) -> None:
        case = committee.start("topic", {...}, "sofie")
        committee.complete(case.id, "confirm_screening", {}, "sara")
        committee.advance(days=3)            # move the clock, fire what is due (scheduler)

`committee` builds ``Engine(db, processes.build_registry(), clock, policy=bpmn/policy)``,
deploys the whole ``bpmn/`` folder (XSD validation on), makes form dates follow the test clock,
creates the people below with their roles, the organisations and a working group, and checks
at teardown that the audit trail verifies.

People (user id: roles [scope]; organisation):

    sofie  submitter                         dep-omg  (Departement Omgeving)
    tom    submitter                         gem-gent (Stad Gent)
    sara   secretariat                       ag-iv    (Informatie Vlaanderen)
    chris  chair                             ag-iv
    mia    member                            dep-omg
    mo     member                            gem-gent
    cleo   college_liaison                   dep-kb   (Kanselarij en Bestuur)
    wim    wg_chair, wg_member [wg-data]     dep-wvg  (Welzijn, Volksgezondheid en Gezin)
    eva    entity_contact [dep-omg]          dep-omg
    gert   government_liaison                dep-kb
    ada    admin                             ag-iv

Organisations: ag-iv, dep-omg, dep-wvg, dep-kb, fb (Facilitair Bedrijf), prov-antw,
gem-gent, gem-leuven. Working group: wg-data (focus domain ``data``, chair wim).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

import processes
from engine import Actor, Database, Engine, ManualClock
from engine.running.queries import CaseInfo, TaskInfo
from engine.scheduling.scheduler import Scheduler
from engine.timing.policy import load_policy
from processes.records import dates, directory
from processes.records.models import AgendaItem, Decision, Meeting, Treatment

ROOT = Path(__file__).resolve().parents[1]
BPMN_DIR = ROOT / "bpmn"

ORGANISATIONS = (
    (
        "ag-iv",
        "Agentschap Informatie Vlaanderen",
        "agency",
        "Kanselarij, Bestuur, Buitenlandse Zaken en Justitie",
    ),
    ("dep-omg", "Departement Omgeving", "department", "Omgeving"),
    (
        "dep-wvg",
        "Departement Welzijn, Volksgezondheid en Gezin",
        "department",
        "Welzijn, Volksgezondheid en Gezin",
    ),
    (
        "dep-kb",
        "Departement Kanselarij en Bestuur",
        "department",
        "Kanselarij, Bestuur, Buitenlandse Zaken en Justitie",
    ),
    ("fb", "Facilitair Bedrijf", "agency", "Kanselarij, Bestuur, Buitenlandse Zaken en Justitie"),
    ("prov-antw", "Provincie Antwerpen", "province", None),
    ("gem-gent", "Stad Gent", "municipality", None),
    ("gem-leuven", "Stad Leuven", "municipality", None),
)

PEOPLE: tuple[tuple[str, str, str, tuple[tuple[str, str | None], ...]], ...] = (
    ("sofie", "Sofie Peeters", "dep-omg", (("submitter", None),)),
    ("tom", "Tom Claes", "gem-gent", (("submitter", None),)),
    ("sara", "Sara Janssens", "ag-iv", (("secretariat", None),)),
    ("chris", "Chris Maes", "ag-iv", (("chair", None),)),
    ("mia", "Mia Wouters", "dep-omg", (("member", None),)),
    ("mo", "Mo El Amrani", "gem-gent", (("member", None),)),
    ("cleo", "Cleo Jacobs", "dep-kb", (("college_liaison", None),)),
    ("wim", "Wim De Smet", "dep-wvg", (("wg_chair", "wg-data"), ("wg_member", "wg-data"))),
    ("eva", "Eva Willems", "dep-omg", (("entity_contact", "dep-omg"),)),
    ("gert", "Gert Goossens", "dep-kb", (("government_liaison", None),)),
    ("ada", "Ada Admin", "ag-iv", (("admin", None),)),
)

SEATS = (("chris", "chair", None), ("mia", "policy_domain", "Omgeving"), ("mo", "local", None))


@dataclass(frozen=True)
class Decided:
    """A topic case and the decision the committee took on it (see Committee.decided_topic)."""

    topic_case_id: int
    decision_id: int
    meeting_id: int


def _topic_data(title: str) -> dict[str, Any]:
    return {
        "kind": "topic",
        "title": title,
        "summary": "Lokale besturen bouwen elk een eigen aanmelding; we stellen één platform voor.",
        "question": "Het Stuurorgaan beslist dat alle entiteiten het aanmeldplatform gebruiken.",
        "impact": "Minder dubbel werk, één aanmelding voor de burger, overgang in 2027.",
        "affected_entities": ["dep-omg", "gem-gent"],
        "focus_domains": ["common_counter_functions"],
        "vrd2_priorities": ["mijn_burgerprofiel"],
        "reuses_generic_components": True,
        "creates_generic_components": False,
    }


@dataclass
class Committee:
    """An engine with the committee's models, people and reference data, on a manual clock."""

    engine: Engine
    clock: ManualClock
    _reference: Decided | None = None

    # -- people ------------------------------------------------------------------------------

    def actor(self, user_id: str) -> Actor:
        return self.engine.actor(user_id)

    # -- cases and tasks -----------------------------------------------------------------------

    def start(self, process_id: str, data: dict[str, Any], user_id: str) -> CaseInfo:
        return self.engine.start_case(process_id, data, self.actor(user_id))

    def tasks(self, case_id: int) -> list[TaskInfo]:
        """The case's ready tasks."""
        return [t for t in self.engine.case_tasks(case_id) if t.state == "ready"]

    def task(self, case_id: int, element_id: str) -> TaskInfo:
        """The one ready task of `element_id` in the case (fails the test if there is none)."""
        found = [t for t in self.tasks(case_id) if t.element_id == element_id]
        ready = [t.element_id for t in self.tasks(case_id)]
        assert len(found) == 1, f"case {case_id}: expected {element_id} ready, have {ready}"
        return found[0]

    def complete(
        self, case_id: int, element_id: str, data: dict[str, Any], user_id: str
    ) -> CaseInfo:
        """Complete the ready task `element_id` of the case as `user_id`."""
        task = self.task(case_id, element_id)
        return self.engine.complete_task(task.id, data, self.actor(user_id))

    def case(self, case_id: int) -> CaseInfo:
        return self.engine.case(case_id)

    def cases(self, process_id: str) -> list[CaseInfo]:
        return self.engine.list_cases(process_id=process_id, limit=500)

    # -- time ----------------------------------------------------------------------------------

    def run_due(self) -> None:
        """Fire every job due now (timers, reminders, escalations, deferred messages)."""
        Scheduler(self.engine, name="tests").run_due()

    def advance(self, **delta: float) -> datetime:
        """Move the clock on and fire what became due."""
        now = self.clock.advance(**delta)
        self.run_due()
        return now

    def advance_to(self, moment: datetime) -> datetime:
        self.clock.set(moment)
        self.run_due()
        return moment

    def today(self) -> date:
        return dates.local_date(self.clock.now())

    # -- records other cases refer to ---------------------------------------------------------

    def decided_topic(
        self,
        title: str = "Eén aanmeldplatform voor lokale besturen",
        text: str = "Alle entiteiten gebruiken het gemeenschappelijke aanmeldplatform.",
        meeting_date: date = date(2026, 1, 22),
    ) -> Decided:
        """A topic (a real case, submitted by sofie) and a decision the committee took on it at
        a held meeting (records only: no meeting case runs). For forms that pick a topic or a
        decision: their check refuses ids nothing stands behind."""
        topic = self.start("topic", _topic_data(title), "sofie").id
        # its story is told elsewhere: no screening task, timer or reminder of its own here
        self.engine.terminate(topic, self.actor("ada"), "decided earlier (test records)")
        now = self.clock.now()
        with self.engine.db.write() as session:
            meeting = Meeting(
                title=f"Zitting van {dates.format_nl(meeting_date)}",
                meeting_date=meeting_date,
                start_time=time(10, 0),
                agenda_deadline=meeting_date,
                location="Herman Teirlinckgebouw, Brussel",
                status="held",
                created_at=now,
            )
            session.add(meeting)
            session.flush()
            item = AgendaItem(
                meeting_id=meeting.id, topic_case_id=topic, position=1, kind="decision",
                title=title, status="treated", added_at=now,
            )  # fmt: skip
            session.add(item)
            session.flush()
            treatment = Treatment(
                agenda_item_id=item.id, attendance=[], outcome="decided", decision_text=text,
                recorded_at=now, recorded_by="sara",
            )  # fmt: skip
            session.add(treatment)
            session.flush()
            decision = Decision(
                treatment_id=treatment.id, meeting_id=meeting.id, topic_case_id=topic, text=text,
                binding=True, decided_at=now,
            )  # fmt: skip
            session.add(decision)
            session.flush()
            return Decided(topic, decision.id, meeting.id)

    @property
    def reference(self) -> Decided:
        """One decided topic, made on first use (see :meth:`decided_topic`)."""
        if self._reference is None:
            self._reference = self.decided_topic()
        return self._reference

    # -- meetings ------------------------------------------------------------------------------

    def plan_meeting(
        self,
        meeting_date: date,
        *,
        title: str | None = None,
        agenda_deadline: date | None = None,
        start_time: time = time(10, 0),
        location: str = "Herman Teirlinckgebouw, Brussel",
    ) -> tuple[CaseInfo, int]:
        """Start a meeting case as the secretariat; returns the case and the meeting id."""
        data: dict[str, Any] = {
            "title": title or f"Zitting van {dates.format_nl(meeting_date)}",
            "meeting_date": meeting_date.isoformat(),
            "start_time": start_time.strftime("%H:%M"),
            "location": location,
        }
        if agenda_deadline is not None:
            data["agenda_deadline"] = agenda_deadline.isoformat()
        case = self.start("meeting", data, "sara")
        return case, int(case.data["meeting"]["meeting_id"])


def seed(engine: Engine) -> None:
    """Organisations, people with their roles, committee seats and the working group."""
    with engine.db.write() as session:
        for org_id, name, kind, domain in ORGANISATIONS:
            directory.add_organisation(session, org_id, name, kind, domain)
    for user_id, name, _org, grants in PEOPLE:
        engine.ensure_user(user_id, name, email=f"{user_id}@vlaanderen.test", grants=grants)
    with engine.db.write() as session:
        persons = {
            user_id: directory.add_person(session, user_id, org, None)
            for user_id, _name, org, _grants in PEOPLE
        }
        for user_id, seat_kind, domain in SEATS:
            directory.add_seat(session, persons[user_id], seat_kind, domain)
        directory.add_working_group(session, "wg-data", "Werkgroep Data", "data", "wim", ["wim"])


def build_committee(db: Database, clock: ManualClock) -> Committee:
    """The engine with every process deployed and the reference data seeded."""
    engine = Engine(db, processes.build_registry(), clock, policy=load_policy(BPMN_DIR / "policy"))
    engine.deploy([BPMN_DIR])
    seed(engine)
    return Committee(engine, clock)


@pytest.fixture(name="committee")
def committee_fixture(
    db: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Committee]:
    """See the module docstring. Form dates follow `clock`; the audit trail must verify."""
    monkeypatch.setattr(dates, "today", lambda: dates.local_date(clock.now()))
    built = build_committee(db, clock)
    yield built
    result = built.engine.verify_audit()
    assert result.ok, result.describe()
