"""followups: follow-up requests after a hit, and their history

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

``followups`` keeps each follow-up request on both sides: ``out`` on the
node that asked, ``in`` on the originator that decides; its state, the
deadline of whoever acts next, the fields released and the records
concerned. ``followup_steps`` is the history both sides show.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liaison.storage.tables

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC = liaison.storage.tables.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "followups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("requester", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("partner", sa.String(length=64), nullable=False),
        sa.Column("agreement_id", sa.String(length=80), nullable=False),
        sa.Column("period", sa.String(length=80), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("due", UTC(timezone=True), nullable=True),
        sa.Column("asked_by", sa.String(length=255), nullable=False),
        sa.Column("decided_by", sa.String(length=255), nullable=True),
        sa.Column("fields", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("records", sa.Text(), nullable=False),
        sa.Column("filed", UTC(timezone=True), nullable=False),
        sa.Column("updated", UTC(timezone=True), nullable=False),
        sa.UniqueConstraint("requester", "request_id", name="uq_followups_request"),
    )
    op.create_index("ix_followups_state", "followups", ["direction", "state", "due"])
    op.create_table(
        "followup_steps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("followup_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("due", UTC(timezone=True), nullable=True),
        sa.Column("at", UTC(timezone=True), nullable=False),
    )
    op.create_index("ix_followup_steps_followup", "followup_steps", ["followup_id"])


def downgrade() -> None:
    for table in ("followup_steps", "followups"):
        op.drop_table(table)
