"""The notifications people wait for, through the real committee processes: the submitter when
a topic is sent back (with the reasons), admitted, declined or decided; the chair when a
decision waits; an entity's contact when a new obligation arrives; the admins when an incident
opens. Each reads in the recipient's language, says "je", and shows no codes, role ids or ISO
dates."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from engine import Engine, Registry
from engine.notify.notifications import render
from engine.storage.models import Notification
from tests import modelkit as m
from tests.helpers import actor
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_process_topic import MEETING_1, admit, hold_meeting, item_of, topic_data, treat

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
ROLE_IDS = re.compile(r"\b(secretariat|chair|entity_contact|submitter|admin)\b")


def sent(engine: Engine, user_id: str, template: str) -> list[dict[str, Any]]:
    """The params of `user_id`'s in-app notifications from `template`, oldest first."""
    with engine.db.read() as session:
        return list(
            session.execute(
                select(Notification.params)
                .where(
                    Notification.user_id == user_id,
                    Notification.template == template,
                    Notification.channel == "inapp",
                )
                .order_by(Notification.id)
            ).scalars()
        )


def read(template: str, params: dict[str, Any], language: str = "nl") -> str:
    subject, body = render(template, language, params)
    text = f"{subject}\n{body}"
    assert not ISO.search(text), text
    assert "(en)" not in text and "(s)" not in text and "{'" not in text, text
    if language == "nl":
        assert not ROLE_IDS.search(text), text
        assert not re.search(r"\b(u|uw)\b", text), text  # one register: je
    return text


def test_sent_back_with_every_failed_condition_and_the_note(committee: Committee) -> None:
    _meeting, meeting_id = committee.plan_meeting(MEETING_1)
    topic = committee.start(
        "topic",
        topic_data(impact="", focus_domains=[], vrd2_priorities=[], target_meeting_id=meeting_id),
        "sofie",
    )
    assert sent(committee.engine, "sofie", "topic_sent_back") == []  # not before the check
    committee.complete(
        topic.id, "confirm_screening", {"screening_note": "Vul de impact aan."}, "sara"
    )
    [params] = sent(committee.engine, "sofie", "topic_sent_back")
    dutch = read("topic_sent_back", params)
    assert "Je onderwerp kan nog niet op de agenda: Eén aanmeldplatform" in dutch
    assert "- Dossier volledig: Het dossier is onvolledig; ontbreekt: impact" in dutch
    assert "- Dient een prioriteit van het strategisch plan" in dutch
    assert "Opmerking van het secretariaat: Vul de impact aan." in dutch
    assert '"Indiening aanpassen of intrekken"' in dutch
    english = read("topic_sent_back", params, "en")
    assert "Your topic cannot go on the agenda yet" in english
    assert "- Dossier complete: The dossier is incomplete" in english
    assert '"Revise or withdraw the submission"' in english


def test_the_chair_hears_a_decision_waits_and_the_submitter_hears_of_admission(
    committee: Committee,
) -> None:
    _meeting, meeting_id = committee.plan_meeting(MEETING_1)
    topic = committee.start("topic", topic_data(target_meeting_id=meeting_id), "sofie")
    committee.complete(topic.id, "confirm_screening", {}, "sara")
    [waiting] = sent(committee.engine, "chris", "decision_waiting")
    dutch = read("decision_waiting", waiting)
    assert "Er wacht een beslissing op je: Eén aanmeldplatform voor lokale besturen" in dutch
    assert "wacht op je beslissing (Beslissen over agendering)" in dutch
    assert re.search(r"Graag tegen \d{1,2} (maart|april) 2026\.", dutch)
    assert "your decision (Decide on the agenda)" in read("decision_waiting", waiting, "en")
    assert sent(committee.engine, "sofie", "topic_admitted") == []

    committee.complete(
        topic.id,
        "chair_decision",
        {"chair_decision": "admit", "chair_meeting_id": meeting_id, "chair_item_kind": "decision"},
        "chris",
    )
    [admitted] = sent(committee.engine, "sofie", "topic_admitted")
    dutch = read("topic_admitted", admitted)
    assert "Je onderwerp staat op de agenda: Eén aanmeldplatform" in dutch
    assert "van de zitting van 26 maart 2026" in dutch and "ter beslissing" in dutch
    assert "meeting of 26 March 2026" in read("topic_admitted", admitted, "en")


def test_declined_with_the_chairs_reason(committee: Committee) -> None:
    topic = committee.start("topic", topic_data(), "sofie")
    committee.complete(topic.id, "confirm_screening", {}, "sara")
    committee.complete(
        topic.id,
        "chair_decision",
        {"chair_decision": "decline", "chair_reason": "Valt buiten het mandaat."},
        "chris",
    )
    [params] = sent(committee.engine, "sofie", "topic_declined")
    dutch = read("topic_declined", params)
    assert "Je onderwerp komt niet op de agenda" in dutch
    assert "Reden: Valt buiten het mandaat." in dutch
    assert "Reason: Valt buiten het mandaat." in read("topic_declined", params, "en")


def test_decided_reaches_the_submitter_and_the_obligation_the_entity_contact(
    committee: Committee,
) -> None:
    meeting_case, meeting_id = committee.plan_meeting(MEETING_1)
    topic = committee.start("topic", topic_data(target_meeting_id=meeting_id), "sofie")
    admit(committee, topic.id, meeting_id)
    hold_meeting(committee, meeting_case.id, MEETING_1)
    treat(
        committee,
        meeting_case.id,
        [
            {
                "agenda_item_id": item_of(committee, topic.id),
                "outcome": "decided",
                "decision_text": "Alle entiteiten gebruiken het aanmeldplatform tegen eind 2026.",
                "binding": True,
                "deadline": "2026-12-31",
                "bound_entities": ["dep-omg", "gem-gent"],
            }
        ],
    )
    [decided] = sent(committee.engine, "sofie", "topic_decided")
    dutch = read("topic_decided", decided)
    assert "Je onderwerp is behandeld: Eén aanmeldplatform" in dutch
    assert "Uitkomst: beslist." in dutch
    assert "Besluit: Alle entiteiten gebruiken het aanmeldplatform" in dutch
    assert "Outcome: decided." in read("topic_decided", decided, "en")

    committee.run_due()  # the follow-up cases start after the steps that ask for them
    committee.run_due()
    [obligation] = sent(committee.engine, "eva", "obligation_new")  # contact of dep-omg
    dutch = read("obligation_new", obligation)
    assert "Nieuw besluit om toe te passen: Departement Omgeving" in dutch
    assert "Laat tegen 31 december 2026 weten" in dutch
    assert '"Pas toe of leg uit"' in dutch
    english = read("obligation_new", obligation, "en")
    assert "By 31 December 2026" in english and '"Comply or explain"' in english


def test_admins_hear_of_a_new_incident_without_the_technical_message(
    engine: Engine, registry: Registry
) -> None:
    actor(engine, "ada", ("admin", None))
    actor(engine, "carla", ("clerk", None))
    engine.deploy_files(
        [
            (
                "steps.bpmn",
                m.definitions(
                    m.process("broken", [m.script("divide", "ratio = 10 / 0"), m.user("after")])
                ),
            )
        ]
    )
    case = engine.start_case("broken", {}, title="Rekensom")
    assert case.status == "incident"
    [params] = sent(engine, "ada", "incident")
    assert sent(engine, "carla", "incident") == []
    dutch = read("incident", params)
    assert "Incident in dossier Rekensom" in dutch
    assert f"(nummer {case.id}) is mislukt" in dutch
    assert "ZeroDivisionError" not in dutch and "division by zero" not in dutch
    assert "Incident in case Rekensom" in read("incident", params, "en")


def test_escalation_and_reminder_texts_say_je_and_count_days_properly() -> None:
    params = {"task_name": {"nl": "Taak", "en": "Task"}, "case_title": "Dossier 1",
              "assignee": "", "days_overdue": 1}  # fmt: skip
    dutch = read("escalation", params)
    assert "is 1 dag over tijd" in dutch and "ligt nu bij jou" in dutch
    assert "is 3 dagen over tijd" in read("escalation", {**params, "days_overdue": 3})
    english = read("escalation", {**params, "days_overdue": 3}, "en")
    assert '"Task"' in english and "3 days overdue" in english
    named = read("escalation", {**params, "assignee": "Hilde Verstraeten"})
    assert "Ze stond op naam van Hilde Verstraeten" in named
    reminder = read(
        "reminder",
        {"task_name": "Taak", "case_title": "D", "due_date": {"nl": "9 maart 2026", "en": "x"}},
    )
    assert "Er wacht een taak op je" in reminder and "9 maart 2026" in reminder
