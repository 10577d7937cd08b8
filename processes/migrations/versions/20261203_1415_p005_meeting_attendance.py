"""Attendance per meeting as records: one row per seat in force (present, excused or absent).

Revision ID: p005
Revises: p004
Create Date: 2026-12-03 14:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "p005"
down_revision = "p004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("seat_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('present', 'excused', 'absent')", name="ck_meeting_attendance_status"
        ),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["seat_id"], ["committee_seat.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "seat_id", name="uq_meeting_attendance_seat"),
    )
    op.create_index("ix_meeting_attendance_meeting_id", "meeting_attendance", ["meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_meeting_attendance_meeting_id", table_name="meeting_attendance")
    op.drop_table("meeting_attendance")
