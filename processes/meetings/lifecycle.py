"""A meeting's life: planned → agenda_frozen → published → held → minutes_approved.

Service handlers for the steps that only move the status on, plus the helpers the agenda and
treatment handlers share. Every status change is audited with its before and after.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select

from engine import ServiceCall
from processes.records import dates
from processes.records.models import AgendaItem, Meeting

STATUS_ORDER = ("planned", "agenda_frozen", "published", "held", "minutes_approved")
STAMPS = {
    "agenda_frozen": "frozen_at",
    "published": "published_at",
    "held": "held_at",
}


class MeetingStateError(RuntimeError):
    """A step that does not fit the meeting's status (for example freezing a held meeting)."""


def change(before: Any, after: Any) -> dict[str, Any]:
    return {"before": before, "after": after}


def load_meeting(call: ServiceCall, meeting_id: Any) -> Meeting:
    """The meeting by id; LookupError naming the id if there is none."""
    meeting = call.session.get(Meeting, int(meeting_id))
    if meeting is None:
        raise LookupError(f"meeting {meeting_id} does not exist")
    return meeting


def move_status(call: ServiceCall, meeting: Meeting, status: str) -> bool:
    """Move the meeting to `status` (forward only). False if it is already there."""
    if meeting.status == status:
        return False
    if STATUS_ORDER.index(status) < STATUS_ORDER.index(meeting.status):
        raise MeetingStateError(
            f"meeting {meeting.id} is {meeting.status}; it cannot go back to {status}"
        )
    before = meeting.status
    meeting.status = status
    changes = {"status": change(before, status)}
    stamp = STAMPS.get(status)
    if stamp is not None:
        setattr(meeting, stamp, call.clock.now())
        changes[stamp] = change(None, call.clock.now().isoformat())
    call.session.flush()
    call.record(f"meeting_{status}", changes=changes, reason=f"meeting {meeting.id}")
    return True


def meeting_view(meeting: Meeting) -> dict[str, Any]:
    """The meeting as the case keeps it (variable ``meeting``); timers read the ISO instants."""
    return {
        "meeting_id": meeting.id,
        "title": meeting.title,
        "meeting_date": meeting.meeting_date.isoformat(),
        "start_time": meeting.start_time.strftime("%H:%M"),
        "agenda_deadline": meeting.agenda_deadline.isoformat(),
        "location": meeting.location,
        "status": meeting.status,
        "freeze_at": dates.end_of_day(meeting.agenda_deadline).isoformat(),
        "starts_at": dates.at_local(meeting.meeting_date, meeting.start_time).isoformat(),
    }


def item_view(item: AgendaItem) -> dict[str, Any]:
    return {
        "agenda_item_id": item.id,
        "topic_case_id": item.topic_case_id,
        "position": item.position,
        "kind": item.kind,
        "public": item.public,
        "title": item.title,
        "topic_kind": item.topic_kind,
        "focus_domain": item.focus_domain,
        "status": item.status,
    }


# -- handlers ----------------------------------------------------------------------------------


def plan_meeting(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Create the meeting record for this case. Without an agenda deadline it is
    `lead_days` (a parameter in the model) before the meeting date.

    params: ``title``, ``meeting_date``, ``start_time``, ``agenda_deadline``, ``location``,
    ``lead_days``.
    """
    meeting_date = dates.parse_date(params["meeting_date"])
    assert meeting_date is not None
    deadline = dates.parse_date(params.get("agenda_deadline"))
    if deadline is None:
        deadline = meeting_date - timedelta(days=int(params.get("lead_days") or 10))
    start = time.fromisoformat(str(params.get("start_time") or "10:00"))
    existing = call.session.execute(
        select(Meeting).where(Meeting.case_id == call.case_id)
    ).scalar_one_or_none()
    if existing is not None:  # a retried step: the meeting is already there
        return meeting_view(existing)
    meeting = Meeting(
        case_id=call.case_id,
        title=str(params["title"]),
        meeting_date=meeting_date,
        start_time=start,
        agenda_deadline=deadline,
        location=str(params["location"]),
        status="planned",
        created_at=call.clock.now(),
    )
    call.session.add(meeting)
    call.session.flush()
    view = meeting_view(meeting)
    call.record("meeting_planned", changes={"meeting": change(None, view)})
    return view


def mark_held(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The meeting date has come: the meeting is held. params: ``meeting_id``."""
    meeting = load_meeting(call, params["meeting_id"])
    move_status(call, meeting, "held")
    return meeting_view(meeting)


def approve_minutes(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """The minutes were approved. params: ``meeting_id``, ``approved_on``, ``reference``."""
    meeting = load_meeting(call, params["meeting_id"])
    approved_on: date | None = dates.parse_date(params.get("approved_on"))
    reference = params.get("reference") or None
    before = (meeting.minutes_approved_on, meeting.minutes_reference)
    meeting.minutes_approved_on = approved_on
    meeting.minutes_reference = reference
    move_status(call, meeting, "minutes_approved")
    call.record(
        "minutes_approved",
        changes={
            "minutes_approved_on": change(
                before[0].isoformat() if before[0] else None,
                approved_on.isoformat() if approved_on else None,
            ),
            "minutes_reference": change(before[1], reference),
        },
    )
    return meeting_view(meeting)
