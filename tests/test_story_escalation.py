"""The escalation path as the meeting starts it, end to end: a topic escalated at a meeting,
the dossier prepared, approved and sent, the Flemish Government's binding agreement recorded,
the agreement linked to a committee decision, comply-or-explain started for the bound entities.

The escalation case the meeting starts has no `decision_id` variable; the gateway *Besluit
gekend?* once read it and put the case into incident (NameError) right after the binding
agreement. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from processes.records.followup import EscalationDossier, Obligation
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_process_topic import admit, hold_meeting, item_of, topic_data, treat


def test_an_escalated_topic_ends_in_comply_or_explain_after_a_binding_agreement(
    committee: Committee,
) -> None:
    meeting_case, meeting_id = committee.plan_meeting(date(2026, 3, 26))
    topic = committee.start("topic", topic_data(title="Budget voor VRD2"), "sofie").id
    admit(committee, topic, meeting_id)
    hold_meeting(committee, meeting_case.id, date(2026, 3, 26))
    result = treat(
        committee,
        meeting_case.id,
        [
            {
                "agenda_item_id": item_of(committee, topic),
                "outcome": "escalated",
                "escalation_summary": "Het budget voor VRD2 volstaat niet.",
                "decision_needed": "Bijkomend budget van 2 miljoen euro.",
            }
        ],
    )
    assert result["stored"] is True
    [escalation] = committee.cases("government_escalation")
    assert "decision_id" not in escalation.data
    committee.complete(
        escalation.id,
        "prepare_dossier",
        {
            "title": "Budget voor VRD2",
            "summary": "Het budget voor VRD2 volstaat niet.",
            "decision_needed": "Bijkomend budget van 2 miljoen euro.",
        },
        "sara",
    )
    committee.complete(escalation.id, "approve_dossier", {"dossier_decision": "approve"}, "chris")
    answered = committee.complete(
        escalation.id,
        "record_answer",
        {
            "answer": "binding_agreement",
            "answer_text": "Elke entiteit reserveert budget voor de VRD2-bouwstenen.",
            "answered_on": committee.today().isoformat(),
            "deadline": "2026-09-30",
            "entities": ["dep-omg", "gem-gent"],
            "focus_domain": "financing",
        },
        "gert",
    )
    assert answered.status == "running"  # not an incident
    assert committee.engine.incidents() == []
    link = committee.task(escalation.id, "link_decision")
    assert link.role == "secretariat"
    assert committee.cases("comply_or_explain") == []

    done = committee.complete(escalation.id, "link_decision", {"decision_id": 7}, "sara")
    assert done.status == "completed"
    [followup] = committee.cases("comply_or_explain")
    assert followup.data["decision_id"] == 7
    assert followup.data["source_case_id"] == escalation.id
    with committee.engine.db.read() as session:
        row = session.execute(select(EscalationDossier)).scalar_one()
        bound = session.execute(select(Obligation.organisation_id)).scalars().all()
    assert (row.status, row.decision_id, row.topic_case_id) == ("answered", 7, topic)
    assert sorted(bound) == ["dep-omg", "gem-gent"]
    assert len(committee.cases("obligation")) == 2
    assert committee.engine.verify_audit().ok


def test_an_escalation_that_knows_its_decision_skips_the_link(committee: Committee) -> None:
    from tests.test_process_comply import escalate_to_binding_agreement

    case_id = escalate_to_binding_agreement(committee)
    assert committee.case(case_id).status == "completed"
    assert [t.element_id for t in committee.tasks(case_id)] == []
    [followup] = committee.cases("comply_or_explain")
    assert followup.data["decision_id"] == 21
