"""Diagram trail (elements a case passed) and deputies

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 05:34:19.570075
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deputy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=100), nullable=False),
        sa.Column("deputy_id", sa.String(length=100), nullable=False),
        sa.Column("starts", sa.DateTime(), nullable=False),
        sa.Column("ends", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["deputy_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deputy", schema=None) as batch_op:
        batch_op.create_index("ix_deputy_deputy", ["deputy_id", "ends"], unique=False)

    with op.batch_alter_table("case_instance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visited", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_instance", schema=None) as batch_op:
        batch_op.drop_column("visited")

    with op.batch_alter_table("deputy", schema=None) as batch_op:
        batch_op.drop_index("ix_deputy_deputy")

    op.drop_table("deputy")
