"""Stable public identifiers (uuid) for meetings, agenda items, treatments and decisions.

The linked data (processes.records.oslo) names them ``/id/zittingen/<uuid>`` and so on; the row
ids stay internal. Existing rows get a fresh uuid each, then the column becomes required and
unique.

Revision ID: p004
Revises: p003 (and needs p002, which made these tables)
Create Date: 2026-12-03 14:00:00
"""

from uuid import uuid4

import sqlalchemy as sa
from alembic import op

revision = "p004"
down_revision = "p003"
branch_labels = None
depends_on = ("p002",)

TABLES = ("meeting", "agenda_item", "treatment", "decision")


def upgrade() -> None:
    connection = op.get_bind()
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("uuid", sa.String(length=36), nullable=True))
        rows = sa.table(table, sa.column("id", sa.Integer()), sa.column("uuid", sa.String()))
        for (row_id,) in connection.execute(sa.select(rows.c.id)).all():
            connection.execute(rows.update().where(rows.c.id == row_id).values(uuid=str(uuid4())))
        with op.batch_alter_table(table) as batch:
            batch.alter_column("uuid", existing_type=sa.String(length=36), nullable=False)
            batch.create_unique_constraint(f"uq_{table}_uuid", ["uuid"])


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_uuid", type_="unique")
            batch.drop_column("uuid")
