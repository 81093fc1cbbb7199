"""federation: peers, outbox, disclosure register, inbox, received copies

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Peers with their pinned keys and delivery state; the outbox that a change
writes in its own transaction; the originator's disclosure register (which
partner holds which version of which record); the inbox of message ids
already applied (replay protection); and the received copies, which the
originator may withdraw or delete, so they live outside the append-only
``record_versions``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liaison.storage.tables

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC = liaison.storage.tables.UTCDateTime
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "peers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("public_key", sa.String(length=100), nullable=False),
        sa.Column("tls_cert", sa.Text(), nullable=True),
        sa.Column("added", UTC(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=255), nullable=False),
        sa.Column("acked_seq", sa.BigInteger(), nullable=False),
        sa.Column("received_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_delivery", UTC(timezone=True), nullable=True),
        sa.Column("last_contact", UTC(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", UTC(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt", UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("node_id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", SEQ, nullable=False, autoincrement=True),
        sa.Column("peer", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("agreement_id", sa.String(length=80), nullable=True),
        sa.Column("created", UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_outbox_peer_seq", "outbox", ["peer", "seq"])
    op.create_table(
        "disclosures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.String(length=80), nullable=True),
        sa.Column("since", UTC(timezone=True), nullable=False),
        sa.Column("acked_version", sa.Integer(), nullable=True),
        sa.Column("acked_level", sa.String(length=16), nullable=True),
        sa.Column("acked_at", UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("peer", "record_id", name="uq_disclosures_peer_record"),
    )
    op.create_index("ix_disclosures_record_id", "disclosures", ["record_id"])
    op.create_table(
        "inbox",
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("received", UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_index("ix_inbox_received", "inbox", ["received"])
    op.create_table(
        "copies",
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("originator", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("agreement_id", sa.String(length=80), nullable=True),
        sa.Column("schema", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.Text(), nullable=True),
        sa.Column("envelope", sa.Text(), nullable=True),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("received", UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_index("ix_copies_originator", "copies", ["originator"])


def downgrade() -> None:
    for table in ("copies", "inbox", "disclosures", "outbox", "peers"):
        op.drop_table(table)
