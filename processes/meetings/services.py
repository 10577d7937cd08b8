"""Service-task handlers of the meeting process (``meeting``), by operator name.

``meetings/add_agenda_item`` is also called by the topic process when the chair admits a topic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine import ServiceCall
from processes.meetings.agenda import add_agenda_item, freeze_agenda, publish_agenda
from processes.meetings.lifecycle import approve_minutes, mark_held, plan_meeting
from processes.meetings.treatments import report_to_college, store_treatments

Handler = Callable[[ServiceCall, dict[str, Any]], Any]

SERVICES: dict[str, Handler] = {
    "meetings/plan_meeting": plan_meeting,
    "meetings/add_agenda_item": add_agenda_item,
    "meetings/freeze_agenda": freeze_agenda,
    "meetings/publish_agenda": publish_agenda,
    "meetings/mark_held": mark_held,
    "meetings/store_treatments": store_treatments,
    "meetings/report_to_college": report_to_college,
    "meetings/approve_minutes": approve_minutes,
}
