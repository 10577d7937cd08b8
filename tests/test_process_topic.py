"""The topic process end to end through the engine facade: submission, admission screening
(bpmn/admission.dmn), the chair's decision, the agenda and what follows the treatment; and the
college of chairs' questions (college_question). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import product
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from engine import Forbidden, ValidationFailed
from engine.running.serialization import specs_from_json
from engine.storage.models import Notification, ProcessVersion
from engine.timing import jobs
from processes.records import queries
from processes.topics import forms as topic_forms
from processes.topics.screening import CONDITIONS
from tests.processes_fixtures import BPMN_DIR, Committee, committee_fixture  # noqa: F401

MEETING_1 = date(2026, 3, 26)  # a Thursday; agenda deadline 16 March
MEETING_2 = date(2026, 4, 23)


def topic_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "topic",
        "title": "Eén aanmeldplatform voor lokale besturen",
        "summary": "Lokale besturen bouwen elk een eigen aanmelding; we stellen één platform voor.",
        "question": "Het Stuurorgaan beslist dat alle entiteiten het gemeenschappelijke "
        "aanmeldplatform gebruiken.",
        "impact": "Minder dubbel werk, één aanmelding voor de burger, overgang in 2027.",
        "affected_entities": ["dep-omg", "gem-gent", "gem-leuven"],
        "focus_domains": ["common_counter_functions"],
        "vrd2_priorities": ["mijn_burgerprofiel"],
        "reuses_generic_components": True,
        "creates_generic_components": False,
    }
    data.update(changes)
    return data


def admit(committee: Committee, case_id: int, meeting_id: int, kind: str = "decision") -> None:
    """Secretariat confirms an admissible screening, the chair admits to the meeting."""
    committee.complete(case_id, "confirm_screening", {}, "sara")
    committee.complete(
        case_id,
        "chair_decision",
        {"chair_decision": "admit", "chair_meeting_id": meeting_id, "chair_item_kind": kind},
        "chris",
    )


def hold_meeting(committee: Committee, meeting_case: int, meeting_date: date) -> None:
    """From a planned meeting to the treatment task: freeze, publish as is, meeting day."""
    meeting = committee.case(meeting_case).data["meeting"]
    committee.advance_to(datetime.fromisoformat(meeting["freeze_at"]).astimezone(UTC))
    committee.advance(minutes=2)
    committee.complete(meeting_case, "order_agenda", {}, "sara")
    committee.advance_to(datetime.fromisoformat(meeting["starts_at"]).astimezone(UTC))
    committee.advance(minutes=1)
    committee.task(meeting_case, "record_treatments")


def treat(
    committee: Committee, meeting_case: int, treatments: list[dict[str, Any]]
) -> dict[str, Any]:
    result = committee.complete(
        meeting_case,
        "record_treatments",
        {"attendance": ["chris", "mia", "mo"], "treatments": treatments},
        "sara",
    )
    return result.data["treatment_result"]


def item_of(committee: Committee, topic_case: int) -> int:
    return int(committee.case(topic_case).data["agenda_item"]["agenda_item_id"])


def actions(committee: Committee, case_id: int) -> list[str]:
    return [entry.action for entry in committee.engine.audit_trail(case_id)]


# -- models ------------------------------------------------------------------------------------

MY_PROCESSES = ("topic", "college_question", "meeting")


def test_every_model_deploys_and_every_user_task_has_a_lane_and_a_form(
    committee: Committee,
) -> None:
    deployed = {v.process_id for v in committee.engine.versions()}
    assert set(MY_PROCESSES) <= deployed
    registry = committee.engine.registry
    with committee.engine.db.read() as session:
        rows = session.execute(
            select(ProcessVersion.process_id, ProcessVersion.spec_json).where(
                ProcessVersion.process_id.in_(MY_PROCESSES)
            )
        ).all()
    checked = 0
    for process_id, spec_json in rows:
        spec, _subprocesses = specs_from_json(spec_json)
        for task_spec in spec.task_specs.values():
            kind = type(task_spec).__name__
            if kind in ("UserTask", "ManualTask"):
                assert task_spec.lane, f"{process_id}/{task_spec.bpmn_id} has no lane"
                assert registry.form_for(process_id, task_spec.bpmn_id), (
                    f"{process_id}/{task_spec.bpmn_id} has no form"
                )
                props = task_spec.extensions.get("properties", {})
                policy = committee.engine.policy.for_task(process_id, task_spec.bpmn_id)
                assert props.get("due") or policy.due, f"{task_spec.bpmn_id} has no due date"
                checked += 1
            if kind == "StartEvent" and task_spec.bpmn_id:
                assert task_spec.lane, f"{process_id} start event has no lane"
                assert registry.form_for(process_id, task_spec.bpmn_id)
    assert checked == 10


def test_models_carry_documentation_and_a_diagram_for_every_element() -> None:
    ns = {
        "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
        "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    }
    for name in MY_PROCESSES:
        root = etree.parse(str(BPMN_DIR / f"{name}.bpmn")).getroot()
        process = root.find("bpmn:process", ns)
        assert process is not None
        shapes = {s.get("bpmnElement") for s in root.iterfind(".//bpmndi:BPMNShape", ns)}
        edges = {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", ns)}
        for element in process.iter():
            tag = etree.QName(element).localname
            if tag == "sequenceFlow":
                assert element.get("id") in edges
                assert element.find("bpmn:documentation", ns) is not None
            elif element.getparent() is process and tag not in ("laneSet", "documentation"):
                assert element.get("id") in shapes, f"{name}: {element.get('id')} not drawn"
                assert element.find("bpmn:documentation", ns) is not None
        for lane in process.iterfind(".//bpmn:lane", ns):
            assert lane.get("id") in shapes
            assert lane.get("name") in {
                "submitter",
                "secretariat",
                "chair",
                "member",
                "college_liaison",
            }
        assert root.find("bpmn:collaboration/bpmn:participant", ns) is not None


def _dmn_rules() -> tuple[list[str], list[tuple[list[str], dict[str, str]]]]:
    ns = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
    root = etree.parse(str(BPMN_DIR / "admission.dmn")).getroot()
    table = root.find(".//dmn:decisionTable", ns)
    assert table is not None and table.get("hitPolicy") == "UNIQUE"
    outputs = [o.get("name") for o in table.iterfind("dmn:output", ns)]
    rules = []
    for rule in table.iterfind("dmn:rule", ns):
        inputs = [
            e.findtext("dmn:text", namespaces=ns) for e in rule.iterfind("dmn:inputEntry", ns)
        ]
        values = [
            e.findtext("dmn:text", namespaces=ns) for e in rule.iterfind("dmn:outputEntry", ns)
        ]
        rules.append((inputs, dict(zip(outputs, values, strict=True))))
    return outputs, rules


def test_admission_table_has_exactly_one_rule_for_every_combination() -> None:
    _outputs, rules = _dmn_rules()
    names = list(CONDITIONS)
    for combination in product([True, False], repeat=len(names)):
        matching = [
            out
            for entries, out in rules
            if all(
                e in ("-", "", None) or e == str(v)
                for e, v in zip(entries, combination, strict=True)
            )
        ]
        assert len(matching) == 1, f"{combination}: {len(matching)} rules"
        out = matching[0]
        expected = '"admissible"' if all(combination) else '"not_admissible"'
        assert out["admission_verdict"] == expected
        for name, met in zip(names, combination, strict=True):
            assert out[f"admission_{name}"] == ('"met"' if met else '"not_met"')


# -- admitted and decided ------------------------------------------------------------------------


def test_admitted_treated_and_decided_binding_starts_comply_or_explain(
    committee: Committee,
) -> None:
    meeting_case, meeting_id = committee.plan_meeting(MEETING_1)
    topic = committee.start("topic", topic_data(target_meeting_id=meeting_id), "sofie")
    data = committee.case(topic.id).data
    assert data["submitted_by"] == "sofie"
    assert data["screening"]["verdict"] == "admissible"
    assert data["screening"]["failed"] == []
    assert data["screening"]["rule"] == "R01"
    assert committee.task(topic.id, "confirm_screening").role == "secretariat"

    with pytest.raises(Forbidden):
        committee.complete(topic.id, "confirm_screening", {}, "sofie")
    admit(committee, topic.id, meeting_id)
    item = committee.case(topic.id).data["agenda_item"]
    assert item["placed"] is True and item["meeting_id"] == meeting_id
    with committee.engine.db.read() as session:
        [entry] = queries.agenda(session, meeting_id)
    assert entry.topic_case_id == topic.id and entry.kind == "decision" and entry.position == 1

    hold_meeting(committee, meeting_case.id, MEETING_1)
    result = treat(
        committee,
        meeting_case.id,
        [
            {
                "agenda_item_id": item["agenda_item_id"],
                "outcome": "decided",
                "decision_text": "Alle entiteiten gebruiken het aanmeldplatform tegen eind 2026.",
                "binding": True,
                "deadline": "2026-12-31",
                "bound_entities": ["dep-omg", "gem-gent"],
                "votes_for": 12,
                "votes_against": 1,
                "votes_abstain": 2,
            }
        ],
    )
    assert result["stored"] is True
    [treated] = result["treatments"]
    topic_after = committee.case(topic.id)
    assert topic_after.status == "completed"
    outcome = topic_after.data["outcome"]
    assert outcome["outcome"] == "decided" and outcome["binding"] is True
    assert outcome["decision_id"] == treated["decision_id"]
    follow_up = topic_after.data["follow_up"]
    assert follow_up["process_id"] == "comply_or_explain"
    assert follow_up["data"] == {
        "decision_id": treated["decision_id"],
        "decision_text": "Alle entiteiten gebruiken het aanmeldplatform tegen eind 2026.",
        "deadline": "2026-12-31",
        "entities": ["dep-omg", "gem-gent"],
        "focus_domain": "common_counter_functions",
        "source_case_id": topic.id,
    }
    started = committee.cases("comply_or_explain")
    assert [c.data["decision_id"] for c in started] == [treated["decision_id"]]
    with committee.engine.db.read() as session:
        [decision] = queries.decision_list(session, meeting_id=meeting_id)
    assert decision.binding and decision.entities == ("dep-omg", "gem-gent")
    assert decision.deadline == date(2026, 12, 31)
    trail = actions(committee, topic.id)
    for action in (
        "topic_submitted",
        "screening_recorded",
        "agenda_item_added",
        "message_received",
        "follow_up_started",
        "case_completed",
    ):
        assert action in trail


# -- not admissible, revised ----------------------------------------------------------------------


def test_not_admissible_goes_back_with_every_failed_condition_then_revised_and_admitted(
    committee: Committee,
) -> None:
    _meeting_case, meeting_id = committee.plan_meeting(MEETING_1)
    with pytest.raises(ValidationFailed) as unknown:  # an unknown code never gets in
        committee.start("topic", topic_data(affected_entities=["dep-omg", "nope"]), "sofie")
    assert unknown.value.errors == {
        "affected_entities": [
            "Onbekende overheidsinstantie: nope. Kies uit de lijst. / Unknown entity: nope. "
            "Choose from the list."
        ]
    }
    assert committee.cases("topic") == []
    topic = committee.start(
        "topic",
        topic_data(
            impact="",
            affected_entities=["dep-omg"],
            reuses_generic_components=False,
            focus_domains=[],
            vrd2_priorities=[],
            target_meeting_id=meeting_id,
        ),
        "sofie",
    )
    screening = committee.case(topic.id).data["screening"]
    assert screening["verdict"] == "not_admissible"
    assert screening["failed"] == ["priority", "transversal", "complete"]
    assert screening["rule"] == "R15"  # F, F, F, T
    explained = {c["id"]: c["explanation"]["nl"] for c in screening["conditions"]}
    assert "geen focusdomein" in explained["priority"]
    assert "niet transversaal" in explained["transversal"]
    assert explained["complete"].endswith("ontbreekt: impact.")
    assert "Niet toelaatbaar" in screening["summary"]["nl"]
    assert "missing: impact" in screening["summary"]["en"]
    recorded = [
        e for e in committee.engine.audit_trail(topic.id) if e.action == "screening_recorded"
    ]
    assert recorded[0].changes["verdict"]["after"] == "not_admissible"
    assert "ontbreekt: impact" in recorded[0].reason

    committee.complete(topic.id, "confirm_screening", {"screening_note": "Zie de redenen."}, "sara")
    revise = committee.task(topic.id, "revise_submission")
    assert revise.assignee == "sofie" and revise.lane == "submitter"
    with pytest.raises(Forbidden):
        committee.complete(topic.id, "revise_submission", {"revision_action": "withdraw"}, "tom")
    committee.complete(
        topic.id,
        "revise_submission",
        {
            "revision_action": "resubmit",
            "revision_note": "Impact en prioriteiten toegevoegd.",
            "impact": "Eén aanmelding voor 300 gemeenten.",
            "focus_domains": ["common_counter_functions"],
            "affected_entities": ["dep-omg", "gem-gent"],
        },
        "sofie",
    )
    data = committee.case(topic.id).data
    assert data["screening"]["round"] == 2
    assert data["screening"]["verdict"] == "admissible"
    assert data["summary"] == topic_data()["summary"]  # unchanged fields stay
    admit(committee, topic.id, meeting_id)
    assert committee.case(topic.id).data["agenda_item"]["placed"] is True
    assert actions(committee, topic.id).count("screening_recorded") == 2


def test_submitter_may_withdraw_instead_of_revising(committee: Committee) -> None:
    topic = committee.start("topic", topic_data(summary=" "), "sofie")
    committee.complete(topic.id, "confirm_screening", {}, "sara")
    committee.complete(
        topic.id,
        "revise_submission",
        {"revision_action": "withdraw", "revision_note": "Wordt elders opgenomen."},
        "sofie",
    )
    assert committee.case(topic.id).status == "completed"
    assert committee.tasks(topic.id) == []


def test_late_submission_fails_the_deadline_condition(committee: Committee) -> None:
    _case, meeting_id = committee.plan_meeting(MEETING_1)  # deadline 16 March
    committee.clock.set(datetime(2026, 3, 17, 8, 0, tzinfo=UTC))  # freeze not fired yet
    late = committee.start("topic", topic_data(target_meeting_id=meeting_id), "sofie")
    screening = committee.case(late.id).data["screening"]
    assert screening["failed"] == ["on_time"]
    [on_time] = [c for c in screening["conditions"] if c["id"] == "on_time"]
    assert "na de agenderingsdeadline van 16 maart 2026" in on_time["explanation"]["nl"]
    assert "after the agenda deadline of 16 March 2026" in on_time["explanation"]["en"]
    assert screening["inputs"]["received_on"] == "2026-03-17"
    committee.run_due()  # the agenda freezes
    closed = committee.start("topic", topic_data(target_meeting_id=meeting_id), "tom")
    [on_time] = [
        c for c in committee.case(closed.id).data["screening"]["conditions"] if c["id"] == "on_time"
    ]
    assert on_time["met"] is False and "al afgesloten" in on_time["explanation"]["nl"]
    with pytest.raises(ValidationFailed) as unknown:  # refused before a case starts
        committee.start("topic", topic_data(target_meeting_id=999), "tom")
    assert unknown.value.errors == {
        "target_meeting_id": [
            "Onbekende zitting: 999. Kies een zitting uit de lijst. / Unknown meeting: 999. "
            "Choose a meeting from the list."
        ]
    }


def test_a_topic_started_by_another_process_is_revised_by_the_secretariat(
    committee: Committee,
) -> None:
    now = committee.clock.now()
    data = {  # the shape processes.followup.agenda uses; not validated by a form on the way in
        "kind": "escalation",
        "title": "Uitleg van Departement Omgeving niet aanvaard",
        "summary": "De uitleg volstaat niet.",
        "question_or_proposal": "Het Stuurorgaan beslist over de verdere aanpak.",
        "impact": "Vertraging van de uitrol.",
        "affected_entities": ["dep-omg"],
        "focus_domains": ["data"],
        "origin": {"process": "obligation", "case_id": 999},
    }
    with committee.engine.db.write() as session:
        jobs.add(
            session,
            [
                jobs.job_row(
                    key="start:test:topic",
                    kind=jobs.START,
                    due_at=now,
                    now=now,
                    payload={"process_id": "topic", "data": data, "title": data["title"]},
                )
            ],
        )
    committee.run_due()
    [topic] = committee.cases("topic")
    facts = topic.data["screening_facts"]
    assert topic.data["submitted_by"] is None
    assert facts["question"] == data["question_or_proposal"] and facts["vrd2_priorities"] == []
    assert topic.data["screening"]["failed"] == ["transversal"]
    committee.complete(topic.id, "confirm_screening", {}, "sara")
    revise = committee.task(topic.id, "revise_for_origin")
    assert revise.role == "secretariat" and revise.assignee is None
    committee.complete(
        topic.id,
        "revise_for_origin",
        {"revision_action": "resubmit", "affected_entities": ["dep-omg", "dep-wvg"]},
        "sara",
    )
    assert committee.case(topic.id).data["screening"]["verdict"] == "admissible"
    committee.complete(topic.id, "confirm_screening", {}, "sara")
    committee.complete(
        topic.id,
        "chair_decision",
        {"chair_decision": "decline", "chair_reason": "Eerst bilateraal overleg."},
        "chris",
    )
    assert committee.case(topic.id).status == "completed"  # no one to acknowledge


# -- declined, deferred ----------------------------------------------------------------------------


def test_declined_topic_informs_the_submitter_with_the_reason(committee: Committee) -> None:
    topic = committee.start("topic", topic_data(), "sofie")
    committee.complete(topic.id, "confirm_screening", {}, "sara")
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(topic.id, "chair_decision", {"chair_decision": "decline"}, "chris")
    assert "chair_reason" in refused.value.errors
    committee.complete(
        topic.id,
        "chair_decision",
        {"chair_decision": "decline", "chair_reason": "Valt buiten het mandaat."},
        "chris",
    )
    task = committee.task(topic.id, "acknowledge_decline")
    assert task.assignee == "sofie"
    assert committee.case(topic.id).data["chair_reason"] == "Valt buiten het mandaat."
    committee.complete(
        topic.id, "acknowledge_decline", {"submitter_reaction": "Begrepen."}, "sofie"
    )
    assert committee.case(topic.id).status == "completed"


def test_chair_defers_to_a_date_and_decides_again_when_the_timer_fires(
    committee: Committee,
) -> None:
    topic = committee.start("topic", topic_data(), "sofie")
    committee.complete(topic.id, "confirm_screening", {}, "sara")
    committee.complete(
        topic.id,
        "chair_decision",
        {"chair_decision": "defer", "chair_defer_until": "2026-04-01", "chair_reason": "Na Pasen."},
        "chris",
    )
    assert committee.tasks(topic.id) == []
    assert committee.case(topic.id).data["deferral"]["until"] == "2026-04-01"
    committee.advance_to(datetime(2026, 4, 1, 6, 0, tzinfo=UTC))  # 08:00 in Brussels
    assert committee.tasks(topic.id) == []
    committee.advance(hours=1, minutes=5)  # past 09:00 Brussels
    assert committee.task(topic.id, "chair_decision").role == "chair"
    assert "timer_fired" in actions(committee, topic.id)


def test_deferred_at_the_meeting_goes_back_onto_the_next_meeting(committee: Committee) -> None:
    first_case, first = committee.plan_meeting(MEETING_1)
    second_case, second = committee.plan_meeting(MEETING_2)
    topic = committee.start("topic", topic_data(target_meeting_id=first), "sofie")
    admit(committee, topic.id, first)
    hold_meeting(committee, first_case.id, MEETING_1)
    treat(
        committee,
        first_case.id,
        [
            {
                "agenda_item_id": item_of(committee, topic.id),
                "outcome": "deferred",
                "note": "Eerst advies van de werkgroep.",
            }
        ],
    )
    assert committee.case(topic.id).data["outcome"]["outcome"] == "deferred"
    committee.complete(
        topic.id,
        "chair_decision",
        {"chair_decision": "admit", "chair_meeting_id": second, "chair_item_kind": "discussion"},
        "chris",
    )
    with committee.engine.db.read() as session:
        history = queries.agenda_items_of_topic(session, topic.id)
        [on_second] = queries.agenda(session, second)
    assert [(e.meeting_id, e.status) for e in history] == [
        (first, "deferred"),
        (second, "scheduled"),
    ]
    assert on_second.topic_case_id == topic.id and on_second.kind == "discussion"
    hold_meeting(committee, second_case.id, MEETING_2)
    treat(
        committee,
        second_case.id,
        [{"agenda_item_id": on_second.agenda_item_id, "outcome": "noted"}],
    )
    assert committee.case(topic.id).status == "completed"


def test_a_meeting_whose_agenda_closed_is_refused_on_the_chairs_form(committee: Committee) -> None:
    first_case, first = committee.plan_meeting(MEETING_1)
    _second_case, second = committee.plan_meeting(MEETING_2)
    topic = committee.start("topic", topic_data(), "sofie")
    committee.complete(topic.id, "confirm_screening", {}, "sara")
    committee.advance_to(datetime(2026, 3, 17, 8, 0, tzinfo=UTC))  # meeting 1 agenda frozen
    task = committee.task(topic.id, "chair_decision")
    with pytest.raises(ValidationFailed) as closed:  # refused before the task completes
        committee.complete(
            topic.id,
            "chair_decision",
            {"chair_decision": "admit", "chair_meeting_id": first},
            "chris",
        )
    assert "haar agenda is al afgesloten" in closed.value.errors["chair_meeting_id"][0]
    assert committee.task(topic.id, "chair_decision").id == task.id
    assert "agenda_item" not in committee.case(topic.id).data
    committee.complete(
        topic.id, "chair_decision", {"chair_decision": "admit", "chair_meeting_id": second}, "chris"
    )
    assert committee.case(topic.id).data["agenda_item"]["meeting_id"] == second
    assert first_case.id != topic.id


# -- outcome reminders -----------------------------------------------------------------------------


def test_missing_outcome_reminds_the_secretariat_then_escalates_to_the_chair(
    committee: Committee,
) -> None:
    _meeting_case, meeting_id = committee.plan_meeting(MEETING_1)
    topic = committee.start("topic", topic_data(target_meeting_id=meeting_id), "sofie")
    admit(committee, topic.id, meeting_id)
    check_at = datetime.fromisoformat(committee.case(topic.id).data["outcome_watch"]["check_at"])
    assert check_at.date() == date(2026, 4, 2)  # a week after the meeting day
    committee.advance_to(check_at.astimezone(UTC))
    committee.advance(minutes=1)
    assert committee.case(topic.id).data["outcome_reminders"] == 1
    committee.advance(days=7, minutes=1)
    assert committee.case(topic.id).data["outcome_reminders"] == 2
    with committee.engine.db.read() as session:
        rows = session.execute(
            select(Notification.user_id, Notification.template).where(
                Notification.case_id == topic.id, Notification.channel == "inapp"
            )
        ).all()
    templates = {(user, template) for user, template in rows}
    assert ("sara", "reminder") in templates
    assert ("chris", "escalation") in templates
    assert committee.case(topic.id).status == "running"


# -- questions from the college of chairs --------------------------------------------------------


def test_question_from_the_college_is_admitted_treated_and_answered(committee: Committee) -> None:
    meeting_case, meeting_id = committee.plan_meeting(MEETING_1)
    with pytest.raises(Forbidden):
        committee.start("college_question", {"title": "x", "question": "y"}, "sofie")
    asked = committee.start(
        "college_question",
        {
            "title": "Stand van zaken Mijn Burgerprofiel bij lokale besturen",
            "question": "Hoeveel lokale besturen gebruiken Mijn Burgerprofiel al?",
            "summary": "Het Voorzitterscollege wil de adoptie kennen.",
            "impact": "Input voor de begrotingsopmaak.",
            "affected_entities": ["gem-gent", "gem-leuven"],
            "vrd2_priorities": ["mijn_burgerprofiel"],
            "target_meeting_id": meeting_id,
        },
        "cleo",
    )
    assert committee.case(asked.id).data["asked_by"] == "cleo"
    [topic] = committee.cases("topic")
    assert topic.data["kind"] == "question" and topic.data["college_case_id"] == asked.id
    assert topic.data["submitted_by"] == "cleo"
    assert topic.data["screening"]["verdict"] == "admissible"
    direct = committee.start("topic", topic_data(kind="question"), "sofie")
    admit(committee, topic.id, meeting_id, kind="discussion")
    admit(committee, direct.id, meeting_id, kind="discussion")
    hold_meeting(committee, meeting_case.id, MEETING_1)
    treat(
        committee,
        meeting_case.id,
        [
            {"agenda_item_id": item_of(committee, topic.id), "outcome": "noted"},
            {"agenda_item_id": item_of(committee, direct.id), "outcome": "noted"},
        ],
    )
    committee.complete(
        topic.id,
        "record_answer",
        {"answer": "182 van de 300 lokale besturen gebruiken Mijn Burgerprofiel."},
        "sara",
    )
    assert committee.case(topic.id).status == "completed"
    read = committee.task(asked.id, "read_answer")
    assert read.assignee == "cleo" and read.lane == "college_liaison"
    answer = committee.case(asked.id).data["answer"]
    assert answer["answer"].startswith("182 van de 300") and answer["topic_case_id"] == topic.id
    committee.complete(asked.id, "read_answer", {}, "cleo")
    assert committee.case(asked.id).status == "completed"
    # a question submitted directly: the one who asked is notified
    committee.complete(direct.id, "record_answer", {"answer": "Zie de nota."}, "sara")
    assert committee.case(direct.id).status == "completed"
    with committee.engine.db.read() as session:
        users = session.execute(
            select(Notification.user_id).where(
                Notification.case_id == direct.id, Notification.template == "task_assigned"
            )
        ).scalars()
        assert set(users) == {"sofie"}


# -- forms ---------------------------------------------------------------------------------------


def test_forms_refuse_unknown_fields_long_text_and_past_dates_with_clear_messages(
    committee: Committee,
) -> None:
    with pytest.raises(ValidationFailed) as unknown:
        committee.start("topic", topic_data(submitted_by="chris"), "sofie")
    assert unknown.value.errors == {
        "submitted_by": [
            "Onbekend veld: dit formulier kent het niet. / Unknown field: not part of this form."
        ]
    }
    with pytest.raises(ValidationFailed) as long_text:
        committee.start("topic", topic_data(title="x" * 201, summary="y" * 4001), "sofie")
    assert long_text.value.errors["title"] == [
        "Te lang: ten hoogste 200 tekens. / Too long: at most 200 characters."
    ]
    assert "4000" in long_text.value.errors["summary"][0]
    with pytest.raises(ValidationFailed) as bad_codes:
        committee.start("topic", topic_data(focus_domains=["astrology"], kind="gossip"), "sofie")
    assert "Kies uit" in bad_codes.value.errors["focus_domains"][0][0]
    assert "topic, escalation, question" in bad_codes.value.errors["kind"][0]
    with pytest.raises(ValidationFailed) as blank:
        committee.start("topic", topic_data(title="   "), "sofie")
    assert "alleen spaties" in blank.value.errors["title"][0]
    assert committee.cases("topic") == []

    topic = committee.start("topic", topic_data(), "sofie")
    committee.complete(topic.id, "confirm_screening", {}, "sara")
    with pytest.raises(ValidationFailed) as past:
        committee.complete(
            topic.id,
            "chair_decision",
            {"chair_decision": "defer", "chair_defer_until": "2026-03-01"},
            "chris",
        )
    assert past.value.errors["chair_defer_until"] == [
        "Deze datum (01-03-2026) ligt in het verleden; kies 02-03-2026 of later. / This date is "
        "in the past; choose 02-03-2026 or later."
    ]
    with pytest.raises(ValidationFailed) as today:
        committee.complete(
            topic.id,
            "chair_decision",
            {"chair_decision": "defer", "chair_defer_until": "2026-03-02"},
            "chris",
        )
    assert "na vandaag" in today.value.errors["chair_defer_until"][0]
    with pytest.raises(ValidationFailed) as missing:
        committee.complete(topic.id, "chair_decision", {"chair_decision": "admit"}, "chris")
    assert missing.value.errors["chair_meeting_id"] == [
        "Verplicht om te agenderen. / Required to admit."
    ]


def test_every_form_field_has_dutch_and_english_labels() -> None:
    schemas = [*topic_forms.TOPIC_FORMS.values(), *topic_forms.COLLEGE_FORMS.values()]
    for schema in schemas:
        for name, field in schema().fields.items():
            label = field.metadata.get("label", {})
            assert label.get("nl") and label.get("en"), f"{schema.__name__}.{name}"
