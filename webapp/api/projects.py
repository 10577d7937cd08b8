"""/api/v1/projects: the project register (*Projecten*, webapp/projects.py): the list with its
filters, and one project with its milestones, progress reports and the topics it brought to the
committee.

Rights are those of the pages: those who see every case (secretariat, chair, members, admins)
see the register; for anyone else both operations answer 404, as the pages do. An unknown
project answers 404 too.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine import NotFound
from processes.projects import queries
from processes.projects.queries import Filters, ProjectDetail, ProjectRow
from processes.records import dates
from processes.records.reference import FOCUS_DOMAINS
from processes.records.steering import (
    ADVICE_VERDICTS,
    PROJECT_STATUSES,
    REPORT_HEALTH,
    REVIEW_STATUSES,
)
from processes.reviews.queries import reviews_of
from webapp import projects, rights
from webapp.api import authenticate, documents, require_actor
from webapp.api.schemas import StrictSchema
from webapp.i18n import language
from webapp.identity import engine

blp = Blueprint(
    "Projects",
    __name__,
    url_prefix="/api/v1/projects",
    description="The register of digitisation projects and their follow-up",
)
blp.before_request(authenticate)


class ProjectListArgs(StrictSchema):
    focus_domain = fields.String(validate=validate.OneOf(list(FOCUS_DOMAINS)))
    vrd2 = fields.Boolean(metadata={"description": "true: VRD2 projects only; false: the others"})
    status = fields.String(validate=validate.OneOf(list(PROJECT_STATUSES)))


class ProjectMilestoneSchema(Schema):
    id = fields.Integer()
    position = fields.Integer(metadata={"description": "1 first"})
    title = fields.String()
    planned_on = fields.Date()
    forecast_on = fields.Date(allow_none=True, metadata={"description": "The owner's forecast"})
    done_on = fields.Date(allow_none=True, metadata={"description": "When it was reached"})
    delay_days = fields.Integer(
        metadata={"description": "Days late: reached, else forecast, else today, against plan"}
    )


class ProjectSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    owner_organisation_id = fields.String()
    owner = fields.String(metadata={"description": "The owner entity's name"})
    vrd2 = fields.Boolean()
    status = fields.String(metadata={"description": ", ".join(PROJECT_STATUSES)})
    status_label = fields.String()
    health = fields.String(
        allow_none=True,
        metadata={"description": f"{', '.join(REPORT_HEALTH)}; null before the first report"},
    )
    health_label = fields.String(allow_none=True)
    budget_planned = fields.Integer(metadata={"description": "Whole euros"})
    budget_spent = fields.Integer(metadata={"description": "Whole euros, as last reported"})
    budget_over_percent = fields.Float(
        allow_none=True, metadata={"description": "Spend over plan in percent (negative: under)"}
    )
    focus_domains = fields.List(fields.String())
    next_milestone = fields.Nested(ProjectMilestoneSchema, allow_none=True)
    followup_case_id = fields.Integer(allow_none=True)


class ProjectReportSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer(allow_none=True, metadata={"description": "The follow-up case"})
    reported_on = fields.Date()
    health = fields.String(metadata={"description": ", ".join(REPORT_HEALTH)})
    budget_spent = fields.Integer()
    summary = fields.String()
    budget_over_percent = fields.Float(allow_none=True)
    worst_milestone_delay_days = fields.Integer(allow_none=True)
    over_tolerance = fields.Boolean()
    topic_case_id = fields.Integer(
        allow_none=True, metadata={"description": "The topic this report submitted"}
    )
    submitted_by = fields.String()


class ProjectTopicSchema(Schema):
    case_id = fields.Integer(metadata={"description": "The topic case (dossier)"})
    title = fields.String()
    reason = fields.String(allow_none=True)
    linked_on = fields.Date()


class ProjectOrganisationSchema(Schema):
    organisation_id = fields.String()
    name = fields.String()


class ProjectReviewSchema(Schema):
    id = fields.String(metadata={"description": "The review's public identifier (uuid)"})
    case_id = fields.Integer(allow_none=True, metadata={"description": "The review case"})
    status = fields.String(metadata={"description": ", ".join(REVIEW_STATUSES)})
    status_label = fields.String()
    government_meeting_on = fields.String(metadata={"format": "date"})
    advice_due_on = fields.String(metadata={"format": "date"})
    question = fields.String()
    verdict = fields.String(allow_none=True, metadata={"description": ", ".join(ADVICE_VERDICTS)})
    verdict_label = fields.String(allow_none=True)
    advice_text = fields.String(allow_none=True)
    overlap_findings = fields.String(allow_none=True)
    reuse_findings = fields.String(allow_none=True)
    partner_suggestions = fields.String(allow_none=True)
    approved_by = fields.String(allow_none=True, metadata={"description": "Who approved, by name"})
    approved_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    late = fields.Boolean(metadata={"description": "Open and past its advice due date"})


class ProjectDetailSchema(ProjectSchema):
    description = fields.String()
    owner_user_id = fields.String(allow_none=True)
    started_on = fields.Date(allow_none=True)
    planned_end_on = fields.Date(allow_none=True)
    report_every_weeks = fields.Integer(allow_none=True)
    blocks_used = fields.List(fields.String())
    blocks_delivered = fields.List(fields.String())
    partners = fields.List(fields.Nested(ProjectOrganisationSchema))
    sponsors = fields.List(fields.Nested(ProjectOrganisationSchema))
    milestones = fields.List(fields.Nested(ProjectMilestoneSchema))
    reports = fields.List(
        fields.Nested(ProjectReportSchema), metadata={"description": "Newest first"}
    )
    topics = fields.List(fields.Nested(ProjectTopicSchema))
    reviews = fields.List(
        fields.Nested(ProjectReviewSchema),
        metadata={"description": "Reviews for the Flemish Government, newest meeting first"},
    )


def _labels(status: str, health: str | None) -> dict[str, Any]:
    return {
        "status_label": projects.label(PROJECT_STATUSES, status),
        "health_label": projects.label(REPORT_HEALTH, health) if health else None,
    }


def row_body(row: ProjectRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "owner_organisation_id": row.owner_organisation_id,
        "owner": row.owner_name,
        "vrd2": row.vrd2,
        "status": row.status,
        "health": row.health,
        "budget_planned": row.budget_planned,
        "budget_spent": row.budget_spent,
        "budget_over_percent": row.budget_over_percent,
        "focus_domains": row.focus_domains,
        "next_milestone": row.next_milestone,
        "followup_case_id": row.followup_case_id,
        **_labels(row.status, row.health),
    }


def detail_body(detail: ProjectDetail, reviews: list[dict[str, Any]]) -> dict[str, Any]:
    p = detail.project
    return {
        "id": p.id,
        "title": p.title,
        "description": p.description,
        "owner_organisation_id": p.owner_organisation_id,
        "owner": detail.owner_name,
        "owner_user_id": p.owner_user_id,
        "vrd2": p.vrd2,
        "status": p.status,
        "health": p.health,
        "budget_planned": p.budget_planned,
        "budget_spent": p.budget_spent,
        "budget_over_percent": detail.budget_over_percent,
        "started_on": p.started_on,
        "planned_end_on": p.planned_end_on,
        "report_every_weeks": p.report_every_weeks,
        "focus_domains": detail.focus_domains,
        "blocks_used": detail.blocks_used,
        "blocks_delivered": detail.blocks_delivered,
        "partners": [{"organisation_id": c, "name": n} for c, n in detail.partners],
        "sponsors": [{"organisation_id": c, "name": n} for c, n in detail.sponsors],
        "next_milestone": detail.next_milestone,
        "milestones": detail.milestones,
        "reports": detail.reports,
        "topics": detail.topics,
        "reviews": reviews,
        "followup_case_id": p.followup_case_id,
        **_labels(p.status, p.health),
    }


def _allowed() -> None:
    if not projects.may_see_projects(engine(), require_actor()):
        raise NotFound("no projects for this user")


@blp.route("")
class Projects(MethodView):
    @blp.arguments(ProjectListArgs, location="query")
    @blp.response(200, ProjectSchema(many=True))
    @documents(blp, 404, 422)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """The projects of the register by title, after the filters (as the page)."""
        _allowed()
        filters = Filters(args.get("focus_domain"), args.get("vrd2"), args.get("status"))
        with engine().db.read() as session:
            rows = queries.list_projects(session, filters, dates.today())
        return [row_body(row) for row in rows]


@blp.route("/<int:project_id>")
class Project(MethodView):
    @blp.response(200, ProjectDetailSchema)
    @documents(blp, 404)
    def get(self, project_id: int) -> dict[str, Any]:
        """One project with its milestones, progress reports and topics."""
        _allowed()
        if not 0 < project_id <= rights.MAX_ID:
            raise NotFound(f"project {project_id} not found")
        with engine().db.read() as session:
            detail = queries.project_detail(session, project_id, dates.today())
            reviews = reviews_of(session, project_id, dates.today())
        if detail is None:
            raise NotFound(f"project {project_id} not found")
        return detail_body(detail, [review.as_dict(language()) for review in reviews])
