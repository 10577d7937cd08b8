"""Covering indexes for the dashboard's figures (processes/records/dashboard.py): obligations
grouped by entity and status (overall and per focus domain), and milestones' dates per project
(the late-milestone count), so that these GROUP BYs read an index alone.

Revision ID: p011
Revises: p010
Create Date: 2026-12-03 17:40:00
"""

from alembic import op

revision = "p011"
down_revision = "p010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_obligation_org_status", "obligation", ["organisation_id", "status"])
    op.create_index(
        "ix_obligation_domain_org_status",
        "obligation",
        ["focus_domain", "organisation_id", "status"],
    )
    op.create_index(
        "ix_project_milestone_dates",
        "project_milestone",
        ["project_id", "planned_on", "forecast_on", "done_on"],
    )


def downgrade() -> None:
    op.drop_index("ix_project_milestone_dates", table_name="project_milestone")
    op.drop_index("ix_obligation_domain_org_status", table_name="obligation")
    op.drop_index("ix_obligation_org_status", table_name="obligation")
