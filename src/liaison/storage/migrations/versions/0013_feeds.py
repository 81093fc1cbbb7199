"""feeds: TAXII 2.1 collections this node subscribes to

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

One row per subscription: where the collection is (API root and collection
id), how to sign in (the name of the environment variable that holds the
password or token, never the secret itself), the markings and evaluation
the administrator gives objects that carry none, the cursor (the last
committed page's ``X-TAXII-Date-Added-Last``; ``cursor_partial`` while a pull
stopped before its last page) and the last pull's time, counts and error.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import liaison.storage.tables

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

UTC = liaison.storage.tables.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=63), nullable=False, unique=True),
        sa.Column("api_root", sa.String(length=500), nullable=False),
        sa.Column("collection", sa.String(length=200), nullable=False),
        sa.Column("auth", sa.String(length=8), nullable=False),
        sa.Column("username", sa.String(length=255), nullable=True),
        sa.Column("secret_env", sa.String(length=100), nullable=True),
        sa.Column("markings", sa.Text(), nullable=False),
        sa.Column("evaluation", sa.Text(), nullable=True),
        sa.Column("added", UTC(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=255), nullable=False),
        sa.Column("cursor", sa.String(length=40), nullable=True),
        sa.Column("cursor_partial", sa.Boolean(), nullable=False),
        sa.Column("last_pull", UTC(timezone=True), nullable=True),
        sa.Column("last_success", UTC(timezone=True), nullable=True),
        sa.Column("last_objects", sa.Integer(), nullable=False),
        sa.Column("last_written", sa.Integer(), nullable=False),
        sa.Column("last_unchanged", sa.Integer(), nullable=False),
        sa.Column("last_skipped", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("feeds")
