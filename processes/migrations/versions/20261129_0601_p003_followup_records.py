"""Follow-up records: mandates, escalation dossiers, obligations and their status history.

No foreign keys to the committee's core records (decision, organisation, working group), so this
revision and theirs can land in either order.

Revision ID: p003
Revises: p001
Create Date: 2026-11-29 06:01:00
"""

import sqlalchemy as sa
from alembic import op

revision = "p003"
down_revision = "p001"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "mandate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("topic_case_id", sa.Integer(), nullable=True),
        sa.Column("working_group_id", sa.String(length=50), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("focus_domain", sa.String(length=60), nullable=True),
        sa.Column("deliverable", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status_every_weeks", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("last_status_note", sa.Text(), nullable=True),
        sa.Column("last_status_at", sa.DateTime(), nullable=True),
        sa.Column("status_updates", sa.Integer(), nullable=False),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("reported_at", sa.DateTime(), nullable=True),
        sa.Column("proposal", sa.Text(), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mandate_case_id", "mandate", ["case_id"])
    op.create_index("ix_mandate_topic_case_id", "mandate", ["topic_case_id"])
    op.create_index("ix_mandate_working_group_id", "mandate", ["working_group_id"])
    op.create_index("ix_mandate_status", "mandate", ["status"])

    op.create_table(
        "escalation_dossier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("topic_case_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("decision_needed", sa.Text(), nullable=False),
        sa.Column("background", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("answer", sa.String(length=30), nullable=True),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_escalation_dossier_case_id", "escalation_dossier", ["case_id"])
    op.create_index("ix_escalation_dossier_topic_case_id", "escalation_dossier", ["topic_case_id"])
    op.create_index("ix_escalation_dossier_decision_id", "escalation_dossier", ["decision_id"])
    op.create_index("ix_escalation_dossier_status", "escalation_dossier", ["status"])

    op.create_table(
        "obligation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("entity_case_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.String(length=50), nullable=False),
        sa.Column("decision_text", sa.Text(), nullable=False),
        sa.Column("focus_domain", sa.String(length=60), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("what_done", sa.Text(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("risks", sa.Text(), nullable=True),
        sa.Column("mitigation", sa.Text(), nullable=True),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by", sa.String(length=100), nullable=True),
        sa.Column("assessment_note", sa.Text(), nullable=True),
        sa.Column("assessed_at", sa.DateTime(), nullable=True),
        sa.Column("assessed_by", sa.String(length=100), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_obligation_case_id", "obligation", ["case_id"])
    op.create_index("ix_obligation_entity_case_id", "obligation", ["entity_case_id"])
    op.create_index("ix_obligation_decision_id", "obligation", ["decision_id"])
    op.create_index("ix_obligation_organisation_id", "obligation", ["organisation_id"])
    op.create_index("ix_obligation_focus_domain", "obligation", ["focus_domain"])
    op.create_index("ix_obligation_status", "obligation", ["status"])
    op.create_index("ix_obligation_decision_org", "obligation", ["decision_id", "organisation_id"])

    op.create_table(
        "obligation_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["obligation_id"], ["obligation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_obligation_status_obligation_id", "obligation_status", ["obligation_id"])


def downgrade() -> None:
    op.drop_table("obligation_status")
    op.drop_table("obligation")
    op.drop_table("escalation_dossier")
    op.drop_table("mandate")
