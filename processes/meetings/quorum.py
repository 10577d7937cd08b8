"""The quorum: how many of the committee's seats must be present before an outcome "decided"
can be recorded.

A setting, ``STUURBOORD_QUORUM``: ``majority`` (the default: more than half of the seats), a
fraction ``N/M`` of the seats (rounded up, ``2/3``), or a number of seats (``12``). Seats are the
committee's seats in force on the meeting's date; present are those whose holder is ticked in
the treatments' attendance.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from processes.records.models import CommitteeSeat, MeetingAttendance, Person, Treatment

SETTING = "STUURBOORD_QUORUM"
DEFAULT = "majority"


class QuorumSettingError(ValueError):
    pass


def required(seats: int, setting: str | None = None) -> int:
    """How many seats must be present, of `seats`, under the setting (default: the env var)."""
    raw = (setting if setting is not None else os.environ.get(SETTING, DEFAULT)).strip() or DEFAULT
    if raw == DEFAULT:
        return seats // 2 + 1
    fraction = re.fullmatch(r"(\d+)\s*/\s*(\d+)", raw)
    if fraction and 0 < int(fraction[1]) <= int(fraction[2]):
        return math.ceil(seats * int(fraction[1]) / int(fraction[2]))
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    raise QuorumSettingError(
        f"{SETTING}={raw!r}: expected 'majority', a fraction such as '2/3' or a number of seats"
    )


@dataclass(frozen=True)
class Count:
    seats: int
    present: int
    needed: int

    @property
    def met(self) -> bool:
        return self.present >= self.needed


def count(session: Session, day: date, attendance: list[str]) -> Count:
    """The seats in force on `day` and how many of them are held by someone present."""
    rows = session.execute(
        select(CommitteeSeat.id, Person.user_id)
        .join(Person, Person.id == CommitteeSeat.person_id)
        .where(
            or_(CommitteeSeat.started_on.is_(None), CommitteeSeat.started_on <= day),
            or_(CommitteeSeat.ended_on.is_(None), CommitteeSeat.ended_on >= day),
        )
    ).all()
    present = {str(user) for user in attendance}
    seats = len(rows)
    return Count(seats, sum(1 for _seat, user in rows if user in present), required(seats))


@dataclass(frozen=True)
class Vote:
    """The vote recorded with an agenda item's treatment."""

    votes_for: int
    votes_against: int
    votes_abstain: int
    secret: bool


def votes_of(session: Session, agenda_item_ids: list[int]) -> dict[int, Vote]:
    """The votes held on these agenda items, by agenda item id (items without a vote left out)."""
    if not agenda_item_ids:
        return {}
    rows = session.execute(
        select(Treatment).where(Treatment.agenda_item_id.in_(agenda_item_ids))
    ).scalars()
    found: dict[int, Vote] = {}
    for t in rows:
        details = t.details or {}
        counts = (t.votes_for, t.votes_against, t.votes_abstain)
        if details.get("vote_held") or any(n is not None for n in counts):
            found[t.agenda_item_id] = Vote(
                t.votes_for or 0,
                t.votes_against or 0,
                t.votes_abstain or 0,
                bool(details.get("vote_secret")),
            )
    return found


def record_attendance(
    session: Session, meeting_id: int, day: date, attendance: list[str], now: datetime
) -> int:
    """Store who held each seat in force on `day` and whether they were present (once per
    meeting: a second call changes nothing; the unique (meeting, seat) guards a race)."""
    if session.execute(
        select(MeetingAttendance.id).where(MeetingAttendance.meeting_id == meeting_id).limit(1)
    ).first():
        return 0
    present = {str(user) for user in attendance}
    rows = session.execute(
        select(CommitteeSeat.id, Person.user_id)
        .join(Person, Person.id == CommitteeSeat.person_id)
        .where(
            or_(CommitteeSeat.started_on.is_(None), CommitteeSeat.started_on <= day),
            or_(CommitteeSeat.ended_on.is_(None), CommitteeSeat.ended_on >= day),
        )
        .order_by(CommitteeSeat.id)
    ).all()
    for seat_id, user_id in rows:
        session.add(
            MeetingAttendance(
                meeting_id=meeting_id,
                seat_id=seat_id,
                user_id=user_id,
                status="present" if user_id in present else "absent",
                recorded_at=now,
            )
        )
    session.flush()
    return len(rows)


def present_at(session: Session, meeting_id: int) -> list[str] | None:
    """The user ids recorded present at the meeting, or None when no attendance was recorded."""
    rows = session.execute(
        select(MeetingAttendance.user_id, MeetingAttendance.status).where(
            MeetingAttendance.meeting_id == meeting_id
        )
    ).all()
    if not rows:
        return None
    return sorted(user for user, status in rows if status == "present")
