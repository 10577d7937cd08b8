"""The steering framework: projects (milestones, reports, partners, building blocks, topics),
reviews for the Flemish Government, focus-domain ambitions, actions, KPIs and their links.

Revision ID: p006
Revises: p005
Create Date: 2026-12-03 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "p006"
down_revision = "p005"
branch_labels = None
depends_on = None

TABLES = (
    "project_topic",
    "project_review",
    "project_report",
    "project_partner",
    "project_milestone",
    "project_focus_domain",
    "project_building_block",
    "kpi_measurement",
    "decision_kpi",
    "decision_action",
    "action_kpi",
    "steering_action",
    "project",
    "kpi",
    "focus_domain_ambition",
)


def upgrade() -> None:
    op.create_table(
        "focus_domain_ambition",
        sa.Column("focus_domain", sa.String(length=60), nullable=False),
        sa.Column("ambition_nl", sa.Text(), nullable=False),
        sa.Column("ambition_en", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("focus_domain"),
    )
    op.create_table(
        "kpi",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("focus_domain", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("target_on", sa.Date(), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("owner_user_id", sa.String(length=100), nullable=True),
        sa.Column("measure_every_months", sa.Integer(), nullable=False),
        sa.Column("measurement_case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_kpi_focus_domain"), "kpi", ["focus_domain"])
    op.create_index(op.f("ix_kpi_measurement_case_id"), "kpi", ["measurement_case_id"])
    op.create_index(op.f("ix_kpi_owner_user_id"), "kpi", ["owner_user_id"])
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_organisation_id", sa.String(length=50), nullable=False),
        sa.Column("owner_user_id", sa.String(length=100), nullable=True),
        sa.Column("vrd2", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("planned_end_on", sa.Date(), nullable=True),
        sa.Column("budget_planned", sa.Integer(), nullable=False),
        sa.Column("budget_spent", sa.Integer(), nullable=False),
        sa.Column("health", sa.String(length=20), nullable=True),
        sa.Column("report_every_weeks", sa.Integer(), nullable=True),
        sa.Column("followup_case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_project_followup_case_id"), "project", ["followup_case_id"])
    op.create_index(op.f("ix_project_owner_organisation_id"), "project", ["owner_organisation_id"])
    op.create_index(op.f("ix_project_owner_user_id"), "project", ["owner_user_id"])
    op.create_index(op.f("ix_project_status"), "project", ["status"])
    op.create_index(op.f("ix_project_uuid"), "project", ["uuid"], unique=True)
    op.create_table(
        "steering_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("focus_domain", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("owner_organisation_id", sa.String(length=50), nullable=True),
        sa.Column("owner_user_id", sa.String(length=100), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_steering_action_focus_domain"), "steering_action", ["focus_domain"])
    op.create_index(
        op.f("ix_steering_action_owner_organisation_id"),
        "steering_action",
        ["owner_organisation_id"],
    )
    op.create_index(op.f("ix_steering_action_owner_user_id"), "steering_action", ["owner_user_id"])
    op.create_index(op.f("ix_steering_action_project_id"), "steering_action", ["project_id"])
    op.create_index(op.f("ix_steering_action_status"), "steering_action", ["status"])
    op.create_table(
        "action_kpi",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["steering_action.id"],
        ),
        sa.ForeignKeyConstraint(
            ["kpi_id"],
            ["kpi.id"],
        ),
        sa.PrimaryKeyConstraint("action_id", "kpi_id"),
    )
    op.create_table(
        "decision_action",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["steering_action.id"],
        ),
        sa.PrimaryKeyConstraint("decision_id", "action_id"),
    )
    op.create_table(
        "decision_kpi",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kpi_id"],
            ["kpi.id"],
        ),
        sa.PrimaryKeyConstraint("decision_id", "kpi_id"),
    )
    op.create_table(
        "kpi_measurement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("entered_by", sa.String(length=100), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kpi_id"],
            ["kpi.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_kpi_measurement_kpi", "kpi_measurement", ["kpi_id", "measured_on"], unique=True
    )
    op.create_table(
        "project_building_block",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("building_block", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("project_id", "building_block", "role"),
    )
    op.create_index(
        op.f("ix_project_building_block_building_block"),
        "project_building_block",
        ["building_block"],
    )
    op.create_table(
        "project_focus_domain",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("focus_domain", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("project_id", "focus_domain"),
    )
    op.create_index(
        op.f("ix_project_focus_domain_focus_domain"), "project_focus_domain", ["focus_domain"]
    )
    op.create_table(
        "project_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("forecast_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_project_milestone_project", "project_milestone", ["project_id", "position"])
    op.create_table(
        "project_partner",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.String(length=50), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("project_id", "organisation_id", "role"),
    )
    op.create_table(
        "project_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("health", sa.String(length=20), nullable=False),
        sa.Column("budget_spent", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("budget_over_percent", sa.Float(), nullable=True),
        sa.Column("worst_milestone_delay_days", sa.Integer(), nullable=True),
        sa.Column("over_tolerance", sa.Boolean(), nullable=False),
        sa.Column("topic_case_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_project_report_case_id"), "project_report", ["case_id"])
    op.create_index("ix_project_report_project", "project_report", ["project_id", "reported_on"])
    op.create_index(op.f("ix_project_report_topic_case_id"), "project_report", ["topic_case_id"])
    op.create_table(
        "project_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("government_meeting_on", sa.Date(), nullable=False),
        sa.Column("advice_due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("overlap_findings", sa.Text(), nullable=True),
        sa.Column("reuse_findings", sa.Text(), nullable=True),
        sa.Column("partner_suggestions", sa.Text(), nullable=True),
        sa.Column("verdict", sa.String(length=20), nullable=True),
        sa.Column("advice_text", sa.Text(), nullable=True),
        sa.Column("drafted_by", sa.String(length=100), nullable=True),
        sa.Column("drafted_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_project_review_case_id"), "project_review", ["case_id"])
    op.create_index(op.f("ix_project_review_project_id"), "project_review", ["project_id"])
    op.create_index(op.f("ix_project_review_status"), "project_review", ["status"])
    op.create_index(op.f("ix_project_review_uuid"), "project_review", ["uuid"], unique=True)
    op.create_table(
        "project_topic",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("topic_case_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("project_id", "topic_case_id"),
    )
    op.create_index(op.f("ix_project_topic_topic_case_id"), "project_topic", ["topic_case_id"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)  # its indexes go with it
