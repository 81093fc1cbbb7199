"""match index v2: profiles and blocking keys rebuilt with the names rules of issue 17

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

The candidate index is derived data: every profile is read again from the names
it kept (romanisation folds, generation suffixes kept, leading surnames, Malay
short forms) and its keys are written anew (single name parts by their spelling
codes, birth years, organisation words and initials), so records indexed before
the upgrade are found by queries made after it. No table changes.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from liaison.storage.matching import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    pass  # the older keys are a subset of what a query looks up; nothing to undo
