"""/api/v1/deputies: the deputies you named (list, name one for a period, remove one).

As *Mijn account* (webapp/account.py): a period runs from the first day 00:00 to the last day
24:00 in Brussels; `Engine.set_deputy` names the deputy (audited `deputy_named`) and
`Engine.remove_deputy` ends the period (audited `deputy_removed`). You see and remove only the
periods you named: someone else's answers 404 like one that does not exist.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine import NotFound, ValidationFailed
from engine.people.users import DeputyInfo
from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import StrictSchema
from webapp.i18n import TIMEZONE
from webapp.identity import engine

blp = Blueprint(
    "Deputies", __name__, url_prefix="/api/v1/deputies", description="Deputies (vervangers)"
)
blp.before_request(authenticate)

MAX_ID = 2**31 - 1


class DeputySchema(Schema):
    id = fields.Integer()
    user_id = fields.String(metadata={"description": "You: the person stood in for"})
    deputy_id = fields.String(metadata={"description": "Who stands in for you"})
    starts = fields.DateTime()
    ends = fields.DateTime()
    created_at = fields.DateTime()
    created_by = fields.String()


class NewDeputySchema(StrictSchema):
    deputy_id = fields.String(
        required=True, validate=validate.Length(min=1, max=100), metadata={"description": "User id"}
    )
    starts = fields.Date(required=True, metadata={"description": "First day (Brussels)"})
    ends = fields.Date(required=True, metadata={"description": "Last day (Brussels), included"})

    @validates_schema
    def _period(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["ends"] < data["starts"]:
            raise ValidationError("The last day comes before the first.", "ends")


EXAMPLE = {
    "id": 4,
    "user_id": "voorzitter",
    "deputy_id": "lid.omgeving",
    "starts": "2026-12-21T00:00:00+01:00",
    "ends": "2027-01-03T23:59:59.999999+01:00",
    "created_at": "2026-12-03T12:00:00+00:00",
    "created_by": "voorzitter",
}


def _local(day: date, *, end: bool) -> datetime:
    return datetime.combine(day, time.max if end else time.min).replace(tzinfo=ZoneInfo(TIMEZONE))


@blp.route("")
class Deputies(MethodView):
    @blp.response(200, DeputySchema(many=True), example=[EXAMPLE])
    @documents(blp)
    def get(self) -> list[DeputyInfo]:
        """The deputy periods you named (past, running and future), by start."""
        return engine().deputies(require_actor().user_id)

    @blp.arguments(
        NewDeputySchema,
        example={"deputy_id": "lid.omgeving", "starts": "2026-12-21", "ends": "2027-01-03"},
    )
    @blp.response(201, DeputySchema, example=EXAMPLE)
    @documents(blp, 413, 422)
    def post(self, body: dict[str, Any]) -> DeputyInfo:
        """Name a deputy for a period: your tasks also go to them then, and they act with your
        rights ("deputy for you" in the audit trail)."""
        eng = engine()
        actor = require_actor()
        try:
            return eng.set_deputy(
                actor.user_id,
                body["deputy_id"],
                _local(body["starts"], end=False),
                _local(body["ends"], end=True),
                actor,
            )
        except NotFound as error:
            raise ValidationFailed("unknown deputy", {"deputy_id": ["No such user."]}) from error


@blp.route("/<int:deputy_period_id>")
class Deputy(MethodView):
    @blp.response(204)
    @documents(blp, 404)
    def delete(self, deputy_period_id: int) -> None:
        """Remove a deputy period you named (also one that is running: it ends now)."""
        actor = require_actor()
        if not 0 < deputy_period_id <= MAX_ID:
            raise NotFound(f"deputy period {deputy_period_id} not found")
        engine().remove_deputy(actor.user_id, deputy_period_id, actor)
