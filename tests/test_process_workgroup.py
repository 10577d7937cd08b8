"""The working-group assignment end to end through the engine facade, on a manual clock:
mandate approved and accepted, periodic status updates, a late report reminded, flagged and
escalated to the chair, and the proposal back on the agenda. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine import Forbidden, ValidationFailed
from engine.storage.models import Notification
from processes.records.followup import Mandate
from tests.processes_fixtures import BPMN_DIR, Committee, committee_fixture  # noqa: F401

PROCESS = "working_group_assignment"


def mandate_data(committee: Committee, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "topic_case_id": committee.reference.topic_case_id,
        "working_group_id": "wg-data",
        "question": "Hoe kunnen besturen basisgegevens delen zonder ze opnieuw op te vragen?",
        "focus_domain": "data",
        "deliverable": "Rapport met aanbevelingen en een voorstel van afspraken.",
        "due_date": "2026-04-03",
        "status_every_weeks": 2,
    }
    data.update(changes)
    return data


def mandate(committee: Committee, case_id: int) -> Mandate:
    with committee.engine.db.read() as session:
        return session.execute(select(Mandate).where(Mandate.case_id == case_id)).scalar_one()


def actions(committee: Committee, case_id: int, element_id: str | None = None) -> list[str]:
    return [
        entry.action
        for entry in committee.engine.audit_trail(case_id)
        if element_id is None or entry.element_id == element_id
    ]


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


def topics_from(committee: Committee, case_id: int) -> list[dict[str, Any]]:
    """Start data of the topic cases this case put on the agenda."""
    return [
        c.data
        for c in committee.cases("topic")
        if (c.data.get("origin") or {}).get("case_id") == case_id
    ]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def approved_and_accepted(committee: Committee, **changes: Any) -> int:
    case = committee.start(PROCESS, mandate_data(committee, **changes), "sara")
    committee.complete(case.id, "approve_mandate", {"approval": "approve"}, "chris")
    committee.complete(case.id, "accept_mandate", {"acceptance": "accept"}, "wim")
    return case.id


def test_late_report_is_reminded_escalated_extended_and_returns_to_the_agenda(
    committee: Committee,
) -> None:
    engine = committee.engine
    case = committee.start(PROCESS, mandate_data(committee), "sara")
    assert mandate(committee, case.id).status == "proposed"
    approve = committee.task(case.id, "approve_mandate")
    assert (approve.lane, approve.role) == ("chair", "chair")
    committee.complete(case.id, "approve_mandate", {"approval": "approve"}, "chris")
    assert mandate(committee, case.id).status == "approved"

    # Only the chair of this working group may accept its mandate.
    accept = committee.task(case.id, "accept_mandate")
    assert (accept.role, accept.scope) == ("wg_chair", "wg-data")
    engine.ensure_user("olaf", "Olaf", grants=[("wg_chair", "wg-privacy")])
    with pytest.raises(Forbidden):
        engine.complete_task(accept.id, {"acceptance": "accept"}, engine.actor("olaf"))
    assert accept.id in {t.id for t in engine.tasks_for(committee.actor("wim"))}
    accepted = committee.complete(case.id, "accept_mandate", {"acceptance": "accept"}, "wim")
    assert accepted.data["reporting_every_weeks"] == 2  # asked for, so the table keeps it
    assert accepted.data["mandate"]["status_cycle"] == "R/P2W"
    report = committee.task(case.id, "submit_report")
    assert report.due_at == at("2026-04-03T21:59")  # 23:59 local (CEST) on the due date

    # Two weeks on: a status update for the working group's chair.
    committee.advance_to(at("2026-03-16T09:01"))
    update = committee.task(case.id, "status_update")
    assert (update.role, update.scope) == ("wg_chair", "wg-data")
    committee.complete(
        case.id, "status_update", {"progress": "Inventaris van basisregisters klaar.",
                                   "on_track": True}, "wim"
    )  # fmt: skip
    assert mandate(committee, case.id).status == "reporting"
    assert mandate(committee, case.id).status_updates == 1

    # Reminders before the due date: two weeks, one week, a day before, on the day.
    committee.advance_to(at("2026-03-20T08:05"))
    assert actions(committee, case.id, "submit_report").count("reminder_sent") == 1
    assert notifications(committee, "wim", "reminder") == 1
    committee.advance_to(at("2026-03-27T08:05"))
    committee.advance_to(at("2026-04-02T08:05"))
    committee.advance_to(at("2026-04-03T08:00"))
    assert actions(committee, case.id, "submit_report").count("reminder_sent") == 4
    assert notifications(committee, "wim", "reminder") >= 4
    second_update = committee.task(case.id, "status_update")  # 30 March, left unanswered

    # Past the due date: the report is flagged late.
    committee.advance_to(at("2026-04-03T22:30"))
    assert mandate(committee, case.id).status == "late"
    assert "mandate_late" in actions(committee, case.id, "mark_late")

    # Five working days later (Easter Monday does not count): escalation to the chair.
    committee.advance_to(at("2026-04-14T08:00"))
    assert "escalation_raised" in actions(committee, case.id, "submit_report")
    assert notifications(committee, "chris", "escalation") == 1
    late = committee.task(case.id, "handle_late_report")
    assert late.role == "chair"
    states = {t.id: t.state for t in engine.case_tasks(case.id)}
    assert states[report.id] == "cancelled"
    assert states[second_update.id] == "cancelled"  # the open status update goes with it

    with pytest.raises(ValidationFailed) as refused:
        committee.complete(case.id, "handle_late_report",
                           {"late_decision": "extend", "instruction": "Nog even."}, "chris")  # fmt: skip
    assert "new_due_date" in refused.value.errors
    committee.complete(
        case.id,
        "handle_late_report",
        {"late_decision": "extend", "new_due_date": "2026-04-24", "instruction": "Tien dagen."},
        "chris",
    )
    assert mandate(committee, case.id).due_date.isoformat() == "2026-04-24"
    assert committee.task(case.id, "submit_report").due_at == at("2026-04-24T21:59")

    committee.complete(
        case.id,
        "submit_report",
        {"report": "De werkgroep stelt een gedeeld register van basisgegevens voor."},
        "wim",
    )
    assert mandate(committee, case.id).status == "reported"
    bundle = committee.task(case.id, "bundle_proposal")
    assert bundle.role == "secretariat"
    done = committee.complete(
        case.id,
        "bundle_proposal",
        {
            "title": "Gedeeld register van basisgegevens",
            "summary": "De werkgroep Data stelt voor basisgegevens één keer op te vragen.",
            "question": "Het Stuurorgaan keurt het gedeelde register goed.",
            "impact": "Alle besturen hergebruiken dezelfde gegevens.",
            "affected_entities": ["dep-omg", "gem-gent"],
        },
        "sara",
    )
    assert done.status == "completed"
    assert mandate(committee, case.id).status == "bundled"
    [topic] = topics_from(committee, case.id)
    assert topic["kind"] == "topic"
    assert topic["title"] == "Gedeeld register van basisgegevens"
    assert topic["focus_domains"] == ["data"]
    assert topic.get("submitted_by") is None  # the secretariat completes it if need be
    assert topic["origin"]["mandate_id"] == mandate(committee, case.id).id
    assert not committee.engine.incidents()
    assert committee.engine.verify_audit().ok


def test_a_mandate_as_the_meeting_starts_it_gets_the_default_rhythm(
    committee: Committee,
) -> None:
    """The meeting process starts the assignment without a rhythm: the table gives 4 weeks."""
    data = mandate_data(committee)
    del data["status_every_weeks"]
    case = committee.start(PROCESS, data, "sara")
    committee.complete(case.id, "approve_mandate", {"approval": "approve"}, "chris")
    accepted = committee.complete(case.id, "accept_mandate", {"acceptance": "accept"}, "wim")
    assert accepted.data["reporting_every_weeks"] == 4
    assert accepted.data["mandate"]["status_cycle"] == "R/P4W"
    assert mandate(committee, case.id).status_every_weeks == 4


def test_sent_back_and_declined_mandates_are_revised(committee: Committee) -> None:
    case = committee.start(PROCESS, mandate_data(committee), "sara")
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(case.id, "approve_mandate", {"approval": "send_back"}, "chris")
    assert "approval_comment" in refused.value.errors
    committee.complete(
        case.id,
        "approve_mandate",
        {"approval": "send_back", "approval_comment": "Maak het resultaat concreter."},
        "chris",
    )
    revised = mandate_data(committee, deliverable="Een ontwerp van afsprakenkader voor datadeling.")
    del revised["topic_case_id"]
    committee.complete(case.id, "revise_mandate", {**revised, "revision_note": "Concreter."},
                       "sara")  # fmt: skip
    assert mandate(committee, case.id).deliverable.startswith("Een ontwerp")
    committee.complete(case.id, "approve_mandate", {"approval": "approve"}, "chris")
    committee.complete(
        case.id,
        "accept_mandate",
        {"acceptance": "decline", "acceptance_comment": "Te krap: we vragen tot juni."},
        "wim",
    )
    assert mandate(committee, case.id).status == "proposed"
    committee.complete(case.id, "revise_mandate", {**revised, "due_date": "2026-06-30"}, "sara")
    committee.complete(case.id, "approve_mandate", {"approval": "approve"}, "chris")
    committee.complete(case.id, "accept_mandate", {"acceptance": "accept"}, "wim")
    row = mandate(committee, case.id)
    assert (row.status, row.due_date.isoformat()) == ("accepted", "2026-06-30")
    assert actions(committee, case.id).count("mandate_revised") == 2


def test_the_chair_can_put_a_late_mandate_on_the_agenda(committee: Committee) -> None:
    case_id = approved_and_accepted(committee)
    committee.advance_to(at("2026-04-14T08:00"))
    done = committee.complete(
        case_id,
        "handle_late_report",
        {"late_decision": "to_agenda", "instruction": "Het Stuurorgaan beslist over de opdracht."},
        "chris",
    )
    assert done.status == "completed"
    assert mandate(committee, case_id).status == "late"
    [topic] = topics_from(committee, case_id)
    assert topic["kind"] == "escalation"
    assert topic["title"] == "Werkgroep Data: rapport laattijdig"  # its name, not its code
    assert topic["question"] == "Het Stuurorgaan beslist over de opdracht."


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"due_date": "2026-02-27"}, "due_date", "in the past; choose 02-03-2026 or later"),
        ({"due_date": "2031-01-01"}, "due_date", "within 3 years"),
        ({"due_date": "3 april"}, "due_date", "dd-mm-yyyy"),
        ({"focus_domain": "football"}, "focus_domain", "Choose one of"),
        ({"question": "   "}, "question", "Enter 1 to 4000 characters"),
        ({"question": "x" * 4001}, "question", "Enter 1 to 4000 characters"),
        ({"working_group_id": "wg data!"}, "working_group_id", "Not a valid code"),
        ({"status_every_weeks": 0}, "status_every_weeks", "from 1 to 26"),
        ({"topic_case_id": "41"}, "topic_case_id", "whole number"),
        ({"budget": 1000}, "budget", "Unknown field"),
    ],
)
def test_the_start_form_refuses_bad_input(
    committee: Committee, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        committee.start(PROCESS, mandate_data(committee, **changes), "sara")
    assert message in " ".join(refused.value.errors[field])
    assert not committee.cases(PROCESS)


def test_only_the_secretariat_starts_a_mandate(committee: Committee) -> None:
    with pytest.raises(Forbidden):
        committee.start(PROCESS, mandate_data(committee), "sofie")


def test_status_updates_need_a_date_when_not_on_track(committee: Committee) -> None:
    case_id = approved_and_accepted(committee)
    committee.advance_to(at("2026-03-16T09:01"))
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(case_id, "status_update",
                           {"progress": "Vertraging.", "on_track": False}, "wim")  # fmt: skip
    assert "expected_report_date" in refused.value.errors
    committee.complete(
        case_id,
        "status_update",
        {"progress": "Vertraging.", "on_track": False, "expected_report_date": "2026-04-17"},
        "wim",
    )
    [update] = [
        e for e in committee.engine.audit_trail(case_id) if e.action == "mandate_status_update"
    ]
    assert "not on track" in (update.reason or "")


def test_the_model_file_is_complete() -> None:
    from tests.test_process_comply import check_model

    check_model(BPMN_DIR / "working_group_assignment.bpmn")
