"""Core committee records: organisations, people, seats, working groups, meetings, agenda items,
treatments and decisions.

Revision ID: p002
Revises: p001
Create Date: 2026-11-29 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "p002"
down_revision = "p001"
branch_labels = None
depends_on = None


def _one_of(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=f"ck_{table}_{column}")


# The reference lists as they were at this revision (a later change needs its own migration).
ORGANISATION_KINDS = ("agency", "department", "province", "municipality", "other")
SEAT_KINDS = (
    "chair",
    "policy_domain",
    "local",
    "facilitair_bedrijf",
    "informatie_vlaanderen",
    "innovator",
    "minister_representative",
    "digitalisation_expert",
)
MEETING_STATUSES = ("planned", "agenda_frozen", "published", "held", "minutes_approved")
AGENDA_KINDS = ("decision", "discussion", "information")
AGENDA_ITEM_STATUSES = ("scheduled", "treated", "deferred")
OUTCOMES = ("decided", "working_group", "deferred", "escalated", "noted")


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("policy_domain", sa.String(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        _one_of("organisation", "kind", ORGANISATION_KINDS),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=100), nullable=False),
        sa.Column("organisation_id", sa.String(length=50), nullable=True),
        sa.Column("function", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
    )
    op.create_index("ix_person_organisation_id", "person", ["organisation_id"])
    op.create_table(
        "committee_seat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("seat_kind", sa.String(length=40), nullable=False),
        sa.Column("policy_domain", sa.String(length=100), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        _one_of("committee_seat", "seat_kind", SEAT_KINDS),
    )
    op.create_index("ix_committee_seat_person_id", "committee_seat", ["person_id"])
    op.create_table(
        "working_group",
        sa.Column("id", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("focus_domain", sa.String(length=60), nullable=True),
        sa.Column("chair_user_id", sa.String(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["chair_user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "working_group_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("working_group_id", sa.String(length=50), nullable=False),
        sa.Column("user_id", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["working_group_id"], ["working_group.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("working_group_id", "user_id", name="uq_wg_member"),
    )
    op.create_index(
        "ix_working_group_member_working_group_id", "working_group_member", ["working_group_id"]
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("agenda_deadline", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("held_at", sa.DateTime(), nullable=True),
        sa.Column("reported_at", sa.DateTime(), nullable=True),
        sa.Column("minutes_approved_on", sa.Date(), nullable=True),
        sa.Column("minutes_reference", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case_instance.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id"),
        _one_of("meeting", "status", MEETING_STATUSES),
        sa.CheckConstraint("agenda_deadline <= meeting_date", name="ck_meeting_deadline_before"),
    )
    op.create_index("ix_meeting_meeting_date", "meeting", ["meeting_date"])
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("topic_case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("topic_kind", sa.String(length=20), nullable=False),
        sa.Column("focus_domain", sa.String(length=60), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["topic_case_id"], ["case_instance.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "topic_case_id", name="uq_agenda_item_topic"),
        _one_of("agenda_item", "kind", AGENDA_KINDS),
        _one_of("agenda_item", "status", AGENDA_ITEM_STATUSES),
    )
    op.create_index("ix_agenda_item_meeting", "agenda_item", ["meeting_id", "position"])
    op.create_index("ix_agenda_item_topic_case_id", "agenda_item", ["topic_case_id"])
    op.create_table(
        "treatment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("attendance", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("decision_text", sa.Text(), nullable=True),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_against", sa.Integer(), nullable=True),
        sa.Column("votes_abstain", sa.Integer(), nullable=True),
        sa.Column("working_group_id", sa.String(length=50), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agenda_item.id"]),
        sa.ForeignKeyConstraint(["working_group_id"], ["working_group.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agenda_item_id"),
        _one_of("treatment", "outcome", OUTCOMES),
    )
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("topic_case_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("binding", sa.Boolean(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("focus_domain", sa.String(length=60), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["treatment_id"], ["treatment.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["topic_case_id"], ["case_instance.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("treatment_id"),
    )
    op.create_index("ix_decision_meeting_id", "decision", ["meeting_id"])
    op.create_index("ix_decision_topic_case_id", "decision", ["topic_case_id"])
    op.create_index("ix_decision_focus_domain", "decision", ["focus_domain"])
    op.create_table(
        "decision_entity",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decision.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("decision_id", "organisation_id"),
    )


def downgrade() -> None:
    op.drop_table("decision_entity")
    op.drop_index("ix_decision_focus_domain", table_name="decision")
    op.drop_index("ix_decision_topic_case_id", table_name="decision")
    op.drop_index("ix_decision_meeting_id", table_name="decision")
    op.drop_table("decision")
    op.drop_table("treatment")
    op.drop_index("ix_agenda_item_topic_case_id", table_name="agenda_item")
    op.drop_index("ix_agenda_item_meeting", table_name="agenda_item")
    op.drop_table("agenda_item")
    op.drop_index("ix_meeting_meeting_date", table_name="meeting")
    op.drop_table("meeting")
    op.drop_index("ix_working_group_member_working_group_id", table_name="working_group_member")
    op.drop_table("working_group_member")
    op.drop_table("working_group")
    op.drop_index("ix_committee_seat_person_id", table_name="committee_seat")
    op.drop_table("committee_seat")
    op.drop_index("ix_person_organisation_id", table_name="person")
    op.drop_table("person")
    op.drop_table("organisation")
