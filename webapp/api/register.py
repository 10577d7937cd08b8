"""/api/v1/register and /api/v1/register.csv: the comply-or-explain register (*Pas toe of leg
uit*, webapp/compliance.py) as JSON and as the page's CSV export.

Both show exactly what the page shows this user after the same filters: the secretariat, the
chair, members and admins every entity, an entity's contact person their entity's, anyone else
nothing. The CSV is the page's download byte for byte (semicolons, UTF-8 with BOM, Belgian
dates, headers in the request's language). A filter value the user cannot choose (an entity
outside their scope) counts as "all", as on the page.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.datastructures import MultiDict

from processes.records.followup import OBLIGATION_STATUSES
from processes.records.reference import FOCUS_DOMAINS
from webapp import compliance
from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import StrictSchema

blp = Blueprint(
    "Register",
    __name__,
    url_prefix="/api/v1",
    description="The comply-or-explain register (pas toe of leg uit)",
)
blp.before_request(authenticate)


class RegisterArgs(StrictSchema):
    focus_domain = fields.String(validate=validate.OneOf(list(FOCUS_DOMAINS)))
    entity = fields.String(
        validate=validate.Length(min=1, max=50), metadata={"description": "Entity code"}
    )
    status = fields.String(validate=validate.OneOf(OBLIGATION_STATUSES))


class RegisterRowSchema(Schema):
    decision_id = fields.Integer()
    decision_text = fields.String()
    focus_domain = fields.String(allow_none=True)
    focus_domain_label = fields.String()
    organisation_id = fields.String()
    organisation = fields.String(metadata={"description": "The entity's name"})
    status = fields.String(metadata={"description": ", ".join(OBLIGATION_STATUSES)})
    status_label = fields.String()
    deadline = fields.Date()
    answered_at = fields.DateTime(allow_none=True)
    what_done = fields.String(allow_none=True)
    done_on = fields.Date(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"description": "Explain: why not"})
    risks = fields.String(allow_none=True)
    mitigation = fields.String(allow_none=True, metadata={"description": "What instead"})
    planned_on = fields.Date(allow_none=True)
    assessment_note = fields.String(allow_none=True)
    decision_adoption_pct = fields.Float()
    entity_case_id = fields.Integer(allow_none=True)


ROW_EXAMPLE = {
    "decision_id": 3,
    "decision_text": "Alle entiteiten gebruiken de gemeenschappelijke aanmelddienst.",
    "focus_domain": "service_strategy",
    "focus_domain_label": "Dienstverleningsstrategie",
    "organisation_id": "gem-leuven",
    "organisation": "Stad Leuven",
    "status": "explained",
    "status_label": "Uitleg gegeven",
    "deadline": "2027-03-31",
    "answered_at": "2026-12-01T10:00:00+00:00",
    "what_done": None,
    "done_on": None,
    "reason": "Lopend contract tot eind 2027.",
    "risks": "Dubbele aanmelding voor burgers.",
    "mitigation": "Koppeling via de bestaande portaalsite.",
    "planned_on": "2028-01-31",
    "assessment_note": None,
    "decision_adoption_pct": 50.0,
    "entity_case_id": 41,
}
CSV_EXAMPLE = (
    "\ufeffBesluit (nr);Besluit;Focusdomein;Overheidsinstantie;Status;Uiterste datum;"
    "Beantwoord op;Wat er gedaan is;Gedaan op;Uitleg: waarom niet;Risico's;Wat in de plaats;"
    "Gepland tegen;Beoordeling van de uitleg;Adoptie van het besluit\r\n"
)


def _found(args: dict[str, Any]) -> compliance.Register:
    require_actor()
    page_args = {"domein": args.get("focus_domain"), "entiteit": args.get("entity"),
                 "status": args.get("status")}  # fmt: skip
    return compliance.register(MultiDict({k: v for k, v in page_args.items() if v}))


def rows(found: compliance.Register) -> list[dict[str, Any]]:
    """The register's obligations in the CSV's order, with the same content."""
    shown = []
    for row in found.matrix.rows:
        for org in found.matrix.entities:
            cell = row.cells.get(org)
            if cell is None:
                continue
            shown.append(
                {
                    "decision_id": row.decision_id,
                    "decision_text": row.decision_text,
                    "focus_domain": row.focus_domain,
                    "focus_domain_label": compliance.focus_label(row.focus_domain),
                    "organisation_id": org,
                    "organisation": found.names.get(org, org),
                    "status": cell.status,
                    "status_label": compliance.status_label(cell.status),
                    "deadline": cell.deadline,
                    "answered_at": cell.answered_at,
                    "what_done": cell.what_done,
                    "done_on": cell.done_on,
                    "reason": cell.reason,
                    "risks": cell.risks,
                    "mitigation": cell.mitigation,
                    "planned_on": cell.planned_on,
                    "assessment_note": cell.assessment_note,
                    "decision_adoption_pct": row.adoption_pct,
                    "entity_case_id": cell.entity_case_id,
                }
            )
    return shown


@blp.route("/register")
class Register(MethodView):
    @blp.arguments(RegisterArgs, location="query")
    @blp.response(200, RegisterRowSchema(many=True), example=[ROW_EXAMPLE])
    @documents(blp, 422)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """The obligations you may see, by decision and entity name, with their answers."""
        return rows(_found(args))


@blp.route("/register.csv")
class RegisterCsv(MethodView):
    @blp.arguments(RegisterArgs, location="query")
    @blp.doc(
        responses={
            "200": {
                "description": "The page's CSV export: semicolons, UTF-8 with a byte-order "
                "mark, dates as dd-mm-jjjj, headers in the request's language.",
                "content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}},
            }
        }
    )
    @documents(blp, 422)
    def get(self, args: dict[str, Any]) -> Response:
        """The register as CSV, exactly as the page's download."""
        return compliance.csv_response(_found(args))
