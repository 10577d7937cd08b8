"""Committee records: the base of the processes' own migration branch (no tables yet).

Revision ID: p001
Revises:
Create Date: 2026-11-29 05:40:00
"""

revision = "p001"
down_revision = None
branch_labels = ("processes",)
depends_on = "0002"


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
