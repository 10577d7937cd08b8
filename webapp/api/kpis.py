"""/api/v1/kpis: the steering framework's KPIs per focus domain, with their measured values and
the actions and decisions linked to them.

Rights are those of the pages (webapp/actions.py): the secretariat, the chair, members and
admins see every KPI, the owner of a KPI sees that one; a KPI you may not see answers 404,
exactly like one that does not exist, and lists leave it out.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine import NotFound
from processes.records.reference import FOCUS_DOMAINS
from processes.steering import queries
from processes.steering.queries import KpiView
from webapp import actionkit
from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import StrictSchema
from webapp.identity import engine

blp = Blueprint(
    "KPIs",
    __name__,
    url_prefix="/api/v1/kpis",
    description="High-level KPIs per focus domain, their target and measured values",
)
blp.before_request(authenticate)

MAX_ID = 2**31 - 1


class MeasurementSchema(Schema):
    measured_on = fields.Date()
    value = fields.Float()
    note = fields.String(allow_none=True)
    entered_by = fields.String(metadata={"description": "User id of who entered it"})


class KpiSchema(Schema):
    kpi_id = fields.Integer()
    focus_domain = fields.String(metadata={"description": ", ".join(FOCUS_DOMAINS)})
    name = fields.String()
    unit = fields.String()
    baseline = fields.Float(allow_none=True)
    target = fields.Float()
    target_on = fields.Date()
    higher_is_better = fields.Boolean()
    owner_user_id = fields.String(allow_none=True)
    measure_every_months = fields.Integer()
    measurement_case_id = fields.Integer(
        allow_none=True, metadata={"description": "The case that asks the owner for values"}
    )
    last_value = fields.Float(allow_none=True)
    last_measured_on = fields.Date(allow_none=True)
    trend = fields.String(
        metadata={"description": "better, worse, same or none (last value against the one before)"}
    )
    target_met = fields.Boolean(allow_none=True, metadata={"description": "null: not measured"})


class KpiDetailSchema(KpiSchema):
    measurements = fields.List(
        fields.Nested(MeasurementSchema), metadata={"description": "Oldest first"}
    )
    action_ids = fields.List(fields.Integer(), metadata={"description": "Linked actions"})
    decision_ids = fields.List(fields.Integer(), metadata={"description": "Linked decisions"})


class KpiListArgs(StrictSchema):
    focus_domain = fields.String(validate=validate.OneOf(list(FOCUS_DOMAINS)))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


def body(view: KpiView) -> dict[str, Any]:
    kpi, last = view.kpi, view.last
    return {
        "kpi_id": kpi.id,
        "focus_domain": kpi.focus_domain,
        "name": kpi.name,
        "unit": kpi.unit,
        "baseline": kpi.baseline,
        "target": kpi.target,
        "target_on": kpi.target_on,
        "higher_is_better": kpi.higher_is_better,
        "owner_user_id": kpi.owner_user_id,
        "measure_every_months": kpi.measure_every_months,
        "measurement_case_id": kpi.measurement_case_id,
        "last_value": last.value if last else None,
        "last_measured_on": last.measured_on if last else None,
        "trend": view.trend,
        "target_met": view.target_met,
    }


@blp.route("")
class Kpis(MethodView):
    @blp.arguments(KpiListArgs, location="query")
    @blp.response(200, KpiSchema(many=True))
    @documents(blp, 422)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """KPIs you may see, by focus domain and name."""
        actor = require_actor()
        with engine().db.read() as session:
            views = queries.kpi_views(session, args.get("focus_domain"))
        owners = actionkit.visible_owners(actor)
        visible = [v for v in views if owners is None or v.kpi.owner_user_id in owners]
        return [body(v) for v in visible[args["offset"] : args["offset"] + args["limit"]]]


@blp.route("/<int:kpi_id>")
class KpiItem(MethodView):
    @blp.response(200, KpiDetailSchema)
    @documents(blp, 404)
    def get(self, kpi_id: int) -> dict[str, Any]:
        """One KPI with its measurements and the actions and decisions linked to it."""
        actor = require_actor()
        view = None
        if 0 < kpi_id <= MAX_ID:
            with engine().db.read() as session:
                view = queries.kpi_view(session, kpi_id)
        if view is None or not actionkit.may_see(actor, view.kpi.owner_user_id):
            raise NotFound(f"KPI {kpi_id} not found")
        return {
            **body(view),
            "measurements": [
                {
                    "measured_on": m.measured_on,
                    "value": m.value,
                    "note": m.note,
                    "entered_by": m.entered_by,
                }
                for m in view.measurements
            ],
            "action_ids": view.action_ids,
            "decision_ids": view.decision_ids,
        }
