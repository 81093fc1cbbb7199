"""user language: each user's interface language (web UI)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23

``users.language``: the language the web interface speaks to this user
(``en``, ``fil`` or ``ru``); empty means the node's default, English.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(8)))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
