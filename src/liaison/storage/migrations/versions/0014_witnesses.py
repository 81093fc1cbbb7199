"""witnesses: partners cosign each other's audit checkpoints

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

As a witness, a node keeps the latest checkpoint it cosigned for each peer's
log (``witnessed``) and every checkpoint it refused as a rollback or a fork,
with the one it held and the failed proof (``witness_evidence``). As a log, it
keeps what each witness last cosigned of its own log and how the last attempt
went (``witness_cosignatures``): a cache for freshness reports and bundles;
verification asks the witnesses themselves.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liaison.storage.tables

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UTC = liaison.storage.tables.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "witnessed",
        sa.Column("log_node", sa.String(length=64), primary_key=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("cosigned", UTC(timezone=True), nullable=False),
    )
    op.create_table(
        "witness_evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("log_node", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("held", sa.Text(), nullable=False),
        sa.Column("offered", sa.Text(), nullable=False),
        sa.Column("old_size", sa.BigInteger(), nullable=False),
        sa.Column("proof", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
    )
    op.create_index("ix_witness_evidence_log_node", "witness_evidence", ["log_node"])
    op.create_table(
        "witness_cosignatures",
        sa.Column("witness", sa.String(length=64), primary_key=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("root", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("cosigned", UTC(timezone=True), nullable=True),
        sa.Column("last_attempt", UTC(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("witness_cosignatures")
    op.drop_index("ix_witness_evidence_log_node", table_name="witness_evidence")
    op.drop_table("witness_evidence")
    op.drop_table("witnessed")
