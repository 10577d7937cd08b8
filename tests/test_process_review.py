"""The review of a project for the Flemish Government end to end through the engine facade, on a
manual clock: intake, the checks against the register (overlap, reuse, partners), the advice
drafted, sent back and approved as a formal record before the government's meeting, the project
owner told; reminders and the escalation to the chair and the secretariat when the advice is
late; the picker of projects. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine import Forbidden, ValidationFailed
from engine.notify.notifications import render
from engine.storage.models import Notification
from processes.records import choices
from processes.records.steering import (
    Project,
    ProjectBuildingBlock,
    ProjectFocusDomain,
    ProjectPartner,
    ProjectReview,
)
from processes.reviews.queries import register_checks, reviews_of
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_briefs import brief_of

PROCESS = "project_review"
MEETING = date(2026, 4, 24)  # a Friday; the advice is due 5 working days before: 17 April


def add_project(
    committee: Committee,
    title: str,
    owner: str,
    *,
    owner_user: str | None = None,
    vrd2: bool = False,
    status: str = "running",
    domains: Iterable[str] = (),
    uses: Iterable[str] = (),
    delivers: Iterable[str] = (),
    partners: Iterable[str] = (),
) -> int:
    """A project in the register (rows only: the register's own pages live elsewhere)."""
    now = committee.clock.now()
    with committee.engine.db.write() as session:
        project = Project(
            title=title,
            description=f"{title}: een digitaliseringsproject.",
            owner_organisation_id=owner,
            owner_user_id=owner_user,
            vrd2=vrd2,
            status=status,
            budget_planned=250_000,
            created_at=now,
            updated_at=now,
        )
        session.add(project)
        session.flush()
        for code in domains:
            session.add(ProjectFocusDomain(project_id=project.id, focus_domain=code))
        for code in uses:
            session.add(ProjectBuildingBlock(project_id=project.id, building_block=code,
                                             role="uses"))  # fmt: skip
        for code in delivers:
            session.add(ProjectBuildingBlock(project_id=project.id, building_block=code,
                                             role="delivers"))  # fmt: skip
        for org in partners:
            session.add(ProjectPartner(project_id=project.id, organisation_id=org, role="partner"))
        return project.id


def register(committee: Committee) -> dict[str, int]:
    """The project under review (Departement Omgeving, contact sofie) and the register around it."""
    return {
        "review": add_project(
            committee, "Digitaal omgevingsloket", "dep-omg", owner_user="sofie",
            domains=["data", "common_counter_functions"], uses=["magda"],
            delivers=["notificatieplatform"],
        ),
        "gent": add_project(
            committee, "Meldingen in de stad", "gem-gent", domains=["common_counter_functions"],
            uses=["magda"], delivers=["betaalplatform"], partners=["gem-leuven"],
        ),
        "wvg": add_project(
            committee, "Zorgdata delen", "dep-wvg", vrd2=True, domains=["privacy"],
            delivers=["acm_idm"],
        ),
        "stopped": add_project(
            committee, "Oud loket", "fb", status="stopped", domains=["data"],
            delivers=["digitaal_archief"],
        ),
    }  # fmt: skip


def start_data(project_id: int, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "project_id": project_id,
        "government_meeting_on": MEETING.isoformat(),
        "question": "Is het omgevingsloket afgestemd op wat andere overheden al bouwen?",
    }
    data.update(changes)
    return data


CHECKS = {
    "overlap_findings": "Stad Gent bouwt meldingen met MAGDA; afstemmen over het loket.",
    "reuse_findings": "Het betaalplatform van Stad Gent hergebruiken.",
    "partner_suggestions": "Stad Gent en Stad Leuven als partners.",
}
DRAFT = {
    "verdict": "conditional",
    "advice_text": "Gunstig, op voorwaarde dat het project het betaalplatform hergebruikt.",
}


def review(committee: Committee, case_id: int) -> ProjectReview:
    with committee.engine.db.read() as session:
        return session.execute(
            select(ProjectReview).where(ProjectReview.case_id == case_id)
        ).scalar_one()


def notifications(committee: Committee, user_id: str, template: str) -> int:
    with committee.engine.db.read() as session:
        rows = session.execute(
            select(Notification.id).where(
                Notification.user_id == user_id,
                Notification.template == template,
                Notification.channel == "inapp",
            )
        ).all()
    return len(rows)


def actions(committee: Committee, case_id: int, element_id: str | None = None) -> list[str]:
    return [
        entry.action
        for entry in committee.engine.audit_trail(case_id)
        if element_id is None or entry.element_id == element_id
    ]


def drafted(committee: Committee, project_id: int) -> int:
    """A review taken up, checked and drafted; returns its case id."""
    case = committee.start(PROCESS, start_data(project_id), "sara")
    committee.complete(case.id, "intake_review", {"intake_decision": "accept"}, "sara")
    committee.complete(case.id, "check_review", CHECKS, "sara")
    committee.complete(case.id, "draft_advice", DRAFT, "sara")
    return case.id


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_review_is_sent_back_and_approved_as_advice_before_the_governments_meeting(
    committee: Committee,
) -> None:
    projects = register(committee)
    case = committee.start(PROCESS, start_data(projects["review"]), "sara")
    row = review(committee, case.id)
    assert (row.status, row.project_id, row.government_meeting_on) == (
        "intake", projects["review"], MEETING,
    )  # fmt: skip
    assert row.advice_due_on == date(2026, 4, 17)  # 5 working days before, from the policy
    assert case.data["review"]["advice_due_on"] == "2026-04-17"
    assert committee.case(case.id).title == "Toetsing: Digitaal omgevingsloket"

    intake = committee.task(case.id, "intake_review")
    assert intake.role == "secretariat"
    assert intake.due_at == at("2026-04-02T21:59:00")  # 10 working days before the advice
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(case.id, "intake_review", {"intake_decision": "decline"}, "sara")
    assert "intake_note" in refused.value.errors
    committee.complete(case.id, "intake_review", {"intake_decision": "accept"}, "sara")
    assert review(committee, case.id).status == "checking"

    checks = committee.task(case.id, "check_review")
    assert checks.due_at == at("2026-04-09T21:59:00")  # 6 working days before the advice
    committee.complete(case.id, "check_review", CHECKS, "sara")
    committee.complete(case.id, "draft_advice", DRAFT, "sara")
    row = review(committee, case.id)
    assert (row.status, row.verdict, row.drafted_by) == ("drafted", "conditional", "sara")

    approve = committee.task(case.id, "approve_advice")
    assert (approve.role, approve.due_at) == ("chair", at("2026-04-17T21:59:00"))
    with pytest.raises(Forbidden):
        committee.complete(case.id, "approve_advice", {"advice_decision": "approve"}, "sara")
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(case.id, "approve_advice", {"advice_decision": "send_back"}, "chris")
    assert "advice_remark" in refused.value.errors

    # Sent back: the loop goes to the draft again, with the chair's remark on the task page.
    remark = "Noem de voorwaarde over het betaalplatform met een termijn."
    committee.complete(
        case.id, "approve_advice", {"advice_decision": "send_back", "advice_remark": remark},
        "chris",
    )  # fmt: skip
    row = review(committee, case.id)
    assert (row.status, row.chair_remark) == ("checking", remark)
    redraft = committee.task(case.id, "draft_advice")
    assert redraft.role == "secretariat"
    shown = brief_of(committee, case.id, "draft_advice")
    assert shown["Teruggestuurd door de voorzitter"] == {"Opmerking": remark}
    assert shown["Het advies"]["Oordeel"] == "Gunstig onder voorwaarden"
    assert shown["Bevindingen van het secretariaat"]["Samenwerking: hergebruik"] == (
        CHECKS["reuse_findings"]
    )
    committee.advance(days=2)
    better = {**DRAFT, "advice_text": DRAFT["advice_text"] + " Termijn: eind 2026."}
    committee.complete(case.id, "draft_advice", better, "sara")
    done = committee.complete(case.id, "approve_advice", {"advice_decision": "approve"}, "chris")

    assert done.status == "completed"
    row = review(committee, case.id)
    assert (row.status, row.approved_by, row.advice_text) == (
        "approved", "chris", better["advice_text"],
    )  # fmt: skip
    assert row.approved_at is not None and row.approved_at.date() < MEETING
    assert row.approved_at.date() <= row.advice_due_on
    assert notifications(committee, "sofie", "review_advice") == 1
    trail = actions(committee, case.id)
    for action in ("project_review_opened", "project_review_taken_up", "project_review_checked",
                   "project_review_advice_sent_back", "project_review_advice_approved"):  # fmt: skip
        assert action in trail
    assert trail.count("project_review_advice_drafted") == 2
    assert trail.index("project_review_advice_sent_back") < trail.index(
        "project_review_advice_approved"
    )

    with committee.engine.db.read() as session:
        [listed] = reviews_of(session, projects["review"], committee.today())
    assert (listed.status_label["nl"], listed.verdict_label, listed.late) == (
        "Advies goedgekeurd", {"nl": "Gunstig onder voorwaarden",
                               "en": "Favourable with conditions"}, False,
    )  # fmt: skip
    assert listed.as_dict("en")["approved_by"] == "Chris Maes"
    assert listed.as_dict("en")["verdict_label"] == "Favourable with conditions"


def test_the_checks_task_shows_overlap_reuse_and_partners_from_the_register(
    committee: Committee,
) -> None:
    projects = register(committee)
    case = committee.start(PROCESS, start_data(projects["review"]), "sara")
    committee.complete(case.id, "intake_review", {"intake_decision": "accept"}, "sara")
    shown = brief_of(committee, case.id, "check_review")

    assert shown["Het project"]["Eigenaar"] == "Departement Omgeving"
    assert shown["Het project"]["Gebruikt de bouwstenen"] == "MAGDA-diensten"
    timing = shown["De vraag en de termijn"]
    assert timing["Zitting van de Vlaamse Regering"] == "24 april 2026"
    assert timing["Advies klaar tegen"] == "17 april 2026 (nog 46 dagen)"

    overlap = shown["Afstemming: projecten die overlappen"]
    assert list(overlap) == ["Meldingen in de stad (Stad Gent)"]  # not VRD2 privacy, not stopped
    gent = overlap["Meldingen in de stad (Stad Gent)"]
    assert "Gemeenschappelijke loketfunctionaliteiten" in gent
    assert "MAGDA-diensten (gebruiken het allebei)" in gent
    assert "Andere overheid (gemeente)" in gent

    reuse = shown["Samenwerking: bouwstenen om te hergebruiken"]
    assert reuse == {
        "Gebruikersbeheer (ACM/IDM)": "Geleverd door Zorgdata delen "
        "(Departement Welzijn, Volksgezondheid en Gezin).",
        "Betaalplatform": "Geleverd door Meldingen in de stad (Stad Gent).",
    }
    partners = shown["Financiering: mogelijke partners"]
    assert set(partners) == {"Stad Gent", "Stad Leuven"}
    assert partners["Stad Leuven"].startswith("Gemeente. Werkt mee aan Meldingen in de stad")

    # the same from the query the API and the project page may use
    with committee.engine.db.read() as session:
        checks = register_checks(session, projects["review"])
        unknown = register_checks(session, 424242)
    assert checks is not None
    assert [r.id for r in checks.related] == [projects["gent"]]
    assert unknown is None


def test_a_late_advice_is_reminded_and_escalated_to_the_chair_and_the_secretariat(
    committee: Committee,
) -> None:
    projects = register(committee)
    case_id = drafted(committee, projects["review"])
    committee.advance_to(at("2026-04-14T12:00:00"))
    assert notifications(committee, "chris", "reminder") == 0

    # two working days before the advice due date, one before, and on the day
    for day, count in (("2026-04-15", 1), ("2026-04-16", 2), ("2026-04-17", 3)):
        committee.advance_to(at(f"{day}T10:00:00"))
        assert notifications(committee, "chris", "reminder") == count, day
    assert actions(committee, case_id, "approve_advice").count("reminder_sent") == 3
    assert notifications(committee, "chris", "escalation") == 0

    committee.advance_to(at("2026-04-21T10:00:00"))  # past due and the grace: escalated
    assert "escalation_raised" in actions(committee, case_id, "approve_advice")
    assert notifications(committee, "chris", "escalation") == 1
    assert notifications(committee, "sara", "escalation") == 1
    with committee.engine.db.read() as session:
        [notice] = session.execute(
            select(Notification).where(
                Notification.user_id == "chris",
                Notification.template == "escalation",
                Notification.channel == "inapp",
            )
        ).scalars()
    assert notice.params["case_title"] == "Toetsing: Digitaal omgevingsloket"
    assert review(committee, case_id).status == "drafted"
    shown = brief_of(committee, case_id, "approve_advice")
    assert shown["De vraag en de termijn"]["Advies klaar tegen"] == (
        "17 april 2026 (4 dagen te laat)"
    )
    with committee.engine.db.read() as session:
        [listed] = reviews_of(session, projects["review"], committee.today())
    assert listed.late is True

    committee.complete(case_id, "approve_advice", {"advice_decision": "approve"}, "chris")
    assert review(committee, case_id).status == "approved"


def test_a_declined_review_ends_without_advice(committee: Committee) -> None:
    projects = register(committee)
    case = committee.start(PROCESS, start_data(projects["review"]), "sara")
    reason = "Een wijziging van een bestaande website, geen digitaliseringsproject."
    done = committee.complete(
        case.id, "intake_review", {"intake_decision": "decline", "intake_note": reason}, "sara"
    )
    assert done.status == "completed"
    row = review(committee, case.id)
    assert (row.status, row.intake_note, row.verdict) == ("declined", reason, None)
    assert "project_review_declined" in actions(committee, case.id)
    assert notifications(committee, "sofie", "review_advice") == 0
    # The owner hears why, in words.
    assert notifications(committee, "sofie", "review_declined") == 1
    assert done.data["review"]["owner_notified"] == ["sofie"]
    with committee.engine.db.read() as session:
        params = session.execute(
            select(Notification.params).where(
                Notification.user_id == "sofie", Notification.template == "review_declined",
                Notification.channel == "inapp",
            )
        ).scalar_one()  # fmt: skip
    subject, body = render("review_declined", "nl", params)
    assert subject.startswith("Het Stuurorgaan toetst je project niet: ")
    assert reason in body and "{{" not in body


def test_the_picker_offers_projects_outside_vrd2_and_refuses_unknown_ones(
    committee: Committee,
) -> None:
    projects = register(committee)
    with committee.engine.db.read() as session:
        offered = choices.options(session, "projects", "nl")
    assert [(o.value, o.label) for o in offered] == [
        (str(projects["review"]), "Digitaal omgevingsloket (Departement Omgeving)"),
        (str(projects["gent"]), "Meldingen in de stad (Stad Gent)"),
    ]  # the VRD2 project and the stopped one are not offered
    for unknown in (424242, projects["wvg"], projects["stopped"]):
        with pytest.raises(ValidationFailed) as refused:
            committee.start(PROCESS, start_data(unknown), "sara")
        [message] = refused.value.errors["project_id"]
        assert message.startswith(f"Onbekend project: {unknown}.")
    with pytest.raises(ValidationFailed) as refused:
        committee.start(PROCESS, start_data(projects["review"], government_meeting_on="2026-03-02"),
                        "sara")  # fmt: skip
    assert "government_meeting_on" in refused.value.errors
    with committee.engine.db.read() as session:
        assert session.execute(select(ProjectReview.id)).all() == []
    assert committee.cases(PROCESS) == []


def test_the_advice_due_date_is_the_policys_setting(committee: Committee) -> None:
    """N working days before the government's meeting, N from the policy: changing the policy
    entry of the chair's approval moves the advice due date and the tasks counted from it."""
    projects = register(committee)
    key = f"{PROCESS}/approve_advice"
    policy = committee.engine.policy
    assert policy.tasks[key].due == "5 working days before review.government_meeting_on"
    policy.tasks[key] = replace(
        policy.tasks[key], due="10 working days before review.government_meeting_on"
    )
    case = committee.start(PROCESS, start_data(projects["review"]), "sara")
    assert review(committee, case.id).advice_due_on == date(2026, 4, 10)
    intake = committee.task(case.id, "intake_review")
    assert intake.due_at == at("2026-03-26T22:59:00")  # 10 working days back, Easter Monday skipped
