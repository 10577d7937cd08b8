"""Admins' interventions on cases: /api/v1/incidents, and suspend, resume, terminate and retry
under /api/v1/cases/{case_id}/.

The same engine calls as *Beheer* (webapp/admin.py), audited the same way: `Engine.suspend`,
`resume`, `terminate` (with the reason), and for a retry with corrected data
`Engine.update_case_data` (audited `case_data_corrected` with the reason) before `Engine.retry`.
Others get 403; an unknown case 404; a case in the wrong state 409 CASE_STATE (or
TASK_NOT_ACTIVE for a closed one), and a refused body 422 naming the field, changing nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine import Actor, CaseStateError, Forbidden
from engine.running.queries import CaseInfo
from webapp import rights
from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import CaseSchema, StrictSchema
from webapp.identity import engine

blp = Blueprint(
    "Interventions",
    __name__,
    url_prefix="/api/v1",
    description="Admins: incidents; suspend, resume, terminate and retry cases",
)
blp.before_request(authenticate)


@blp.before_request
def _case_then_admin() -> None:
    """An unknown case answers 404, then a non-admin 403, before the body is looked at."""
    actor = require_actor()
    if request.view_args and "case_id" in request.view_args:
        rights.visible_case(engine(), actor, int(request.view_args["case_id"]))
    _admin()


REASON = fields.String(validate=validate.Length(min=1, max=500), metadata={"description":
                       "Why; kept in the audit trail"})  # fmt: skip


class IncidentSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    case_id = fields.Integer(allow_none=True)
    notification_id = fields.Integer(allow_none=True)
    task_id = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    error_type = fields.String()
    message = fields.String()
    line = fields.Integer(allow_none=True)
    error_line = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "open or resolved"})
    created_at = fields.DateTime()


class IncidentListArgs(StrictSchema):
    all = fields.Boolean(load_default=False, metadata={"description": "Resolved ones too"})


class ReasonSchema(StrictSchema):
    reason = REASON


class TerminateSchema(StrictSchema):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "Why; kept in the audit trail"},
    )


class RetrySchema(StrictSchema):
    data = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")),
        validate=validate.Length(min=1, max=50),
        metadata={"description": "Corrected case variables, set before the retry"},
    )
    reason = fields.String(
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "Why the data is corrected (required with `data`); audited"},
    )

    @validates_schema
    def _reason_with_data(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "data" in data and not (data.get("reason") or "").strip():
            raise ValidationError("Give a reason: it goes into the audit trail.", "reason")


CASE_EXAMPLE = {
    "id": 12,
    "process_id": "topic",
    "version": 1,
    "status": "running",
    "suspended": True,
    "title": "Gemeenschappelijk loket",
    "started_by": "indiener",
    "started_at": "2026-11-20T09:00:00+00:00",
    "updated_at": "2026-12-03T12:00:00+00:00",
    "ended_at": None,
    "data": {},
}
INCIDENT_EXAMPLE = {
    "id": 2,
    "kind": "case",
    "case_id": 12,
    "notification_id": None,
    "task_id": "4f1c2b9e-0000-4000-8000-000000000001",
    "element_id": "compute_deadline",
    "error_type": "NameError",
    "message": "name 'meeting_date' is not defined",
    "line": 1,
    "error_line": "deadline = meeting_date - timedelta(days=10)",
    "status": "open",
    "created_at": "2026-12-02T08:00:00+00:00",
}


def _admin() -> Actor:
    actor = require_actor()
    if not actor.is_admin:
        raise Forbidden("only an admin may do this")
    return actor


def _case(actor: Actor, case_id: int) -> CaseInfo:
    return rights.visible_case(engine(), actor, case_id)


@blp.route("/incidents")
class Incidents(MethodView):
    @blp.arguments(IncidentListArgs, location="query")
    @blp.response(200, IncidentSchema(many=True), example=[INCIDENT_EXAMPLE])
    @documents(blp, 403, 422)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Incidents (admins): open ones, or all with `all=true`."""
        _admin()
        return [asdict(i) for i in engine().incidents(open_only=not args["all"])]


@blp.route("/cases/<int:case_id>/suspend")
class Suspend(MethodView):
    @blp.arguments(ReasonSchema, required=False, example={"reason": "Wacht op het advies."})
    @blp.response(200, CaseSchema, example=CASE_EXAMPLE)
    @documents(blp, 403, 404, 409, 413, 422)
    def post(self, body: dict[str, Any], case_id: int) -> CaseInfo:
        """Suspend a case (admins): its clocks pause until it is resumed."""
        actor = _admin()
        _case(actor, case_id)
        return engine().suspend(case_id, actor, body.get("reason"))


@blp.route("/cases/<int:case_id>/resume")
class Resume(MethodView):
    @blp.arguments(ReasonSchema, required=False, example={"reason": "Advies ontvangen."})
    @blp.response(200, CaseSchema, example={**CASE_EXAMPLE, "suspended": False})
    @documents(blp, 403, 404, 409, 413, 422)
    def post(self, body: dict[str, Any], case_id: int) -> CaseInfo:
        """Resume a suspended case (admins): due times move on by the pause."""
        actor = _admin()
        _case(actor, case_id)
        return engine().resume(case_id, actor, body.get("reason"))


@blp.route("/cases/<int:case_id>/terminate")
class Terminate(MethodView):
    @blp.arguments(TerminateSchema, example={"reason": "Dubbel ingediend."})
    @blp.response(
        200,
        CaseSchema,
        example={**CASE_EXAMPLE, "status": "terminated", "suspended": False,
                 "ended_at": "2026-12-03T12:00:00+00:00"},
    )  # fmt: skip
    @documents(blp, 403, 404, 409, 413, 422)
    def post(self, body: dict[str, Any], case_id: int) -> CaseInfo:
        """Terminate a case with a reason (admins); its open tasks are cancelled."""
        actor = _admin()
        _case(actor, case_id)
        return engine().terminate(case_id, actor, body["reason"])


@blp.route("/cases/<int:case_id>/retry")
class Retry(MethodView):
    @blp.arguments(
        RetrySchema,
        required=False,
        example={"data": {"meeting_date": "2027-01-14"}, "reason": "Datum ontbrak."},
    )
    @blp.response(200, CaseSchema, example={**CASE_EXAMPLE, "suspended": False})
    @documents(blp, 403, 404, 409, 413, 422)
    def post(self, body: dict[str, Any], case_id: int) -> CaseInfo:
        """Retry a case in incident (admins), optionally after correcting case variables (with
        a reason, audited). Answers the case afterwards: `status` is `incident` again if it
        failed once more (see /api/v1/incidents for why)."""
        actor = _admin()
        case = _case(actor, case_id)
        eng = engine()
        if case.status != "incident":
            raise CaseStateError(f"case {case_id} is {case.status}, not in incident")
        if body.get("data"):
            eng.update_case_data(case_id, body["data"], body["reason"].strip(), actor)
        return eng.retry(case_id, actor)
