"""The demo data (processes.demo): the committee's composition, the two meetings, cases in every
state with the right tasks for the right people, an intact audit trail, and a second load that
changes nothing. Runs on SQLite and PostgreSQL.

The demo is loaded once per database (a module-scoped fixture built like `db` and `committee`);
the tests only read it, except the last, whose second load must not write anything either.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from sqlalchemy import select

import processes
from engine import Database, Engine, ManualClock
from engine.running.queries import CaseInfo, TaskInfo
from engine.storage.models import AuditEntry, ScheduledJob
from engine.timing.policy import load_policy
from processes import demo
from processes import demo_data as data
from processes.records import dates, queries
from processes.records.followup import EscalationDossier, Mandate, Obligation
from processes.records.models import (
    CommitteeSeat,
    Decision,
    Organisation,
    Person,
    WorkingGroupMember,
)
from processes.records.oslo import BESLUIT
from processes.records.steering import Kpi, Project, ProjectReview
from tests.conftest import _empty_postgres
from tests.helpers import snapshot
from tests.processes_fixtures import BPMN_DIR
from tests.test_oslo import SHAPES
from webapp.app import create_app

SEATS = {
    "chair": 1,
    "policy_domain": 11,
    "local": 3,
    "facilitair_bedrijf": 1,
    "informatie_vlaanderen": 1,
    "innovator": 2,
    "minister_representative": 2,
    "digitalisation_expert": 3,
}
"""The composition in the seed's annex (domain.md)."""

STATUSES = {
    "topic": {"running", "completed"},
    "college_question": {"completed"},
    "meeting": {"running", "completed"},
    "working_group_assignment": {"running"},
    "government_escalation": {"running"},
    "comply_or_explain": {"completed"},
    "obligation": {"running", "completed"},
    "project_followup": {"running"},
    "kpi_measurement": {"running"},
    "project_review": {"running"},
}


@dataclass
class Loaded:
    engine: Engine
    summary: demo.DemoSummary
    before: datetime

    def cases(self, process_id: str) -> list[CaseInfo]:
        return self.engine.list_cases(process_id=process_id, limit=500)

    def topic(self, key: str) -> CaseInfo:
        """The topic case submitted with the demo text `key`."""
        [case] = [c for c in self.cases("topic") if c.title == data.TOPICS[key]["title"]]
        return case

    def ready(self, case_id: int) -> list[TaskInfo]:
        return [t for t in self.engine.case_tasks(case_id) if t.state == "ready"]

    def inbox(self, user_id: str) -> list[tuple[str, str]]:
        """(process id, element id) of the user's tasks."""
        tasks = self.engine.tasks_for(self.engine.actor(user_id))
        return sorted((t.process_id, t.element_id) for t in tasks)


def demo_engine(db: Database, clock: ManualClock | None = None) -> Engine:
    """The engine as the CLI builds it: the committee's models, registry and policy."""
    engine = Engine(db, processes.build_registry(), clock, policy=load_policy(BPMN_DIR / "policy"))
    engine.deploy([BPMN_DIR])
    return engine


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("demo") / "stuurboord.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        db = Database(f"sqlite:///{path}")
    else:
        db = Database(request.getfixturevalue("postgres_url"))
        _empty_postgres(db)
    engine = demo_engine(db)
    before = datetime.now(UTC)
    summary = demo.load(engine)
    yield Loaded(engine, summary, before)
    db.dispose()


# -- who is who ----------------------------------------------------------------------------------


def test_the_committee_is_composed_as_in_the_strategic_plan(loaded: Loaded) -> None:
    assert loaded.summary.loaded is True
    assert loaded.summary.seats == dict(sorted(SEATS.items()))
    with loaded.engine.db.read() as session:
        seats = session.execute(
            select(CommitteeSeat.seat_kind, CommitteeSeat.policy_domain, Organisation.kind)
            .join(Person, Person.id == CommitteeSeat.person_id)
            .join(Organisation, Organisation.id == Person.organisation_id)
        ).all()
        people = session.execute(select(Person.user_id, Person.organisation_id)).all()
        members = set(session.execute(select(WorkingGroupMember.working_group_id,
                                             WorkingGroupMember.user_id)).all())  # fmt: skip
        groups = queries.working_group_ids(session)
    assert Counter(kind for kind, _domain, _org in seats) == SEATS
    domains = [domain for kind, domain, _org in seats if kind == "policy_domain"]
    assert sorted(domains) == sorted(data.POLICY_DOMAINS)  # one member per policy domain
    assert Counter(org for kind, _d, org in seats if kind == "local") == {
        "province": 1,
        "municipality": 2,
    }
    assert len(people) == len(data.PEOPLE) == loaded.summary.users
    assert all(org for _user, org in people)  # everyone belongs to an organisation
    assert groups == ["wg-cyber", "wg-data", "wg-loketten"]

    grants = {user.id: set(user.grants) for user in loaded.engine.users()}
    organisation = dict(people)

    def holders(role: str) -> set[str]:
        return {user for user, held in grants.items() if any(r == role for r, _s in held)}

    assert holders("chair") == {"voorzitter"}
    assert holders("secretariat") == {"secretariaat", "secretariaat2"}
    assert holders("admin") == {"beheerder"}
    assert holders("college_liaison") == {"college"}
    assert holders("government_liaison") == {"kabinet.info", "kabinet.ict"}
    assert len(holders("submitter")) == 3
    assert len(holders("member")) == sum(SEATS.values())  # every seat holder reads as a member
    for user in holders("entity_contact"):  # scoped to their own organisation
        assert grants[user] == {("entity_contact", organisation[user])}
    for user in holders("wg_chair") | holders("wg_member"):
        for role, scope in grants[user]:
            if role.startswith("wg_"):
                assert scope in groups
            if role == "wg_member":
                assert (scope, user) in members
    assert {
        scope for user in holders("wg_chair") for r, scope in grants[user] if r == "wg_chair"
    } == set(groups)


# -- meetings ------------------------------------------------------------------------------------


def test_a_held_meeting_with_decisions_and_an_upcoming_one_with_an_agenda(loaded: Loaded) -> None:
    today = dates.local_date(datetime.now(UTC))
    with loaded.engine.db.read() as session:
        past, upcoming = queries.meetings(session)
        treated = queries.agenda(session, past.meeting_id)
        decisions = queries.decision_list(session, meeting_id=past.meeting_id)
        scheduled = queries.agenda(session, upcoming.meeting_id)
        open_for_topics = queries.open_meetings(session, today)
    assert past.meeting_date < today - timedelta(days=28) and past.status == "minutes_approved"
    assert past.published_at is not None and past.reported_at is not None
    assert past.meeting_date < past.minutes_approved_on < today
    assert {e.outcome for e in treated} == {"decided", "working_group", "escalated", "deferred",
                                            "noted"}  # fmt: skip
    binding = [d for d in decisions if d.binding]
    assert len(decisions) == 2 and len(binding) == 1
    assert binding[0].entities == tuple(sorted(data.BOUND_ENTITIES))
    assert binding[0].deadline is not None and binding[0].deadline > today + timedelta(days=30)

    assert upcoming.meeting_date > today + timedelta(days=10) and upcoming.status == "planned"
    assert [m.meeting_id for m in open_for_topics] == [upcoming.meeting_id]
    assert {e.title for e in scheduled} == {
        data.TOPICS[key]["title"] for key in ("handtekening", "baseline", "meldingen")
    }
    assert {e.status for e in scheduled} == {"scheduled"}
    assert {e.topic_kind for e in scheduled} == {"topic", "escalation"}

    past_case, next_case = sorted(loaded.cases("meeting"), key=lambda c: c.id)
    assert past_case.status == "completed" and loaded.ready(past_case.id) == []
    assert loaded.ready(next_case.id) == []  # waiting for its agenda deadline


# -- open data -----------------------------------------------------------------------------------


def test_the_past_meeting_is_published_as_open_data(loaded: Loaded) -> None:
    """Its minutes approved, the past meeting's decisions are on the public list (without
    signing in) and in the dump, as a graph that parses and follows the profile's shapes."""
    client = create_app(loaded.engine, {"TESTING": True}).test_client()
    with loaded.engine.db.read() as session:
        [past, _upcoming] = queries.meetings(session)
        decisions = queries.decision_list(session, meeting_id=past.meeting_id)
        uuids = session.execute(select(Decision.uuid, Decision.id)).all()
    decision_uuid = {ident: uuid for uuid, ident in uuids}
    listed = client.get("/besluiten")
    assert listed.status_code == 200
    assert "2 besluiten" in listed.text
    for decision in decisions:
        assert f'href="/id/besluiten/{decision_uuid[decision.decision_id]}"' in listed.text
    assert data.TOPICS["burgerprofiel"]["title"] in listed.text
    assert data.TOPICS["cloud"]["title"] in listed.text

    dump = client.get("/id/dump.ttl")
    assert dump.status_code == 200 and dump.mimetype == "text/turtle"
    graph = Graph().parse(data=dump.text, format="turtle")
    [zitting] = graph.subjects(RDF.type, BESLUIT.Zitting)
    assert graph.value(zitting, DCTERMS.title) == Literal(past.title, lang="nl")
    besluiten = set(graph.subjects(RDF.type, BESLUIT.Besluit))
    assert besluiten == {
        URIRef(f"http://localhost/id/besluiten/{decision_uuid[d.decision_id]}") for d in decisions
    }
    stemmingen = set(graph.subjects(RDF.type, BESLUIT.Stemming))
    assert len(stemmingen) == 2
    assert {graph.value(s, BESLUIT.aantalVoorstanders).toPython() for s in stemmingen} == {18, 20}
    present = set(graph.objects(zitting, BESLUIT.heeftAanwezigeBijStart))
    assert len(present) == len(data.ATTENDANCE)
    ok, _report, text = validate(graph, shacl_graph=str(SHAPES), inference="none")
    assert ok, text


# -- cases in every state --------------------------------------------------------------------------


def test_cases_in_every_state(loaded: Loaded) -> None:
    assert {p: set(counts) for p, counts in loaded.summary.cases.items()} == STATUSES
    assert loaded.summary.cases["topic"] == {"running": 8, "completed": 6}
    assert loaded.summary.incidents == 0 and loaded.engine.incidents() == []

    def ready(key: str) -> list[tuple[str, str, str | None]]:
        return [(t.element_id, t.role, t.assignee) for t in loaded.ready(loaded.topic(key).id)]

    # waiting for the secretariat's screening: one admissible, one incomplete
    assert ready("financien") == [("confirm_screening", "secretariat", None)]
    assert ready("vaardigheden") == [("confirm_screening", "secretariat", None)]
    assert loaded.topic("financien").data["screening"]["verdict"] == "admissible"
    assert loaded.topic("vaardigheden").data["screening"]["failed"] == ["complete"]
    # not admissible, back with the submitter
    assert ready("huisstijl") == [("revise_submission", "submitter", "indiener.vlaio")]
    assert loaded.topic("huisstijl").data["screening"]["failed"] == ["priority", "transversal"]
    # admissible, the chair decides
    assert ready("ondernemers") == [("chair_decision", "chair", None)]
    # admitted, on the upcoming agenda, waiting for the treatment
    for key in ("handtekening", "baseline", "meldingen"):
        case = loaded.topic(key)
        assert case.status == "running" and ready(key) == []
        assert case.data["agenda_item"]["placed"] is True
    # deferred by the chair to a date after the next meeting
    deferred = loaded.topic("ai_assistent")
    assert deferred.status == "running" and ready("ai_assistent") == []
    assert date.fromisoformat(deferred.data["deferral"]["until"]) > dates.local_date(
        datetime.now(UTC)
    )
    # declined (and acknowledged by the submitter)
    declined = loaded.topic("videoconferentie")
    assert declined.status == "completed" and declined.data["chair_decision"] == "decline"
    # decided, binding: comply-or-explain started
    decided = loaded.topic("burgerprofiel")
    assert decided.status == "completed" and decided.data["outcome"]["binding"] is True
    assert decided.data["follow_up"]["process_id"] == "comply_or_explain"
    # the college's question, answered and read
    [asked] = loaded.cases("college_question")
    assert asked.data["answer"]["answer"] == data.COLLEGE_ANSWER


def test_the_steering_framework_runs_from_today_on(loaded: Loaded) -> None:
    """Running projects with an owner are followed up, KPIs with a target ahead are measured, and
    one review's advice waits for the chair."""
    engine = loaded.engine
    with engine.db.read() as session:
        running = session.execute(
            select(Project.id).where(
                Project.status == "running", Project.owner_user_id.is_not(None)
            )
        ).scalars().all()
        followed = session.execute(
            select(Project.followup_case_id).where(Project.id.in_(running))
        ).scalars().all()
        ahead = session.execute(
            select(Kpi.measurement_case_id).where(Kpi.target_on > loaded.before.date())
        ).scalars().all()
        [review] = session.execute(select(ProjectReview)).scalars().all()
    assert running and all(case_id is not None for case_id in followed)
    assert len(loaded.cases("project_followup")) == len(running)
    assert ahead and all(case_id is not None for case_id in ahead)
    assert len(loaded.cases("kpi_measurement")) == len(ahead)
    assert (review.status, review.verdict) == ("drafted", "conditional")
    assert review.advice_due_on < review.government_meeting_on
    assert [(t.element_id, t.role) for t in loaded.ready(review.case_id)] == [
        ("approve_advice", "chair")
    ]


def test_follow_up_cases_wait_on_the_right_people(loaded: Loaded) -> None:
    engine = loaded.engine
    [assignment] = loaded.cases("working_group_assignment")
    [escalation] = loaded.cases("government_escalation")
    with engine.db.read() as session:
        mandate = session.execute(
            select(Mandate).where(Mandate.case_id == assignment.id)
        ).scalar_one()
        dossier = session.execute(
            select(EscalationDossier).where(EscalationDossier.case_id == escalation.id)
        ).scalar_one()
        obligations = {
            row.organisation_id: row.status for row in session.execute(select(Obligation)).scalars()
        }
    # a working group at work, with one status update behind it
    assert (mandate.status, mandate.status_updates) == ("reporting", 1)
    assert loaded.inbox("wg.data") == [("working_group_assignment", "submit_report")]
    assert loaded.inbox("wg.cyber") == []
    # an escalation waiting for the Flemish Government's answer
    assert dossier.status == "sent"
    assert loaded.inbox("kabinet.info") == [("government_escalation", "record_answer")]
    # comply-or-explain: four entities in four states
    assert obligations == {
        "dep-omg": "complied",
        "dep-wvg": "explanation_accepted",
        "gem-gent": "explained",
        "gem-leuven": "open",
    }
    assert loaded.inbox("contact.leuven") == [("obligation", "answer_obligation")]
    assert loaded.inbox("contact.gent") == []
    assert loaded.inbox("contact.omgeving") == []
    # the secretariat's inbox, the chair's and a submitter's
    assert loaded.inbox("secretariaat") == [
        ("obligation", "assess_explanation"),
        ("topic", "confirm_screening"),
        ("topic", "confirm_screening"),
    ]
    assert ("topic", "chair_decision") in loaded.inbox("voorzitter")
    assert loaded.inbox("indiener.vlaio") == [("topic", "revise_submission")]
    assert loaded.inbox("lid.omgeving") == []


def test_every_open_wait_ends_after_the_load(loaded: Loaded) -> None:
    tasks = loaded.engine.ready_tasks()
    assert tasks and all(t.due_at is not None and t.due_at > loaded.before for t in tasks)
    with loaded.engine.db.read() as session:
        pending = session.execute(
            select(ScheduledJob.due_at).where(ScheduledJob.status == "pending")
        ).scalars()
        assert all(due > loaded.before for due in pending)


# -- audit ---------------------------------------------------------------------------------------


def test_every_record_change_is_in_a_verified_audit_trail(loaded: Loaded) -> None:
    result = loaded.engine.verify_audit()
    assert result.ok, result.describe()
    with loaded.engine.db.read() as session:
        actions = Counter(session.execute(select(AuditEntry.action)).scalars())
    assert actions["organisation_created"] == len(data.ORGANISATIONS)
    assert actions["user_created"] == actions["person_created"] == len(data.PEOPLE)
    assert actions["committee_seat_created"] == sum(SEATS.values())
    assert actions["working_group_created"] == len(data.WORKING_GROUPS)
    for action in (
        "meeting_held",
        "decision_recorded",
        "mandate_status_update",
        "escalation_dossier_sent",
        "obligation_complied",
        "question_answered",
    ):
        assert actions[action] >= 1, action  # fmt: skip


# -- loading again -------------------------------------------------------------------------------


def test_a_second_load_changes_nothing(loaded: Loaded) -> None:
    before = snapshot(loaded.engine.db)
    again = demo.load(loaded.engine)
    assert again.loaded is False
    assert snapshot(loaded.engine.db) == before
    first = {**vars(loaded.summary), "loaded": None, "seconds": None}
    assert {**vars(again), "loaded": None, "seconds": None} == first
    assert again.lines()[0].startswith("demo data already present; nothing changed")


# -- any day of the year -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 6, 20, 7, 0, tzinfo=UTC),  # past meeting's Thursday is Ascension Day
        datetime(2027, 1, 4, 6, 30, tzinfo=UTC),  # early Monday after the Christmas holidays
    ],
)
def test_the_demo_loads_on_awkward_days(db: Database, now: datetime) -> None:
    engine = demo_engine(db, ManualClock(now))
    summary = demo.load(engine)
    assert summary.incidents == 0
    assert {p: set(c) for p, c in summary.cases.items()} == STATUSES
    assert all(t.due_at is not None and t.due_at > now for t in engine.ready_tasks())
    timeline = demo.Timeline.around(now, engine.policy.calendar)
    with engine.db.read() as session:
        past, upcoming = queries.meetings(session)
    assert (past.meeting_date, upcoming.meeting_date) == (
        timeline.past_meeting,
        timeline.next_meeting,
    )
    assert engine.policy.calendar.is_working_day(past.meeting_date)
    assert engine.verify_audit().ok
