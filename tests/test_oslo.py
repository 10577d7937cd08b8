"""The meetings and decisions as OSLO linked data (processes.records.oslo): the graph of a held
meeting with approved minutes parses as Turtle and JSON-LD, conforms to SHACL shapes written from
the *Besluit publicatie* profile (tests/shapes/besluit.ttl), and leaves out closed items,
internal notes and meetings whose minutes are not approved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from processes.records import oslo
from processes.records.models import AgendaItem, Decision, Meeting, Treatment, Vote
from processes.records.oslo import BESLUIT, ELI, MANDAAT
from tests.processes_fixtures import Committee, committee_fixture  # noqa: F401

SHAPES = Path(__file__).parent / "shapes" / "besluit.ttl"
BASE = "https://stuurboord.test"
OPEN_TEXT = "Alle entiteiten gebruiken het aanmeldplatform.\n\nHet secretariaat volgt dit op."
CLOSED_TITLE = "Personeelsdossier van een lid"
CLOSED_TEXT = "Vertrouwelijk: het lid krijgt een berisping."
NOTE = "Interne nota: lid X was boos."


@dataclass(frozen=True)
class Published:
    meeting: str
    items: tuple[str, str, str]  # open decided, closed decided, open noted
    treatment: str
    decision: str
    closed_decision: str
    closed_treatment: str


def held_meeting(
    committee: Committee, *, approved: bool = True, meeting_date: date = date(2026, 3, 12)
) -> Published:
    """A held meeting (records only) with an open decided item (a vote, two articles), a
    closed decided item and an open noted item with an internal note; minutes approved or not."""
    topics = [committee.decided_topic(title=f"Onderwerp {n}").topic_case_id for n in range(3)]
    now = committee.clock.now()
    with committee.engine.db.write() as session:
        meeting = Meeting(
            title="Zitting van 12 maart 2026",
            meeting_date=meeting_date,
            start_time=time(10, 0),
            agenda_deadline=meeting_date,
            location="Herman Teirlinckgebouw, Brussel",
            status="minutes_approved" if approved else "held",
            created_at=now,
            minutes_approved_on=date(2026, 4, 9) if approved else None,
        )
        session.add(meeting)
        session.flush()
        items = []
        for position, (title, kind, public) in enumerate(
            (
                ("Eén aanmeldplatform", "decision", True),
                (CLOSED_TITLE, "decision", False),
                ("Vraag van het Voorzitterscollege", "information", True),
            ),
            start=1,
        ):
            item = AgendaItem(
                meeting_id=meeting.id, topic_case_id=topics[position - 1], position=position, kind=kind,
                public=public, title=title, status="treated", added_at=now,
            )  # fmt: skip
            session.add(item)
            items.append(item)
        session.flush()
        attendance = ["chris", "mia", "sofie"]  # sofie holds no seat
        open_t = Treatment(
            agenda_item_id=items[0].id, attendance=attendance, outcome="decided",
            decision_text=OPEN_TEXT, votes_for=2, votes_against=0, votes_abstain=1,
            recorded_at=now, recorded_by="sara",
        )  # fmt: skip
        closed_t = Treatment(
            agenda_item_id=items[1].id, attendance=attendance, outcome="decided",
            decision_text=CLOSED_TEXT, votes_for=1, votes_against=1, votes_abstain=0,
            recorded_at=now, recorded_by="sara", note=NOTE,
        )  # fmt: skip
        noted_t = Treatment(
            agenda_item_id=items[2].id, attendance=attendance, outcome="noted",
            note=NOTE, details={"internal": NOTE}, recorded_at=now, recorded_by="sara",
        )  # fmt: skip
        session.add_all([open_t, closed_t, noted_t])
        session.flush()
        session.add_all(
            Vote(
                treatment_id=t.id, subject=item.title, secret=False, count_for=t.votes_for,
                count_against=t.votes_against, count_abstain=t.votes_abstain,
                outcome="adopted" if t.votes_for > t.votes_against else "rejected",
                recorded_at=now,
            )
            for t, item in ((open_t, items[0]), (closed_t, items[1]))
        )  # fmt: skip
        session.flush()
        decisions = [
            Decision(
                treatment_id=t.id,
                meeting_id=meeting.id,
                topic_case_id=topics[0],
                text=text,
                binding=False,
                focus_domain="data",
                decided_at=now,
            )
            for t, text in ((open_t, OPEN_TEXT), (closed_t, CLOSED_TEXT))
        ]
        session.add_all(decisions)
        session.flush()
        return Published(
            meeting.uuid,
            (items[0].uuid, items[1].uuid, items[2].uuid),
            open_t.uuid,
            decisions[0].uuid,
            decisions[1].uuid,
            closed_t.uuid,
        )


def graph_of(committee: Committee, kind: str, ident: str) -> Graph | None:
    with committee.engine.db.read() as session:
        return oslo.describe(session, BASE, kind, ident)


def conforms(graph: Graph) -> None:
    ok, _report, text = validate(graph, shacl_graph=str(SHAPES), inference="none")
    assert ok, text


def test_a_meeting_with_approved_minutes_round_trips_and_conforms(committee: Committee) -> None:
    p = held_meeting(committee)
    graph = graph_of(committee, "zittingen", p.meeting)
    assert graph is not None
    turtle = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    jsonld = Graph().parse(
        data=graph.serialize(format="json-ld", context=oslo.CONTEXT), format="json-ld"
    )
    assert len(turtle) == len(jsonld) == len(graph) > 30
    for parsed in (turtle, jsonld):
        conforms(parsed)
    zitting = URIRef(f"{BASE}/id/zittingen/{p.meeting}")
    first, _closed, third = (URIRef(f"{BASE}/id/agendapunten/{u}") for u in p.items)
    assert (zitting, RDF.type, BESLUIT.Zitting) in turtle
    assert set(turtle.objects(zitting, BESLUIT.behandelt)) == {first, third}
    assert (third, BESLUIT.aangebrachtNa, first) in turtle  # the closed item is skipped
    besluit = URIRef(f"{BASE}/id/besluiten/{p.decision}")
    behandeling = URIRef(f"{BASE}/id/behandelingen/{p.treatment}")
    assert (behandeling, PROV.generated, besluit) in turtle
    assert (behandeling, DCTERMS.subject, first) in turtle
    numbers = sorted(
        str(turtle.value(a, ELI.number)) for a in turtle.objects(besluit, ELI.has_part)
    )
    assert numbers == ["1", "2"]
    stemming = turtle.value(behandeling, BESLUIT.heeftStemming)
    assert turtle.value(stemming, BESLUIT.aantalVoorstanders).toPython() == 2
    assert turtle.value(stemming, BESLUIT.aantalOnthouders).toPython() == 1
    assert turtle.value(stemming, BESLUIT.geheim).toPython() is False
    members = set(turtle.subjects(RDF.type, MANDAAT.Mandataris))
    names = {str(n) for n in turtle.objects(None, URIRef("http://xmlns.com/foaf/0.1/name"))}
    assert len(members) == 2 and len(names) == 2  # chris and mia: sofie holds no seat
    assert (behandeling, BESLUIT.heeftAanwezige, next(iter(members))) in turtle


def test_closed_items_and_internal_notes_never_appear(committee: Committee) -> None:
    p = held_meeting(committee)
    with committee.engine.db.read() as session:
        everything = oslo.dump(session, BASE).serialize(format="turtle")
    for secret in (
        CLOSED_TITLE,
        CLOSED_TEXT,
        NOTE,
        p.items[1],
        p.closed_decision,
        p.closed_treatment,
    ):
        assert secret not in everything
    assert "Alle entiteiten gebruiken het aanmeldplatform." in everything
    assert graph_of(committee, "agendapunten", p.items[1]) is None
    assert graph_of(committee, "besluiten", p.closed_decision) is None
    assert graph_of(committee, "behandelingen", p.closed_treatment) is None


def test_nothing_of_a_meeting_appears_before_its_minutes_are_approved(
    committee: Committee,
) -> None:
    p = held_meeting(committee, approved=False)
    assert graph_of(committee, "zittingen", p.meeting) is None
    assert graph_of(committee, "besluiten", p.decision) is None
    with committee.engine.db.read() as session:
        assert len(oslo.dump(session, BASE)) == 0
    with committee.engine.db.write() as session:
        meeting = session.query(Meeting).filter_by(uuid=p.meeting).one()
        meeting.status, meeting.minutes_approved_on = "minutes_approved", date(2026, 4, 9)
    assert graph_of(committee, "besluiten", p.decision) is not None


def test_each_uri_describes_its_resource(committee: Committee) -> None:
    p = held_meeting(committee)
    besluit = URIRef(f"{BASE}/id/besluiten/{p.decision}")
    graph = graph_of(committee, "besluiten", p.decision)
    assert graph is not None
    assert graph.value(besluit, ELI.title) == Literal("Eén aanmeldplatform", lang="nl")
    assert graph.value(besluit, ELI.date_publication).toPython() == date(2026, 4, 9)
    assert len(list(graph.objects(besluit, ELI.has_part))) == 2
    vote = graph_of(committee, "behandelingen", p.treatment)
    assert vote is not None
    stemming = vote.value(URIRef(f"{BASE}/id/behandelingen/{p.treatment}"), BESLUIT.heeftStemming)
    ident = str(stemming).rsplit("/", 1)[1]
    described = graph_of(committee, "stemmingen", ident)
    assert described is not None
    assert (stemming, RDF.type, BESLUIT.Stemming) in described


@pytest.mark.parametrize(
    ("kind", "ident"),
    [
        ("besluiten", "00000000-0000-4000-8000-000000000000"),
        ("besluiten", "not-a-uuid"),
        ("stemmingen", "00000000-0000-4000-8000-000000000000"),
        ("personen", "00000000-0000-4000-8000-000000000000"),
    ],
)
def test_unknown_uris_are_not_found(committee: Committee, kind: str, ident: str) -> None:
    held_meeting(committee)
    assert graph_of(committee, kind, ident) is None


def test_the_shapes_catch_a_decision_without_a_title(committee: Committee) -> None:
    p = held_meeting(committee)
    graph = graph_of(committee, "zittingen", p.meeting)
    assert graph is not None
    graph.remove((URIRef(f"{BASE}/id/besluiten/{p.decision}"), ELI.title, None))
    ok, _report, text = validate(graph, shacl_graph=str(SHAPES), inference="none")
    assert not ok and "title" in text
