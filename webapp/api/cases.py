"""/api/v1/cases: list the cases you may see, start one, read one and its audit trail."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from engine import UnknownProcess
from engine.running.queries import AuditInfo, CaseInfo
from webapp import rights, throttle
from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import (
    AuditEntrySchema,
    CaseDetailSchema,
    CaseListArgs,
    CaseSchema,
    StartCaseSchema,
)
from webapp.errors import ApiError
from webapp.identity import engine

blp = Blueprint("Cases", __name__, url_prefix="/api/v1/cases", description="Cases (dossiers)")
blp.before_request(authenticate)


@blp.route("")
class Cases(MethodView):
    @blp.arguments(CaseListArgs, location="query")
    @blp.response(200, CaseSchema(many=True))
    @documents(blp, 422)
    def get(self, args: dict[str, Any]) -> list[CaseInfo]:
        """Cases you may see, newest first."""
        return rights.visible_cases(engine(), require_actor(), **args)

    @blp.arguments(StartCaseSchema)
    @blp.response(201, CaseSchema)
    @documents(blp, 403, 413, 422, 429)
    def post(self, body: dict[str, Any]) -> CaseInfo:
        """Start a case of a process; `data` is checked against its start form."""
        actor = require_actor()
        eng = engine()
        limit = int(current_app.config["API_START_LIMIT"])
        with eng.db.write() as session:
            wait = throttle.take(session, f"start:{actor.user_id}", eng.clock.now(), limit, 60)
        if wait is not None:
            raise ApiError(
                429,
                "RATE_LIMITED",
                f"At most {limit} cases a minute.",
                headers={"Retry-After": str(wait)},
            )
        try:
            return eng.start_case(body["process_id"], body["data"], actor, title=body.get("title"))
        except UnknownProcess as error:
            raise ApiError(
                422, "VALIDATION_FAILED", error.message, errors={"process_id": ["Unknown process."]}
            ) from error


@blp.route("/<int:case_id>")
class Case(MethodView):
    @blp.response(200, CaseDetailSchema)
    @documents(blp, 404)
    def get(self, case_id: int) -> dict[str, Any]:
        """One case with its tasks."""
        eng = engine()
        case = rights.visible_case(eng, require_actor(), case_id)
        return {**asdict(case), "tasks": eng.case_tasks(case_id)}


@blp.route("/<int:case_id>/audit")
class CaseAudit(MethodView):
    @blp.response(200, AuditEntrySchema(many=True))
    @documents(blp, 404)
    def get(self, case_id: int) -> list[AuditInfo]:
        """The case's audit trail, oldest first."""
        eng = engine()
        rights.visible_case(eng, require_actor(), case_id)
        return eng.audit_trail(case_id)
