"""What people call a decision or a topic: by its title, never by its number.

A decision (besluit) has no title of its own: it is named after the agenda item it was taken on
(the topic's title as it stood on the agenda), with the meeting's date. A topic is named by its
case title and the organisation of the person who submitted it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.storage.models import Case
from processes.records.models import (
    AgendaItem,
    Decision,
    Meeting,
    Organisation,
    Person,
    Treatment,
)

TOPIC_PROCESS = "topic"
"""The process whose cases are topics (onderwerpen)."""

SHORT = 80
"""A title in a label, a picker or a case title is cut to about this many characters."""


def short(text: str, limit: int = SHORT) -> str:
    """`text` on one line, cut after a whole word to at most `limit` characters, with "…" when
    something was left out."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


@dataclass(frozen=True)
class DecisionName:
    """What a decision is called: the title of its agenda item and the meeting's date."""

    decision_id: int
    title: str
    meeting_date: date
    topic_case_id: int
    meeting_id: int


def decision_names(session: Session, ids: Iterable[int] | None = None) -> list[DecisionName]:
    """The names of the decisions `ids` (None: all), newest meeting first."""
    query = (
        select(
            Decision.id,
            AgendaItem.title,
            Meeting.meeting_date,
            Decision.topic_case_id,
            Decision.meeting_id,
            Decision.text,
        )
        .join(Treatment, Treatment.id == Decision.treatment_id)
        .join(AgendaItem, AgendaItem.id == Treatment.agenda_item_id)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .order_by(Meeting.meeting_date.desc(), Decision.id.desc())
    )
    if ids is not None:
        query = query.where(Decision.id.in_(list(ids)))
    return [
        DecisionName(row.id, short(row.title or row.text), row.meeting_date, row.topic_case_id,
                     row.meeting_id)
        for row in session.execute(query)
    ]  # fmt: skip


def decision_title(session: Session, decision_id: int) -> str | None:
    """The short title of one decision (None if there is no such decision)."""
    found = decision_names(session, [decision_id])
    return found[0].title if found else None


@dataclass(frozen=True)
class TopicName:
    """What a topic is called: its title and the submitter's organisation (if known)."""

    case_id: int
    title: str
    organisation: str | None


def topic_names(session: Session, ids: Iterable[int] | None = None) -> list[TopicName]:
    """The names of the topic cases `ids` (None: all), newest first."""
    query = (
        select(Case.id, Case.title, Organisation.name)
        .outerjoin(Person, Person.user_id == Case.started_by)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Case.process_id == TOPIC_PROCESS)
        .order_by(Case.id.desc())
    )
    if ids is not None:
        query = query.where(Case.id.in_(list(ids)))
    return [
        TopicName(row.id, short(row.title or ""), row.name) for row in session.execute(query)
    ]
