"""/api/v1/decisions and /api/v1/obligations: the committee's decisions and the comply-or-explain
obligations they put on entities.

Rights are those of the pages. A decision is visible to whoever may see the meeting that took
it (webapp/meetings.py) and to the contact persons of the entities it binds. Obligations follow
the *Pas toe of leg uit* register (webapp/compliance.py): the secretariat, the chair, members
and admins see every entity's, a contact person their entity's. What you may not see answers
404, exactly like what does not exist; lists leave it out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from engine import Actor, Engine, NotFound
from processes.followup.queries import compliance_matrix
from processes.records import queries as records
from processes.records.followup import OBLIGATION_STATUSES
from processes.records.queries import DecisionInfo
from processes.records.reference import FOCUS_DOMAINS
from webapp import compliance, meetings
from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import StrictSchema
from webapp.identity import engine

decisions_blp = Blueprint(
    "Decisions",
    __name__,
    url_prefix="/api/v1/decisions",
    description="Decisions (besluiten) taken at meetings",
)
obligations_blp = Blueprint(
    "Obligations",
    __name__,
    url_prefix="/api/v1/obligations",
    description="Comply-or-explain obligations (pas toe of leg uit)",
)
decisions_blp.before_request(authenticate)
obligations_blp.before_request(authenticate)

MAX_ID = 2**31 - 1


# -- schemas -----------------------------------------------------------------------------------


class ObligationSchema(Schema):
    obligation_id = fields.Integer()
    decision_id = fields.Integer()
    decision_text = fields.String(metadata={"description": "As the entity was asked to apply it"})
    focus_domain = fields.String(allow_none=True)
    organisation_id = fields.String(metadata={"description": "The bound entity"})
    status = fields.String(metadata={"description": ", ".join(OBLIGATION_STATUSES)})
    status_label = fields.String(metadata={"description": "The status in words (Accept-Language)"})
    deadline = fields.Date()
    answered_at = fields.DateTime(allow_none=True)
    entity_case_id = fields.Integer(
        allow_none=True, metadata={"description": "The entity's follow-up case"}
    )
    decision_adoption_pct = fields.Float(
        metadata={"description": "Share of all the decision's entities that comply (percent)"}
    )


class DecisionSchema(Schema):
    decision_id = fields.Integer()
    meeting_id = fields.Integer()
    topic_case_id = fields.Integer()
    treatment_id = fields.Integer()
    text = fields.String()
    binding = fields.Boolean()
    deadline = fields.Date(allow_none=True)
    focus_domain = fields.String(allow_none=True)
    decided_at = fields.DateTime()
    entities = fields.List(fields.String(), metadata={"description": "Entities it binds"})
    adoption_pct = fields.Float(
        allow_none=True,
        metadata={"description": "Share of bound entities that comply; null: nothing followed up"},
    )


class DecisionDetailSchema(DecisionSchema):
    obligations = fields.List(
        fields.Nested(ObligationSchema), metadata={"description": "Those you may see"}
    )


class DecisionListArgs(StrictSchema):
    meeting_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    focus_domain = fields.String(validate=validate.OneOf(list(FOCUS_DOMAINS)))
    binding = fields.Boolean()
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class ObligationListArgs(StrictSchema):
    decision_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    focus_domain = fields.String(validate=validate.OneOf(list(FOCUS_DOMAINS)))
    entity = fields.String(
        validate=validate.Length(min=1, max=50), metadata={"description": "Entity code"}
    )
    status = fields.String(validate=validate.OneOf(OBLIGATION_STATUSES))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


# -- what you may see --------------------------------------------------------------------------


def obligations_of(
    session: Session, scope: frozenset[str] | None, filters: compliance.Filters
) -> list[dict[str, Any]]:
    """The obligations you may see after the filters, by deadline, decision and entity."""
    matrix = compliance.visible_matrix(session, scope, filters)
    return [
        {
            **asdict(cell),
            "decision_id": row.decision_id,
            "decision_text": row.decision_text,
            "focus_domain": row.focus_domain,
            "status_label": compliance.status_label(cell.status),
            "decision_adoption_pct": row.adoption_pct,
        }
        for row in matrix.rows
        for _org, cell in sorted(row.cells.items())
    ]


def decision_filter(eng: Engine, actor: Actor, session: Session) -> Callable[[DecisionInfo], bool]:
    """A test: may this user see this decision?"""
    everything = meetings.sees_every_meeting(eng, actor)
    scope = compliance.entity_scope(eng, actor)
    seen: dict[int, bool] = {}

    def visible(decision: DecisionInfo) -> bool:
        if everything or scope is None or scope & set(decision.entities):
            return True
        if decision.meeting_id not in seen:
            meeting = records.meeting(session, decision.meeting_id)
            seen[decision.meeting_id] = meeting is not None and meetings.may_see_meeting(
                eng, actor, meeting, everything=False
            )
        return seen[decision.meeting_id]

    return visible


def _adoption(session: Session) -> dict[int, float]:
    return {row.decision_id: row.adoption_pct for row in compliance_matrix(session).rows}


def _decision_body(decision: DecisionInfo, adoption: dict[int, float]) -> dict[str, Any]:
    return {
        **asdict(decision),
        "entities": list(decision.entities),
        "adoption_pct": adoption.get(decision.decision_id),
    }


# -- decisions ---------------------------------------------------------------------------------


@decisions_blp.route("")
class Decisions(MethodView):
    @decisions_blp.arguments(DecisionListArgs, location="query")
    @decisions_blp.response(200, DecisionSchema(many=True))
    @documents(decisions_blp, 422)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Decisions you may see, in the order they were taken."""
        eng = engine()
        actor = require_actor()
        with eng.db.read() as session:
            found = records.decision_list(
                session, meeting_id=args.get("meeting_id"), focus_domain=args.get("focus_domain")
            )
            visible = decision_filter(eng, actor, session)
            found = [
                d
                for d in found
                if ("binding" not in args or d.binding == args["binding"]) and visible(d)
            ]
            adoption = _adoption(session)
        window = found[args["offset"] : args["offset"] + args["limit"]]
        return [_decision_body(d, adoption) for d in window]


@decisions_blp.route("/<int:decision_id>")
class Decision(MethodView):
    @decisions_blp.response(200, DecisionDetailSchema)
    @documents(decisions_blp, 404)
    def get(self, decision_id: int) -> dict[str, Any]:
        """One decision with its adoption and the obligations you may see."""
        eng = engine()
        actor = require_actor()
        with eng.db.read() as session:
            decision = next(
                (d for d in records.decision_list(session) if d.decision_id == decision_id), None
            )
            if decision is None or not decision_filter(eng, actor, session)(decision):
                raise NotFound(f"decision {decision_id} not found")
            scope = compliance.entity_scope(eng, actor)
            obligations = [
                o
                for o in obligations_of(session, scope, compliance.Filters())
                if o["decision_id"] == decision_id
            ]
            adoption = _adoption(session)
        return {**_decision_body(decision, adoption), "obligations": obligations}


# -- obligations -------------------------------------------------------------------------------


@obligations_blp.route("")
class Obligations(MethodView):
    @obligations_blp.arguments(ObligationListArgs, location="query")
    @obligations_blp.response(200, ObligationSchema(many=True))
    @documents(obligations_blp, 422)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Obligations you may see, by deadline, decision and entity."""
        eng = engine()
        filters = compliance.Filters(
            focus_domain=args.get("focus_domain"),
            entity=args.get("entity"),
            status=args.get("status"),
        )
        with eng.db.read() as session:
            found = obligations_of(session, compliance.entity_scope(eng, require_actor()), filters)
        if "decision_id" in args:
            found = [o for o in found if o["decision_id"] == args["decision_id"]]
        return found[args["offset"] : args["offset"] + args["limit"]]


@obligations_blp.route("/<int:obligation_id>")
class Obligation(MethodView):
    @obligations_blp.response(200, ObligationSchema)
    @documents(obligations_blp, 404)
    def get(self, obligation_id: int) -> dict[str, Any]:
        """One obligation."""
        eng = engine()
        scope = compliance.entity_scope(eng, require_actor())
        with eng.db.read() as session:
            for found in obligations_of(session, scope, compliance.Filters()):
                if found["obligation_id"] == obligation_id:
                    return found
        raise NotFound(f"obligation {obligation_id} not found")
