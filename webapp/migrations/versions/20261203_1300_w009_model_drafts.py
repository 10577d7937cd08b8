"""The modeller's drafts: one per process, with a save counter for concurrent admins

Revision ID: w009
Revises: w001
Create Date: 2026-12-03 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "w009"
down_revision = "w001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_draft",
        sa.Column("process_id", sa.String(length=255), nullable=False),
        sa.Column("source_xml", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("based_on_version", sa.Integer(), nullable=True),
        sa.Column("saved_by", sa.String(length=100), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["saved_by"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("process_id"),
    )


def downgrade() -> None:
    op.drop_table("model_draft")
