"""Indexes for the inbox and case lists: partial indexes on ready tasks, involvement columns.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 06:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

READY = sa.text("state = 'ready'")
READY_UNNAMED = sa.text("state = 'ready' AND assignee IS NULL")


def upgrade() -> None:
    op.drop_index("ix_case_task_assignee", table_name="case_task")
    op.create_index("ix_case_task_ready_assignee", "case_task", ["assignee"],
                    postgresql_where=READY, sqlite_where=READY)  # fmt: skip
    op.create_index("ix_case_task_ready_role", "case_task", ["role", "scope"],
                    postgresql_where=READY_UNNAMED, sqlite_where=READY_UNNAMED)  # fmt: skip
    op.create_index("ix_case_task_assignee", "case_task", ["assignee"])
    op.create_index("ix_case_task_completed_by", "case_task", ["completed_by"])
    op.create_index("ix_case_task_claimed_by", "case_task", ["claimed_by"])
    op.create_index("ix_case_started_by", "case_instance", ["started_by", "id"])


def downgrade() -> None:
    for name, table in (
        ("ix_case_started_by", "case_instance"),
        ("ix_case_task_claimed_by", "case_task"),
        ("ix_case_task_completed_by", "case_task"),
        ("ix_case_task_assignee", "case_task"),
        ("ix_case_task_ready_role", "case_task"),
        ("ix_case_task_ready_assignee", "case_task"),
    ):
        op.drop_index(name, table_name=table)
    op.create_index("ix_case_task_assignee", "case_task", ["state", "assignee"])
