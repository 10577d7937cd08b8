"""Excused attendance and votes as records (processes.meetings.votes, quorum): the secretariat
marks who was excused (not counted for the quorum, published as absent at the start); a
person both present and excused is refused; an open vote may be recorded by seat (stored as
``vote_cast`` rows and published with ``besluit:heeftVoorstander`` and the like), its counts
must match who voted; a secret vote has counts only and never names a voter. Migration p007
moves the votes treatments held before into ``vote`` rows, keeping their published URIs."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, URIRef
from sqlalchemy import create_engine, func, select, text

import processes
from engine import ValidationFailed
from engine.storage.db import Database
from engine.storage.migrate import upgrade
from processes.records import oslo, queries
from processes.records.models import (
    CommitteeSeat,
    Meeting,
    MeetingAttendance,
    Person,
    Treatment,
    Vote,
    VoteCast,
)
from processes.records.oslo import BESLUIT
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401
from tests.test_briefs import brief_of
from tests.test_process_meeting import MEETING, _to_treatments, three_topics

SHAPES = Path(__file__).parent / "shapes" / "besluit.ttl"
BASE = "https://stuurboord.test"


class Held:
    """A meeting with three admitted topics, held, its treatments task ready."""

    def __init__(self, committee: Committee) -> None:
        self.committee = committee
        case, self.meeting_id = committee.plan_meeting(MEETING, agenda_deadline=date(2026, 3, 20))
        self.case_id = case.id
        self.topics = three_topics(committee, self.meeting_id)
        _to_treatments(committee, self.case_id)
        with committee.engine.db.read() as session:
            agenda = queries.agenda(session, self.meeting_id)
        self.items = [e.agenda_item_id for e in agenda]

    def entries(self, first: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return [
            {
                "agenda_item_id": self.items[0],
                "outcome": "decided",
                "decision_text": "Zo beslist.",
                **(first or {}),
            },
            {"agenda_item_id": self.items[1], "outcome": "noted"},
            {"agenda_item_id": self.items[2], "outcome": "noted"},
        ]

    def record(self, data: dict[str, Any]) -> dict[str, Any]:
        return self.committee.complete(self.case_id, "record_treatments", data, "sara").data

    def refused(self, data: dict[str, Any]) -> dict[str, Any]:
        with pytest.raises(ValidationFailed) as refused:
            self.record(data)
        with self.committee.engine.db.read() as session:
            for table in (Treatment, MeetingAttendance, Vote, VoteCast):
                assert session.execute(select(func.count()).select_from(table)).scalar_one() == 0
        return refused.value.errors

    def publish(self) -> Graph:
        """Approve the minutes (records only) and return the meeting's graph."""
        with self.committee.engine.db.write() as session:
            meeting = session.get(Meeting, self.meeting_id)
            assert meeting is not None
            meeting.status, meeting.minutes_approved_on = "minutes_approved", date(2026, 4, 23)
            return oslo.meeting_graph(session, meeting, BASE)

    def member(self, user_id: str) -> URIRef:
        with self.committee.engine.db.read() as session:
            seat = session.execute(
                select(CommitteeSeat.id)
                .join(Person, Person.id == CommitteeSeat.person_id)
                .where(Person.user_id == user_id)
            ).scalar_one()
        return oslo.member_uri(BASE, seat)


def conforms(graph: Graph) -> tuple[bool, str]:
    ok, _report, said = validate(graph, shacl_graph=str(SHAPES), inference="none")
    return ok, said


def test_excused_people_are_stored_shown_and_do_not_count_for_the_quorum(
    committee: Committee,
) -> None:
    held = Held(committee)
    # chris present, mia excused: 1 of 3 seats present, a decision needs 2
    errors = held.refused(
        {"attendance": ["chris"], "excused": ["mia"], "treatments": held.entries()}
    )
    assert "1 van de 3 leden aanwezig" in errors["treatments.0.outcome"][0]

    held.record({"attendance": ["chris", "mo"], "excused": ["mia"], "treatments": held.entries()})
    with committee.engine.db.read() as session:
        rows = session.execute(
            select(MeetingAttendance.user_id, MeetingAttendance.status).where(
                MeetingAttendance.meeting_id == held.meeting_id
            )
        ).all()
    assert sorted(rows) == [("chris", "present"), ("mia", "excused"), ("mo", "present")]

    brief = brief_of(committee, held.case_id, "approve_minutes")["Aanwezigheden"]
    assert brief["Aanwezig"] == "Chris Maes (Voorzitter), Mo El Amrani (Lokaal bestuur)"
    assert brief["Verontschuldigd"] == "Mia Wouters (Lid voor een beleidsdomein)"
    assert "Afwezig" not in brief
    assert brief["Quorum"] == "voldaan: Bereikt: 2 van 3 zetels aanwezig, 2 nodig"

    graph = held.publish()
    [zitting] = graph.subjects(RDF.type, BESLUIT.Zitting)
    assert set(graph.objects(zitting, BESLUIT.heeftAfwezigeBijStart)) == {held.member("mia")}
    assert set(graph.objects(zitting, BESLUIT.heeftAanwezigeBijStart)) == {
        held.member("chris"),
        held.member("mo"),
    }
    ok, said = conforms(graph)
    assert ok, said


def test_someone_both_present_and_excused_is_refused_by_name(committee: Committee) -> None:
    held = Held(committee)
    errors = held.refused(
        {"attendance": ["chris", "mia"], "excused": ["mia", "mo"], "treatments": held.entries()}
    )
    assert errors["excused"] == [
        "Mia Wouters staat zowel bij de aanwezigen als bij verontschuldigd. Kies één van beide. "
        "/ Mia Wouters is ticked both as present and as excused. Choose one."
    ]


def test_an_open_vote_by_seat_is_stored_and_published_with_who_voted_how(
    committee: Committee,
) -> None:
    held = Held(committee)
    vote = {"vote_held": True, "voters_for": ["chris", "mia"], "voters_against": ["mo"]}
    held.record({"attendance": ["chris", "mia", "mo"], "treatments": held.entries(vote)})
    with committee.engine.db.read() as session:
        [row] = session.execute(select(Vote)).scalars().all()
        casts = session.execute(select(VoteCast.user_id, VoteCast.choice)).all()
        seats = session.execute(select(VoteCast.seat_id)).scalars().all()
        treatment = session.get(Treatment, row.treatment_id)
    assert (row.count_for, row.count_against, row.count_abstain) == (2, 1, 0)  # from the voters
    assert (row.secret, row.outcome, row.subject) == (False, "adopted", "A: aanmeldplatform")
    assert sorted(casts) == [("chris", "for"), ("mia", "for"), ("mo", "against")]
    assert None not in seats
    assert treatment is not None and treatment.votes_for == 2  # kept on the treatment too

    graph = held.publish()
    stemming = URIRef(f"{BASE}/id/stemmingen/{row.uuid}")
    for parsed in (
        Graph().parse(data=graph.serialize(format="turtle"), format="turtle"),
        Graph().parse(
            data=graph.serialize(format="json-ld", context=oslo.CONTEXT), format="json-ld"
        ),
    ):
        assert set(parsed.objects(stemming, BESLUIT.heeftVoorstander)) == {
            held.member("chris"),
            held.member("mia"),
        }
        assert set(parsed.objects(stemming, BESLUIT.heeftTegenstander)) == {held.member("mo")}
        assert not set(parsed.objects(stemming, BESLUIT.heeftOnthouder))
        assert len(set(parsed.objects(stemming, BESLUIT.heeftStemmer))) == 3
        assert str(parsed.value(stemming, BESLUIT.gevolg)) == "Aangenomen"
        ok, said = conforms(parsed)
        assert ok, said
    with committee.engine.db.read() as session:
        described = oslo.describe(session, BASE, "stemmingen", row.uuid)
    assert described is not None
    assert (stemming, BESLUIT.heeftVoorstander, held.member("mia")) in described


def test_a_secret_vote_has_counts_only(committee: Committee) -> None:
    held = Held(committee)
    secret = {"vote_held": True, "vote_secret": True, "votes_for": 2, "votes_against": 1}
    errors = held.refused(
        {
            "attendance": ["chris", "mia", "mo"],
            "treatments": held.entries({**secret, "voters_for": ["chris", "mia"]}),
        }
    )
    assert errors["treatments"][0]["voters_for"] == [
        "Laat leeg bij een geheime stemming: die heeft alleen aantallen. / Leave empty for a "
        "secret ballot: it has counts only."
    ]

    held.record({"attendance": ["chris", "mia", "mo"], "treatments": held.entries(secret)})
    with committee.engine.db.read() as session:
        [row] = session.execute(select(Vote)).scalars().all()
        assert session.execute(select(func.count()).select_from(VoteCast)).scalar_one() == 0
    assert (row.secret, row.count_for, row.count_against) == (True, 2, 1)
    graph = held.publish()
    stemming = URIRef(f"{BASE}/id/stemmingen/{row.uuid}")
    assert graph.value(stemming, BESLUIT.geheim).toPython() is True
    for term in ("heeftStemmer", "heeftVoorstander", "heeftTegenstander", "heeftOnthouder"):
        assert not list(graph.objects(stemming, BESLUIT[term]))
    assert conforms(graph)[0]
    # the shapes would catch a secret vote that names a voter
    graph.add((stemming, BESLUIT.heeftVoorstander, held.member("chris")))
    graph.add((held.member("chris"), RDF.type, oslo.MANDAAT.Mandataris))
    assert not conforms(graph)[0]


def test_counts_that_differ_from_the_voters_are_refused(committee: Committee) -> None:
    held = Held(committee)
    vote = {"vote_held": True, "votes_for": 3, "voters_for": ["chris", "mia"]}
    errors = held.refused({"attendance": ["chris", "mia", "mo"], "treatments": held.entries(vote)})
    [message] = errors["treatments"][0]["votes_for"]
    assert message.startswith("Je vulde 3 stemmen voor in, maar bij „Stemden voor” staan 2 mensen.")


def test_only_people_present_vote_and_each_once(committee: Committee) -> None:
    held = Held(committee)
    vote = {
        "vote_held": True,
        "voters_for": ["chris", "mo"],
        "voters_against": ["chris"],
    }
    errors = held.refused({"attendance": ["chris", "mia"], "treatments": held.entries(vote)})
    assert errors["treatments.0.voters_for"] == [
        "Alleen wie aanwezig was, kan stemmen: Mo El Amrani staat niet bij de aanwezigen. / "
        "Only people present can vote: Mo El Amrani not ticked as present."
    ]
    assert errors["treatments.0.voters_against"] == [
        "Iedereen stemt één keer: Chris Maes staat al bij een andere keuze. / Everyone votes "
        "once: Chris Maes already ticked under another choice."
    ]


def test_migration_p007_moves_the_votes_treatments_held(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'before.db'}")
    upgrade(db, [processes.MIGRATIONS], "0008")
    upgrade(db, [processes.MIGRATIONS], "p006")
    plain = create_engine(f"sqlite:///{tmp_path / 'before.db'}")
    treatment_uuids = [str(uuid.uuid4()) for _ in range(3)]
    details = ('{"vote_held": true, "vote_secret": true}', "{}", "{}")
    counts = ((5, 1, 0), (1, 2, None), (None, None, None))
    with plain.connect() as c:
        c.execute(text(
            "INSERT INTO meeting (id, uuid, title, meeting_date, start_time, agenda_deadline,"
            " location, status, created_at) VALUES (1, :u, 'Z', '2026-01-22', '10:00:00',"
            " '2026-01-12', 'Brussel', 'held', '2026-01-01 00:00:00')"
        ), {"u": str(uuid.uuid4())})  # fmt: skip
        for n in (1, 2, 3):
            c.execute(text(
                "INSERT INTO agenda_item (id, uuid, meeting_id, topic_case_id, position, kind,"
                " public, title, topic_kind, status, added_at) VALUES (:n, :u, 1, :n, :n,"
                " 'decision', 1, :t, 'topic', 'treated', '2026-01-01 00:00:00')"
            ), {"n": n, "u": str(uuid.uuid4()), "t": f"Punt {n}"})  # fmt: skip
            yes, no, abstain = counts[n - 1]
            c.execute(text(
                "INSERT INTO treatment (id, uuid, agenda_item_id, attendance, outcome, votes_for,"
                " votes_against, votes_abstain, details, recorded_at, recorded_by) VALUES (:n,"
                " :u, :n, '[]', 'decided', :y, :no, :a, :d, '2026-01-22 12:00:00', 'sara')"
            ), {"n": n, "u": treatment_uuids[n - 1], "y": yes, "no": no, "a": abstain,
                "d": details[n - 1]})  # fmt: skip
        c.commit()
    plain.dispose()
    upgrade(db, [processes.MIGRATIONS], "p007")
    with db.engine.connect() as c:
        rows = c.execute(text(
            "SELECT treatment_id, uuid, subject, secret, count_for, count_against, count_abstain,"
            " outcome FROM vote ORDER BY treatment_id"
        )).all()  # fmt: skip
    db.dispose()
    derived = [str(uuid.uuid5(uuid.UUID(u), "stemming")) for u in treatment_uuids]
    assert [tuple(r) for r in rows] == [
        (1, derived[0], "Punt 1", 1, 5, 1, 0, "adopted"),
        (2, derived[1], "Punt 2", 0, 1, 2, 0, "rejected"),
    ]
