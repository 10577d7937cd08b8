"""The dashboard's figures (processes/records/dashboard.py) on a small hand-made data set, on
SQLite and PostgreSQL: every figure is checked against a count made by hand below.

The day the figures are judged on is 15 June 2026 (``TODAY``).

Obligations (decision, focus domain, entity: status)::

    1 data     ag-a complied               dep-b explained        gem-c overdue
    2 data     ag-a explanation_accepted   dep-b open             gem-c escalated
    3 privacy  ag-a complied               dep-b explanation_rejected  gem-c complied
    4 (none)   ag-a open
    5 privacy  vzw-x (no organisation row) complied

Projects (status, budget planned/spent, domains; milestones planned → forecast / done)::

    P1 Portaal   running    100,000 / 120,000  data, privacy
       1 Mar → done 10 Mar (late), 1 Sep → forecast 1 Oct (late), 1 Dec (not late)
    P2 Register  running     50,000 /  20,000  data
       1 May, not done (late: passed), 1 Jan → done 20 Dec 2025 (early)
    P3 Archief   completed   80,000 /  80,000  privacy
       1 Feb → done 1 Feb (on time)
    P4 Loket     planned          0 /       0  (none)
       1 Aug → forecast 15 Jul (early)
    P5 Stop      stopped     10,000 /  15,000  data
       15 Jun, not done (today: not late yet)

Actions (domain, status, due): A1 data running 1 Jun (overdue); A2 data planned 1 Jul;
A3 data done 1 May; A4 privacy planned 14 Jun (overdue); A5 privacy running, no due date;
A6 data dropped 1 Jan; A7 privacy planned 15 Jun (today: not overdue).

KPIs: K1 data, higher is better, target 100: 40, 70, 105 (latest 105: reached);
K2 data, lower is better, target 10: 25, 12 (behind); K3 privacy: no measurement;
K4 privacy, lower is better, target 5: 5 (reached, on the line).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from engine import Database
from processes.records import dashboard as figures
from processes.records.followup import Obligation
from processes.records.models import Organisation
from processes.records.steering import (
    Kpi,
    KpiMeasurement,
    Project,
    ProjectFocusDomain,
    ProjectMilestone,
    SteeringAction,
)

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
D = date


def _obligations(session: Session) -> None:
    session.add_all(
        [
            Organisation(id="ag-a", name="Agentschap Alfa", kind="agency"),
            Organisation(id="dep-b", name="Departement Bravo", kind="department"),
            Organisation(id="gem-c", name="Gemeente Charlie", kind="municipality"),
        ]
    )
    rows = [
        (1, "data", "ag-a", "complied"),
        (1, "data", "dep-b", "explained"),
        (1, "data", "gem-c", "overdue"),
        (2, "data", "ag-a", "explanation_accepted"),
        (2, "data", "dep-b", "open"),
        (2, "data", "gem-c", "escalated"),
        (3, "privacy", "ag-a", "complied"),
        (3, "privacy", "dep-b", "explanation_rejected"),
        (3, "privacy", "gem-c", "complied"),
        (4, None, "ag-a", "open"),
        (5, "privacy", "vzw-x", "complied"),
    ]
    for decision_id, domain, org, status in rows:
        session.add(
            Obligation(
                case_id=100 + decision_id,
                decision_id=decision_id,
                organisation_id=org,
                decision_text=f"Besluit {decision_id}",
                focus_domain=domain,
                deadline=D(2026, 5, 1),
                status=status,
                created_at=NOW,
                updated_at=NOW,
            )
        )


def _projects(session: Session) -> None:
    projects = [
        (1, "Portaal", "running", 100_000, 120_000, ["data", "privacy"]),
        (2, "Register", "running", 50_000, 20_000, ["data"]),
        (3, "Archief", "completed", 80_000, 80_000, ["privacy"]),
        (4, "Loket", "planned", 0, 0, []),
        (5, "Stop", "stopped", 10_000, 15_000, ["data"]),
    ]
    for pid, title, status, planned, spent, domains in projects:
        session.add(
            Project(
                id=pid,
                title=title,
                owner_organisation_id="ag-a",
                status=status,
                budget_planned=planned,
                budget_spent=spent,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        session.flush()
        session.add_all(ProjectFocusDomain(project_id=pid, focus_domain=d) for d in domains)
    milestones = [
        (1, D(2026, 3, 1), None, D(2026, 3, 10)),
        (1, D(2026, 9, 1), D(2026, 10, 1), None),
        (1, D(2026, 12, 1), None, None),
        (2, D(2026, 5, 1), None, None),
        (2, D(2026, 1, 1), None, D(2025, 12, 20)),
        (3, D(2026, 2, 1), None, D(2026, 2, 1)),
        (4, D(2026, 8, 1), D(2026, 7, 15), None),
        (5, D(2026, 6, 15), None, None),
    ]
    for position, (pid, planned_on, forecast_on, done_on) in enumerate(milestones):
        session.add(
            ProjectMilestone(
                project_id=pid,
                position=position,
                title=f"Mijlpaal {position}",
                planned_on=planned_on,
                forecast_on=forecast_on,
                done_on=done_on,
            )
        )


def _actions(session: Session) -> None:
    actions = [
        (1, "data", "running", D(2026, 6, 1)),
        (2, "data", "planned", D(2026, 7, 1)),
        (3, "data", "done", D(2026, 5, 1)),
        (4, "privacy", "planned", D(2026, 6, 14)),
        (5, "privacy", "running", None),
        (6, "data", "dropped", D(2026, 1, 1)),
        (7, "privacy", "planned", D(2026, 6, 15)),
    ]
    for aid, domain, status, due_on in actions:
        session.add(
            SteeringAction(
                id=aid,
                focus_domain=domain,
                title=f"Actie {aid}",
                kind="training",
                status=status,
                due_on=due_on,
                created_at=NOW,
                updated_at=NOW,
            )
        )


def _kpis(session: Session) -> None:
    kpis = [
        (1, "data", "Open datasets", 100.0, True, [(D(2026, 1, 1), 40.0), (D(2026, 6, 1), 105.0),
                                                   (D(2026, 4, 1), 70.0)]),
        (2, "data", "Doorlooptijd", 10.0, False, [(D(2026, 2, 1), 25.0), (D(2026, 5, 1), 12.0)]),
        (3, "privacy", "DPIA's", 50.0, True, []),
        (4, "privacy", "Incidenten", 5.0, False, [(D(2026, 3, 1), 5.0)]),
    ]  # fmt: skip
    for kid, domain, name, target, higher, values in kpis:
        session.add(
            Kpi(
                id=kid,
                focus_domain=domain,
                name=name,
                unit="%",
                target=target,
                target_on=D(2026, 12, 31),
                higher_is_better=higher,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        session.flush()
        for measured_on, value in values:
            session.add(
                KpiMeasurement(
                    kpi_id=kid,
                    measured_on=measured_on,
                    value=value,
                    entered_by="eva",
                    entered_at=NOW,
                )
            )


def seed_figures(session: Session) -> None:
    """The data set above (also used by the web and browser tests of the dashboard)."""
    _obligations(session)
    _projects(session)
    _actions(session)
    _kpis(session)


@pytest.fixture
def data(db: Database) -> Database:
    with db.write() as session:
        seed_figures(session)
    return db


def _groups(rows: list[figures.EntityAdoption]) -> dict[str, tuple[int, ...]]:
    return {
        row.organisation_id: tuple(row.counts.group(g) for g in figures.ADOPTION_GROUPS)
        for row in rows
    }


def test_adoption_by_entity_overall_and_per_domain(data: Database) -> None:
    with data.read() as session:
        overall = figures.adoption_by_entity(session)
        in_data = figures.adoption_by_entity(session, "data")
        in_privacy = figures.adoption_by_entity(session, "privacy")
    # entities by name; one without an organisation row is shown by its id
    assert [r.name for r in overall] == [
        "Agentschap Alfa", "Departement Bravo", "Gemeente Charlie", "vzw-x"
    ]  # fmt: skip
    #                (complied, explained, overdue, open)
    assert _groups(overall) == {
        "ag-a": (2, 1, 0, 1),
        "dep-b": (0, 2, 0, 1),
        "gem-c": (1, 0, 2, 0),
        "vzw-x": (1, 0, 0, 0),
    }
    assert _groups(in_data) == {"ag-a": (1, 1, 0, 0), "dep-b": (0, 1, 0, 1), "gem-c": (0, 0, 2, 0)}
    assert _groups(in_privacy) == {
        "ag-a": (1, 0, 0, 0),
        "dep-b": (0, 1, 0, 0),
        "gem-c": (1, 0, 0, 0),
        "vzw-x": (1, 0, 0, 0),
    }
    dep_b = next(r for r in overall if r.organisation_id == "dep-b")
    assert dep_b.counts.by_status == {"explained": 1, "explanation_rejected": 1, "open": 1}


def test_adoption_totals_and_per_domain(data: Database) -> None:
    with data.read() as session:
        total = figures.adoption_total(session)
        in_data = figures.adoption_total(session, "data")
        by_domain = figures.adoption_by_domain(session)
    assert total.total == 11
    assert total.groups == {"complied": 4, "explained": 3, "overdue": 2, "open": 2}
    assert total.share("complied") == 36.4
    assert in_data.groups == {"complied": 1, "explained": 2, "overdue": 2, "open": 1}
    assert by_domain["privacy"].groups == {"complied": 3, "explained": 1, "overdue": 0, "open": 0}
    assert by_domain[None].groups == {"complied": 0, "explained": 0, "overdue": 0, "open": 1}


def _status_rows(rows: list[figures.ProjectStatusRow]) -> list[tuple[object, ...]]:
    return [
        (r.status, r.projects, r.budget_planned, r.budget_spent, r.over_budget,
         r.with_late_milestones, r.late_milestones, r.milestones)
        for r in rows
    ]  # fmt: skip


def test_projects_by_status_with_budget_and_milestone_health(data: Database) -> None:
    with data.read() as session:
        overall = figures.projects_by_status(session, TODAY)
        in_data = figures.projects_by_status(session, TODAY, "data")
        in_privacy = figures.projects_by_status(session, TODAY, "privacy")
    assert _status_rows(overall) == [
        ("planned", 1, 0, 0, 0, 0, 0, 1),
        ("running", 2, 150_000, 140_000, 1, 2, 3, 5),
        ("completed", 1, 80_000, 80_000, 0, 0, 0, 1),
        ("stopped", 1, 10_000, 15_000, 1, 0, 0, 1),
    ]
    assert _status_rows(in_data) == [
        ("running", 2, 150_000, 140_000, 1, 2, 3, 5),
        ("stopped", 1, 10_000, 15_000, 1, 0, 0, 1),
    ]
    assert _status_rows(in_privacy) == [
        ("running", 1, 100_000, 120_000, 1, 1, 2, 3),
        ("completed", 1, 80_000, 80_000, 0, 0, 0, 1),
    ]
    assert overall[1].spent_pct == 93.3


def test_a_milestone_planned_today_is_not_late_until_tomorrow(data: Database) -> None:
    with data.read() as session:
        today = figures.projects_by_status(session, TODAY, "data")
        tomorrow = figures.projects_by_status(session, D(2026, 6, 16), "data")
    assert [(r.status, r.late_milestones) for r in today] == [("running", 3), ("stopped", 0)]
    assert [(r.status, r.late_milestones) for r in tomorrow] == [("running", 3), ("stopped", 1)]


def test_projects_needing_attention_and_per_domain(data: Database) -> None:
    with data.read() as session:
        attention = figures.projects_needing_attention(session, TODAY)
        privacy = figures.projects_needing_attention(session, TODAY, "privacy")
        by_domain = figures.projects_by_domain(session, TODAY)
    # stopped and completed projects are left out; the most late milestones first
    assert [(p.title, p.late_milestones, p.over_budget) for p in attention] == [
        ("Portaal", 2, True),
        ("Register", 1, False),
    ]
    assert [p.project_id for p in privacy] == [1]
    assert by_domain == {"data": (3, 2, 2), "privacy": (2, 1, 1)}


def test_actions_by_status_and_overdue(data: Database) -> None:
    with data.read() as session:
        overall = figures.actions_by_status(session, TODAY)
        in_data = figures.actions_by_status(session, TODAY, "data")
        overdue = figures.action_lines(session, TODAY, overdue_only=True)
        privacy = figures.action_lines(session, TODAY, "privacy")
        by_domain = figures.actions_by_domain(session, TODAY)
    assert [(r.status, r.actions, r.overdue) for r in overall] == [
        ("planned", 3, 1),
        ("running", 2, 1),
        ("done", 1, 0),
        ("dropped", 1, 0),
    ]
    assert [(r.status, r.actions, r.overdue) for r in in_data] == [
        ("planned", 1, 0),
        ("running", 1, 1),
        ("done", 1, 0),
        ("dropped", 1, 0),
    ]
    assert [a.action_id for a in overdue] == [1, 4]
    # earliest due first, no due date last
    assert [(a.action_id, a.overdue) for a in privacy] == [(4, True), (7, False), (5, False)]
    assert by_domain == {"data": (4, 1), "privacy": (3, 1)}


def test_kpis_against_target(data: Database) -> None:
    with data.read() as session:
        standings = figures.kpi_standings(session)
        counts = figures.kpi_counts(session)
        in_data = figures.kpi_counts(session, "data")
        by_domain = figures.kpi_counts_by_domain(session)
        series = figures.kpi_series(session, [1, 3])
    assert [(k.name, k.latest, k.measurements, k.standing) for k in standings] == [
        ("Doorlooptijd", 12.0, 2, "behind"),
        ("Open datasets", 105.0, 3, "reached"),
        ("DPIA's", None, 0, "unmeasured"),
        ("Incidenten", 5.0, 1, "reached"),
    ]
    assert standings[1].latest_on == D(2026, 6, 1)
    assert counts == {"reached": 2, "behind": 1, "unmeasured": 1}
    assert in_data == {"reached": 1, "behind": 1, "unmeasured": 0}
    assert by_domain == {
        "data": {"reached": 1, "behind": 1, "unmeasured": 0},
        "privacy": {"reached": 1, "behind": 0, "unmeasured": 1},
    }
    assert series == {
        1: [(D(2026, 1, 1), 40.0), (D(2026, 4, 1), 70.0), (D(2026, 6, 1), 105.0)],
        3: [],
    }


def test_domain_summaries_put_every_figure_per_domain(data: Database) -> None:
    with data.read() as session:
        lines = figures.domain_summaries(session, TODAY, ["data", "privacy", "innovation"])
    data_line, privacy_line, empty = lines
    assert data_line.obligations.total == 6
    assert (data_line.projects, data_line.projects_over_budget, data_line.projects_late) == (
        3,
        2,
        2,
    )
    assert (data_line.actions, data_line.actions_overdue) == (4, 1)
    assert privacy_line.kpis == {"reached": 1, "behind": 0, "unmeasured": 1}
    assert (empty.obligations.total, empty.projects, empty.actions) == (0, 0, 0)


def test_the_overview_totals_are_the_sums_of_the_domains(data: Database) -> None:
    with data.read() as session:
        found = figures.overview(session, TODAY, ["data", "privacy"])
        direct_total = figures.adoption_total(session)
        direct_kpis = figures.kpi_counts(session)
    # obligations without a domain (decision 4) count in the total, not in a line
    assert found.adoption_total == direct_total
    assert found.adoption_total.total == 11
    assert found.kpi_counts == direct_kpis == {"reached": 2, "behind": 1, "unmeasured": 1}
    assert [line.obligations.total for line in found.lines] == [6, 4]


def test_empty_database_gives_empty_figures(db: Database) -> None:
    with db.read() as session:
        assert figures.adoption_by_entity(session) == []
        assert figures.projects_by_status(session, TODAY) == []
        assert figures.actions_by_status(session, TODAY) == []
        assert figures.kpi_counts(session) == {"reached": 0, "behind": 0, "unmeasured": 0}
