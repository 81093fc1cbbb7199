"""diffusion: notices that ask partners to act, their holders, threads, challenges

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

A node keeps its own notices and the partners' it holds (``diffusion_notices``),
the subjects of the partners' notices it screens against (``diffusion_subjects``),
who holds each of its notices (``diffusion_holders``, the disclosure register),
the responses and confirmations of each receiver's thread (``diffusion_thread``)
and the challenges of the persons concerned, apart from police files
(``challenges``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liaison.storage.tables

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

UTC = liaison.storage.tables.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "diffusion_notices",
        sa.Column("notice_id", sa.String(length=64), primary_key=True),
        sa.Column("originator", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("pending", sa.Text(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("received", UTC(timezone=True), nullable=True),
        sa.Column("updated", UTC(timezone=True), nullable=False),
    )
    op.create_index("ix_diffusion_notices_originator", "diffusion_notices", ["originator", "state"])
    op.create_table(
        "diffusion_subjects",
        sa.Column("subject", sa.String(length=80), primary_key=True),
        sa.Column("notice_id", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("schema", sa.String(length=64), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
    )
    op.create_index("ix_diffusion_subjects_notice", "diffusion_subjects", ["notice_id"])
    op.create_table(
        "diffusion_holders",
        sa.Column("notice_id", sa.String(length=64), primary_key=True),
        sa.Column("node_id", sa.String(length=64), primary_key=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("first_sent", UTC(timezone=True), nullable=True),
        sa.Column("updated", UTC(timezone=True), nullable=False),
    )
    op.create_table(
        "diffusion_thread",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("notice_id", sa.String(length=64), nullable=False),
        sa.Column("receiver", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ground", sa.String(length=32), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("by", sa.String(length=255), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
    )
    op.create_index("ix_diffusion_thread_notice", "diffusion_thread", ["notice_id", "receiver"])
    op.create_table(
        "challenges",
        sa.Column("challenge_id", sa.String(length=64), primary_key=True),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("originator", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received", UTC(timezone=True), nullable=False),
        sa.Column("updated", UTC(timezone=True), nullable=False),
    )
    op.create_index("ix_challenges_stage", "challenges", ["stage"])


def downgrade() -> None:
    op.drop_index("ix_challenges_stage", table_name="challenges")
    op.drop_table("challenges")
    op.drop_index("ix_diffusion_thread_notice", table_name="diffusion_thread")
    op.drop_table("diffusion_thread")
    op.drop_table("diffusion_holders")
    op.drop_index("ix_diffusion_subjects_notice", table_name="diffusion_subjects")
    op.drop_table("diffusion_subjects")
    op.drop_index("ix_diffusion_notices_originator", table_name="diffusion_notices")
    op.drop_table("diffusion_notices")
