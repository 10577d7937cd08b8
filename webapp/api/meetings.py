"""/api/v1/meetings: the meetings you may see, one meeting with its agenda, and its agenda.

Rights are those of the *Zittingen* pages (webapp/meetings.py): a meeting you may not see
answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from processes.records.queries import AgendaEntry, MeetingInfo
from processes.records.reference import AGENDA_KINDS, MEETING_STATUSES
from webapp import meetings
from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import StrictSchema
from webapp.identity import engine
from webapp.meeting_pack import starts_at

blp = Blueprint(
    "Meetings",
    __name__,
    url_prefix="/api/v1/meetings",
    description="Meetings (zittingen) and their agendas",
)
blp.before_request(authenticate)


class AgendaItemSchema(Schema):
    agenda_item_id = fields.Integer()
    meeting_id = fields.Integer()
    position = fields.Integer(metadata={"description": "Place on the agenda, 1 first"})
    topic_case_id = fields.Integer(metadata={"description": "The topic case (dossier)"})
    title = fields.String()
    kind = fields.String(metadata={"description": ", ".join(AGENDA_KINDS)})
    public = fields.Boolean(metadata={"description": "false: a closed (besloten) item"})
    topic_kind = fields.String(metadata={"description": "topic, escalation, question"})
    focus_domain = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "scheduled, treated, deferred"})
    outcome = fields.String(
        allow_none=True,
        metadata={"description": "decided, working_group, deferred, escalated, noted"},
    )


class MeetingSchema(Schema):
    meeting_id = fields.Integer()
    case_id = fields.Integer(allow_none=True, metadata={"description": "The meeting case"})
    title = fields.String()
    meeting_date = fields.Date()
    start_time = fields.Time(metadata={"description": "Local time (Europe/Brussels)"})
    starts_at = fields.DateTime(metadata={"description": "The start as an instant (UTC)"})
    agenda_deadline = fields.Date()
    location = fields.String()
    status = fields.String(metadata={"description": ", ".join(MEETING_STATUSES)})
    published_at = fields.DateTime(allow_none=True)
    reported_at = fields.DateTime(allow_none=True)
    minutes_approved_on = fields.Date(allow_none=True)


class MeetingDetailSchema(MeetingSchema):
    agenda = fields.List(fields.Nested(AgendaItemSchema))


class MeetingListArgs(StrictSchema):
    status = fields.String(validate=validate.OneOf(MEETING_STATUSES))
    upcoming = fields.Boolean(
        load_default=False, metadata={"description": "Only meetings from today on"}
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


def meeting_body(meeting: MeetingInfo) -> dict[str, Any]:
    """A meeting as the API shows it."""
    return {**asdict(meeting), "starts_at": starts_at(meeting)}


@blp.route("")
class Meetings(MethodView):
    @blp.arguments(MeetingListArgs, location="query")
    @blp.response(200, MeetingSchema(many=True))
    @documents(blp, 422)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Meetings you may see, by date (earliest first)."""
        eng = engine()
        found = meetings.visible_meetings(eng, require_actor(), status=args.get("status"))
        if args["upcoming"]:
            today = meetings.today(eng)
            found = [m for m in found if m.meeting_date >= today]
        window = found[args["offset"] : args["offset"] + args["limit"]]
        return [meeting_body(m) for m in window]


@blp.route("/<int:meeting_id>")
class Meeting(MethodView):
    @blp.response(200, MeetingDetailSchema)
    @documents(blp, 404)
    def get(self, meeting_id: int) -> dict[str, Any]:
        """One meeting with its agenda in order."""
        eng = engine()
        meeting = meetings.visible_meeting(eng, require_actor(), meeting_id)
        return {**meeting_body(meeting), "agenda": meetings.agenda_of(eng, meeting_id)}


@blp.route("/<int:meeting_id>/agenda")
class Agenda(MethodView):
    @blp.response(200, AgendaItemSchema(many=True))
    @documents(blp, 404)
    def get(self, meeting_id: int) -> list[AgendaEntry]:
        """A meeting's agenda in order (deferred items included, with their status)."""
        eng = engine()
        meetings.visible_meeting(eng, require_actor(), meeting_id)
        return meetings.agenda_of(eng, meeting_id)
