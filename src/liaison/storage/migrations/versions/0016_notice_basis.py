"""notice basis: the agreement under which each partner holds one of our notices

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

``diffusion_holders.agreement_id``: the agreement whose terms let the partner
have the notice when it was last sent, as the record register keeps it for
records. When that agreement ends, its ``on_end`` decides whether the partner
keeps the notice or is told to drop it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("diffusion_holders") as batch:
        batch.add_column(sa.Column("agreement_id", sa.String(80)))


def downgrade() -> None:
    with op.batch_alter_table("diffusion_holders") as batch:
        batch.drop_column("agreement_id")
