"""/api/v1/migrations: move the open cases of a process to another version (admins).

The plan (`GET /api/v1/migrations/plan`) says where each element of the old version goes; a POST
with `dry_run: true` says per case whether it can move and why not, and changes nothing; without
it, each case that can move is moved in its own transaction and audited (`case_migrated`, with
the from and to version). A case that cannot move, or whose move fails, stays as it was.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine import Actor
from engine.errors import Forbidden
from engine.running.migration import MigrationReport, Plan
from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import StrictSchema
from webapp.identity import engine

blp = Blueprint(
    "Migrations",
    __name__,
    url_prefix="/api/v1/migrations",
    description="Moving running cases to another process version (admins)",
)
blp.before_request(authenticate)

RESULTS = ("can_move", "moved", "refused", "failed")
REASONS = (
    "ended, suspended, incident, removed, kind_changed, form_changed, timer_changed, "
    "subprocess_removed, multi_instance_changed, not_this_process, same_version, conflict, error"
)
_ELEMENT_ID = validate.Length(min=1, max=255)


_PROCESS_ID = fields.String(
    required=True, validate=validate.Length(min=1, max=255), metadata={"description": "Process id"}
)


class PlanArgs(StrictSchema):
    process_id = _PROCESS_ID
    to_version = fields.Integer(required=True, validate=validate.Range(min=1))
    from_version = fields.Integer(load_default=None, validate=validate.Range(min=1))


class MigrationRequestSchema(StrictSchema):
    process_id = _PROCESS_ID
    to_version = fields.Integer(required=True, validate=validate.Range(min=1))
    from_version = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1),
        metadata={"description": "Only cases on this version; default every other version."},
    )
    map = fields.Dict(
        keys=fields.String(validate=_ELEMENT_ID),
        values=fields.String(validate=_ELEMENT_ID),
        load_default=dict,
        metadata={
            "description": "Old element id -> new element id, where an id changed (both 1 to "
            "255 characters)."
        },
    )
    cases = fields.List(
        fields.Integer(validate=validate.Range(min=1)),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=10_000),
        metadata={"description": "Only these cases; default every open case of the versions."},
    )
    dry_run = fields.Boolean(load_default=False)
    reason = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "Why (kept in each case's audit trail)."},
    )


class ElementSchema(Schema):
    id = fields.String()
    name = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "The BPMN element type, e.g. UserTask"})


class PlanSchema(Schema):
    process_id = fields.String()
    from_version = fields.Integer()
    to_version = fields.Integer()
    mapping = fields.Dict(
        keys=fields.String(),
        values=fields.String(allow_none=True),
        metadata={"description": "Every old element id -> its new id, or null: no place."},
    )
    unmapped = fields.List(
        fields.Nested(ElementSchema),
        metadata={"description": "Old elements a case can wait in that have no place."},
    )
    suggested = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Where an unmapped element probably went (never applied)."},
    )
    new_elements = fields.List(fields.Nested(ElementSchema))


class ReasonSchema(Schema):
    code = fields.String(metadata={"description": REASONS})
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    detail = fields.String()
    text = fields.String(metadata={"description": "The reason in plain English"})


class CaseResultSchema(Schema):
    case_id = fields.Integer()
    title = fields.String(allow_none=True)
    from_version = fields.Integer(allow_none=True)
    to_version = fields.Integer()
    result = fields.String(metadata={"description": ", ".join(RESULTS)})
    waiting_in = fields.List(fields.String(), metadata={"description": "Element ids"})
    reasons = fields.List(fields.Nested(ReasonSchema))


class MigrationReportSchema(Schema):
    process_id = fields.String()
    to_version = fields.Integer()
    dry_run = fields.Boolean()
    plans = fields.List(fields.Nested(PlanSchema))
    cases = fields.List(fields.Nested(CaseResultSchema))
    summary = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "Count by result"}
    )


def _admin() -> Actor:
    actor = require_actor()
    if not actor.is_admin:
        raise Forbidden("only an admin may move cases to another process version")
    return actor


def plan_body(plan: Plan) -> dict[str, Any]:
    return {
        "process_id": plan.process_id,
        "from_version": plan.from_version,
        "to_version": plan.to_version,
        "mapping": plan.mapping,
        "unmapped": plan.unmapped,
        "suggested": plan.suggested,
        "new_elements": plan.new_elements,
    }


def report_body(report: MigrationReport) -> dict[str, Any]:
    return {
        "process_id": report.process_id,
        "to_version": report.to_version,
        "dry_run": report.dry_run,
        "plans": [plan_body(plan) for plan in report.plans],
        "cases": [
            {
                "case_id": o.case_id,
                "title": o.title,
                "from_version": o.from_version,
                "to_version": o.to_version,
                "result": o.result,
                "waiting_in": list(o.waiting_in),
                "reasons": [
                    {
                        "code": r.code,
                        "element_id": r.element_id,
                        "element_name": r.element_name,
                        "detail": r.detail,
                        "text": r.describe(),
                    }
                    for r in o.reasons
                ],
            }
            for o in report.outcomes
        ],
        "summary": {result: report.count(result) for result in RESULTS},
    }


@blp.route("/plan")
class MigrationPlan(MethodView):
    @blp.arguments(PlanArgs, location="query")
    @blp.response(200, PlanSchema(many=True))
    @documents(blp, 403, 404, 422)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Where each element goes, per old version (admins).

        Without `from_version`: one plan per other version that has open cases. 404 for an
        unknown process or version."""
        _admin()
        plans = engine().migration_plans(
            args["process_id"], args["to_version"], args["from_version"]
        )
        return [plan_body(plan) for plan in plans]


@blp.route("")
class Migrations(MethodView):
    @blp.arguments(MigrationRequestSchema)
    @blp.response(200, MigrationReportSchema)
    @documents(blp, 403, 404, 413, 422)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Dry-run or move open cases to `to_version` (admins).

        Answers 200 with a result per case (`can_move`, `moved`, `refused` with reasons,
        `failed`) even when some cases could not move; 404 for an unknown process or version;
        422 for a mapping that names elements the versions do not have, or the same version
        twice."""
        actor = _admin()
        report = engine().migrate_cases(
            body["process_id"],
            body["to_version"],
            actor=actor,
            from_version=body["from_version"],
            mapping=body["map"],
            case_ids=body["cases"],
            dry_run=body["dry_run"],
            reason=body["reason"],
        )
        return report_body(report)
