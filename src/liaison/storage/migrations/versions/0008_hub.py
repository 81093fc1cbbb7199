"""hub: multilateral hub mode, on the hub and on its members

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

On a node acting as hub: ``hub_projects`` (members, threshold, runs),
``hub_submissions`` (each member's uploads, taken in part by part),
``hub_entries`` (opaque reference, hardened encoding and keyed block ids
per row: no clear value) and ``hub_pairs`` (the last run's candidate
pairs, never a score). On a member: ``hub_memberships`` (the hub, the
members and the linkage secret sealed under a key only the node key can
produce), ``hub_refs`` (its references and the records they stand for)
and ``hub_candidates`` (the candidate pairs the hub returned to it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liaison.storage.tables

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UTC = liaison.storage.tables.UTCDateTime
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    _hub_side()
    _member_side()


def _hub_side() -> None:
    op.create_table(
        "hub_projects",
        sa.Column("project", sa.String(length=63), primary_key=True),
        sa.Column("members", sa.Text(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("created", UTC(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("linked", UTC(timezone=True), nullable=True),
    )
    op.create_table(
        "hub_submissions",
        sa.Column("project", sa.String(length=63), primary_key=True),
        sa.Column("member", sa.String(length=64), primary_key=True),
        sa.Column("submission", sa.String(length=32), primary_key=True),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("started", UTC(timezone=True), nullable=False),
        sa.Column("completed", UTC(timezone=True), nullable=True),
    )
    op.create_table(
        "hub_entries",
        sa.Column("project", sa.String(length=63), primary_key=True),
        sa.Column("member", sa.String(length=64), primary_key=True),
        sa.Column("submission", sa.String(length=32), primary_key=True),
        sa.Column("ref", sa.String(length=22), primary_key=True),
        sa.Column("encoding", sa.LargeBinary(), nullable=False),
        sa.Column("blocks", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "hub_pairs",
        sa.Column("project", sa.String(length=63), nullable=False),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("left_member", sa.String(length=64), nullable=False),
        sa.Column("left_ref", sa.String(length=22), nullable=False),
        sa.Column("right_member", sa.String(length=64), nullable=False),
        sa.Column("right_ref", sa.String(length=22), nullable=False),
    )
    op.create_index("ix_hub_pairs_left", "hub_pairs", ["project", "left_member"])
    op.create_index("ix_hub_pairs_right", "hub_pairs", ["project", "right_member"])


def _member_side() -> None:
    op.create_table(
        "hub_memberships",
        sa.Column("project", sa.String(length=63), primary_key=True),
        sa.Column("hub", sa.String(length=64), nullable=False),
        sa.Column("members", sa.Text(), nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.Column("joined", UTC(timezone=True), nullable=False),
        sa.Column("joined_by", sa.String(length=255), nullable=False),
        sa.Column("submitted", UTC(timezone=True), nullable=True),
        sa.Column("run", sa.Integer(), nullable=True),
    )
    op.create_table(
        "hub_refs",
        sa.Column("project", sa.String(length=63), primary_key=True),
        sa.Column("ref", sa.String(length=22), primary_key=True),
        sa.Column("submission", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("created", UTC(timezone=True), nullable=False),
    )
    op.create_table(
        "hub_candidates",
        sa.Column("id", SEQ, primary_key=True),
        sa.Column("project", sa.String(length=63), nullable=False),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("ref", sa.String(length=22), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=False),
        sa.Column("partner_ref", sa.String(length=22), nullable=False),
        sa.Column("received", UTC(timezone=True), nullable=False),
    )
    op.create_index("ix_hub_candidates_project", "hub_candidates", ["project"])


def downgrade() -> None:
    tables = (
        "hub_candidates",
        "hub_refs",
        "hub_memberships",
        "hub_pairs",
        "hub_entries",
        "hub_submissions",
        "hub_projects",
    )
    for table in tables:
        op.drop_table(table)
