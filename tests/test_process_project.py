"""The project follow-up end to end through the engine facade, on a manual clock: a progress
report over tolerance submits a topic that reaches the chair's admission decision, linked to the
project; a report within tolerance submits nothing; the report task is reminded and escalated by
the policy; a completed project ends the follow-up. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from engine import Forbidden, ValidationFailed
from engine.storage.models import Notification
from processes.projects import writes
from processes.projects.forms import ProjectForm
from processes.projects.services import topic_title
from processes.records.steering import (
    Project,
    ProjectMilestone,
    ProjectReport,
    ProjectTopic,
)
from tests.processes_fixtures import BPMN_DIR, Committee, committee_fixture  # noqa: F401

PROCESS = "project_followup"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def registered(committee: Committee, **changes: Any) -> int:
    """A VRD2 project of Departement Omgeving with Stad Gent as partner, owner sofie, reporting
    every four weeks, budget one million, two milestones."""
    values: dict[str, Any] = {
        "title": "Omgevingsloket 2.0",
        "description": "Eén loket voor alle omgevingsvergunningen.",
        "owner_organisation_id": "dep-omg",
        "owner_user_id": "sofie",
        "vrd2": True,
        "budget_planned": 1_000_000,
        "report_every_weeks": 4,
        "focus_domains": ["data", "common_counter_functions"],
        "blocks_used": ["magda"],
        "blocks_delivered": ["notificatieplatform"],
        "partners": ["gem-gent"],
        "sponsors": ["fb"],
        "milestones": [
            {"title": "Analyse klaar", "planned_on": "2026-04-30"},
            {"title": "Livegang", "planned_on": "2026-09-30"},
        ],
    }
    values.update(changes)
    loaded = ProjectForm().load(values)
    with committee.engine.recording() as (session, audit):
        project = writes.create_project(writes.PageRecorder(session, audit, "sara"), loaded)
        return project.id


def project(committee: Committee, project_id: int) -> Project:
    with committee.engine.db.read() as session:
        found = session.get(Project, project_id)
        assert found is not None
        session.expunge(found)
        return found


def milestones(committee: Committee, project_id: int) -> list[ProjectMilestone]:
    with committee.engine.db.read() as session:
        rows = writes.milestones_of(session, project_id)
        for row in rows:
            session.expunge(row)
        return rows


def reports(committee: Committee, project_id: int) -> list[ProjectReport]:
    with committee.engine.db.read() as session:
        rows = list(
            session.execute(
                select(ProjectReport)
                .where(ProjectReport.project_id == project_id)
                .order_by(ProjectReport.id)
            ).scalars()
        )
        for row in rows:
            session.expunge(row)
        return rows


def report_data(committee: Committee, project_id: int, **changes: Any) -> dict[str, Any]:
    first, second = milestones(committee, project_id)
    data: dict[str, Any] = {
        "health": "on_track",
        "budget_spent": 400_000,
        "milestones": [
            {"milestone_id": first.id, "forecast_on": "2026-05-10"},
            {"milestone_id": second.id, "forecast_on": "2026-09-30"},
        ],
        "summary": "De analyse loopt, de aanbesteding is rond.",
        "project_status": "running",
    }
    data.update(changes)
    return data


def followed(committee: Committee, **changes: Any) -> tuple[int, int]:
    """A registered project whose follow-up the secretariat started; the first report is asked
    four weeks on (the clock is moved there)."""
    project_id = registered(committee, **changes)
    case = committee.start(PROCESS, {"project_id": project_id}, "sara")
    assert case.data["project"]["id"] == project_id
    committee.advance_to(at(case.data["next_report"]["at"]))
    return project_id, case.id


def topics_from(committee: Committee, case_id: int) -> list[Any]:
    return [
        c for c in committee.cases("topic") if (c.data.get("origin") or {}).get("case_id") == case_id
    ]


def test_a_report_over_tolerance_submits_a_topic_that_reaches_the_chair(
    committee: Committee,
) -> None:
    project_id, case_id = followed(committee)
    assert project(committee, project_id).status == "running"
    assert project(committee, project_id).followup_case_id == case_id
    task = committee.task(case_id, "progress_report")
    assert task.assignee == "sofie"
    assert task.due_at is not None

    # 18 % over the planned budget: over the VRD2 tolerance of 10 %.
    done = committee.complete(
        case_id, "progress_report", report_data(committee, project_id, budget_spent=1_180_000,
                                                health="at_risk"), "sofie"
    )  # fmt: skip
    assert done.data["over_tolerance"] is True
    assert done.data["tolerance_reason"] == "budget"
    [report] = reports(committee, project_id)
    assert report.budget_over_percent == 18.0
    assert report.worst_milestone_delay_days == 10
    assert report.over_tolerance is True
    assert project(committee, project_id).budget_spent == 1_180_000
    assert project(committee, project_id).health == "at_risk"

    # The topic case runs, is linked to the project and the report, and reaches the chair.
    [topic] = topics_from(committee, case_id)
    assert topic.title == "Project Omgevingsloket 2.0: budget 18 % boven planning"
    assert topic.data["origin"]["project_id"] == project_id
    assert "1.180.000 euro" in topic.data["summary"]
    assert set(topic.data["affected_entities"]) == {"dep-omg", "gem-gent", "fb"}
    assert reports(committee, project_id)[0].topic_case_id == topic.id
    with committee.engine.db.read() as session:
        links = session.execute(select(ProjectTopic)).scalars().all()
        assert [(link.project_id, link.topic_case_id) for link in links] == [
            (project_id, topic.id)
        ]
    committee.complete(topic.id, "confirm_screening", {}, "sara")
    chair = committee.task(topic.id, "chair_decision")
    assert chair.role == "chair"

    # The follow-up goes on: it waits for the next report, four weeks later.
    assert committee.case(case_id).status == "running"
    assert not committee.tasks(case_id)
    assert done.data["next_report"]["on"] == "2026-04-27"


def test_a_report_within_tolerance_submits_nothing_and_a_late_milestone_does(
    committee: Committee,
) -> None:
    project_id, case_id = followed(committee)
    done = committee.complete(case_id, "progress_report", report_data(committee, project_id),
                              "sofie")  # fmt: skip
    assert done.data["over_tolerance"] is False
    assert not topics_from(committee, case_id)
    [report] = reports(committee, project_id)
    assert (report.over_tolerance, report.topic_case_id) == (False, None)

    # Four weeks on, the next report: the go-live slips 75 days (over the 60 allowed).
    committee.advance_to(at(done.data["next_report"]["at"]))
    second = milestones(committee, project_id)[1]
    data = report_data(committee, project_id)
    data["milestones"][1] = {"milestone_id": second.id, "forecast_on": "2026-12-14"}
    done = committee.complete(case_id, "progress_report", data, "sofie")
    assert (done.data["over_tolerance"], done.data["tolerance_reason"]) == (True, "milestone")
    [topic] = topics_from(committee, case_id)
    assert topic.title == "Project Omgevingsloket 2.0: mijlpaal 'Livegang' 75 dagen te laat"


def test_a_second_report_over_tolerance_joins_the_topic_that_is_still_open(
    committee: Committee,
) -> None:
    project_id, case_id = followed(committee)
    over = report_data(committee, project_id, budget_spent=1_180_000)
    done = committee.complete(case_id, "progress_report", over, "sofie")
    [topic] = topics_from(committee, case_id)

    # The topic still waits for the secretariat when the next report is over tolerance again.
    committee.advance_to(at(done.data["next_report"]["at"]))
    worse = report_data(committee, project_id, budget_spent=1_250_000)
    done = committee.complete(case_id, "progress_report", worse, "sofie")
    assert done.data["over_tolerance"] is True
    assert done.data["topic_submitted"]["added_to_case_id"] == topic.id
    assert [t.id for t in topics_from(committee, case_id)] == [topic.id]
    first, second = reports(committee, project_id)
    assert (first.topic_case_id, second.topic_case_id) == (topic.id, topic.id)
    assert second.over_tolerance is True
    [comment] = committee.engine.comments(topic.id)
    assert comment.author == "sofie"
    assert comment.body.startswith(
        "Nieuw voortgangsrapport buiten tolerantie: "
        "Project Omgevingsloket 2.0: budget 25 % boven planning."
    )
    assert "1.250.000 euro" in comment.body
    actions = [e.action for e in committee.engine.audit_trail(case_id)]
    assert "project_report_added_to_topic" in actions

    # Once that topic has ended, a report over tolerance submits a new one.
    committee.engine.terminate(topic.id, committee.engine.actor("ada"),
                               "Afgehandeld buiten het Stuurorgaan.")  # fmt: skip
    committee.advance_to(at(done.data["next_report"]["at"]))
    done = committee.complete(case_id, "progress_report", worse, "sofie")
    assert "added_to_case_id" not in done.data["topic_submitted"]
    assert len(topics_from(committee, case_id)) == 2


def test_a_project_outside_vrd2_has_the_wider_tolerance(committee: Committee) -> None:
    project_id, case_id = followed(committee, vrd2=False)
    done = committee.complete(
        case_id, "progress_report",
        report_data(committee, project_id, budget_spent=1_180_000), "sofie",
    )  # fmt: skip
    assert (done.data["over_tolerance"], done.data["tolerance_rule"]) == (False, "T08")
    assert not topics_from(committee, case_id)


def test_the_report_task_is_reminded_and_escalated_to_the_secretariat(
    committee: Committee,
) -> None:
    project_id, case_id = followed(committee)
    task = committee.task(case_id, "progress_report")
    assert task.due_at is not None
    # Reminders three days and one day before, and on the due day.
    morning = task.due_at.replace(hour=8, minute=5)
    for days_before in (3, 1, 0):
        committee.advance_to(morning - timedelta(days=days_before))
    trail = committee.engine.audit_trail(case_id)
    sent = [e for e in trail if e.element_id == "progress_report" and e.action == "reminder_sent"]
    assert len(sent) == 3
    with committee.engine.db.read() as session:
        reminded = session.execute(
            select(Notification.user_id).where(
                Notification.case_id == case_id,
                Notification.template == "reminder",
                Notification.channel == "inapp",
            )
        ).scalars().all()
    assert set(reminded) == {"sofie"}
    # Five working days after the due date the secretariat hears of it.
    committee.advance(days=8)
    raised = [e for e in committee.engine.audit_trail(case_id) if e.action == "escalation_raised"]
    assert raised and raised[0].changes == {"recipients": {"before": None, "after": ["sara"]}}
    # The owner can still report.
    committee.complete(case_id, "progress_report", report_data(committee, project_id), "sofie")
    assert len(reports(committee, project_id)) == 1


def test_a_completed_project_ends_the_follow_up(committee: Committee) -> None:
    project_id, case_id = followed(committee)
    first, second = milestones(committee, project_id)
    done = committee.complete(
        case_id, "progress_report",
        report_data(committee, project_id, project_status="completed", milestones=[
            {"milestone_id": first.id, "done_on": "2026-03-30"},
            {"milestone_id": second.id, "done_on": "2026-03-30"},
        ]),
        "sofie",
    )  # fmt: skip
    assert done.status == "completed"
    assert project(committee, project_id).status == "completed"
    assert [m.done_on for m in milestones(committee, project_id)] == [date(2026, 3, 30)] * 2


def test_only_the_owner_reports_and_foreign_milestones_are_refused(committee: Committee) -> None:
    project_id, case_id = followed(committee)
    other = registered(committee, title="Ander project")
    foreign = milestones(committee, other)[0]
    task = committee.task(case_id, "progress_report")
    with pytest.raises(Forbidden):
        committee.engine.complete_task(task.id, report_data(committee, project_id),
                                       committee.actor("tom"))  # fmt: skip
    data = report_data(committee, project_id)
    data["milestones"][0]["milestone_id"] = foreign.id
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(case_id, "progress_report", data, "sofie")
    assert "milestones.0.milestone_id" in refused.value.errors
    assert reports(committee, project_id) == []


def test_a_project_cannot_be_followed_twice(committee: Committee) -> None:
    project_id, _case_id = followed(committee)
    with pytest.raises(ValidationFailed) as refused:
        committee.start(PROCESS, {"project_id": project_id}, "sara")
    assert "project_id" in refused.value.errors


def test_the_topic_title_says_what_broke() -> None:
    item = Project(title="Eén loket")
    facts = {"budget_over_percent": 12.5, "worst_delay_days": 61, "worst_milestone": "Go"}
    assert topic_title(item, facts, "budget") == "Project Eén loket: budget 12,5 % boven planning"
    assert topic_title(item, facts, "budget_and_milestone") == (
        "Project Eén loket: budget 12,5 % boven planning en mijlpaal 'Go' 61 dagen te laat"
    )


def test_the_model_file_is_complete() -> None:
    from tests.test_process_comply import check_model

    check_model(BPMN_DIR / "project_followup.bpmn")


def test_only_the_secretariat_starts_a_follow_up(committee: Committee) -> None:
    project_id = registered(committee)
    with pytest.raises(Forbidden):
        committee.start(PROCESS, {"project_id": project_id}, "tom")
    assert project(committee, project_id).followup_case_id is None


def test_a_project_update_is_audited_field_by_field(committee: Committee) -> None:
    project_id = registered(committee)
    before = len(committee.engine.audit_trail())
    changed = ProjectForm().load(
        {"title": "Omgevingsloket 2.0", "owner_organisation_id": "dep-omg",
         "owner_user_id": "sofie", "vrd2": True, "budget_planned": 1_100_000,
         "focus_domains": ["data"], "partners": ["gem-gent"],
         "milestones": [{"title": "Analyse klaar", "planned_on": "2026-05-31"}]}
    )  # fmt: skip
    with committee.engine.recording() as (session, audit):
        row = session.get(Project, project_id)
        changes = writes.update_project(writes.PageRecorder(session, audit, "sara"), row, changed)
    assert changes["budget_planned"] == {"before": 1_000_000, "after": 1_100_000}
    assert changes["focus_domains"] == {
        "before": ["common_counter_functions", "data"], "after": ["data"]
    }
    assert [m.title for m in milestones(committee, project_id)] == ["Analyse klaar"]
    [entry] = committee.engine.audit_trail()[before:]
    assert (entry.action, entry.actor) == ("project_updated", "sara")
    assert "description" in entry.changes and "sponsors" in entry.changes
    # The same registration again changes nothing and writes no audit row.
    with committee.engine.recording() as (session, audit):
        row = session.get(Project, project_id)
        assert writes.update_project(writes.PageRecorder(session, audit, "sara"), row,
                                     changed) == {}  # fmt: skip
    assert len(committee.engine.audit_trail()) == before + 1
