"""/api/v1/meetings/{meeting_id}/agenda/order: order, mark and publish a meeting's agenda
through the meeting case's task *Agenda ordenen en markeren* (``order_agenda``).

As the meeting page (webapp/meetings.py): the task exists from the agenda deadline until
publication (else 409 CONFLICT); only who may do it (the secretariat, also as deputy) may
(else 403); a meeting you may not see answers 404. The order must name every scheduled item
once (else 422 under `items`). The route completes the task with the order, exactly as the
page's *Volgorde vastleggen en publiceren*: the process publishes the agenda.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine import Forbidden, ValidationFailed
from processes.records.reference import AGENDA_KINDS
from webapp import meetings, rights
from webapp.api import authenticate, documents, require_actor
from webapp.api.meetings import MeetingDetailSchema, meeting_body
from webapp.api.schemas import StrictSchema
from webapp.errors import ApiError
from webapp.identity import engine

blp = Blueprint(
    "Agenda ordering",
    __name__,
    url_prefix="/api/v1/meetings",
    description="Ordering and publishing a meeting's agenda (secretariat)",
)
blp.before_request(authenticate)


@blp.before_request
def _meeting_first() -> None:
    """A meeting you may not see answers 404 before the body is looked at."""
    if request.view_args and "meeting_id" in request.view_args:
        meetings.visible_meeting(engine(), require_actor(), int(request.view_args["meeting_id"]))


class OrderedItemSchema(StrictSchema):
    agenda_item_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    kind = fields.String(
        required=True,
        validate=validate.OneOf(list(AGENDA_KINDS)),
        metadata={"description": ", ".join(AGENDA_KINDS)},
    )
    public = fields.Boolean(load_default=True, metadata={"description": "false: closed item"})


class AgendaOrderSchema(StrictSchema):
    items = fields.List(
        fields.Nested(OrderedItemSchema),
        required=True,
        validate=validate.Length(max=100),
        metadata={"description": "Every scheduled agenda item once, first on the agenda first"},
    )
    note = fields.String(
        validate=validate.Length(max=4000),
        metadata={"description": "Cover note for the members"},
    )


EXAMPLE_BODY = {
    "items": [
        {"agenda_item_id": 5, "kind": "decision", "public": True},
        {"agenda_item_id": 4, "kind": "information", "public": False},
    ],
    "note": "Punt 2 is besloten.",
}
EXAMPLE_ANSWER = {
    "meeting_id": 2,
    "case_id": 30,
    "title": "Zitting van 14 januari 2027",
    "meeting_date": "2027-01-14",
    "start_time": "10:00:00",
    "starts_at": "2027-01-14T09:00:00+00:00",
    "agenda_deadline": "2027-01-04",
    "location": "Herman Teirlinckgebouw",
    "status": "published",
    "published_at": "2027-01-05T09:00:00+00:00",
    "reported_at": None,
    "minutes_approved_on": None,
    "agenda": [],
}


@blp.route("/<int:meeting_id>/agenda/order")
class AgendaOrder(MethodView):
    @blp.arguments(AgendaOrderSchema, example=EXAMPLE_BODY)
    @blp.response(200, MeetingDetailSchema, example=EXAMPLE_ANSWER)
    @documents(blp, 403, 404, 409, 413, 422)
    def post(self, body: dict[str, Any], meeting_id: int) -> dict[str, Any]:
        """Set the agenda's order and marks and publish it (completes ``order_agenda``)."""
        eng = engine()
        actor = require_actor()
        meeting = meetings.visible_meeting(eng, actor, meeting_id)
        task = meetings.order_task(eng, meeting)
        if task is None:
            raise ApiError(
                409,
                "CONFLICT",
                "The agenda cannot be ordered now: only from the agenda deadline until it is "
                "published.",
            )
        if not rights.may_act(eng, actor, task):
            raise Forbidden("only who may do the task orders the agenda")
        scheduled = {
            e.agenda_item_id for e in meetings.agenda_of(eng, meeting_id) if e.status == "scheduled"
        }
        sent = [item["agenda_item_id"] for item in body["items"]]
        if sorted(sent) != sorted(scheduled):
            raise ValidationFailed(
                "the order does not match the agenda",
                {"items": ["Name every scheduled agenda item exactly once: "
                           f"{', '.join(map(str, sorted(scheduled))) or 'none'}."]},
            )  # fmt: skip
        data: dict[str, Any] = {"agenda_order": body["items"]}
        if (body.get("note") or "").strip():
            data["agenda_note"] = body["note"].strip()
        eng.complete_task(task.id, data, rights.actor_for_task(eng, actor, task))
        meeting = meetings.visible_meeting(eng, actor, meeting_id)
        return {**meeting_body(meeting), "agenda": meetings.agenda_of(eng, meeting_id)}
