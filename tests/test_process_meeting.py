"""The meeting process end to end through the engine facade: planning, the agenda freezing at
its deadline, ordering and publishing, treatments and decisions, the outcome messages to the
topic cases, the report to the college of chairs and the approval of the minutes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import Forbidden, ValidationFailed
from engine.storage.models import Notification
from processes.meetings import forms as meeting_forms
from processes.meetings import treatments
from processes.records import queries
from processes.records.models import AgendaItem, Treatment
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_process_topic import admit, topic_data

MEETING = date(2026, 3, 26)


def notified(committee: Committee, case_id: int, template: str) -> set[str]:
    with committee.engine.db.read() as session:
        rows = session.execute(
            select(Notification.user_id).where(
                Notification.case_id == case_id,
                Notification.template == template,
                Notification.channel == "inapp",
            )
        ).scalars()
        return set(rows)


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).astimezone(UTC)


def three_topics(committee: Committee, meeting_id: int) -> tuple[int, int, int]:
    a = committee.start("topic", topic_data(title="A: aanmeldplatform"), "sofie").id
    b = committee.start("topic", topic_data(title="B: datastandaarden"), "tom").id
    c = committee.start("topic", topic_data(title="C: budget VRD2", kind="escalation"), "sofie").id
    for case_id in (a, b, c):
        admit(committee, case_id, meeting_id)
    return a, b, c


def test_a_meeting_from_planning_to_approved_minutes(committee: Committee) -> None:
    meeting_case, meeting_id = committee.plan_meeting(MEETING)
    meeting = committee.case(meeting_case.id).data["meeting"]
    assert meeting["agenda_deadline"] == "2026-03-16"  # 10 days before, by default
    assert meeting["freeze_at"] == "2026-03-16T22:59:00+00:00"  # 23:59 in Brussels
    assert meeting["starts_at"] == "2026-03-26T09:00:00+00:00"  # 10:00 in Brussels
    a, b, c = three_topics(committee, meeting_id)
    with committee.engine.db.read() as session:
        assert [e.topic_case_id for e in queries.agenda(session, meeting_id)] == [a, b, c]
        assert [m.meeting_id for m in queries.open_meetings(session, committee.today())] == [
            meeting_id
        ]

    committee.advance_to(at(meeting["freeze_at"]) - timedelta(minutes=1))
    assert committee.tasks(meeting_case.id) == []
    committee.advance(minutes=2)
    frozen = committee.case(meeting_case.id).data["agenda"]
    assert [item["topic_case_id"] for item in frozen] == [a, b, c]
    order = committee.task(meeting_case.id, "order_agenda")
    assert order.due_at == datetime(2026, 3, 21, 22, 59, tzinfo=UTC)  # 5 days before, 23:59
    item = {entry["topic_case_id"]: entry["agenda_item_id"] for entry in frozen}
    committee.complete(
        meeting_case.id,
        "order_agenda",
        {
            "agenda_order": [
                {"agenda_item_id": item[c], "kind": "discussion", "public": False},
                {"agenda_item_id": item[a], "kind": "decision"},
            ],
            "agenda_note": "Punt C is vertrouwelijk.",
        },
        "sara",
    )
    with committee.engine.db.read() as session:
        agenda = queries.agenda(session, meeting_id)
        status = queries.meeting(session, meeting_id)
    assert [(e.topic_case_id, e.position, e.kind, e.public) for e in agenda] == [
        (c, 1, "discussion", False),
        (a, 2, "decision", True),
        (b, 3, "decision", True),
    ]
    assert status is not None and status.status == "published"
    assert notified(committee, meeting_case.id, "agenda_published") == {"mia", "mo", "chris"}

    committee.advance_to(at(meeting["starts_at"]))
    committee.advance(minutes=1)
    record = committee.task(meeting_case.id, "record_treatments")
    assert record.role == "secretariat" and record.due_at is not None
    result = committee.complete(
        meeting_case.id,
        "record_treatments",
        {
            "attendance": ["chris", "mia", "mo"],
            "treatments": [
                {
                    "agenda_item_id": item[a],
                    "outcome": "decided",
                    "decision_text": "Het aanmeldplatform wordt de standaard.",
                    "focus_domain": "common_counter_functions",
                    "votes_for": 10,
                },
                {
                    "agenda_item_id": item[b],
                    "outcome": "working_group",
                    "working_group_id": "wg-data",
                    "wg_question": "Welke datastandaarden leggen we op?",
                    "wg_deliverable": "Voorstel van standaarden",
                    "wg_due_date": "2026-06-30",
                },
                {
                    "agenda_item_id": item[c],
                    "outcome": "escalated",
                    "escalation_summary": "Het budget voor VRD2 volstaat niet.",
                    "decision_needed": "Bijkomend budget van 2 miljoen euro.",
                },
            ],
            "minutes_note": "Goede zitting.",
        },
        "sara",
    ).data["treatment_result"]
    assert result["stored"] is True
    assert {t["outcome"] for t in result["treatments"]} == {"decided", "working_group", "escalated"}

    # each topic case received its outcome and moved on
    assert committee.case(a).status == "completed"
    assert "follow_up" not in committee.case(a).data  # not binding: nothing to follow up
    assert committee.case(b).data["follow_up"]["data"] == {
        "topic_case_id": b,
        "working_group_id": "wg-data",
        "question": "Welke datastandaarden leggen we op?",
        "focus_domain": "common_counter_functions",
        "deliverable": "Voorstel van standaarden",
        "due_date": "2026-06-30",
    }
    assert committee.case(c).data["follow_up"]["data"] == {
        "topic_case_id": c,
        "title": "C: budget VRD2",
        "summary": "Het budget voor VRD2 volstaat niet.",
        "decision_needed": "Bijkomend budget van 2 miljoen euro.",
    }
    assert [x.data["topic_case_id"] for x in committee.cases("working_group_assignment")] == [b]
    assert [x.data["topic_case_id"] for x in committee.cases("government_escalation")] == [c]

    # the decision list went to the college of chairs
    report = committee.case(meeting_case.id).data["college_report"]
    assert [d["topic_case_id"] for d in report["decisions"]] == [a]
    assert report["notified"] == ["cleo"]
    assert notified(committee, meeting_case.id, "decisions_reported") >= {"cleo"}
    with committee.engine.db.read() as session:
        assert queries.meeting(session, meeting_id).reported_at is not None  # type: ignore[union-attr]
        assert [e.outcome for e in queries.agenda(session, meeting_id)] == [
            "escalated",
            "decided",
            "working_group",
        ]

    approve = committee.task(meeting_case.id, "approve_minutes")
    assert approve.due_at == datetime(2026, 5, 10, 8, 1, tzinfo=UTC)  # P45D, 10:01 in Brussels
    committee.complete(
        meeting_case.id,
        "approve_minutes",
        {"minutes_approved_on": "2026-03-26", "minutes_reference": "PV-2026-03"},
        "sara",
    )
    assert committee.case(meeting_case.id).status == "completed"
    with committee.engine.db.read() as session:
        final = queries.meeting(session, meeting_id)
    assert final is not None and final.status == "minutes_approved"
    assert final.minutes_approved_on == date(2026, 3, 26)
    trail = [e.action for e in committee.engine.audit_trail(meeting_case.id)]
    for action in (
        "meeting_planned",
        "meeting_agenda_frozen",
        "agenda_item_changed",
        "meeting_published",
        "agenda_published",
        "meeting_held",
        "treatment_recorded",
        "decision_recorded",
        "decisions_reported",
        "minutes_approved",
    ):
        assert action in trail, action


def _to_treatments(committee: Committee, meeting_case: int) -> dict[str, Any]:
    meeting = committee.case(meeting_case).data["meeting"]
    committee.advance_to(at(meeting["freeze_at"]) + timedelta(minutes=1))
    committee.complete(meeting_case, "order_agenda", {}, "sara")
    committee.advance_to(at(meeting["starts_at"]) + timedelta(minutes=1))
    return meeting


def test_incomplete_treatments_are_refused_before_anything_is_stored(committee: Committee) -> None:
    meeting_case, meeting_id = committee.plan_meeting(MEETING, agenda_deadline=date(2026, 3, 20))
    assert committee.case(meeting_case.id).data["meeting"]["agenda_deadline"] == "2026-03-20"
    a, b, _c = three_topics(committee, meeting_id)
    _to_treatments(committee, meeting_case.id)
    with committee.engine.db.read() as session:
        items = {e.topic_case_id: e.agenda_item_id for e in queries.agenda(session, meeting_id)}
    task = committee.task(meeting_case.id, "record_treatments")
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(
            meeting_case.id,
            "record_treatments",
            {
                "treatments": [
                    {"agenda_item_id": items[a], "outcome": "noted"},
                    {
                        "agenda_item_id": items[b],
                        "outcome": "working_group",
                        "working_group_id": "wg-x",
                        "wg_question": "?",
                        "wg_deliverable": "!",
                        "wg_due_date": "2026-05-01",
                    },
                    {"agenda_item_id": 999, "outcome": "noted"},
                ]
            },
            "sara",
        )
    errors = refused.value.errors
    assert errors["treatments"] == [
        "Geef een behandeling voor agendapunt „C: budget VRD2”. / Give a treatment for agenda "
        "item „C: budget VRD2”."
    ]
    assert errors["treatments.2.agenda_item_id"] == [
        "Dit agendapunt staat niet (meer) op deze agenda. / "
        "This agenda item is not (or no longer) on this agenda."
    ]
    assert "Unknown working group: wg-x." in errors["treatments.1.working_group_id"][0]
    assert committee.task(meeting_case.id, "record_treatments").id == task.id
    assert "treatment_result" not in committee.case(meeting_case.id).data
    with committee.engine.db.read() as session:
        assert session.execute(select(func.count()).select_from(Treatment)).scalar_one() == 0
    assert committee.case(a).status == "running"


def test_treatment_problems_name_agenda_items_by_place_and_title(committee: Committee) -> None:
    """The service's own check (the safety net after the form's): agenda items by their place
    and title, never an agenda item id, a working-group id or an entity code."""
    meeting_case, meeting_id = committee.plan_meeting(MEETING, agenda_deadline=date(2026, 3, 20))
    a, b, _c = three_topics(committee, meeting_id)
    _other_case, other_meeting = committee.plan_meeting(date(2026, 4, 23))
    elsewhere = committee.start("topic", topic_data(title="D: elders"), "sofie").id
    _to_treatments(committee, meeting_case.id)
    with committee.engine.db.write() as session:
        stray = AgendaItem(
            meeting_id=other_meeting, topic_case_id=elsewhere, position=1, kind="decision",
            title="D: elders", status="scheduled", added_at=committee.clock.now(),
        )  # fmt: skip
        session.add(stray)
        session.flush()
        stray_id = stray.id
    with committee.engine.db.read() as session:
        items = {e.topic_case_id: e.agenda_item_id for e in queries.agenda(session, meeting_id)}
        scheduled = list(
            session.execute(
                select(AgendaItem)
                .where(AgendaItem.meeting_id == meeting_id, AgendaItem.status == "scheduled")
                .order_by(AgendaItem.position)
            ).scalars()
        )
        entries = [
            {"agenda_item_id": items[a], "outcome": "working_group", "working_group_id": "wg-x"},
            {
                "agenda_item_id": items[b],
                "outcome": "decided",
                "binding": True,
                "bound_entities": ["gem-x", "dep-y", "dep-omg"],
            },
            {"agenda_item_id": stray_id, "outcome": "noted"},
        ]
        found = treatments._problems(SimpleNamespace(session=session), scheduled, entries)  # type: ignore[arg-type]
    assert [p["nl"] for p in found] == [
        "Geen behandeling voor agendapunt 3 („C: budget VRD2”).",
        "Niet op deze agenda: „D: elders”.",
        "Agendapunt 1 („A: aanmeldplatform”): de gekozen werkgroep bestaat niet (meer). Kies "
        "een werkgroep uit de lijst.",
        "Agendapunt 2 („B: datastandaarden”): 2 gekozen overheidsinstanties zijn onbekend. Kies "
        "ze uit de lijst.",
    ]
    assert found[0]["en"] == "No treatment for agenda item 3 („C: budget VRD2”)."


def test_an_unknown_item_in_the_order_comes_back_to_the_secretariat(committee: Committee) -> None:
    meeting_case, meeting_id = committee.plan_meeting(MEETING)
    meeting = committee.case(meeting_case.id).data["meeting"]
    three_topics(committee, meeting_id)
    committee.advance_to(at(meeting["freeze_at"]) + timedelta(minutes=1))
    publication = committee.complete(
        meeting_case.id,
        "order_agenda",
        {"agenda_order": [{"agenda_item_id": 4242, "kind": "decision"}]},
        "sara",
    ).data["publication"]
    assert publication["published"] is False
    assert publication["problems"][0]["nl"] == (
        "De volgorde noemt een agendapunt dat niet (meer) op de agenda van deze zitting staat."
    )  # never its number
    committee.complete(meeting_case.id, "order_agenda", {}, "sara")
    with committee.engine.db.read() as session:
        assert queries.meeting(session, meeting_id).status == "published"  # type: ignore[union-attr]


def test_meeting_forms_refuse_past_dates_late_deadlines_and_bad_treatments(
    committee: Committee,
) -> None:
    with pytest.raises(ValidationFailed) as past:
        committee.plan_meeting(date(2026, 2, 27))
    assert "ligt in het verleden" in past.value.errors["meeting_date"][0]
    with pytest.raises(ValidationFailed) as late:
        committee.plan_meeting(MEETING, agenda_deadline=date(2026, 3, 27))
    assert late.value.errors["agenda_deadline"] == [
        "De agenderingsdeadline moet vóór of op de dag van de zitting liggen. / The agenda "
        "deadline must be on or before the meeting date."
    ]
    with pytest.raises(ValidationFailed) as unknown:
        committee.start(
            "meeting",
            {"title": "Z", "meeting_date": "2026-04-01", "location": "Brussel", "room": "1"},
            "sara",
        )
    assert "Onbekend veld" in unknown.value.errors["room"][0]
    with pytest.raises(Forbidden):
        committee.start(
            "meeting", {"title": "Z", "meeting_date": "2026-04-01", "location": "B"}, "sofie"
        )
    with pytest.raises(ValidationFailed) as far:
        committee.plan_meeting(date(2036, 3, 26))
    assert "meer dan 5 jaar" in far.value.errors["meeting_date"][0]

    form = meeting_forms.RecordTreatmentsForm()
    errors = form.validate(
        {
            "treatments": [
                {
                    "agenda_item_id": 1,
                    "outcome": "decided",
                    "binding": True,
                    "decision_text": "x",
                    "deadline": "2026-03-01",
                    "bound_entities": ["dep-omg"],
                },
                {"agenda_item_id": 2, "outcome": "decided", "binding": True},
                {"agenda_item_id": 3, "outcome": "noted", "binding": True},
                {"agenda_item_id": 4, "outcome": "escalated", "note": "x" * 2001},
            ]
        }
    )
    first, second, third, fourth = (errors["treatments"][i] for i in range(4))
    assert first == {
        "deadline": [
            "Deze datum (01-03-2026) ligt in het verleden; kies 02-03-2026 of later. / "
            "This date is in the past; choose 02-03-2026 or later."
        ]
    }
    assert set(second) == {"decision_text", "deadline", "bound_entities"}
    assert third["binding"] == [
        "Alleen een besluit kan bindend zijn. / Only a decision can be binding."
    ]
    assert fourth == {
        "note": ["Te lang: ten hoogste 2000 tekens. / Too long: at most 2000 characters."]
    }
    duplicate = form.validate({"treatments": [{"agenda_item_id": 1, "outcome": "noted"}] * 2})
    assert "maar één keer" in duplicate["treatments"][0]


def test_every_meeting_form_field_has_dutch_and_english_labels() -> None:
    for schema in [
        *meeting_forms.MEETING_FORMS.values(),
        meeting_forms.TreatmentEntryForm,
        meeting_forms.AgendaEntryForm,
    ]:
        for name, field in schema().fields.items():
            label = field.metadata.get("label", {})
            assert label.get("nl") and label.get("en"), f"{schema.__name__}.{name}"
