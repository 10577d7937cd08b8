"""Fewer b-tree pages written per commit: the audit trail's seq as SQLite's rowid, and no task
index on `state` of every row

On SQLite a BIGINT primary key is not the rowid: every audit row went into the table and into a
separate primary-key index (`sqlite_autoindex_audit_trail_1`), one more page per commit. As
`INTEGER PRIMARY KEY` the sequence number is the rowid itself; the writer still assigns it, and
PostgreSQL keeps BIGINT. SQLite cannot change a column's type in place: the table is rebuilt
(batch mode), its rows kept as they are, and the guards refusing UPDATE and DELETE (migration
0001) are put back on the new table.

`ix_case_task_role` (state, role, scope) held every task row and moved an entry at every change
of state: three pages per case for `ready_tasks` alone, which reads the two partial indexes on
ready tasks (named; for a role when nobody is named) instead.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_MESSAGE = "audit_trail is append-only"
_EVENTS = ("UPDATE", "DELETE")


def upgrade() -> None:
    op.drop_index("ix_case_task_role", table_name="case_task")
    if op.get_bind().dialect.name == "sqlite":
        _retype_sqlite_seq(sa.BigInteger(), sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _retype_sqlite_seq(sa.Integer(), sa.BigInteger())
    op.create_index("ix_case_task_role", "case_task", ["state", "role", "scope"])


def _retype_sqlite_seq(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    """Rebuild audit_trail with `seq` of type `new`, rows and guards kept (the guards go with
    the old table; DROP TABLE fires no DELETE trigger)."""
    for event in _EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS audit_trail_no_{event.lower()}")
    with op.batch_alter_table("audit_trail", recreate="always") as batch_op:
        batch_op.alter_column("seq", existing_type=old, type_=new, existing_nullable=False)
    for event in _EVENTS:
        op.execute(
            f"CREATE TRIGGER audit_trail_no_{event.lower()} BEFORE {event} ON audit_trail "
            f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
        )
