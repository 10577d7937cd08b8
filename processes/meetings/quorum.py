"""The quorum: how many of the committee's seats must be present before an outcome "decided"
can be recorded.

A setting, ``STUURBOORD_QUORUM``: ``majority`` (the default: more than half of the seats), a
fraction ``N/M`` of the seats (rounded up, ``2/3``), or a number of seats (``12``). Seats are the
committee's seats in force on the meeting's date; present are those whose holder is ticked in
the treatments' attendance; excused (verontschuldigd) and absent seats do not count.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.storage.models import UserAccount
from processes.records.models import CommitteeSeat, MeetingAttendance, Person

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


def record_attendance(
    session: Session,
    meeting_id: int,
    day: date,
    attendance: list[str],
    now: datetime,
    excused: list[str] | None = None,
) -> int:
    """Store who held each seat in force on `day` and whether they were present, excused or
    absent (once per meeting: a second call changes nothing; the unique (meeting, seat) guards
    a race). Someone in both lists counts as present (the form refuses that)."""
    if session.execute(
        select(MeetingAttendance.id).where(MeetingAttendance.meeting_id == meeting_id).limit(1)
    ).first():
        return 0
    present = {str(user) for user in attendance}
    apologised = {str(user) for user in excused or []}
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
                status="present"
                if user_id in present
                else "excused"
                if user_id in apologised
                else "absent",
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


@dataclass(frozen=True)
class Attendee:
    """Who held a seat at a meeting and whether they were present, excused or absent."""

    user_id: str
    name: str
    seat_kind: str
    status: str


def attendance_of(session: Session, meeting_id: int) -> list[Attendee]:
    """The meeting's recorded attendance in seat order (empty when none was recorded)."""
    rows = session.execute(
        select(MeetingAttendance, UserAccount.display_name, CommitteeSeat.seat_kind)
        .join(CommitteeSeat, CommitteeSeat.id == MeetingAttendance.seat_id)
        .outerjoin(UserAccount, UserAccount.id == MeetingAttendance.user_id)
        .where(MeetingAttendance.meeting_id == meeting_id)
        .order_by(MeetingAttendance.seat_id)
    ).all()
    return [
        Attendee(row.user_id, name or row.user_id, seat_kind, row.status)
        for row, name, seat_kind in rows
    ]


def quorum_of(attendees: list[Attendee], setting: str | None = None) -> Count | None:
    """The quorum as the recorded attendance shows it (None without attendance records)."""
    if not attendees:
        return None
    seats = len(attendees)
    present = sum(1 for a in attendees if a.status == "present")
    return Count(seats, present, required(seats, setting))
