"""agreements, consents, neutrality reviews, retention columns

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Sharing agreements and their signatures (append-only), the originator's
consents, the neutrality review queue, and the retention dates on the
record head index so that the retention job finds what is due.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

import liaison.storage.tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC = liaison.storage.tables.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.String(length=255), nullable=False),
        sa.Column("created", UTC(timezone=True), nullable=False),
        sa.Column("changed", UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id", "version", name="uq_agreements_id_version"),
    )
    op.create_table(
        "agreement_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=200), nullable=False),
        sa.Column("added_by", sa.String(length=255), nullable=False),
        sa.Column("added", UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id", "version", "node_id", name="uq_agreement_signatures"),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=120), nullable=False),
        sa.Column("use", sa.String(length=32), nullable=False),
        sa.Column("given_by", sa.String(length=255), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("given", UTC(timezone=True), nullable=False),
        sa.Column("withdrawn", UTC(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=255), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_consents_record_id", "consents", ["record_id"])
    op.create_table(
        "neutrality_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("signals", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("flagged", UTC(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=255), nullable=True),
        sa.Column("decided", UTC(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_id"),
    )
    op.create_index("ix_neutrality_reviews_state", "neutrality_reviews", ["state"])
    with op.batch_alter_table("records") as batch_op:
        batch_op.add_column(sa.Column("review_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("expires", sa.Date(), nullable=True))
        batch_op.create_index("ix_records_review_due", ["review_due"])
        batch_op.create_index("ix_records_expires", ["expires"])
    _backfill_retention()
    _append_only(op.get_bind().dialect.name, "agreement_signatures")


def _backfill_retention() -> None:
    """Records written before this revision get their retention dates on the head
    row, read from the envelope of their latest version, so that the retention
    job finds them too."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT r.record_id, v.envelope FROM records r JOIN record_versions v "
            "ON v.record_id = r.record_id AND v.version = r.version"
        )
    ).all()
    update = sa.text(
        "UPDATE records SET review_due = :review_due, expires = :expires "
        "WHERE record_id = :record_id"
    ).bindparams(sa.bindparam("review_due", type_=sa.Date), sa.bindparam("expires", type_=sa.Date))
    for record_id, envelope in rows:
        data = json.loads(envelope)
        review_due, expires = data.get("review_due"), data.get("expires")
        if review_due or expires:
            bind.execute(
                update,
                {
                    "record_id": record_id,
                    "review_due": dt.date.fromisoformat(review_due) if review_due else None,
                    "expires": dt.date.fromisoformat(expires) if expires else None,
                },
            )


def _append_only(dialect: str, table: str) -> None:
    """The same triggers as revision 0001 puts on its append-only tables."""
    if dialect == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION liaison_append_only()"
        )
    for verb in ("UPDATE", "DELETE"):
        name = f"{table}_no_{verb.lower()}"
        if dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION liaison_append_only()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only'); END"
            )


def downgrade() -> None:
    with op.batch_alter_table("records") as batch_op:
        batch_op.drop_index("ix_records_expires")
        batch_op.drop_index("ix_records_review_due")
        batch_op.drop_column("expires")
        batch_op.drop_column("review_due")
    op.drop_table("neutrality_reviews")
    op.drop_table("consents")
    op.drop_table("agreement_signatures")
    op.drop_table("agreements")
