"""notices: node-to-node events that are not record changes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Outgoing notices (for example: a partner has a hit on one of your records)
wait in ``notices`` until the peer acknowledges them; ``notices_in`` keeps
the ids received from each sender, so a notice resent after a lost answer
takes effect once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liaison.storage.tables

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UTC = liaison.storage.tables.UTCDateTime
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", SEQ, primary_key=True),
        sa.Column("peer", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created", UTC(timezone=True), nullable=False),
        sa.Column("delivered", UTC(timezone=True), nullable=True),
    )
    op.create_index("ix_notices_pending", "notices", ["peer", "delivered"])
    op.create_table(
        "notices_in",
        sa.Column("sender", sa.String(length=64), primary_key=True),
        sa.Column("notice_id", SEQ, primary_key=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("received", UTC(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notices_in")
    op.drop_table("notices")
