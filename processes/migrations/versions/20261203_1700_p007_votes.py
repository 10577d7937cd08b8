"""Votes as records: ``vote`` (one per vote held in a treatment: subject, secret, counts,
outcome) and ``vote_cast`` (who voted for, against or abstained in an open vote by seat).

Existing votes move over: every treatment whose details say a vote was held, or that has
counts, gets a ``vote`` row with those counts. Its uuid is the one the linked data already
published for that vote (uuid5 of the treatment's uuid and "stemming"), so that
``/id/stemmingen/<uuid>`` keeps answering. The treatment's own vote columns stay.

Revision ID: p007
Revises: p006
Create Date: 2026-12-03 17:00:00
"""

import json
import uuid as uuidlib
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "p007"
down_revision = "p006"
branch_labels = None
depends_on = None


def _details(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value:
        try:
            found = json.loads(value)
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}
    return {}


def upgrade() -> None:
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.Boolean(), nullable=False),
        sa.Column("count_for", sa.Integer(), nullable=False),
        sa.Column("count_against", sa.Integer(), nullable=False),
        sa.Column("count_abstain", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("outcome IN ('adopted', 'rejected')", name="ck_vote_outcome"),
        sa.ForeignKeyConstraint(["treatment_id"], ["treatment.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_vote_uuid", "vote", ["uuid"], unique=True)
    op.create_index("ix_vote_treatment_id", "vote", ["treatment_id"])
    op.create_table(
        "vote_cast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("seat_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.String(length=100), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.CheckConstraint("choice IN ('for', 'against', 'abstain')", name="ck_vote_cast_choice"),
        sa.ForeignKeyConstraint(["vote_id"], ["vote.id"]),
        sa.ForeignKeyConstraint(["seat_id"], ["committee_seat.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vote_id", "user_id", name="uq_vote_cast_voter"),
    )
    op.create_index("ix_vote_cast_vote_id", "vote_cast", ["vote_id"])
    _move_existing_votes()


def _move_existing_votes() -> None:
    connection = op.get_bind()
    treatment = sa.table(
        "treatment",
        sa.column("id", sa.Integer()),
        sa.column("uuid", sa.String()),
        sa.column("agenda_item_id", sa.Integer()),
        sa.column("votes_for", sa.Integer()),
        sa.column("votes_against", sa.Integer()),
        sa.column("votes_abstain", sa.Integer()),
        sa.column("details", sa.Text()),
        sa.column("recorded_at", sa.DateTime()),
    )
    item = sa.table("agenda_item", sa.column("id", sa.Integer()), sa.column("title", sa.String()))
    vote = sa.table(
        "vote",
        sa.column("uuid", sa.String()),
        sa.column("treatment_id", sa.Integer()),
        sa.column("subject", sa.String()),
        sa.column("secret", sa.Boolean()),
        sa.column("count_for", sa.Integer()),
        sa.column("count_against", sa.Integer()),
        sa.column("count_abstain", sa.Integer()),
        sa.column("outcome", sa.String()),
        sa.column("recorded_at", sa.DateTime()),
    )
    rows = connection.execute(
        sa.select(
            treatment.c.id,
            treatment.c.uuid,
            treatment.c.votes_for,
            treatment.c.votes_against,
            treatment.c.votes_abstain,
            sa.cast(treatment.c.details, sa.Text()),
            treatment.c.recorded_at,
            item.c.title,
        )
        .join(item, item.c.id == treatment.c.agenda_item_id)
        .order_by(treatment.c.id)
    ).all()
    for row_id, public, yes, no, abstain, details, recorded_at, title in rows:
        held = _details(details)
        if not held.get("vote_held") and yes is None and no is None and abstain is None:
            continue
        counts = (yes or 0, no or 0, abstain or 0)
        connection.execute(
            vote.insert().values(
                uuid=str(uuidlib.uuid5(uuidlib.UUID(public), "stemming")),
                treatment_id=row_id,
                subject=(title or "")[:500],
                secret=bool(held.get("vote_secret")),
                count_for=counts[0],
                count_against=counts[1],
                count_abstain=counts[2],
                outcome="adopted" if counts[0] > counts[1] else "rejected",
                recorded_at=recorded_at,
            )
        )


def downgrade() -> None:
    op.drop_index("ix_vote_cast_vote_id", table_name="vote_cast")
    op.drop_table("vote_cast")
    op.drop_index("ix_vote_treatment_id", table_name="vote")
    op.drop_index("ix_vote_uuid", table_name="vote")
    op.drop_table("vote")
