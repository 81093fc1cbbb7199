"""matching: candidate index, match queue, watchlists, alerts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Match profiles and blocking keys of every record and watchlist entry (the
candidate index), the queue of records waiting to be cross-matched,
watchlists with their entries, and the alerts raised, one per pair of
record and target (a rejected pair is not raised again).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liaison.storage.tables

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC = liaison.storage.tables.UTCDateTime
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "match_profiles",
        sa.Column("subject", sa.String(length=80), primary_key=True),
        sa.Column("profile", sa.Text(), nullable=False),
    )
    op.create_table(
        "match_keys",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
    )
    op.create_index("ix_match_keys_key", "match_keys", ["key"])
    op.create_index("ix_match_keys_subject", "match_keys", ["subject"])
    op.create_table(
        "match_queue",
        sa.Column("id", SEQ, primary_key=True),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("queued", UTC(timezone=True), nullable=False),
    )
    op.create_table(
        "watchlists",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=100), nullable=False, unique=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created", UTC(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
    )
    op.create_table(
        "watchlist_entries",
        sa.Column("entry_id", sa.String(length=80), primary_key=True),
        sa.Column("watchlist_id", sa.Integer(), sa.ForeignKey("watchlists.id"), nullable=False),
        sa.Column("schema", sa.String(length=64), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("added", UTC(timezone=True), nullable=False),
    )
    op.create_index("ix_watchlist_entries_list", "watchlist_entries", ["watchlist_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=80), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created", UTC(timezone=True), nullable=False),
        sa.Column("decided", UTC(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=255), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("originator_told", sa.String(length=64), nullable=True),
        sa.UniqueConstraint("record_id", "target", name="uq_alerts_pair"),
    )
    op.create_index("ix_alerts_status", "alerts", ["status"])


def downgrade() -> None:
    for table in ("alerts", "watchlist_entries", "watchlists", "match_queue"):
        op.drop_table(table)
    op.drop_table("match_keys")
    op.drop_table("match_profiles")
