"""Read helpers over the committee's records, for screens and service handlers.

Each takes an open session (``with engine.db.read() as session``) and returns plain frozen
dataclasses, so callers never hold ORM objects past their transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.records.models import (
    AgendaItem,
    Decision,
    DecisionEntity,
    Meeting,
    Organisation,
    Treatment,
    WorkingGroup,
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Info:
    def as_dict(self) -> dict[str, Any]:
        """JSON-able: dates and times as ISO text."""
        return {key: _plain(value) for key, value in asdict(self).items()}


@dataclass(frozen=True)
class MeetingInfo(Info):
    meeting_id: int
    case_id: int | None
    title: str
    meeting_date: date
    start_time: time
    agenda_deadline: date
    location: str
    status: str
    published_at: datetime | None
    reported_at: datetime | None
    minutes_approved_on: date | None


@dataclass(frozen=True)
class AgendaEntry(Info):
    agenda_item_id: int
    meeting_id: int
    position: int
    topic_case_id: int
    title: str
    kind: str
    public: bool
    topic_kind: str
    focus_domain: str | None
    status: str
    outcome: str | None


@dataclass(frozen=True)
class DecisionInfo(Info):
    decision_id: int
    meeting_id: int
    topic_case_id: int
    treatment_id: int
    text: str
    binding: bool
    deadline: date | None
    focus_domain: str | None
    decided_at: datetime
    entities: tuple[str, ...]


@dataclass(frozen=True)
class OrganisationInfo(Info):
    organisation_id: str
    name: str
    kind: str
    policy_domain: str | None


def _meeting(row: Meeting) -> MeetingInfo:
    return MeetingInfo(
        meeting_id=row.id,
        case_id=row.case_id,
        title=row.title,
        meeting_date=row.meeting_date,
        start_time=row.start_time,
        agenda_deadline=row.agenda_deadline,
        location=row.location,
        status=row.status,
        published_at=row.published_at,
        reported_at=row.reported_at,
        minutes_approved_on=row.minutes_approved_on,
    )


def meeting(session: Session, meeting_id: int) -> MeetingInfo | None:
    row = session.get(Meeting, meeting_id)
    return _meeting(row) if row is not None else None


def meeting_of_case(session: Session, case_id: int) -> MeetingInfo | None:
    """The meeting a ``meeting`` case manages."""
    row = session.execute(select(Meeting).where(Meeting.case_id == case_id)).scalar_one_or_none()
    return _meeting(row) if row is not None else None


def meetings(
    session: Session,
    *,
    statuses: Iterable[str] | None = None,
    from_date: date | None = None,
    until: date | None = None,
) -> list[MeetingInfo]:
    """Meetings by date, optionally only some statuses and a date range."""
    query = select(Meeting).order_by(Meeting.meeting_date, Meeting.id)
    if statuses is not None:
        query = query.where(Meeting.status.in_(list(statuses)))
    if from_date is not None:
        query = query.where(Meeting.meeting_date >= from_date)
    if until is not None:
        query = query.where(Meeting.meeting_date <= until)
    return [_meeting(row) for row in session.execute(query).scalars()]


def open_meetings(session: Session, today: date) -> list[MeetingInfo]:
    """Meetings that still take agenda items (planned, deadline not passed): the chair's
    choice when admitting a topic."""
    query = (
        select(Meeting)
        .where(Meeting.status == "planned", Meeting.agenda_deadline >= today)
        .order_by(Meeting.meeting_date, Meeting.id)
    )
    return [_meeting(row) for row in session.execute(query).scalars()]


def agenda(
    session: Session, meeting_id: int, *, include_deferred: bool = True
) -> list[AgendaEntry]:
    """The agenda of a meeting in order, with each item's treatment outcome if recorded."""
    query = (
        select(AgendaItem, Treatment.outcome)
        .outerjoin(Treatment, Treatment.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    if not include_deferred:
        query = query.where(AgendaItem.status != "deferred")
    return [
        AgendaEntry(
            agenda_item_id=item.id,
            meeting_id=item.meeting_id,
            position=item.position,
            topic_case_id=item.topic_case_id,
            title=item.title,
            kind=item.kind,
            public=item.public,
            topic_kind=item.topic_kind,
            focus_domain=item.focus_domain,
            status=item.status,
            outcome=outcome,
        )
        for item, outcome in session.execute(query).all()
    ]


def agenda_items_of_topic(session: Session, topic_case_id: int) -> list[AgendaEntry]:
    """Every agenda item a topic case had, oldest first (a deferred topic has several)."""
    ids = session.execute(
        select(AgendaItem.meeting_id)
        .where(AgendaItem.topic_case_id == topic_case_id)
        .order_by(AgendaItem.id)
    ).scalars()
    entries: list[AgendaEntry] = []
    for meeting_id in dict.fromkeys(ids):
        entries += [e for e in agenda(session, meeting_id) if e.topic_case_id == topic_case_id]
    return entries


def decision_list(
    session: Session,
    *,
    meeting_id: int | None = None,
    topic_case_id: int | None = None,
    focus_domain: str | None = None,
) -> list[DecisionInfo]:
    """Decisions with the entities they bind, in the order they were taken."""
    query = select(Decision).order_by(Decision.decided_at, Decision.id)
    if meeting_id is not None:
        query = query.where(Decision.meeting_id == meeting_id)
    if topic_case_id is not None:
        query = query.where(Decision.topic_case_id == topic_case_id)
    if focus_domain is not None:
        query = query.where(Decision.focus_domain == focus_domain)
    rows = list(session.execute(query).scalars())
    bound: dict[int, list[str]] = {row.id: [] for row in rows}
    if rows:
        links = session.execute(
            select(DecisionEntity.decision_id, DecisionEntity.organisation_id)
            .where(DecisionEntity.decision_id.in_(list(bound)))
            .order_by(DecisionEntity.organisation_id)
        ).all()
        for decision_id, organisation_id in links:
            bound[decision_id].append(organisation_id)
    return [
        DecisionInfo(
            decision_id=row.id,
            meeting_id=row.meeting_id,
            topic_case_id=row.topic_case_id,
            treatment_id=row.treatment_id,
            text=row.text,
            binding=row.binding,
            deadline=row.deadline,
            focus_domain=row.focus_domain,
            decided_at=row.decided_at,
            entities=tuple(bound[row.id]),
        )
        for row in rows
    ]


def organisations(session: Session, *, kind: str | None = None) -> list[OrganisationInfo]:
    query = select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    return [
        OrganisationInfo(row.id, row.name, row.kind, row.policy_domain)
        for row in session.execute(query).scalars()
    ]


def working_group_ids(session: Session) -> list[str]:
    return list(
        session.execute(
            select(WorkingGroup.id).where(WorkingGroup.active.is_(True)).order_by(WorkingGroup.id)
        ).scalars()
    )
