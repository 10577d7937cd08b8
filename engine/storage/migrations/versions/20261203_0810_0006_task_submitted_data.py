"""What a task was completed with, so that the same task coming back can offer it again

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_task") as batch:
        batch.add_column(sa.Column("submitted", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_task") as batch:
        batch.drop_column("submitted")
