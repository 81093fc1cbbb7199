"""hits: the OPRF index offered to each partner, usage for rate limits, own queries

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

``psi_entries`` holds, per agreement and partner ("domain") and key period,
the bucket key, tag and reference of every identifier this node may offer
that partner as hit/no-hit, and the record that carries it; ``psi_builds``
says which domains and periods are complete. ``psi_usage`` counts the
elements each partner had evaluated per hour (rate limit). ``hit_queries``
keeps this node's own questions and their answers for follow-up requests.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liaison.storage.tables

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC = liaison.storage.tables.UTCDateTime
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "psi_entries",
        sa.Column("domain", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("bucket_key", sa.BigInteger(), nullable=False),
        sa.Column("tag", sa.LargeBinary(length=8), nullable=False),
        sa.Column("reference", sa.LargeBinary(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_psi_entries_bucket", "psi_entries", ["domain", "period", "bucket_key"])
    op.create_index("ix_psi_entries_reference", "psi_entries", ["domain", "period", "reference"])
    op.create_index("ix_psi_entries_record", "psi_entries", ["record_id"])
    op.create_table(
        "psi_builds",
        sa.Column("domain", sa.String(length=200), primary_key=True),
        sa.Column("period", sa.String(length=16), primary_key=True),
        sa.Column("built", UTC(timezone=True), nullable=False),
    )
    op.create_table(
        "psi_usage",
        sa.Column("partner", sa.String(length=64), primary_key=True),
        sa.Column("hour", sa.String(length=16), primary_key=True),
        sa.Column("elements", sa.Integer(), nullable=False),
    )
    op.create_table(
        "hit_queries",
        sa.Column("id", SEQ, primary_key=True),
        sa.Column("partner", sa.String(length=64), nullable=False),
        sa.Column("agreement_id", sa.String(length=80), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("hit", sa.Boolean(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=True),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("asked_by", sa.String(length=255), nullable=False),
        sa.Column("created", UTC(timezone=True), nullable=False),
    )
    op.create_index("ix_hit_queries_partner", "hit_queries", ["partner", "created"])


def downgrade() -> None:
    for table in ("hit_queries", "psi_usage", "psi_builds", "psi_entries"):
        op.drop_table(table)
