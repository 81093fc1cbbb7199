"""match key counts: how many subjects hold each blocking key

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

A query reads the counts of its keys first and drops a key too common to
select anything before reading its rows (issue 18). The table is derived
data: it is filled here from ``match_keys`` and kept by every index write
after.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from liaison.storage.matching import fill_key_counts

    op.create_table(
        "match_key_counts",
        sa.Column("key", sa.String(length=200), primary_key=True),
        sa.Column("subjects", sa.Integer(), nullable=False),
    )
    fill_key_counts(op.get_bind())


def downgrade() -> None:
    op.drop_table("match_key_counts")
