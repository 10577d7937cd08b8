"""A meeting's agenda: admitted topics become agenda items, the agenda freezes at its deadline,
the secretariat orders and marks it, and it is published to the members.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import ServiceCall
from processes.meetings.lifecycle import change, item_view, load_meeting, move_status
from processes.records.models import AgendaItem, Meeting
from processes.records.notify import day_names, notify, role_holders
from processes.records.reference import AGENDA_KINDS

PUBLISH_TO = ("member", "chair")
"""Roles the published agenda goes to."""


def _items(call: ServiceCall, meeting_id: int) -> list[AgendaItem]:
    return list(
        call.session.execute(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id, AgendaItem.status == "scheduled")
            .order_by(AgendaItem.position, AgendaItem.id)
        ).scalars()
    )


def _refused(meeting_id: Any, nl: str, en: str) -> dict[str, Any]:
    return {"placed": False, "meeting_id": meeting_id, "reason": {"nl": nl, "en": en}}


def add_agenda_item(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Put this topic case on a meeting's agenda, last. Refused (``placed`` false, with a
    reason) when the meeting does not exist or its agenda is no longer open.

    params: ``meeting_id``, ``kind``, ``public``, ``title``, ``topic_kind``, ``focus_domain``.
    """
    meeting_id = params.get("meeting_id")
    meeting = call.session.get(Meeting, int(meeting_id)) if meeting_id is not None else None
    if meeting is None:
        return _refused(
            meeting_id,
            "Die zitting bestaat niet; kies een andere zitting.",
            "That meeting does not exist; choose another meeting.",
        )
    if meeting.status != "planned":
        return _refused(
            meeting_id,
            f"De agenda van de zitting „{meeting.title}” is al afgesloten; kies een latere "
            "zitting.",
            f"The agenda of the meeting “{meeting.title}” is already closed; choose a later "
            "meeting.",
        )
    kind = params.get("kind") or "decision"
    if kind not in AGENDA_KINDS:
        raise ValueError(f"unknown agenda item kind {kind!r}")
    item = call.session.execute(
        select(AgendaItem).where(
            AgendaItem.meeting_id == meeting.id, AgendaItem.topic_case_id == call.case_id
        )
    ).scalar_one_or_none()
    if item is None:
        last = call.session.execute(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
        ).scalar()
        item = AgendaItem(
            meeting_id=meeting.id,
            topic_case_id=call.case_id,
            position=(last or 0) + 1,
            kind=kind,
            public=bool(params.get("public", True)),
            title=str(params.get("title") or f"Dossier {call.case_id}")[:500],
            topic_kind=str(params.get("topic_kind") or "topic"),
            focus_domain=params.get("focus_domain") or None,
            status="scheduled",
            added_at=call.clock.now(),
        )
        call.session.add(item)
        call.session.flush()
        call.record("agenda_item_added", changes={"agenda_item": change(None, item_view(item))})
    return {
        "placed": True,
        **item_view(item),
        "meeting_id": meeting.id,
        "meeting_title": meeting.title,
        "meeting_date": meeting.meeting_date.isoformat(),
        "agenda_deadline": meeting.agenda_deadline.isoformat(),
        "reason": None,
    }


def freeze_agenda(call: ServiceCall, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The agenda deadline has passed: no more items. Returns the agenda in its current order.

    params: ``meeting_id``.
    """
    meeting = load_meeting(call, params["meeting_id"])
    move_status(call, meeting, "agenda_frozen")
    return [item_view(item) for item in _items(call, meeting.id)]


def _order_problems(
    session: Session, order: list[dict[str, Any]], items: dict[int, AgendaItem]
) -> list[dict[str, str]]:
    """Items in the order that are not on this agenda, by title (never by their number)."""
    unknown = [entry["agenda_item_id"] for entry in order if entry["agenda_item_id"] not in items]
    if not unknown:
        return []
    titles = [
        f"„{title}”"
        for title in session.execute(
            select(AgendaItem.title).where(AgendaItem.id.in_(unknown))
        ).scalars()
    ]
    if len(titles) != len(unknown):
        return [
            {
                "nl": "De volgorde noemt een agendapunt dat niet (meer) op de agenda van deze "
                "zitting staat.",
                "en": "The order names an agenda item that is not (or no longer) on this "
                "meeting's agenda.",
            }
        ]
    return [
        {
            "nl": f"Niet op de agenda van deze zitting: {', '.join(titles)}.",
            "en": f"Not on this meeting's agenda: {', '.join(titles)}.",
        }
    ]


def publish_agenda(call: ServiceCall, params: dict[str, Any]) -> dict[str, Any]:
    """Apply the secretariat's order and marks, then publish the agenda to the members.

    Items listed come first, in the order given; items not listed follow in their current
    order. An unknown item refuses the whole order (``published`` false, with ``problems``).
    params: ``meeting_id``, ``order`` (list of {agenda_item_id, kind, public}), ``note``.
    """
    meeting = load_meeting(call, params["meeting_id"])
    current = _items(call, meeting.id)
    by_id = {item.id: item for item in current}
    order = list(params.get("order") or [])
    problems = _order_problems(call.session, order, by_id)
    if problems:
        return {"published": False, "problems": problems, "items": []}
    listed = [by_id[entry["agenda_item_id"]] for entry in order]
    rest = [item for item in current if item not in listed]
    marks = {entry["agenda_item_id"]: entry for entry in order}
    for position, item in enumerate([*listed, *rest], start=1):
        before = item_view(item)
        item.position = position
        if item.id in marks:
            item.kind = marks[item.id]["kind"]
            item.public = bool(marks[item.id].get("public", True))
        after = item_view(item)
        if after != before:
            diff = {k: change(before[k], after[k]) for k in after if before[k] != after[k]}
            call.record("agenda_item_changed", changes=diff, reason=f"agenda item {item.id}")
    call.session.flush()
    move_status(call, meeting, "published")
    recipients = [user for role in PUBLISH_TO for user in role_holders(call, role)]
    notified = notify(
        call,
        recipients,
        event="agenda_published",
        template="agenda_published",
        params={
            "meeting_title": meeting.title,
            "meeting_day": day_names(meeting.meeting_date),
            "items": sum(1 for item in current if item.status != "deferred"),
            "note": str(params.get("note") or "").strip(),
        },
    )
    items = [item_view(item) for item in _items(call, meeting.id)]
    call.record(
        "agenda_published",
        changes={
            "agenda": change(None, [i["agenda_item_id"] for i in items]),
            "notified": change(None, notified),
        },
        reason=params.get("note") or None,
    )
    return {"published": True, "problems": [], "items": items, "notified": notified}
