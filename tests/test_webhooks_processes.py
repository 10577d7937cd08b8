"""The committee's own webhook events: a decision recorded, an obligation answered or overdue,
emitted by the service tasks that store them and delivered by the scheduler."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.people.actors import SYSTEM_ACTOR
from processes.records import events
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_process_comply import at, entity_case, followup_data, obligations, with_contacts
from tests.test_process_meeting import MEETING
from tests.test_process_meeting import at as moment
from tests.test_process_topic import admit, topic_data
from tests.test_webhooks import SECRET, Receiver, expected_signature, receiver_fixture  # noqa: F401


@pytest.fixture(autouse=True)
def allow_private(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUURBOORD_WEBHOOK_ALLOW_PRIVATE", "1")


def test_the_committee_offers_its_event_types(committee: Committee) -> None:
    types = committee.engine.webhook_event_types()
    assert list(types) == [
        "be.stuurboord.case.started", "be.stuurboord.task.completed", "be.stuurboord.case.ended",
        "be.stuurboord.incident.opened", "be.stuurboord.decision.recorded",
        "be.stuurboord.obligation.answered", "be.stuurboord.obligation.overdue",
    ]  # fmt: skip
    assert all(set(names) == {"nl", "en"} for names in types.values())


def test_obligation_answered_and_overdue_are_delivered(
    committee: Committee, receiver: Receiver
) -> None:
    with_contacts(committee)
    committee.engine.webhooks.add(
        receiver.url, [events.OBLIGATION_ANSWERED, events.OBLIGATION_OVERDUE], SYSTEM_ACTOR, SECRET
    )
    committee.start(
        "comply_or_explain", followup_data(committee, entities=["dep-omg", "gem-leuven"]), "sara"
    )
    committee.complete(
        entity_case(committee, "dep-omg"),
        "answer_obligation",
        {
            "response": "comply",
            "what_done": "Alle e-loketten gebruiken het platform.",
            "done_on": "2026-02-20",
            "evidence": "https://omgeving.vlaanderen.be/aanmelden",
        },
        "eva",
    )
    committee.run_due()
    [answered] = [got.event for got in receiver.received]
    rows = obligations(committee)
    assert answered["type"] == "be.stuurboord.obligation.answered"
    assert answered["subject"] == f"obligations/{rows['dep-omg'].id}"
    assert answered["data"] == {
        "obligation_id": rows["dep-omg"].id, "decision_id": committee.reference.decision_id, "entity_id": "dep-omg",
        "status": "complied", "deadline": "2026-04-30", "response": "comply", "late": False,
    }  # fmt: skip
    assert "Alle e-loketten" not in receiver.received[0].body.decode()  # no free text

    committee.advance_to(at("2026-04-30T22:01"))  # past the deadline: gem-leuven is overdue
    overdue = receiver.received[-1]
    assert overdue.event["type"] == "be.stuurboord.obligation.overdue"
    assert overdue.event["data"]["entity_id"] == "gem-leuven"
    assert overdue.event["data"]["status"] == "overdue"
    assert overdue.headers["webhook-signature"] == expected_signature(
        SECRET, overdue.headers, overdue.body
    )
    assert len(receiver.received) == 2


def test_a_recorded_decision_is_delivered(committee: Committee, receiver: Receiver) -> None:
    committee.engine.webhooks.add(receiver.url, [events.DECISION_RECORDED], SYSTEM_ACTOR)
    meeting_case, meeting_id = committee.plan_meeting(MEETING)
    meeting = committee.case(meeting_case.id).data["meeting"]
    topic = committee.start("topic", topic_data(title="A: aanmeldplatform"), "sofie").id
    admit(committee, topic, meeting_id)
    committee.advance_to(moment(meeting["freeze_at"]) + timedelta(minutes=1))
    [entry] = committee.case(meeting_case.id).data["agenda"]
    committee.complete(
        meeting_case.id, "order_agenda",
        {"agenda_order": [{"agenda_item_id": entry["agenda_item_id"], "kind": "decision"}]},
        "sara",
    )  # fmt: skip
    committee.advance_to(moment(meeting["starts_at"]) + timedelta(minutes=1))
    assert receiver.received == []
    committee.complete(
        meeting_case.id,
        "record_treatments",
        {
            "attendance": ["chris", "mia", "mo"],
            "treatments": [
                {
                    "agenda_item_id": entry["agenda_item_id"],
                    "outcome": "decided",
                    "decision_text": "Het aanmeldplatform wordt de standaard.",
                    "focus_domain": "common_counter_functions",
                }
            ],
        },
        "sara",
    )
    committee.advance(seconds=10)  # past the lease of the scheduler that ran just now
    [got] = [r.event for r in receiver.received]
    assert got["type"] == "be.stuurboord.decision.recorded"
    assert got["data"]["meeting_id"] == meeting_id
    assert got["data"]["topic_case_id"] == topic
    assert got["data"]["focus_domain"] == "common_counter_functions"
    assert got["subject"] == f"decisions/{got['data']['decision_id']}"
