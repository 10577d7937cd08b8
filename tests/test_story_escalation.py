"""The escalation path as the meeting starts it, end to end: a topic escalated at a meeting,
the dossier prepared, approved and sent, the Flemish Government's binding agreement recorded,
the agreement linked to a committee decision chosen from the decision picker (the value the
web form's select posts, never a typed number), comply-or-explain started for the bound
entities, one obligation case per entity, each titled by the decision's name.

The escalation case the meeting starts has no `decision_id` variable; the gateway *Besluit
gekend?* once read it and put the case into incident (NameError) right after the binding
agreement. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from engine import ValidationFailed
from processes.records import choices
from processes.records.choices import CaseContext
from processes.records.followup import EscalationDossier, Obligation
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_process_topic import admit, hold_meeting, item_of, topic_data, treat

CLOUD = "Cloudbeleid voor de Vlaamse overheid"
BINDING = {
    "answer": "binding_agreement",
    "answer_text": "Elke entiteit reserveert budget voor de VRD2-bouwstenen.",
    "deadline": "2026-09-30",
    "entities": ["dep-omg", "gem-gent"],
    "focus_domain": "financing",
}


def escalated_at_a_meeting(committee: Committee) -> tuple[int, int]:
    """A meeting decides on one topic and escalates another; the escalation dossier is
    prepared, approved and sent. Returns (escalation case, escalated topic case)."""
    meeting_case, meeting_id = committee.plan_meeting(date(2026, 3, 26))
    cloud = committee.start("topic", topic_data(title=CLOUD), "tom").id
    budget = committee.start("topic", topic_data(title="Budget voor VRD2"), "sofie").id
    admit(committee, cloud, meeting_id)
    admit(committee, budget, meeting_id)
    hold_meeting(committee, meeting_case.id, date(2026, 3, 26))
    result = treat(
        committee,
        meeting_case.id,
        [
            {
                "agenda_item_id": item_of(committee, cloud),
                "outcome": "decided",
                "decision_text": "De Vlaamse overheid kiest voor één gedeelde cloud.",
            },
            {
                "agenda_item_id": item_of(committee, budget),
                "outcome": "escalated",
                "escalation_summary": "Het budget voor VRD2 volstaat niet.",
                "decision_needed": "Bijkomend budget van 2 miljoen euro.",
            },
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
    return escalation.id, budget


def picker(committee: Committee, case_id: int, language: str = "nl") -> list[choices.Option]:
    """The decisions the task page's select offers for this case, in its order."""
    context = CaseContext(case_id, committee.case(case_id).data)
    with committee.engine.db.read() as session:
        return choices.options(session, "decisions", language, context)


def answer(committee: Committee, **changes: Any) -> dict[str, Any]:
    return {**BINDING, "answered_on": committee.today().isoformat(), **changes}


def followups_started(committee: Committee, escalation_id: int, decision_id: int) -> None:
    [followup] = committee.cases("comply_or_explain")
    assert followup.data["decision_id"] == decision_id
    assert followup.data["source_case_id"] == escalation_id
    with committee.engine.db.read() as session:
        row = session.execute(select(EscalationDossier)).scalar_one()
        bound = session.execute(select(Obligation.organisation_id)).scalars().all()
    assert (row.status, row.decision_id) == ("answered", decision_id)
    assert sorted(bound) == ["dep-omg", "gem-gent"]
    titles = sorted(c.title or "" for c in committee.cases("obligation"))
    assert titles == [
        f"Pas toe of leg uit: {CLOUD}, Departement Omgeving",
        f"Pas toe of leg uit: {CLOUD}, Stad Gent",
    ]
    assert committee.engine.verify_audit().ok


def test_an_escalated_topic_ends_in_comply_or_explain_after_a_binding_agreement(
    committee: Committee,
) -> None:
    escalation, _topic = escalated_at_a_meeting(committee)
    answered = committee.complete(escalation, "record_answer", answer(committee), "gert")
    assert answered.status == "running"  # not an incident
    assert committee.engine.incidents() == []
    link = committee.task(escalation, "link_decision")
    assert link.role == "secretariat"
    assert committee.cases("comply_or_explain") == []

    # the select: the decision of the meeting that escalated the topic first, by its name
    offered = picker(committee, escalation)
    assert [o.label for o in offered] == [f"{CLOUD} (zitting van 26 maart 2026)"]
    assert offered[0].group == "Over dit onderwerp of van dezelfde zitting"
    assert not any(o.value == "" for o in offered)  # no "no decision" choice
    chosen = int(offered[0].value)

    # a number no select offers is refused with the field named, and nothing moves
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(escalation, "link_decision", {"decision_id": chosen + 100}, "sara")
    assert list(refused.value.errors) == ["decision_id"]
    assert "Onbekend besluit" in refused.value.errors["decision_id"][0]
    assert committee.task(escalation, "link_decision").state == "ready"

    done = committee.complete(escalation, "link_decision", {"decision_id": chosen}, "sara")
    assert done.status == "completed"
    followups_started(committee, escalation, chosen)


def test_the_liaison_may_name_the_decision_with_the_answer(committee: Committee) -> None:
    escalation, _topic = escalated_at_a_meeting(committee)
    [offered] = picker(committee, escalation, "en")
    assert offered.label == f"{CLOUD} (meeting of 26 March 2026)"
    chosen = int(offered.value)
    done = committee.complete(
        escalation, "record_answer", answer(committee, decision_id=chosen), "gert"
    )
    assert done.status == "completed"  # *Besluit koppelen* skipped
    assert [t.element_id for t in committee.tasks(escalation)] == []
    followups_started(committee, escalation, chosen)


def test_the_liaison_cannot_name_a_decision_that_does_not_exist(committee: Committee) -> None:
    escalation, _topic = escalated_at_a_meeting(committee)
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(escalation, "record_answer", answer(committee, decision_id=999), "gert")
    assert list(refused.value.errors) == ["decision_id"]
    assert committee.task(escalation, "record_answer").state == "ready"
    assert committee.cases("comply_or_explain") == []


def test_an_escalation_that_knows_its_decision_skips_the_link(committee: Committee) -> None:
    from tests.test_process_comply import escalate_to_binding_agreement

    case_id = escalate_to_binding_agreement(committee)
    assert committee.case(case_id).status == "completed"
    assert [t.element_id for t in committee.tasks(case_id)] == []
    [followup] = committee.cases("comply_or_explain")
    assert followup.data["decision_id"] == committee.case(case_id).data["decision_id"]
