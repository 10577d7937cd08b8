"""Comply-or-explain end to end through the engine facade, on a manual clock: an escalation
answered with a binding agreement binds four entities; one complies, one explains and is
accepted, one explains and is not accepted (a new escalation topic), one stays silent and is
reminded, flagged overdue and escalated. Plus the steering framework's matrix, the forms, and
the completeness of the follow-up models. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

import processes
from engine import Forbidden, ValidationFailed
from engine.storage.models import Notification
from engine.timing.policy import load_policy
from processes.followup import queries
from processes.records import dates
from processes.records.followup import Obligation, ObligationStatus
from tests.processes_fixtures import BPMN_DIR, Committee, committee_fixture  # noqa: F401

PROCESS = "comply_or_explain"
DECIDED = "Eén aanmeldplatform voor lokale besturen"
"""The title of the agenda item `committee.reference`'s decision was taken on."""
ENTITIES = ["dep-omg", "dep-wvg", "gem-gent", "gem-leuven"]
CONTACTS = {"dep-omg": "eva", "dep-wvg": "lien", "gem-gent": "jan", "gem-leuven": "ines"}
ROLES = {
    "submitter", "secretariat", "chair", "member", "wg_chair", "wg_member", "entity_contact",
    "government_liaison", "college_liaison", "admin",
}  # fmt: skip


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def with_contacts(committee: Committee) -> Committee:
    for org, user_id in CONTACTS.items():
        committee.engine.ensure_user(user_id, user_id.title(), email=f"{user_id}@vlaanderen.test",
                                     grants=[("entity_contact", org)])  # fmt: skip
    return committee


def followup_data(committee: Committee, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "decision_id": committee.reference.decision_id,
        "decision_text": "Alle entiteiten gebruiken het gemeenschappelijke aanmeldplatform.",
        "deadline": "2026-04-30",
        "entities": ENTITIES,
        "focus_domain": "common_counter_functions",
        "source_case_id": None,
    }
    data.update(changes)
    return data


def obligations(committee: Committee, decision_id: int | None = None) -> dict[str, Obligation]:
    decision_id = decision_id or committee.reference.decision_id
    with committee.engine.db.read() as session:
        rows = session.execute(
            select(Obligation).where(Obligation.decision_id == decision_id)
        ).scalars()
        return {row.organisation_id: row for row in rows}


def history(committee: Committee, obligation_id: int) -> list[str]:
    with committee.engine.db.read() as session:
        return list(
            session.execute(
                select(ObligationStatus.status)
                .where(ObligationStatus.obligation_id == obligation_id)
                .order_by(ObligationStatus.id)
            ).scalars()
        )


def entity_case(committee: Committee, org: str, decision_id: int | None = None) -> int:
    case_id = obligations(committee, decision_id)[org].entity_case_id
    assert case_id is not None
    return case_id


def notified(committee: Committee, user_id: str, template: str, case_id: int) -> int:
    with committee.engine.db.read() as session:
        return len(
            session.execute(
                select(Notification.id).where(
                    Notification.user_id == user_id,
                    Notification.template == template,
                    Notification.case_id == case_id,
                    Notification.channel == "inapp",
                )
            ).all()
        )


def topics_about(committee: Committee, obligation_id: int) -> list[dict[str, Any]]:
    return [
        c.data
        for c in committee.cases("topic")
        if (c.data.get("origin") or {}).get("obligation_id") == obligation_id
    ]


def escalate_to_binding_agreement(committee: Committee) -> int:
    """The chain that starts it: an escalation the Flemish Government answers with a binding
    agreement for the four entities. Returns the escalation case id."""
    case = committee.start(
        "government_escalation",
        {
            "topic_case_id": committee.reference.topic_case_id,
            "title": "Eén aanmeldplatform",
            "summary": "Het Stuurorgaan wil het aanmeldplatform verplicht maken.",
            "decision_needed": "Maak het gebruik van het aanmeldplatform een bindende afspraak.",
            "decision_id": committee.reference.decision_id,
        },
        "sara",
    )
    committee.complete(
        case.id,
        "prepare_dossier",
        {
            "title": "Eén aanmeldplatform",
            "summary": "Het Stuurorgaan wil het aanmeldplatform verplicht maken.",
            "decision_needed": "Maak het gebruik van het aanmeldplatform een bindende afspraak.",
        },
        "sara",
    )
    committee.complete(case.id, "approve_dossier", {"dossier_decision": "approve"}, "chris")
    committee.complete(
        case.id,
        "record_answer",
        {
            "answer": "binding_agreement",
            "answer_text": "Alle entiteiten gebruiken het gemeenschappelijke aanmeldplatform.",
            "answered_on": "2026-03-02",
            "deadline": "2026-04-30",
            "entities": ENTITIES,
            "focus_domain": "common_counter_functions",
        },
        "gert",
    )
    return case.id


def test_four_entities_comply_explain_are_rejected_and_go_overdue(committee: Committee) -> None:
    with_contacts(committee)
    engine = committee.engine
    escalation = escalate_to_binding_agreement(committee)
    assert committee.case(escalation).status == "completed"
    [followup] = committee.cases(PROCESS)
    assert followup.status == "completed"
    assert followup.data["source_case_id"] == escalation
    rows = obligations(committee)
    assert sorted(rows) == ENTITIES
    assert {row.status for row in rows.values()} == {"open"}
    assert len(committee.cases("obligation")) == 4

    # Each entity's contact, and only they, gets the question.
    for org, user_id in CONTACTS.items():
        case_id = entity_case(committee, org)
        task = committee.task(case_id, "answer_obligation")
        assert (task.lane, task.role, task.scope) == ("entity_contact", "entity_contact", org)
        assert task.due_at == at("2026-04-30T21:59")
        assert [t.id for t in engine.tasks_for(committee.actor(user_id))] == [task.id]
    with pytest.raises(Forbidden):
        committee.complete(entity_case(committee, "dep-wvg"), "answer_obligation",
                           {"response": "comply"}, "eva")  # fmt: skip

    # dep-omg complies.
    committee.complete(
        entity_case(committee, "dep-omg"),
        "answer_obligation",
        {
            "response": "comply",
            "what_done": "Alle e-loketten van het departement gebruiken het platform.",
            "done_on": "2026-02-20",
            "evidence": "https://omgeving.vlaanderen.be/aanmelden",
        },
        "eva",
    )
    # dep-wvg explains, and the secretariat accepts the explanation.
    explanation = {
        "response": "explain",
        "reason": "Ons zorgloket draait op een contract dat pas in 2027 afloopt.",
        "risks": "Twee aanmeldingen naast elkaar tot eind 2026.",
        "mitigation": "Doorverwijzing naar het platform vanaf de startpagina.",
        "planned_on": "2027-01-31",
    }
    wvg_case = entity_case(committee, "dep-wvg")
    committee.complete(wvg_case, "answer_obligation", explanation, "lien")
    assess = committee.task(wvg_case, "assess_explanation")
    assert assess.role == "secretariat"
    committee.complete(
        wvg_case,
        "assess_explanation",
        {"verdict": "accepted", "assessment_note": "Redelijk: het contract loopt af in 2027."},
        "sara",
    )
    # gem-gent explains, and the secretariat does not accept: an escalation topic.
    gent_case = entity_case(committee, "gem-gent")
    committee.complete(gent_case, "answer_obligation", explanation, "jan")
    committee.complete(
        gent_case,
        "assess_explanation",
        {"verdict": "not_accepted", "assessment_note": "Geen contract verhindert dit."},
        "sara",
    )
    rows = obligations(committee)
    assert rows["dep-omg"].status == "complied"
    assert rows["dep-omg"].evidence == "https://omgeving.vlaanderen.be/aanmelden"
    assert rows["dep-wvg"].status == "explanation_accepted"
    assert rows["gem-gent"].status == "explanation_rejected"
    assert rows["gem-gent"].assessed_by == "sara"
    [topic] = topics_about(committee, rows["gem-gent"].id)
    assert topic["kind"] == "escalation"
    # named by the entity's name and the decision's title, never by codes or numbers
    assert topic["title"] == f"Uitleg van Stad Gent bij besluit „{DECIDED}” niet aanvaard"
    assert topic["affected_entities"] == ["gem-gent"]
    assert topic["focus_domains"] == ["common_counter_functions"]
    assert topic.get("submitted_by") is None  # the secretariat completes it if need be
    for org in ("dep-omg", "dep-wvg", "gem-gent"):
        assert committee.case(entity_case(committee, org)).status == "completed"

    # gem-leuven stays silent: reminders two weeks, one week, a day before and on the day.
    leuven = entity_case(committee, "gem-leuven")
    committee.advance_to(at("2026-04-16T07:05"))
    reminders = [e for e in engine.audit_trail(leuven) if e.action == "reminder_sent"]
    assert len(reminders) == 1
    assert reminders[0].changes == {"recipients": {"before": None, "after": ["ines"]}}
    committee.advance_to(at("2026-04-23T07:05"))
    committee.advance_to(at("2026-04-29T07:05"))
    committee.advance_to(at("2026-04-30T08:00"))
    assert [e.action for e in engine.audit_trail(leuven)].count("reminder_sent") == 4
    assert notified(committee, "ines", "reminder", leuven) == 4
    assert obligations(committee)["gem-leuven"].status == "open"

    # Past the deadline (midnight local): flagged overdue, the question stays open.
    committee.advance_to(at("2026-04-30T22:01"))
    assert obligations(committee)["gem-leuven"].status == "overdue"
    assert committee.task(leuven, "answer_obligation")

    # Five working days of grace (1 May is a holiday): escalated to the chair.
    committee.advance_to(at("2026-05-08T21:00"))
    assert obligations(committee)["gem-leuven"].status == "overdue"
    committee.advance_to(at("2026-05-08T22:00"))
    assert "escalation_raised" in [e.action for e in engine.audit_trail(leuven)]
    assert obligations(committee)["gem-leuven"].status == "escalated"
    assert notified(committee, "chris", "escalation", leuven) == 1
    assert notified(committee, "sara", "escalation", leuven) == 1
    overdue = committee.task(leuven, "handle_overdue")
    assert overdue.role == "chair"
    assert not [t for t in committee.tasks(leuven) if t.element_id == "answer_obligation"]
    committee.complete(
        leuven,
        "handle_overdue",
        {"overdue_decision": "to_agenda", "instruction": "Gent en Leuven samen bespreken."},
        "chris",
    )
    rows = obligations(committee)
    assert rows["gem-leuven"].status == "escalated"
    assert history(committee, rows["gem-leuven"].id) == ["open", "overdue", "escalated"]
    [topic] = topics_about(committee, rows["gem-leuven"].id)
    assert topic["kind"] == "escalation"
    assert topic["title"] == f"Geen antwoord van Stad Leuven op besluit „{DECIDED}”"
    assert topic["summary"].startswith("Stad Leuven antwoordde niet tegen 30 april 2026 op: ")
    assert topic["origin"]["decision_id"] == committee.reference.decision_id

    # The steering framework.
    with engine.db.read() as session:
        matrix = queries.compliance_matrix(session)
        assert matrix.entities == sorted(ENTITIES)
        [row] = matrix.rows
        assert {org: cell.status for org, cell in row.cells.items()} == {
            "dep-omg": "complied",
            "dep-wvg": "explanation_accepted",
            "gem-gent": "explanation_rejected",
            "gem-leuven": "escalated",
        }
        assert (row.total, row.adoption_pct, row.settled_pct) == (4, 25.0, 50.0)
        assert queries.adoption_percentage(session, committee.reference.decision_id) == 25.0
        only_gent = queries.compliance_matrix(session, entity="gem-gent")
        assert only_gent.entities == ["gem-gent"]
        assert only_gent.rows[0].adoption_pct == 25.0  # adoption counts every entity
        complied = queries.compliance_matrix(session, status="complied")
        assert list(complied.rows[0].cells) == ["dep-omg"]
        assert queries.compliance_matrix(session, focus_domain="data").rows == []
        domain = queries.compliance_matrix(session, focus_domain="common_counter_functions")
        assert domain.cell(committee.reference.decision_id, "gem-leuven").status == "escalated"
        with pytest.raises(ValueError, match="unknown obligation status"):
            queries.compliance_matrix(session, status="lost")
    assert not engine.incidents()
    assert engine.verify_audit().ok


def test_the_chair_can_give_an_overdue_entity_a_new_deadline(committee: Committee) -> None:
    with_contacts(committee)
    committee.start(
        PROCESS, followup_data(committee, entities=["gem-leuven"], deadline="2026-03-20"), "sara"
    )
    leuven = entity_case(committee, "gem-leuven")
    committee.advance_to(at("2026-03-28T10:00"))
    assert obligations(committee)["gem-leuven"].status == "escalated"
    committee.complete(
        leuven,
        "handle_overdue",
        {
            "overdue_decision": "extend",
            "new_deadline": "2026-04-17",
            "instruction": "Laatste kans.",
        },
        "chris",
    )
    row = obligations(committee)["gem-leuven"]
    assert (row.status, row.deadline.isoformat()) == ("open", "2026-04-17")
    assert committee.task(leuven, "answer_obligation").due_at == at("2026-04-17T21:59")
    committee.complete(
        leuven,
        "answer_obligation",
        {
            "response": "comply",
            "what_done": "Het aanmeldplatform staat op de stadswebsite.",
            "done_on": "2026-03-27",
            "evidence": "https://leuven.be/aanmelden",
        },
        "ines",
    )
    row = obligations(committee)["gem-leuven"]
    assert row.status == "complied"
    assert history(committee, row.id) == ["open", "overdue", "escalated", "open", "complied"]
    assert committee.case(leuven).status == "completed"


def test_a_decision_is_followed_up_once_per_entity(committee: Committee) -> None:
    committee.start(PROCESS, followup_data(committee, entities=["dep-omg"]), "sara")
    again = committee.start(
        PROCESS, followup_data(committee, entities=["gem-gent", "dep-omg"]), "sara"
    )
    assert again.status == "incident"
    [incident] = committee.engine.incidents()
    assert "already followed up for entity dep-omg" in incident.message
    assert sorted(obligations(committee)) == ["dep-omg"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"deadline": "2026-03-01"}, "deadline", "in the past; choose 02-03-2026 or later"),
        ({"deadline": "2029-04-01"}, "deadline", "within 3 years"),
        ({"entities": []}, "entities", "Give 1 to 500 codes"),
        ({"entities": ["dep-omg", "dep-omg"]}, "entities", "Each code may appear only once"),
        ({"entities": "dep-omg"}, "entities", "Enter a list"),
        ({"decision_id": 0}, "decision_id", "from 1 to"),
        ({"decision_text": ""}, "decision_text", "Enter 1 to 20000 characters"),
        ({"focus_domain": "sport"}, "focus_domain", "Choose one of"),
        ({"priority": "high"}, "priority", "Unknown field"),
    ],
)
def test_the_start_form_refuses_bad_input(
    committee: Committee, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        committee.start(PROCESS, followup_data(committee, **changes), "sara")
    assert message in " ".join(refused.value.errors[field])
    assert not committee.cases(PROCESS)


@pytest.mark.parametrize(
    ("answer", "field", "message"),
    [
        ({"response": "comply", "what_done": "Alles gedaan, zie website.", "done_on": "2026-03-01"},
         "evidence", "Required to comply"),
        ({"response": "comply", "what_done": "Alles gedaan, zie website.", "done_on": "2026-03-03",
          "evidence": "https://x.be"}, "done_on", "in the future"),
        ({"response": "explain", "reason": "Geen budget dit jaar.", "risks": "Vertraging.",
          "mitigation": "Doorverwijzing.", "planned_on": "2026-01-31"}, "planned_on",
         "after today"),
        ({"response": "explain", "reason": "Geen budget dit jaar.", "risks": "Vertraging.",
          "mitigation": "Doorverwijzing.", "planned_on": "2026-09-30", "evidence": "https://x.be"},
         "evidence", "Leave empty when explaining"),
        ({"response": "maybe"}, "response", "Choose one of: comply, explain"),
    ],
)  # fmt: skip
def test_the_answer_form_refuses_bad_input(
    committee: Committee, answer: dict[str, Any], field: str, message: str
) -> None:
    with_contacts(committee)
    committee.start(PROCESS, followup_data(committee, entities=["dep-omg"]), "sara")
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(entity_case(committee, "dep-omg"), "answer_obligation", answer, "eva")
    assert message in " ".join(refused.value.errors[field])
    assert obligations(committee)["dep-omg"].status == "open"


# -- the models ------------------------------------------------------------------------------

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
FLOW_NODES = (
    "startEvent", "endEvent", "userTask", "serviceTask", "businessRuleTask", "scriptTask",
    "exclusiveGateway", "parallelGateway", "boundaryEvent", "intermediateCatchEvent",
)  # fmt: skip


def check_model(path: Path) -> None:
    """A follow-up model is complete: a participant per process, DI for every flow node, lane
    and flow, Dutch documentation on each, lanes named by role, every user task in a lane with
    a form and a due date, every start event with a form."""
    root = etree.parse(str(path)).getroot()
    registry = processes.build_registry()
    policy = load_policy(BPMN_DIR / "policy")
    shapes = {s.get("bpmnElement"): s for s in root.iter(f"{BPMNDI}BPMNShape")}
    edges = {e.get("bpmnElement"): e for e in root.iter(f"{BPMNDI}BPMNEdge")}
    participants = {p.get("processRef") for p in root.iter(f"{BPMN}participant")}
    for process in root.iter(f"{BPMN}process"):
        pid = process.get("id")
        assert pid in participants, f"{pid}: no participant"
        assert process.findtext(f"{BPMN}documentation", "").strip(), f"{pid}: no documentation"
        lane_of = {}
        for lane in process.iter(f"{BPMN}lane"):
            assert lane.get("name") in ROLES, f"{pid}: lane {lane.get('name')!r} is no role"
            assert lane.get("id") in shapes, f"{pid}: lane {lane.get('id')} has no shape"
            assert lane.findtext(f"{BPMN}documentation", "").strip()
            for ref in lane.iter(f"{BPMN}flowNodeRef"):
                lane_of[ref.text] = lane.get("name")
        for tag in FLOW_NODES:
            for node in process.iter(f"{BPMN}{tag}"):
                nid = node.get("id")
                assert node.findtext(f"{BPMN}documentation", "").strip(), f"{nid}: no docs"
                shape = shapes.get(nid)
                assert (
                    shape is not None
                    and shape.find("{http://www.omg.org/spec/DD/20100524/DC}Bounds") is not None
                ), f"{nid}: no shape"
                assert nid in lane_of, f"{nid}: not in a lane"
                if tag == "startEvent":
                    assert registry.form_for(pid, nid) is not None, f"{nid}: no start form"
                if tag == "userTask":
                    assert registry.form_for(pid, nid) is not None, f"{nid}: no form"
                    props = {p.get("name") for p in node.iter() if p.get("name") == "due"}
                    assert props or policy.for_task(pid, nid).due, f"{nid}: no due date"
        for flow in process.iter(f"{BPMN}sequenceFlow"):
            fid = flow.get("id")
            assert flow.findtext(f"{BPMN}documentation", "").strip(), f"{fid}: no docs"
            edge = edges.get(fid)
            assert edge is not None, f"{fid}: no edge"
            assert len(edge.findall("{http://www.omg.org/spec/DD/20100524/DI}waypoint")) >= 2


@pytest.mark.parametrize("name", ["comply_or_explain.bpmn", "obligation.bpmn"])
def test_the_model_files_are_complete(name: str) -> None:
    check_model(BPMN_DIR / name)


def test_followup_dates_use_the_policy_time_zone() -> None:
    assert dates.ZONE.key == load_policy(BPMN_DIR / "policy").calendar.timezone


def test_every_follow_up_form_field_is_labelled_in_dutch_and_english() -> None:
    from processes.escalations.forms import FORMS as ESCALATION_FORMS
    from processes.followup.forms import FORMS as FOLLOWUP_FORMS
    from processes.workgroups.forms import FORMS as WORKGROUP_FORMS

    schemas = [*ESCALATION_FORMS.values(), *FOLLOWUP_FORMS.values(), *WORKGROUP_FORMS.values()]
    for schema in schemas:
        for name, field in schema().fields.items():
            for key in ("label", "help"):
                texts = field.metadata.get(key, {})
                assert texts.get("nl") and texts.get("en"), f"{schema.__name__}.{name}: {key}"


def test_every_follow_up_status_has_a_label() -> None:
    from processes.records import followup as records

    statuses = {*records.MANDATE_STATUSES, *records.DOSSIER_STATUSES, *records.OBLIGATION_STATUSES}
    assert statuses <= set(records.STATUS_LABELS)
    assert set(records.ANSWERS) == set(records.ANSWER_LABELS)
