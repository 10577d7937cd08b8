"""The committee's core domain records: who is who, meetings, agendas, treatments, decisions.

Tables (names are a contract with the other process packages and the web app):

* ``organisation``: a government entity (overheidsinstantie). Its ``id`` is a short code
  (``"dep-omgeving"``), also used as the *scope* of role grants such as ``entity_contact``.
* ``person``: a user of the application (``user_account.id``) in an organisation, with a function.
* ``committee_seat``: a seat on the steering committee held by a person.
* ``working_group`` (id is a short code, also the scope of ``wg_chair``/``wg_member`` grants)
  and ``working_group_member``.
* ``meeting`` (zitting), ``agenda_item`` (agendapunt), ``treatment`` (behandeling) and
  ``decision`` (besluit) with ``decision_entity`` (the entities a decision binds).
* ``meeting_attendance``: who held each seat at a meeting and whether they were present,
  excused or absent; ``vote`` (stemming) held in a treatment with its counts, and for an open
  vote recorded by seat, ``vote_cast``: who voted for, against or abstained.

Datetimes are UTC (``engine.storage.models.UTCDateTime``); calendar dates (a meeting's date, a
deadline) are plain dates in the committee's local calendar (Europe/Brussels).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from uuid import uuid4

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.storage.models import Base
from processes.records import reference

__all__ = [
    "AgendaItem",
    "CommitteeSeat",
    "Decision",
    "DecisionEntity",
    "Meeting",
    "MeetingAttendance",
    "Organisation",
    "Person",
    "Treatment",
    "Vote",
    "VoteCast",
    "WorkingGroup",
    "WorkingGroupMember",
]


def new_uuid() -> str:
    """A stable public identifier (the linked data's URIs use it, never the row id)."""
    return str(uuid4())


def _uuid_column() -> Mapped[str]:
    return mapped_column(String(36), unique=True, index=True, default=new_uuid)


def _one_of(table: str, column: str, values: tuple[str, ...]) -> CheckConstraint:
    """A CHECK that `column` holds one of `values` (the reference lists are the contract)."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=f"ck_{table}_{column}")


class Organisation(Base):
    """A government entity: agency, department, province, municipality or other."""

    __tablename__ = "organisation"
    __table_args__ = (_one_of("organisation", "kind", reference.ORGANISATION_KINDS),)

    id: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    policy_domain: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Person(Base):
    """A user of the application, as a person in an organisation."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), unique=True)
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    function: Mapped[str | None] = mapped_column(String(200))


class CommitteeSeat(Base):
    """A seat on the steering committee (see the seed's annex for the composition)."""

    __tablename__ = "committee_seat"
    __table_args__ = (_one_of("committee_seat", "seat_kind", reference.SEAT_KINDS),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    seat_kind: Mapped[str] = mapped_column(String(40))
    policy_domain: Mapped[str | None] = mapped_column(String(100))
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)


class WorkingGroup(Base):
    """A working group (werkgroep) with a focus domain and a chair."""

    __tablename__ = "working_group"

    id: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    focus_domain: Mapped[str | None] = mapped_column(String(60))
    chair_user_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class WorkingGroupMember(Base):
    __tablename__ = "working_group_member"
    __table_args__ = (UniqueConstraint("working_group_id", "user_id", name="uq_wg_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    working_group_id: Mapped[str] = mapped_column(ForeignKey("working_group.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"))


class Meeting(Base):
    """A meeting (zitting): planned → agenda_frozen → published → held → minutes_approved."""

    __tablename__ = "meeting"
    __table_args__ = (
        _one_of("meeting", "status", reference.MEETING_STATUSES),
        CheckConstraint("agenda_deadline <= meeting_date", name="ck_meeting_deadline_before"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_instance.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    meeting_date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    agenda_deadline: Mapped[date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    created_at: Mapped[datetime]
    frozen_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    held_at: Mapped[datetime | None]
    reported_at: Mapped[datetime | None]
    minutes_approved_on: Mapped[date | None] = mapped_column(Date)
    minutes_reference: Mapped[str | None] = mapped_column(String(500))


class AgendaItem(Base):
    """A topic on a meeting's agenda, in a position, marked for decision/discussion/information.

    status: scheduled (on the agenda) → treated, or deferred (moved to a later meeting).
    """

    __tablename__ = "agenda_item"
    __table_args__ = (
        UniqueConstraint("meeting_id", "topic_case_id", name="uq_agenda_item_topic"),
        _one_of("agenda_item", "kind", reference.AGENDA_KINDS),
        _one_of("agenda_item", "status", reference.AGENDA_ITEM_STATUSES),
        Index("ix_agenda_item_meeting", "meeting_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    topic_case_id: Mapped[int] = mapped_column(ForeignKey("case_instance.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    title: Mapped[str] = mapped_column(String(500))
    topic_kind: Mapped[str] = mapped_column(String(20), default="topic")
    focus_domain: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    added_at: Mapped[datetime]


class Treatment(Base):
    """How an agenda item was treated at its meeting (behandeling) and with what outcome."""

    __tablename__ = "treatment"
    __table_args__ = (_one_of("treatment", "outcome", reference.OUTCOMES),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), unique=True)
    attendance: Mapped[list[str]] = mapped_column(JSON, default=list)
    outcome: Mapped[str] = mapped_column(String(20))
    decision_text: Mapped[str | None] = mapped_column(Text)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    working_group_id: Mapped[str | None] = mapped_column(ForeignKey("working_group.id"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(100))


class Decision(Base):
    """A decision (besluit) taken in a treatment; binding ones start comply-or-explain."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    topic_case_id: Mapped[int] = mapped_column(ForeignKey("case_instance.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    binding: Mapped[bool] = mapped_column(Boolean, default=False)
    deadline: Mapped[date | None] = mapped_column(Date)
    focus_domain: Mapped[str | None] = mapped_column(String(60), index=True)
    decided_at: Mapped[datetime]


class DecisionEntity(Base):
    """An entity a (binding) decision applies to."""

    __tablename__ = "decision_entity"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), primary_key=True)


ATTENDANCE_STATUSES: tuple[str, ...] = ("present", "excused", "absent")


class MeetingAttendance(Base):
    """Who held each seat in force at a meeting's start and whether they were there; written
    once, when the treatments are stored (processes.meetings.treatments)."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "seat_id", name="uq_meeting_attendance_seat"),
        _one_of("meeting_attendance", "status", ATTENDANCE_STATUSES),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("committee_seat.id"))
    user_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))
    recorded_at: Mapped[datetime]


VOTE_OUTCOMES: tuple[str, ...] = ("adopted", "rejected")
VOTE_CHOICES: tuple[str, ...] = ("for", "against", "abstain")


class Vote(Base):
    """A vote (stemming) held in a treatment: its subject, whether it was secret, the counts
    and the outcome. The treatment's own vote columns keep a copy for older readers."""

    __tablename__ = "vote"
    __table_args__ = (_one_of("vote", "outcome", VOTE_OUTCOMES),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    count_for: Mapped[int] = mapped_column(Integer, default=0)
    count_against: Mapped[int] = mapped_column(Integer, default=0)
    count_abstain: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(10))
    recorded_at: Mapped[datetime]


class VoteCast(Base):
    """How one member voted in an open vote recorded by seat (never for a secret vote)."""

    __tablename__ = "vote_cast"
    __table_args__ = (
        UniqueConstraint("vote_id", "user_id", name="uq_vote_cast_voter"),
        _one_of("vote_cast", "choice", VOTE_CHOICES),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id"), index=True)
    seat_id: Mapped[int | None] = mapped_column(ForeignKey("committee_seat.id"))
    user_id: Mapped[str] = mapped_column(String(100))
    choice: Mapped[str] = mapped_column(String(10))
