"""Lineage (processes.records.lineage) on the loaded demo, and the steering demo data it walks.

The demo (processes.demo, with processes.demo_steering) is loaded once per database, as in
tests/test_demo.py. The topic about Mijn Burgerprofiel walks to its KPI: topic → agenda item →
treatment → decision → obligations per entity, actions → KPI; and the KPI walks back to the
topic. Each entry kind resolves; an unknown kind or id is refused.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select

from engine import Database, Engine, NotFound
from processes import demo
from processes import demo_data as data
from processes.demo_steering import ACTIONS, KPIS, PROJECTS
from processes.records.followup import Mandate, Obligation
from processes.records.lineage import ENTRY_KINDS, KINDS, Lineage, UnknownKind, lineage
from processes.records.models import Decision
from processes.records.reference import FOCUS_DOMAINS
from processes.records.steering import (
    ACTION_KINDS,
    ACTION_STATUSES,
    BLOCK_ROLES,
    BUILDING_BLOCKS,
    PARTNER_ROLES,
    PROJECT_STATUSES,
    REPORT_HEALTH,
    ActionKpi,
    DecisionKpi,
    Kpi,
    KpiMeasurement,
    Project,
    ProjectMilestone,
    ProjectReport,
    ProjectTopic,
    SteeringAction,
)
from tests.conftest import _empty_postgres
from tests.test_demo import demo_engine


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("lineage") / "stuurboord.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        db = Database(f"sqlite:///{path}")
    else:
        db = Database(request.getfixturevalue("postgres_url"))
        _empty_postgres(db)
    eng = demo_engine(db)
    demo.load(eng)
    yield eng
    db.dispose()


def topic_id(engine: Engine, key: str) -> int:
    [case] = [
        c
        for c in engine.list_cases(process_id="topic", limit=500)
        if c.title == data.TOPICS[key]["title"]
    ]
    return case.id


def walk(engine: Engine, kind: str, record_id: int) -> Lineage:
    with engine.db.read() as session:
        return lineage(session, kind, record_id)


def kinds(found: Lineage) -> list[str]:
    return [node.kind for node in found.nodes]


# -- the demo topic to its KPI and back ----------------------------------------------------------


def test_a_demo_topic_walks_to_its_kpi(engine: Engine) -> None:
    topic = topic_id(engine, "burgerprofiel")
    found = walk(engine, "topic", topic)
    assert found.start == ("topic", topic)
    with engine.db.read() as session:
        decision = session.execute(
            select(Decision).where(Decision.topic_case_id == topic)
        ).scalar_one()
        kpi = session.execute(select(Kpi).where(Kpi.name == KPIS[0].name)).scalar_one()
        obligations = set(
            session.execute(
                select(Obligation.id).where(Obligation.decision_id == decision.id)
            ).scalars()
        )
    decision_key = ("decision", decision.id)
    kpi_key = ("kpi", kpi.id)
    assert decision_key in found.node_keys() and kpi_key in found.node_keys()
    assert {("obligation", o) for o in obligations} <= found.node_keys()
    assert len(obligations) == len(data.BOUND_ENTITIES)
    # The steps are in the order of the chain, each one led to by the step before.
    assert kinds(found) == sorted(kinds(found), key=KINDS.index)
    [item] = [n for n in found.nodes if n.kind == "agenda_item"]
    [treatment] = found.children(item.key)
    assert treatment.kind == "treatment" and treatment.status == "decided"
    assert found.children(treatment.key) == [found.node(decision_key)]
    assert found.parents(item.key) == [found.node(("topic", topic))]
    actions = [n for n in found.children(decision_key) if n.kind == "action"]
    assert {a.title for a in actions} == {a.title for a in ACTIONS if a.decision == "burgerprofiel"}
    assert all(kpi_key in {c.key for c in found.children(a.key)} for a in actions)
    assert kpi_key in {c.key for c in found.children(decision_key)}
    # The project the topic was about comes before it.
    [project] = found.parents(("topic", topic))
    assert project.kind == "project" and project.title == PROJECTS[0].title
    # Plain words and a status label in both languages.
    node = found.node(kpi_key)
    assert node.title == KPIS[0].name and node.status == "not_reached"
    assert node.status_label == {"nl": "Doel nog niet gehaald", "en": "Target not reached yet"}
    assert found.node(decision_key).status_label == {"nl": "Bindend", "en": "Binding"}
    assert found.node(("topic", topic)).refs["case_id"] == topic


def test_the_kpi_walks_back_to_the_topic(engine: Engine) -> None:
    topic = topic_id(engine, "burgerprofiel")
    with engine.db.read() as session:
        kpi = session.execute(select(Kpi.id).where(Kpi.name == KPIS[0].name)).scalar_one()
    found = walk(engine, "kpi", kpi)
    assert ("topic", topic) in found.node_keys()
    assert {n.kind for n in found.nodes} >= {
        "project",
        "topic",
        "agenda_item",
        "treatment",
        "decision",
        "action",
        "kpi",
    }
    # Back, not sideways: the decision's obligations are not the KPI's chain, nor other KPIs.
    assert "obligation" not in kinds(found)
    assert [n.key for n in found.nodes if n.kind == "kpi"] == [("kpi", kpi)]
    # Every edge runs between nodes of the chain, from the earlier step to the later one.
    order = {k: i for i, k in enumerate(KINDS)}
    assert found.edges
    for edge in found.edges:
        assert edge.source in found.node_keys() and edge.target in found.node_keys()
        assert order[edge.source[0]] < order[edge.target[0]]
    # From the KPI back to the topic by following parents only.
    seen = {("kpi", kpi)}
    frontier = [("kpi", kpi)]
    while frontier:
        frontier = [p.key for key in frontier for p in found.parents(key) if p.key not in seen]
        seen |= set(frontier)
    assert ("topic", topic) in seen


def test_each_kind_resolves(engine: Engine) -> None:
    topic = topic_id(engine, "burgerprofiel")
    with engine.db.read() as session:
        decision = session.execute(
            select(Decision.id).where(Decision.topic_case_id == topic)
        ).scalar_one()
        obligation = session.execute(
            select(Obligation.id)
            .where(Obligation.decision_id == decision, Obligation.organisation_id == "gem-gent")
        ).scalar_one()  # fmt: skip
        project = session.execute(
            select(Project.id).where(Project.title == PROJECTS[0].title)
        ).scalar_one()
        action = session.execute(
            select(SteeringAction.id).where(SteeringAction.title == ACTIONS[1].title)
        ).scalar_one()
    for kind, record_id in (
        ("topic", topic),
        ("decision", decision),
        ("obligation", obligation),
        ("project", project),
        ("action", action),
    ):
        found = walk(engine, kind, record_id)
        assert found.start == (kind, record_id)
        assert (kind, record_id) in found.node_keys()
        assert ("topic", topic) in found.node_keys() or kind == "project"
    # An obligation's chain: its decision and what the decision led to, not the other entities.
    found = walk(engine, "obligation", obligation)
    assert [n.key for n in found.nodes if n.kind == "obligation"] == [("obligation", obligation)]
    assert "kpi" in kinds(found) and "action" in kinds(found)
    # A project leads down to its topic, the decision and the actions it carries.
    assert ("decision", decision) in walk(engine, "project", project).node_keys()


def test_a_topic_brings_its_working_group(engine: Engine) -> None:
    topic = topic_id(engine, "oslo")
    found = walk(engine, "topic", topic)
    with engine.db.read() as session:
        mandate = session.execute(
            select(Mandate).where(Mandate.topic_case_id == topic)
        ).scalar_one()
    node = found.node(("mandate", mandate.id))
    assert node.title == "Werkgroep Data"  # the group's name, not its code
    assert node.refs["case_id"] == mandate.case_id
    assert found.parents(node.key)[0].key == ("topic", topic)


def test_the_walk_takes_few_queries(engine: Engine) -> None:
    topic = topic_id(engine, "burgerprofiel")
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("x")

    bind = engine.db.engine
    event.listen(bind, "before_cursor_execute", count)
    try:
        found = walk(engine, "topic", topic)
    finally:
        event.remove(bind, "before_cursor_execute", count)
    assert len(found.nodes) > 10
    assert len(statements) <= 30, len(statements)


# -- refusals ------------------------------------------------------------------------------------


def test_an_unknown_kind_is_refused(engine: Engine) -> None:
    with pytest.raises(UnknownKind, match=r"unknown kind of record 'meeting'.*topic, decision"):
        walk(engine, "meeting", 1)
    assert "mandate" not in ENTRY_KINDS


@pytest.mark.parametrize("kind", ENTRY_KINDS)
def test_an_unknown_id_is_not_found(engine: Engine, kind: str) -> None:
    with pytest.raises(NotFound):
        walk(engine, kind, 2**31 - 2)
    with pytest.raises(NotFound):
        walk(engine, kind, 0)


def test_a_case_that_is_no_topic_is_not_found(engine: Engine) -> None:
    [meeting] = engine.list_cases(process_id="meeting", limit=1)
    with pytest.raises(NotFound):
        walk(engine, "topic", meeting.id)


# -- the steering demo data ----------------------------------------------------------------------


def test_the_steering_demo_is_a_believable_year(engine: Engine) -> None:
    today = datetime.now(UTC).date()
    with engine.db.read() as session:
        projects = list(session.execute(select(Project)).scalars())
        reports = session.execute(
            select(ProjectReport.project_id, func.count()).group_by(ProjectReport.project_id)
        ).all()
        over = list(
            session.execute(select(ProjectReport).where(ProjectReport.over_tolerance)).scalars()
        )
        linked = session.execute(select(ProjectTopic.topic_case_id)).scalars().all()
        late = session.execute(
            select(func.count()).where(
                ProjectMilestone.done_on.is_(None), ProjectMilestone.planned_on < today
            )
        ).scalar_one()
        actions = list(session.execute(select(SteeringAction)).scalars())
        measurements = session.execute(
            select(KpiMeasurement.kpi_id, func.count(), func.min(KpiMeasurement.measured_on))
            .group_by(KpiMeasurement.kpi_id)
        ).all()  # fmt: skip
        decision_kpis = session.execute(select(func.count()).select_from(DecisionKpi)).scalar()
        action_kpis = session.execute(select(func.count()).select_from(ActionKpi)).scalar()
    assert len(projects) == len(PROJECTS) == 8
    assert {p.vrd2 for p in projects} == {True, False}
    assert all(2 <= n <= 4 for _project, n in reports) and len(reports) == 8
    assert len(over) == 1 and over[0].topic_case_id in linked
    assert over[0].topic_case_id == topic_id(engine, "meldingen")
    assert late >= 2
    assert len(actions) == 15 and len({a.kind for a in actions}) == 5
    assert {a.status for a in actions} == {"planned", "running", "done", "dropped"}
    assert len(measurements) == 8
    assert all(n == 4 and (today - first).days <= 400 for _kpi, n, first in measurements)
    assert decision_kpis >= 2 and action_kpis >= 8


def test_the_steering_demo_uses_only_known_codes() -> None:
    """The dashboard and the pages label every code: none may be unknown to the lists."""
    organisations = {org for org, *_rest in data.ORGANISATIONS}
    users = {user for user, *_rest in data.PEOPLE}
    for project in PROJECTS:
        assert project.owner in organisations and project.owner_user in users
        assert project.status in PROJECT_STATUSES
        assert set(project.focus) <= set(FOCUS_DOMAINS)
        assert {b for b, _ in project.blocks} <= set(BUILDING_BLOCKS)
        assert {r for _, r in project.blocks} <= set(BLOCK_ROLES)
        assert {o for o, _ in project.partners} <= organisations
        assert {r for _, r in project.partners} <= set(PARTNER_ROLES)
        assert {health for _, health, _, _ in project.reports} <= set(REPORT_HEALTH)
        assert project.topic is None or project.topic in data.TOPICS
    for action in ACTIONS:
        assert action.focus in FOCUS_DOMAINS and action.kind in ACTION_KINDS
        assert action.status in ACTION_STATUSES
        assert action.owner in organisations and action.owner_user in users
        assert set(action.kpis) <= {k.key for k in KPIS}
    for kpi in KPIS:
        assert kpi.focus in FOCUS_DOMAINS and kpi.owner_user in users
