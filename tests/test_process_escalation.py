"""The escalation to the Flemish Government end to end through the engine facade, on a manual
clock: the dossier prepared, sent back, approved and sent; the answer awaited with reminders and
an escalation path; a binding agreement starting comply-or-explain, a refusal or amendment going
back onto the agenda. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine import Forbidden, ValidationFailed
from engine.storage.models import Notification
from processes.records.followup import EscalationDossier, Obligation
from tests.processes_fixtures import BPMN_DIR, Committee, committee_fixture  # noqa: F401

PROCESS = "government_escalation"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def start_data(committee: Committee, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "topic_case_id": committee.reference.topic_case_id,
        "title": "Eén aanmeldplatform",
        "summary": "Het Stuurorgaan raakt het niet eens over een verplicht aanmeldplatform.",
        "decision_needed": "Maak het gebruik van het aanmeldplatform een bindende afspraak.",
        "decision_id": committee.reference.decision_id,
    }
    data.update(changes)
    return data


DOSSIER = {
    "title": "Eén aanmeldplatform voor alle besturen",
    "summary": "Lokale en Vlaamse besturen bouwen elk een eigen aanmelding.",
    "decision_needed": "Maak het gebruik van het aanmeldplatform een bindende afspraak.",
}

BINDING = {
    "answer": "binding_agreement",
    "answer_text": "Alle entiteiten gebruiken het gemeenschappelijke aanmeldplatform.",
    "answered_on": "2026-03-02",
    "deadline": "2026-06-30",
    "entities": ["dep-omg", "gem-gent"],
    "focus_domain": "common_counter_functions",
}


def dossier(committee: Committee, case_id: int) -> EscalationDossier:
    with committee.engine.db.read() as session:
        return session.execute(
            select(EscalationDossier).where(EscalationDossier.case_id == case_id)
        ).scalar_one()


def sent(committee: Committee, **changes: Any) -> int:
    """An escalation prepared, approved and sent; returns its case id."""
    case = committee.start(PROCESS, start_data(committee, **changes), "sara")
    committee.complete(case.id, "prepare_dossier", DOSSIER, "sara")
    committee.complete(case.id, "approve_dossier", {"dossier_decision": "approve"}, "chris")
    return case.id


def test_dossier_is_sent_back_approved_sent_and_a_binding_agreement_is_followed_up(
    committee: Committee,
) -> None:
    case = committee.start(PROCESS, start_data(committee), "sara")
    assert dossier(committee, case.id).status == "draft"
    prepare = committee.task(case.id, "prepare_dossier")
    assert prepare.role == "secretariat"
    committee.complete(case.id, "prepare_dossier", DOSSIER, "sara")
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(case.id, "approve_dossier", {"dossier_decision": "send_back"}, "chris")
    assert "dossier_comment" in refused.value.errors
    committee.complete(
        case.id,
        "approve_dossier",
        {"dossier_decision": "send_back", "dossier_comment": "Voeg de kostenraming toe."},
        "chris",
    )
    committee.complete(
        case.id, "prepare_dossier", {**DOSSIER, "background": "Kostenraming: 2 miljoen."}, "sara"
    )
    committee.complete(case.id, "approve_dossier", {"dossier_decision": "approve"}, "chris")
    row = dossier(committee, case.id)
    assert (row.status, row.approved_by, row.background) == (
        "sent",
        "chris",
        "Kostenraming: 2 miljoen.",
    )
    assert row.sent_at == committee.clock.now()
    actions = [e.action for e in committee.engine.audit_trail(case.id)]
    assert actions.index("escalation_dossier_approved") < actions.index("escalation_dossier_sent")

    answer = committee.task(case.id, "record_answer")
    assert (answer.lane, answer.role) == ("government_liaison", "government_liaison")
    assert answer.due_at is not None
    with pytest.raises(Forbidden):
        committee.complete(case.id, "record_answer", BINDING, "sara")
    done = committee.complete(case.id, "record_answer", BINDING, "gert")
    assert done.status == "completed"
    row = dossier(committee, case.id)
    assert (row.status, row.answer, row.answered_on.isoformat()) == (
        "answered",
        "binding_agreement",
        "2026-03-02",
    )
    [followup] = committee.cases("comply_or_explain")
    assert followup.title == "Pas toe of leg uit: Eén aanmeldplatform voor alle besturen"
    assert followup.data["decision_id"] == committee.reference.decision_id
    assert followup.data["source_case_id"] == case.id
    with committee.engine.db.read() as session:
        bound = session.execute(select(Obligation.organisation_id, Obligation.deadline)).all()
    assert sorted((org, day.isoformat()) for org, day in bound) == [
        ("dep-omg", "2026-06-30"),
        ("gem-gent", "2026-06-30"),
    ]
    assert committee.engine.verify_audit().ok


def test_a_binding_agreement_without_a_decision_is_linked_by_the_secretariat(
    committee: Committee,
) -> None:
    """As the meeting process starts it: no decision id. The secretariat links one first."""
    data = start_data(committee)
    del data["decision_id"]
    case = committee.start(PROCESS, data, "sara")
    committee.complete(case.id, "prepare_dossier", DOSSIER, "sara")
    committee.complete(case.id, "approve_dossier", {"dossier_decision": "approve"}, "chris")
    committee.complete(case.id, "record_answer", {**BINDING, "entities": ["fb"]}, "gert")
    link = committee.task(case.id, "link_decision")
    assert link.role == "secretariat"
    with pytest.raises(ValidationFailed):
        committee.complete(case.id, "link_decision", {"decision_id": "een"}, "sara")
    other = committee.decided_topic("Cloudbeleid", "Eén gedeelde cloud.").decision_id
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(case.id, "link_decision", {"decision_id": other + 1}, "sara")
    assert "Onbekend besluit" in refused.value.errors["decision_id"][0]
    committee.complete(case.id, "link_decision", {"decision_id": other}, "sara")
    assert dossier(committee, case.id).decision_id == other
    [followup] = committee.cases("comply_or_explain")
    assert followup.data["decision_id"] == other
    [obligation] = committee.cases("obligation")
    assert obligation.title == "Pas toe of leg uit: Cloudbeleid, Facilitair Bedrijf"


@pytest.mark.parametrize("answer", ["refusal", "amendment"])
def test_a_refusal_or_amendment_returns_to_the_committee(committee: Committee, answer: str) -> None:
    case_id = sent(committee)
    done = committee.complete(
        case_id,
        "record_answer",
        {"answer": answer, "answer_text": "De Vlaamse Regering vraagt eerst een impactanalyse.",
         "answered_on": "2026-03-02"},
        "gert",
    )  # fmt: skip
    assert done.status == "completed"
    assert dossier(committee, case_id).answer == answer
    [topic] = [
        c.data
        for c in committee.cases("topic")
        if (c.data.get("origin") or {}).get("case_id") == case_id
    ]
    assert topic["kind"] == "escalation"
    assert topic["title"].startswith("Antwoord Vlaamse Regering")
    assert "impactanalyse" in topic["summary"]
    assert topic["origin"]["dossier_id"] == dossier(committee, case_id).id
    assert not committee.cases("comply_or_explain")


def test_an_unanswered_escalation_is_reminded_and_escalated(committee: Committee) -> None:
    case_id = sent(committee)
    answer = committee.task(case_id, "record_answer")
    assert answer.due_at == at("2026-04-14T08:00")  # 30 working days (Easter Monday is off)
    committee.advance_to(at("2026-04-07T07:05"))  # five working days before
    committee.advance_to(at("2026-04-14T07:05"))  # on the day
    trail = committee.engine.audit_trail(case_id)
    assert [e.action for e in trail if e.element_id == "record_answer"].count("reminder_sent") == 2
    committee.advance_to(at("2026-04-29T08:00"))  # ten working days of grace
    [raised] = [e for e in committee.engine.audit_trail(case_id) if e.action == "escalation_raised"]
    assert raised.changes == {"recipients": {"before": None, "after": ["chris", "sara"]}}
    with committee.engine.db.read() as session:
        templates = session.execute(
            select(Notification.user_id, Notification.template).where(
                Notification.case_id == case_id, Notification.channel == "inapp"
            )
        ).all()
    assert ("chris", "escalation") in templates and ("gert", "reminder") in templates
    # The liaison can still record the answer.
    committee.complete(case_id, "record_answer", BINDING, "gert")
    assert dossier(committee, case_id).status == "answered"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"entities": None}, "entities", "Required for a binding agreement"),
        ({"deadline": None, "entities": ["dep-omg"]}, "deadline", "Required for a binding"),
        ({"deadline": "2026-03-01"}, "deadline", "This date is in the past"),
        ({"entities": ["dep-omg", "dep-omg"]}, "entities", "Each code may appear only once"),
        ({"answered_on": "2026-03-03"}, "answered_on", "in the future"),
        ({"answer": "refusal"}, "entities", "Leave empty unless it is a binding agreement"),
        ({"answer": "veto"}, "answer", "Choose one of: binding_agreement, refusal, amendment"),
        ({"answer_text": "x" * 20_001}, "answer_text", "Enter 3 to 20000 characters"),
        ({"minister": "x"}, "minister", "Unknown field"),
    ],
)
def test_the_answer_form_refuses_bad_input(
    committee: Committee, changes: dict[str, Any], field: str, message: str
) -> None:
    case_id = sent(committee)
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(case_id, "record_answer", {**BINDING, **changes}, "gert")
    assert message in " ".join(refused.value.errors[field])
    assert dossier(committee, case_id).status == "sent"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"topic_case_id": None}, "topic_case_id"),
        ({"topic_case_id": 99_999}, "topic_case_id"),
        ({"decision_id": 99_999}, "decision_id"),
        ({"x": 1}, "x"),
    ],
)
def test_the_start_form_refuses_bad_input(
    committee: Committee, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        committee.start(PROCESS, start_data(committee, **changes), "sara")
    assert field in refused.value.errors


def test_the_model_file_is_complete() -> None:
    from tests.test_process_comply import check_model

    check_model(BPMN_DIR / "government_escalation.bpmn")
