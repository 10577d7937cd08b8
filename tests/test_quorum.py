"""Quorum and votes: the quorum (processes.meetings.quorum): an outcome "decided" without enough seats present is
refused with an error naming the agenda item; nothing is stored; with the quorum it goes
through. The setting: majority (default), a fraction, a number. A vote held (secret or open)
is stored with the treatment and published as a besluit:Stemming."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import RDF
from sqlalchemy import func, select

from engine import ValidationFailed
from processes.meetings import quorum
from processes.records import oslo, queries
from processes.records.models import Meeting, MeetingAttendance, Treatment
from processes.records.oslo import BESLUIT
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_process_meeting import MEETING, _to_treatments, three_topics


def _entries(items: dict[int, int], a: int, b: int, c: int) -> list[dict[str, object]]:
    return [
        {"agenda_item_id": items[a], "outcome": "decided", "decision_text": "Zo beslist."},
        {"agenda_item_id": items[b], "outcome": "noted"},
        {"agenda_item_id": items[c], "outcome": "noted"},
    ]


def test_a_decision_without_quorum_is_refused_naming_the_item(committee: Committee) -> None:
    meeting_case, meeting_id = committee.plan_meeting(MEETING, agenda_deadline=date(2026, 3, 20))
    a, b, c = three_topics(committee, meeting_id)
    _to_treatments(committee, meeting_case.id)
    with committee.engine.db.read() as session:
        agenda = queries.agenda(session, meeting_id)
    items = {e.topic_case_id: e.agenda_item_id for e in agenda}
    title = next(e.title for e in agenda if e.topic_case_id == a)
    # three seats (chris, mia, mo): one present, and sofie holds no seat
    with pytest.raises(ValidationFailed) as refused:
        committee.complete(
            meeting_case.id,
            "record_treatments",
            {"attendance": ["chris", "sofie"], "treatments": _entries(items, a, b, c)},
            "sara",
        )
    [message] = refused.value.errors["treatments.0.outcome"]
    assert f"Geen quorum voor agendapunt „{title}”: 1 van de 3 leden aanwezig" in message
    assert "2 needed to decide" in message
    assert "treatments.1.outcome" not in refused.value.errors  # noted needs no quorum
    with committee.engine.db.read() as session:
        assert session.execute(select(func.count()).select_from(Treatment)).scalar_one() == 0
    committee.complete(
        meeting_case.id,
        "record_treatments",
        {"attendance": ["chris", "mo"], "treatments": _entries(items, a, b, c)},
        "sara",
    )
    with committee.engine.db.read() as session:
        assert session.execute(select(func.count()).select_from(Treatment)).scalar_one() == 3


@pytest.mark.parametrize(
    ("seats", "setting", "needed"),
    [(21, "majority", 11), (20, "majority", 11), (21, "2/3", 14), (21, "12", 12), (3, "", 2)],
)
def test_the_setting(seats: int, setting: str, needed: int) -> None:
    assert quorum.required(seats, setting) == needed


@pytest.mark.parametrize("setting", ["half", "3/2", "0", "-1"])
def test_a_wrong_setting_says_what_it_expects(setting: str) -> None:
    with pytest.raises(quorum.QuorumSettingError, match="expected 'majority'"):
        quorum.required(21, setting)


def test_a_held_secret_vote_is_stored_and_published_as_a_stemming(committee: Committee) -> None:
    meeting_case, meeting_id = committee.plan_meeting(MEETING, agenda_deadline=date(2026, 3, 20))
    a, b, c = three_topics(committee, meeting_id)
    _to_treatments(committee, meeting_case.id)
    with committee.engine.db.read() as session:
        items = {e.topic_case_id: e.agenda_item_id for e in queries.agenda(session, meeting_id)}
    entries = _entries(items, a, b, c)
    entries[0].update(vote_held=True, vote_secret=True, votes_for=2, votes_against=1)
    entries[1].update(vote_secret=True)  # no vote held: the secret flag means nothing
    committee.complete(
        meeting_case.id,
        "record_treatments",
        {"attendance": ["chris", "mia", "mo"], "treatments": entries},
        "sara",
    )
    with committee.engine.db.write() as session:
        rows = {t.agenda_item_id: t for t in session.execute(select(Treatment)).scalars().all()}
        assert rows[items[a]].details["vote_secret"] is True
        assert "vote_secret" not in rows[items[b]].details
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.status, meeting.minutes_approved_on = "minutes_approved", date(2026, 4, 23)
        graph = oslo.meeting_graph(session, meeting, "https://stuurboord.test")
    [stemming] = graph.subjects(RDF.type, BESLUIT.Stemming)
    assert graph.value(stemming, BESLUIT.geheim).toPython() is True
    assert graph.value(stemming, BESLUIT.aantalVoorstanders).toPython() == 2
    assert graph.value(stemming, BESLUIT.aantalTegenstanders).toPython() == 1
    assert str(graph.value(stemming, BESLUIT.gevolg)) == "Aangenomen"


def test_attendance_is_stored_per_seat_and_published(committee: Committee) -> None:
    meeting_case, meeting_id = committee.plan_meeting(MEETING, agenda_deadline=date(2026, 3, 20))
    a, b, c = three_topics(committee, meeting_id)
    _to_treatments(committee, meeting_case.id)
    with committee.engine.db.read() as session:
        items = {e.topic_case_id: e.agenda_item_id for e in queries.agenda(session, meeting_id)}
    committee.complete(
        meeting_case.id,
        "record_treatments",
        {"attendance": ["chris", "mia", "sofie"], "treatments": _entries(items, a, b, c)},
        "sara",
    )
    with committee.engine.db.write() as session:
        rows = session.execute(
            select(MeetingAttendance.user_id, MeetingAttendance.status).where(
                MeetingAttendance.meeting_id == meeting_id
            )
        ).all()
        assert sorted(rows) == [("chris", "present"), ("mia", "present"), ("mo", "absent")]
        assert quorum.present_at(session, meeting_id) == ["chris", "mia"]
        assert (
            quorum.record_attendance(session, meeting_id, MEETING, [], committee.clock.now()) == 0
        )
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.status, meeting.minutes_approved_on = "minutes_approved", date(2026, 4, 23)
        graph = oslo.meeting_graph(session, meeting, "https://stuurboord.test")
    [zitting] = graph.subjects(RDF.type, BESLUIT.Zitting)
    assert len(list(graph.objects(zitting, BESLUIT.heeftAanwezigeBijStart))) == 2
