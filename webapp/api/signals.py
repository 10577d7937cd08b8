"""/api/v1/signals: send a BPMN signal into one case or into every case waiting for it (admins).

Admins only: a signal can move many cases at once, outside their tasks and forms, so it is an
intervention like retrying or terminating a case. What happened is in each case's audit trail
(`signal_received`) and, for a broadcast, once more overall (`signal_broadcast`).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import StrictSchema
from webapp.identity import engine

blp = Blueprint(
    "Signals", __name__, url_prefix="/api/v1/signals", description="BPMN signals (admins)"
)
blp.before_request(authenticate)


class SendSignalSchema(StrictSchema):
    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=255),
        metadata={"description": "The signal's name (`bpmn:signal/@name`)."},
    )
    data = fields.Dict(
        keys=fields.String(),
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The payload. A catching event lands it in the case data under the "
            "signal's `variableName`, or else under the signal's name."
        },
    )
    case_id = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1),
        metadata={"description": "Only this case; it must be waiting for the signal."},
    )


class SignalResultSchema(StrictSchema):
    name = fields.String()
    delivered = fields.List(fields.Integer(), metadata={"description": "Cases that caught it."})
    started = fields.List(
        fields.Integer(), metadata={"description": "Cases started by a signal start event."}
    )
    skipped = fields.List(
        fields.Integer(), metadata={"description": "Suspended cases waiting for it (not sent)."}
    )
    conflicts = fields.List(
        fields.Integer(),
        metadata={"description": "Cases changed by others at the same moment, not reached."},
    )


@blp.route("")
class Signals(MethodView):
    @blp.arguments(SendSignalSchema)
    @blp.response(200, SignalResultSchema)
    @documents(blp, 403, 404, 409, 413, 422)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Send a signal (admins).

        With `case_id`: to that case (404 if unknown; 409 SIGNAL_NOT_EXPECTED if it does not
        wait for it, CASE_STATE if it is closed or suspended). Without: to every open case
        waiting for it, each in its own transaction, and as a start to every process with a
        signal start event of that name; reaching no case is not an error.
        """
        result = engine().send_signal(body["name"], body["data"], require_actor(), body["case_id"])
        return asdict(result)
