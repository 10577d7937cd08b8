"""The meeting (zitting): agenda, freeze, publication, treatments, decisions, report to the
college of chairs, approval of the minutes (process ``meeting``, ``bpmn/meeting.bpmn``).
"""

from __future__ import annotations

from engine import Registry
from processes.meetings.briefs import BRIEFS, case_view
from processes.meetings.forms import MEETING_FORMS
from processes.meetings.services import SERVICES
from processes.meetings.treatments import check_treatments
from processes.records import brief

PROCESS_ID = "meeting"


def register(registry: Registry) -> None:
    """Add the meeting forms and the meeting service handlers (including the agenda service
    the topic process uses)."""
    for element_id, schema in MEETING_FORMS.items():
        registry.form(PROCESS_ID, element_id, schema)
    brief.register(registry, PROCESS_ID, BRIEFS, case_view)
    for name, handler in SERVICES.items():
        registry.service(name)(handler)
    registry.form_check(check_treatments)
