"""Stable public identifiers (uuid) for meetings, agenda items, treatments and decisions.

The linked data (processes.records.oslo) names them ``/id/zittingen/<uuid>`` and so on; the row
ids stay internal. Existing rows get a fresh uuid each, then the column gets a unique index
(and becomes NOT NULL where the database can alter a column: not on SQLite).

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
        # a plain ADD COLUMN: SQLite's batch mode would rebuild (drop) tables others refer to
        op.add_column(table, sa.Column("uuid", sa.String(length=36), nullable=True))
        rows = sa.table(table, sa.column("id", sa.Integer()), sa.column("uuid", sa.String()))
        for (row_id,) in connection.execute(sa.select(rows.c.id)).all():
            connection.execute(rows.update().where(rows.c.id == row_id).values(uuid=str(uuid4())))
        if connection.dialect.name != "sqlite":  # SQLite cannot alter a column in place
            op.alter_column(table, "uuid", existing_type=sa.String(length=36), nullable=False)
        op.create_index(f"ix_{table}_uuid", table, ["uuid"], unique=True)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_index(f"ix_{table}_uuid", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("uuid")
