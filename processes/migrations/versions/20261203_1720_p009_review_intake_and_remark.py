"""Reviews for the Flemish Government: why the secretariat took a review up or declined it, and
the chair's remark when the advice was last sent back.

Revision ID: p009
Revises: p007
Create Date: 2026-12-03 17:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "p009"
down_revision = "p007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("project_review") as batch:
        batch.add_column(sa.Column("intake_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("chair_remark", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("project_review") as batch:
        batch.drop_column("chair_remark")
        batch.drop_column("intake_note")
