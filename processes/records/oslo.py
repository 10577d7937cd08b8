"""The committee's meetings and decisions as OSLO linked data (*Besluit publicatie*).

This module owns every RDF term the application publishes: the vocabularies, the URIs and the
mapping of the records (processes.records.models) onto the profile:

* a meeting is a ``besluit:Zitting`` held by the committee (a ``besluit:Bestuursorgaan``), with
  its planned start, start and end, who was present (``besluit:heeftAanwezigeBijStart``) and
  who was not, excused or absent (``besluit:heeftAfwezigeBijStart``; the profile does not tell
  the two apart), each a ``mandaat:Mandataris`` of their seat, and the agenda items it treated
  (``besluit:behandelt``);
* an agenda item is a ``besluit:Agendapunt`` with its title, its type (a ``skos:Concept`` of the
  scheme below) and the item before it (``besluit:aangebrachtNa``);
* a treatment is a ``besluit:BehandelingVanAgendapunt`` about its item (``dct:subject``) that
  generated its decision (``prov:generated``), with who was present and its vote;
* a decision is a ``besluit:Besluit`` with title, description, motivation, language,
  publication date and its operative text as numbered ``besluit:Artikel``;
* a vote (a ``vote`` record) is a ``besluit:Stemming`` (counts, secret or not, outcome,
  subject); an open vote recorded by seat also names who voted (``besluit:heeftStemmer``) and
  how (``besluit:heeftVoorstander``, ``heeftTegenstander``, ``heeftOnthouder``). Who voted in a
  secret vote is never recorded, so never published.

What is published: only meetings whose minutes are approved (status ``minutes_approved``), and
of those only the public agenda items (``agenda_item.public``): a closed item, its treatment and
its decision never appear, nor does a treatment's internal note or details. Anything else (an
unknown uuid, an unapproved meeting, a closed item) is not found.

URIs: ``{base}/id/zittingen/<uuid>`` and so on for the five published kinds (their uuid is a
column of the record); people, seats and mandates get uuids derived from their row (uuid5), so
that no internal id shows.
"""

from __future__ import annotations

import re
import uuid as uuidlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, SKOS
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.storage.models import UserAccount
from processes.records import dates
from processes.records.models import (
    AgendaItem,
    CommitteeSeat,
    Decision,
    Meeting,
    MeetingAttendance,
    Person,
    Treatment,
    Vote,
    VoteCast,
)
from processes.records.reference import AGENDA_KINDS, SEAT_KIND_LABELS

__all__ = [
    "BESLUIT",
    "CONTEXT",
    "ELI",
    "KINDS",
    "MANDAAT",
    "PUBLISHED_STATUS",
    "describe",
    "dump",
    "meeting_graph",
    "new_graph",
    "position_of",
    "public_items",
    "published_decision",
    "published_decisions",
    "published_meetings",
    "resolve",
    "treatment_of",
    "uri",
]

BESLUIT = Namespace("http://data.vlaanderen.be/ns/besluit#")
MANDAAT = Namespace("http://data.vlaanderen.be/ns/mandaat#")
PERSOON = Namespace("https://data.vlaanderen.be/ns/persoon#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
LANGUAGE_NLD = URIRef("http://publications.europa.eu/resource/authority/language/NLD")

PREFIXES: dict[str, Namespace] = {
    "besluit": BESLUIT,
    "mandaat": MANDAAT,
    "persoon": PERSOON,
    "eli": ELI,
    "prov": PROV,
    "dct": DCTERMS,
    "skos": SKOS,
    "foaf": FOAF,
    "org": ORG,
    "xsd": XSD,
}
CONTEXT: dict[str, str] = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
"""The JSON-LD context: the same prefixes as the Turtle."""

PUBLISHED_STATUS = "minutes_approved"
"""A meeting's data is published once its minutes are approved (processes.meetings.lifecycle)."""

KINDS: dict[str, type] = {
    "zittingen": Meeting,
    "agendapunten": AgendaItem,
    "behandelingen": Treatment,
    "besluiten": Decision,
    "stemmingen": Vote,
}
"""The URI path segment of each published kind and the record behind it."""

BODY_PATH = "bestuursorganen/stuurorgaan"
BODY_NAME = "Stuurorgaan Vlaams Informatie- en ICT-beleid"
SCHEME_PATH = "concepten/agendapunttypes"
_DERIVED = uuidlib.UUID("5d0a3e8e-6c0b-4f43-9d6e-0b7a1f6f2c11")
"""Namespace of the uuids derived for people, seats and mandates."""


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def uri(base: str, kind: str, ident: str) -> URIRef:
    return URIRef(f"{base.rstrip('/')}/id/{kind}/{ident}")


def _derived(label: str) -> str:
    return str(uuidlib.uuid5(_DERIVED, label))


VOTE_OUTCOMES = {"adopted": "Aangenomen", "rejected": "Verworpen"}
"""``besluit:gevolg`` of a vote, in Dutch."""
VOTE_CHOICES = {
    "for": BESLUIT.heeftVoorstander,
    "against": BESLUIT.heeftTegenstander,
    "abstain": BESLUIT.heeftOnthouder,
}


def member_uri(base: str, seat_id: int) -> URIRef:
    """The mandataris of a seat (see _Builder.members)."""
    return uri(base, "mandatarissen", _derived(f"seat:{seat_id}"))


def votes_of(session: Session, treatment: Treatment) -> list[Vote]:
    return list(
        session.execute(
            select(Vote).where(Vote.treatment_id == treatment.id).order_by(Vote.id)
        ).scalars()
    )


def articles(text: str) -> list[str]:
    """A decision's operative text as articles: its paragraphs (blank lines between them), or
    its lines when it has no blank line."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    if len(parts) == 1:
        parts = [line.strip() for line in text.splitlines() if line.strip()]
    return parts or [text.strip()]


# -- what is published --------------------------------------------------------------------------


def published_meetings(session: Session) -> list[Meeting]:
    query = (
        select(Meeting)
        .where(Meeting.status == PUBLISHED_STATUS)
        .order_by(Meeting.meeting_date, Meeting.id)
    )
    return list(session.execute(query).scalars())


def public_items(session: Session, meeting: Meeting) -> list[AgendaItem]:
    query = (
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.public.is_(True))
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    return list(session.execute(query).scalars())


def resolve(session: Session, kind: str, ident: str) -> Meeting | None:
    """The published meeting a URI's record belongs to, or None (unknown, closed, unapproved)."""
    model = KINDS.get(kind)
    if model is None:
        return None
    try:
        key = str(uuidlib.UUID(ident))
    except ValueError:
        return None
    row = session.execute(select(model).where(model.uuid == key)).scalar_one_or_none()
    if row is None:
        return None
    if isinstance(row, Meeting):
        meeting, item = row, None
    elif isinstance(row, AgendaItem):
        meeting, item = session.get(Meeting, row.meeting_id), row
    elif isinstance(row, Treatment | Vote):
        treatment = row if isinstance(row, Treatment) else session.get(Treatment, row.treatment_id)
        item = session.get(AgendaItem, treatment.agenda_item_id) if treatment else None
        meeting = session.get(Meeting, item.meeting_id) if item else None
    else:
        treatment = session.get(Treatment, row.treatment_id)
        item = session.get(AgendaItem, treatment.agenda_item_id) if treatment else None
        meeting = session.get(Meeting, row.meeting_id)
    if meeting is None or meeting.status != PUBLISHED_STATUS:
        return None
    if item is not None and not item.public:
        return None
    return meeting


def position_of(session: Session, kind: str, ident: str) -> int | None:
    """The agenda position of a published item, treatment or vote (for the meeting page)."""
    if resolve(session, kind, ident) is None:
        return None
    key = str(uuidlib.UUID(ident))
    if kind == "agendapunten":
        item = session.execute(select(AgendaItem).where(AgendaItem.uuid == key)).scalar_one()
        return item.position
    if kind == "behandelingen":
        treatment = session.execute(select(Treatment).where(Treatment.uuid == key)).scalar_one()
        return session.get(AgendaItem, treatment.agenda_item_id).position  # type: ignore[union-attr]
    vote = session.execute(select(Vote).where(Vote.uuid == key)).scalar_one()
    treatment = session.get(Treatment, vote.treatment_id)
    return session.get(AgendaItem, treatment.agenda_item_id).position  # type: ignore[union-attr]


def treatment_of(session: Session, item: AgendaItem) -> Treatment | None:
    """The treatment of a published agenda item (None before it is recorded)."""
    return _treatment(session, item)


def _treatment(session: Session, item: AgendaItem) -> Treatment | None:
    return session.execute(
        select(Treatment).where(Treatment.agenda_item_id == item.id)
    ).scalar_one_or_none()


def _decision(session: Session, treatment: Treatment) -> Decision | None:
    return session.execute(
        select(Decision).where(Decision.treatment_id == treatment.id)
    ).scalar_one_or_none()


# -- the graph ------------------------------------------------------------------------------------


@dataclass
class _Builder:
    session: Session
    base: str
    graph: Graph

    def ref(self, kind: str, ident: str) -> URIRef:
        return uri(self.base, kind, ident)

    def add(self, subject: URIRef | BNode, predicate: URIRef, value: object) -> None:
        if value is None:
            return
        obj = value if isinstance(value, URIRef | BNode | Literal) else Literal(value)
        self.graph.add((subject, predicate, obj))

    def body(self) -> URIRef:
        body = URIRef(f"{self.base.rstrip('/')}/id/{BODY_PATH}")
        self.add(body, RDF.type, BESLUIT.Bestuursorgaan)
        self.add(body, SKOS.prefLabel, Literal(BODY_NAME, lang="nl"))
        return body

    def agenda_type(self, kind: str) -> URIRef:
        scheme = URIRef(f"{self.base.rstrip('/')}/id/{SCHEME_PATH}")
        concept = URIRef(f"{scheme}/{kind}")
        self.add(scheme, RDF.type, SKOS.ConceptScheme)
        self.add(scheme, SKOS.prefLabel, Literal("Types van agendapunten", lang="nl"))
        self.add(concept, RDF.type, SKOS.Concept)
        self.add(concept, SKOS.inScheme, scheme)
        for language, label in AGENDA_KINDS.get(kind, {"nl": kind}).items():
            self.add(concept, SKOS.prefLabel, Literal(label, lang=language))
        return concept

    def members(self, user_ids: Iterable[str]) -> list[URIRef]:
        """The seats of the people present, as mandataries (people without a seat are left
        out: only members hold a mandate)."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return []
        rows = self.session.execute(
            select(CommitteeSeat, Person, UserAccount)
            .join(Person, Person.id == CommitteeSeat.person_id)
            .join(UserAccount, UserAccount.id == Person.user_id)
            .where(Person.user_id.in_(wanted))
            .order_by(CommitteeSeat.id)
        ).all()
        found: list[URIRef] = []
        for seat, person, account in rows:
            member = self.ref("mandatarissen", _derived(f"seat:{seat.id}"))
            mandate = self.ref("mandaten", _derived(f"mandate:{seat.id}"))
            who = self.ref("personen", _derived(f"person:{person.id}"))
            self.add(member, RDF.type, MANDAAT.Mandataris)
            self.add(member, MANDAAT.isBestuurlijkeAliasVan, who)
            self.add(member, ORG.holds, mandate)
            self.add(mandate, RDF.type, MANDAAT.Mandaat)
            label = SEAT_KIND_LABELS.get(seat.seat_kind, {"nl": seat.seat_kind})
            self.add(mandate, SKOS.prefLabel, Literal(label.get("nl", seat.seat_kind), lang="nl"))
            self.add(who, RDF.type, PERSOON.Persoon)
            self.add(who, FOAF.name, account.display_name)
            found.append(member)
        return found

    def meeting(self, meeting: Meeting) -> URIRef:
        zitting = self.ref("zittingen", meeting.uuid)
        g = self.add
        g(zitting, RDF.type, BESLUIT.Zitting)
        planned = dates.at_local(meeting.meeting_date, meeting.start_time)
        g(zitting, BESLUIT.geplandeStart, _moment(planned))
        # no actual start is recorded: the meeting started as planned
        g(zitting, PROV.startedAtTime, _moment(planned))
        if meeting.held_at is not None and meeting.held_at > planned:
            g(zitting, PROV.endedAtTime, _moment(meeting.held_at))
        g(zitting, BESLUIT.isGehoudenDoor, self.body())
        g(zitting, DCTERMS.title, Literal(meeting.title, lang="nl"))
        present: set[str] = set()
        previous: URIRef | None = None
        for item in public_items(self.session, meeting):
            punt = self.item(item, previous)
            g(zitting, BESLUIT.behandelt, punt)
            previous = punt
            treatment = _treatment(self.session, item)
            if treatment is not None:
                present.update(treatment.attendance or [])
                self.treatment(meeting, item, treatment, punt)
        recorded = self.session.execute(
            select(MeetingAttendance.seat_id, MeetingAttendance.user_id, MeetingAttendance.status)
            .where(MeetingAttendance.meeting_id == meeting.id)
            .order_by(MeetingAttendance.seat_id)
        ).all()
        if not recorded:  # older meetings: who the treatments name as present
            for member in self.members(present):
                g(zitting, BESLUIT.heeftAanwezigeBijStart, member)
            return zitting
        self.members(user for _seat, user, _status in recorded)
        for seat_id, _user, status in recorded:
            at_start = (
                BESLUIT.heeftAanwezigeBijStart
                if status == "present"
                else BESLUIT.heeftAfwezigeBijStart
            )
            g(zitting, at_start, member_uri(self.base, seat_id))
        return zitting

    def item(self, item: AgendaItem, previous: URIRef | None) -> URIRef:
        punt = self.ref("agendapunten", item.uuid)
        self.add(punt, RDF.type, BESLUIT.Agendapunt)
        self.add(punt, DCTERMS.title, Literal(item.title, lang="nl"))
        self.add(punt, BESLUIT.type, self.agenda_type(item.kind))
        self.add(punt, BESLUIT.openbaar, Literal(True))
        self.add(punt, BESLUIT.aangebrachtNa, previous)
        return punt

    def treatment(
        self, meeting: Meeting, item: AgendaItem, treatment: Treatment, punt: URIRef
    ) -> URIRef:
        behandeling = self.ref("behandelingen", treatment.uuid)
        g = self.add
        g(behandeling, RDF.type, BESLUIT.BehandelingVanAgendapunt)
        g(behandeling, DCTERMS.subject, punt)
        g(behandeling, BESLUIT.openbaar, Literal(True))
        for member in self.members(treatment.attendance or []):
            g(behandeling, BESLUIT.heeftAanwezige, member)
        for vote in votes_of(self.session, treatment):
            g(behandeling, BESLUIT.heeftStemming, self.vote(vote))
        decision = _decision(self.session, treatment)
        if decision is not None:
            g(behandeling, PROV.generated, self.decision(meeting, item, decision))
        return behandeling

    def vote(self, vote: Vote) -> URIRef:
        stemming = self.ref("stemmingen", vote.uuid)
        g = self.add
        g(stemming, RDF.type, BESLUIT.Stemming)
        g(stemming, BESLUIT.aantalVoorstanders, Literal(vote.count_for, datatype=XSD.integer))
        g(stemming, BESLUIT.aantalTegenstanders, Literal(vote.count_against, datatype=XSD.integer))
        g(stemming, BESLUIT.aantalOnthouders, Literal(vote.count_abstain, datatype=XSD.integer))
        g(stemming, BESLUIT.geheim, Literal(bool(vote.secret)))
        outcome = VOTE_OUTCOMES.get(vote.outcome, VOTE_OUTCOMES["rejected"])
        g(stemming, BESLUIT.gevolg, Literal(outcome, lang="nl"))
        g(stemming, BESLUIT.onderwerp, Literal(vote.subject, lang="nl"))
        if vote.secret:  # who voted how is never recorded for a secret vote; never published
            return stemming
        casts = self.session.execute(
            select(VoteCast.seat_id, VoteCast.user_id, VoteCast.choice)
            .where(VoteCast.vote_id == vote.id, VoteCast.seat_id.is_not(None))
            .order_by(VoteCast.seat_id)
        ).all()
        self.members(user for _seat, user, _choice in casts)
        for seat_id, _user, choice in casts:
            member = member_uri(self.base, seat_id)
            g(stemming, BESLUIT.heeftStemmer, member)
            g(stemming, VOTE_CHOICES[choice], member)
        return stemming

    def decision(self, meeting: Meeting, item: AgendaItem, decision: Decision) -> URIRef:
        besluit = self.ref("besluiten", decision.uuid)
        g = self.add
        g(besluit, RDF.type, BESLUIT.Besluit)
        g(besluit, ELI.title, Literal(item.title, lang="nl"))
        g(besluit, ELI.description, Literal(decision.text, lang="nl"))
        g(besluit, BESLUIT.motivering, Literal(motivation(meeting, item), lang="nl"))
        g(besluit, ELI.language, LANGUAGE_NLD)
        published = meeting.minutes_approved_on or dates.local_date(decision.decided_at)
        g(besluit, ELI.date_publication, Literal(published, datatype=XSD.date))
        for number, text in enumerate(articles(decision.text), start=1):
            artikel = URIRef(f"{besluit}/artikels/{number}")
            g(besluit, ELI.has_part, artikel)
            g(artikel, RDF.type, BESLUIT.Artikel)
            g(artikel, ELI.number, Literal(str(number)))
            g(artikel, PROV.value, Literal(text, lang="nl"))
        return besluit


def motivation(meeting: Meeting, item: AgendaItem) -> str:
    """The decision's motivation as the records know it: which meeting took it, on which item."""
    day = dates.format_nl(meeting.meeting_date)
    return (
        f"Het Stuurorgaan nam dit besluit in zijn zitting van {day}"
        f" bij agendapunt {item.position} ({item.title})."
    )


def _moment(value: datetime) -> Literal:
    return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def meeting_graph(
    session: Session, meeting: Meeting, base: str, graph: Graph | None = None
) -> Graph:
    """The published graph of one meeting (nothing when its minutes are not approved)."""
    graph = graph if graph is not None else new_graph()
    if meeting.status == PUBLISHED_STATUS:
        _Builder(session, base, graph).meeting(meeting)
    return graph


def dump(session: Session, base: str) -> Graph:
    """The whole published graph: every meeting whose minutes are approved."""
    graph = new_graph()
    for meeting in published_meetings(session):
        meeting_graph(session, meeting, base, graph)
    return graph


def describe(session: Session, base: str, kind: str, ident: str) -> Graph | None:
    """What the URI ``/id/<kind>/<ident>`` answers: a meeting's whole graph for a meeting, else
    the resource's own triples with its articles and the labels of what it refers to. None when
    it is not published."""
    meeting = resolve(session, kind, ident)
    if meeting is None:
        return None
    whole = meeting_graph(session, meeting, base)
    if kind == "zittingen":
        return whole
    subject = uri(base, kind, str(uuidlib.UUID(ident)))
    if (subject, None, None) not in whole:
        return None
    graph = new_graph()
    for triple in whole.triples((subject, None, None)):
        graph.add(triple)
        obj = triple[2]
        if isinstance(obj, URIRef) and str(obj).startswith(f"{subject}/"):
            for owned in whole.triples((obj, None, None)):
                graph.add(owned)
        elif isinstance(obj, URIRef):
            for label in (RDF.type, DCTERMS.title, SKOS.prefLabel, ELI.title):
                for found in whole.triples((obj, label, None)):
                    graph.add(found)
    for triple in whole.triples((None, None, subject)):  # what points here (its meeting, treatment)
        graph.add(triple)
    return graph


def publication_day(meeting: Meeting) -> date | None:
    return meeting.minutes_approved_on


# -- the public decision list -----------------------------------------------------------------


@dataclass(frozen=True)
class PublishedDecision:
    """A published decision with its agenda item and meeting, for the public pages."""

    uuid: str
    title: str
    text: str
    articles: tuple[str, ...]
    binding: bool
    deadline: date | None
    focus_domain: str | None
    published_on: date | None
    item_uuid: str
    item_position: int
    item_kind: str
    meeting_uuid: str
    meeting_title: str
    meeting_date: date
    treatment_uuid: str
    vote: tuple[int, int, int] | None
    vote_secret: bool = False


def _published_rows(session: Session) -> list[tuple[Decision, Treatment, AgendaItem, Meeting]]:
    query = (
        select(Decision, Treatment, AgendaItem, Meeting)
        .join(Treatment, Treatment.id == Decision.treatment_id)
        .join(AgendaItem, AgendaItem.id == Treatment.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(Meeting.status == PUBLISHED_STATUS, AgendaItem.public.is_(True))
        .order_by(Meeting.meeting_date.desc(), AgendaItem.position, Decision.id)
    )
    return [tuple(row) for row in session.execute(query).all()]  # type: ignore[misc]


def _published(
    session: Session, decision: Decision, treatment: Treatment, item: AgendaItem, meeting: Meeting
) -> PublishedDecision:
    held = votes_of(session, treatment)
    last = held[-1] if held else None
    vote = (last.count_for, last.count_against, last.count_abstain) if last else None
    return PublishedDecision(
        uuid=decision.uuid,
        title=item.title,
        text=decision.text,
        articles=tuple(articles(decision.text)),
        binding=decision.binding,
        deadline=decision.deadline,
        focus_domain=decision.focus_domain,
        published_on=meeting.minutes_approved_on,
        item_uuid=item.uuid,
        item_position=item.position,
        item_kind=item.kind,
        meeting_uuid=meeting.uuid,
        meeting_title=meeting.title,
        meeting_date=meeting.meeting_date,
        treatment_uuid=treatment.uuid,
        vote=vote,
        vote_secret=bool(last and last.secret),
    )


def published_decisions(
    session: Session, *, year: int | None = None, focus_domain: str | None = None
) -> list[PublishedDecision]:
    """Published decisions, newest meeting first, optionally of one year (the meeting's) and
    one focus domain."""
    found = [_published(session, *row) for row in _published_rows(session)]
    return [
        d
        for d in found
        if (year is None or d.meeting_date.year == year)
        and (focus_domain is None or d.focus_domain == focus_domain)
    ]


def published_years(session: Session) -> list[int]:
    return sorted({d.meeting_date.year for d in published_decisions(session)}, reverse=True)


def published_decision(session: Session, ident: str) -> PublishedDecision | None:
    try:
        key = str(uuidlib.UUID(ident))
    except ValueError:
        return None
    for row in _published_rows(session):
        if row[0].uuid == key:
            return _published(session, *row)
    return None
