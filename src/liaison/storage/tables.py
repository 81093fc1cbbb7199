"""Tables. Record versions, audit entries and checkpoints are append-only:
the migrations add database triggers that refuse UPDATE and DELETE on them.
The ``records`` table is the head index of each record (latest version), kept
for listing and filtering; the truth is in ``record_versions``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect

metadata = MetaData()


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC on both backends (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


node = Table(
    "node",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("node_id", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("public_key", String(100), nullable=False),
    Column("audit_checkpoint_every", Integer, nullable=False),
    Column("created", UTCDateTime, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("clearance", Integer, nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("totp_secret", String(64)),
    Column("totp_pending", String(64)),
    Column("totp_last_step", BigInteger),
    Column("totp_enabled", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created", UTCDateTime, nullable=False),
    Column("language", String(8)),  # the web interface's language for this user
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created", UTCDateTime, nullable=False),
    Column("expires", UTCDateTime),
    Column("revoked", Boolean, nullable=False, default=False),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_login_failures_username_at", "username", "at"),
)

records = Table(
    "records",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("record_id", String(64), nullable=False, unique=True),
    Column("entity_id", String(200), nullable=False),
    Column("originator", String(64), nullable=False),
    Column("schema", String(64), nullable=False),
    Column("caption", Text, nullable=False),
    Column("names", Text, nullable=False),
    Column("classification", Integer),
    Column("tlp", String(16)),
    Column("crime_area", String(64)),
    Column("review_due", Date),
    Column("expires", Date),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("modified", UTCDateTime, nullable=False),
    Column("created_by", String(255), nullable=False),
    Column("modified_by", String(255), nullable=False),
    Index("ix_records_schema", "schema"),
    Index("ix_records_review_due", "review_due"),
    Index("ix_records_expires", "expires"),
)

record_versions = Table(
    "record_versions",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("record_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("schema", String(64), nullable=False),
    Column("entity", Text, nullable=False),
    Column("envelope", Text, nullable=False),
    Column("caption", Text, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("reason", Text),
    Column("content_hash", String(64), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("record_id", "version", name="uq_record_versions_record_version"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    ),
    Column("ts", String(40), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(40), nullable=False),
    Column("object", Text, nullable=False),
    Column("purpose", Text),
    Column("justification", Text),
    Column("result", String(16), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("signature", String(200), nullable=False),
)

audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    ),
    Column("hash", String(64), nullable=False),
    Column("ts", String(40), nullable=False),
    Column("node_id", String(64), nullable=False),
    Column("signature", String(200), nullable=False),
)

agreements = Table(
    "agreements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agreement_id", String(80), nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),  # canonical JSON, exactly what was signed
    Column("hash", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("proposed_by", String(255), nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("changed", UTCDateTime, nullable=False),
    UniqueConstraint("agreement_id", "version", name="uq_agreements_id_version"),
)

agreement_signatures = Table(
    "agreement_signatures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agreement_id", String(80), nullable=False),
    Column("version", Integer, nullable=False),
    Column("node_id", String(64), nullable=False),
    Column("signature", String(200), nullable=False),
    Column("added_by", String(255), nullable=False),
    Column("added", UTCDateTime, nullable=False),
    UniqueConstraint("agreement_id", "version", "node_id", name="uq_agreement_signatures"),
)

consents = Table(
    "consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", String(64), nullable=False),
    Column("recipient", String(120), nullable=False),  # a node id, or user:<name>
    Column("use", String(32), nullable=False),
    Column("given_by", String(255), nullable=False),
    Column("justification", Text, nullable=False),
    Column("given", UTCDateTime, nullable=False),
    Column("withdrawn", UTCDateTime),
    Column("withdrawn_by", String(255)),
    Column("withdrawal_reason", Text),
    Index("ix_consents_record_id", "record_id"),
)

neutrality_reviews = Table(
    "neutrality_reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", String(64), nullable=False, unique=True),
    Column("version", Integer, nullable=False),  # the version that raised the signals
    Column("signals", Text, nullable=False),
    Column("state", String(16), nullable=False),  # held, released
    Column("flagged", UTCDateTime, nullable=False),
    Column("decided_by", String(255)),
    Column("decided", UTCDateTime),
    Column("reason", Text),
    Index("ix_neutrality_reviews_state", "state"),
)

# --- federation ---------------------------------------------------------------

peers = Table(
    "peers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("node_id", String(64), nullable=False, unique=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("url", String(500), nullable=False),
    Column("public_key", String(100), nullable=False),
    Column("tls_cert", Text),  # the peer's pinned certificate (PEM), for https URLs
    Column("added", UTCDateTime, nullable=False),
    Column("added_by", String(255), nullable=False),
    Column("acked_seq", BigInteger, nullable=False, default=0),  # our outbox, acknowledged
    Column("received_seq", BigInteger, nullable=False, default=0),  # its outbox, applied
    Column("last_delivery", UTCDateTime),
    Column("last_contact", UTCDateTime),
    Column("last_error", Text),
    Column("last_error_at", UTCDateTime),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt", UTCDateTime),
)

outbox = Table(
    "outbox",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("peer", String(64), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("kind", String(16), nullable=False),  # full, reference, withdraw, delete
    Column("agreement_id", String(80)),
    Column("created", UTCDateTime, nullable=False),
    Index("ix_outbox_peer_seq", "peer", "seq"),
)

disclosures = Table(
    "disclosures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("peer", String(64), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("level", String(16), nullable=False),  # full, reference, withdrawn, deleted
    Column("version", Integer, nullable=False),
    Column("agreement_id", String(80)),
    Column("since", UTCDateTime, nullable=False),
    Column("acked_version", Integer),
    Column("acked_level", String(16)),
    Column("acked_at", UTCDateTime),
    UniqueConstraint("peer", "record_id", name="uq_disclosures_peer_record"),
    Index("ix_disclosures_record_id", "record_id"),
)

inbox = Table(
    "inbox",
    metadata,
    Column("message_id", String(64), primary_key=True),
    Column("sender", String(64), nullable=False),
    Column("type", String(16), nullable=False),
    Column("received", UTCDateTime, nullable=False),
    Index("ix_inbox_received", "received"),
)

copies = Table(
    "copies",
    metadata,
    Column("record_id", String(64), primary_key=True),
    Column("originator", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("level", String(16), nullable=False),  # full, reference, withdrawn, deleted
    Column("agreement_id", String(80)),
    Column("schema", String(64), nullable=False),
    Column("entity", Text),  # only while the level is full
    Column("envelope", Text),
    Column("caption", Text, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("reason", Text),
    Column("content_hash", String(64), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("at", UTCDateTime, nullable=False),  # when the originator wrote this version
    Column("received", UTCDateTime, nullable=False),
    Index("ix_copies_originator", "originator"),
)

APPEND_ONLY = ("record_versions", "audit_log", "audit_checkpoints", "agreement_signatures")

# --- matching: candidate index, watchlists, alerts -------------------------------------

match_profiles = Table(
    "match_profiles",
    metadata,
    Column("subject", String(80), primary_key=True),  # a record id, or "watch:<entry id>"
    Column("profile", Text, nullable=False),
)

match_keys = Table(
    "match_keys",
    metadata,
    Column("key", String(200), nullable=False),
    Column("subject", String(80), nullable=False),
    Index("ix_match_keys_key_subject", "key", "subject"),  # covering: candidates
    Index("ix_match_keys_subject", "subject"),
)

# How many rows of match_keys hold each key, kept by every index write in its own
# transaction: a query drops a key too common to select anything before it reads
# the key's rows.
match_key_counts = Table(
    "match_key_counts",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("subjects", Integer, nullable=False),
)

match_queue = Table(
    "match_queue",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("record_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("queued", UTCDateTime, nullable=False),
)

watchlists = Table(
    "watchlists",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("description", Text, nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("created_by", String(255), nullable=False),
)

watchlist_entries = Table(
    "watchlist_entries",
    metadata,
    Column("entry_id", String(80), primary_key=True),
    Column("watchlist_id", Integer, ForeignKey("watchlists.id"), nullable=False),
    Column("schema", String(64), nullable=False),
    Column("caption", Text, nullable=False),
    Column("entity", Text, nullable=False),
    Column("added", UTCDateTime, nullable=False),
    Index("ix_watchlist_entries_list", "watchlist_id"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", String(64), nullable=False),  # the new or changed record
    Column("version", Integer, nullable=False),
    Column("target", String(80), nullable=False),  # the record or watchlist entry it matched
    Column("target_kind", String(16), nullable=False),  # record | watchlist
    Column("score", Float, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("status", String(16), nullable=False),  # open | confirmed | rejected | escalated
    Column("created", UTCDateTime, nullable=False),
    Column("decided", UTCDateTime),
    Column("decided_by", String(255)),
    Column("note", Text),
    Column("originator_told", String(64)),  # the partner told of the hit, if any
    UniqueConstraint("record_id", "target", name="uq_alerts_pair"),
    Index("ix_alerts_status", "status"),
)

# --- notices: node-to-node events that are not record changes ---------------------------

notices = Table(
    "notices",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("peer", String(64), nullable=False),  # the node it is for
    Column("kind", String(32), nullable=False),  # liaison.federation.notices.NoticeKind
    Column("body", Text, nullable=False),  # JSON
    Column("created", UTCDateTime, nullable=False),
    Column("delivered", UTCDateTime),  # when the peer acknowledged it
    Index("ix_notices_pending", "peer", "delivered"),
)

notices_in = Table(
    "notices_in",
    metadata,
    Column("sender", String(64), primary_key=True),
    Column("notice_id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("received", UTCDateTime, nullable=False),
)

# --- hit/no-hit: the OPRF index this node offers each partner, and its own queries ------------

psi_entries = Table(
    "psi_entries",
    metadata,
    Column("domain", String(200), nullable=False),  # "<agreement id>/<partner node id>"
    Column("period", String(16), nullable=False),  # the key period, e.g. 2026-11
    Column("bucket_key", BigInteger, nullable=False),  # unkeyed 32-bit bucket hash
    Column("tag", LargeBinary(8), nullable=False),
    Column("reference", LargeBinary(16), nullable=False),
    Column("record_id", String(64), nullable=False),
    Index("ix_psi_entries_bucket", "domain", "period", "bucket_key"),
    Index("ix_psi_entries_reference", "domain", "period", "reference"),
    Index("ix_psi_entries_record", "record_id"),
)

psi_builds = Table(
    "psi_builds",
    metadata,
    Column("domain", String(200), primary_key=True),
    Column("period", String(16), primary_key=True),
    Column("built", UTCDateTime, nullable=False),
)

psi_usage = Table(
    "psi_usage",
    metadata,
    Column("partner", String(64), primary_key=True),
    Column("hour", String(16), primary_key=True),  # 2026-11-23T10
    Column("elements", Integer, nullable=False),
)

hit_queries = Table(
    "hit_queries",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("partner", String(64), nullable=False),
    Column("agreement_id", String(80), nullable=False),
    Column("period", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", String(200), nullable=False),  # our own identifier, never sent in clear
    Column("hit", Boolean, nullable=False),
    Column("reference", String(32)),  # base64url, for the follow-up request
    Column("purpose", String(32), nullable=False),
    Column("asked_by", String(255), nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Index("ix_hit_queries_partner", "partner", "created"),
)

# --- follow-up requests (migration 0007) ---------------------------------------------

followups = Table(
    "followups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", String(64), nullable=False),  # the requester's id for it
    Column("requester", String(64), nullable=False),  # node id
    Column("direction", String(3), nullable=False),  # out (we asked), in (we decide)
    Column("partner", String(64), nullable=False),  # the node on the other side
    Column("agreement_id", String(80), nullable=False),
    Column("period", String(80), nullable=False),  # the key period, or hub:<project>
    Column("reference", String(32), nullable=False),  # the hit's opaque reference
    Column("subject", Text),  # what we asked about (never sent), or what of ours hit
    Column("purpose", String(32), nullable=False),
    Column("justification", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("due", UTCDateTime),  # the deadline of whoever acts next
    Column("asked_by", String(255), nullable=False),
    Column("decided_by", String(255)),
    Column("fields", Text),  # JSON list when partly approved
    Column("reason", Text),
    Column("records", Text, nullable=False),  # JSON list of record ids concerned
    Column("filed", UTCDateTime, nullable=False),
    Column("updated", UTCDateTime, nullable=False),
    UniqueConstraint("requester", "request_id", name="uq_followups_request"),
    Index("ix_followups_state", "direction", "state", "due"),
)

followup_steps = Table(
    "followup_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("followup_id", Integer, nullable=False),
    Column("step", String(16), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("text", Text),
    Column("due", UTCDateTime),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_followup_steps_followup", "followup_id"),
)

# --- hub mode: a hub's projects and what members sent it; a member's side ----------------

hub_projects = Table(  # on the hub
    "hub_projects",
    metadata,
    Column("project", String(63), primary_key=True),
    Column("members", Text, nullable=False),  # JSON list of node ids
    Column("threshold", Float, nullable=False),
    Column("created", UTCDateTime, nullable=False),
    Column("created_by", String(255), nullable=False),
    Column("run", Integer, nullable=False),  # linkage runs so far
    Column("linked", UTCDateTime),
)

hub_submissions = Table(  # on the hub
    "hub_submissions",
    metadata,
    Column("project", String(63), primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("submission", String(32), primary_key=True),
    Column("parts", Integer, nullable=False),
    Column("received", Integer, nullable=False),  # parts taken in, in order
    Column("rows", Integer, nullable=False),
    Column("started", UTCDateTime, nullable=False),
    Column("completed", UTCDateTime),
)

hub_entries = Table(  # on the hub: encodings and keyed block ids, no clear value
    "hub_entries",
    metadata,
    Column("project", String(63), primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("submission", String(32), primary_key=True),
    Column("ref", String(22), primary_key=True),  # opaque, chosen by the member
    Column("encoding", LargeBinary, nullable=False),
    Column("blocks", LargeBinary, nullable=False),
)

hub_pairs = Table(  # on the hub: the last run's candidate pairs, never a score
    "hub_pairs",
    metadata,
    Column("project", String(63), nullable=False),
    Column("run", Integer, nullable=False),
    Column("left_member", String(64), nullable=False),
    Column("left_ref", String(22), nullable=False),
    Column("right_member", String(64), nullable=False),
    Column("right_ref", String(22), nullable=False),
    Index("ix_hub_pairs_left", "project", "left_member"),
    Index("ix_hub_pairs_right", "project", "right_member"),
)

hub_memberships = Table(  # on a member
    "hub_memberships",
    metadata,
    Column("project", String(63), primary_key=True),
    Column("hub", String(64), nullable=False),  # the hub's node id
    Column("members", Text, nullable=False),  # JSON list of node ids, this node included
    Column("secret", LargeBinary, nullable=False),  # sealed under a key of the node key's
    Column("joined", UTCDateTime, nullable=False),
    Column("joined_by", String(255), nullable=False),
    Column("submitted", UTCDateTime),
    Column("run", Integer),  # the hub's run the candidates come from
)

hub_refs = Table(  # on a member: its references and the records they stand for
    "hub_refs",
    metadata,
    Column("project", String(63), primary_key=True),
    Column("ref", String(22), primary_key=True),
    Column("submission", String(32), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("created", UTCDateTime, nullable=False),
)

hub_candidates = Table(  # on a member: candidate hits for a human to follow up
    "hub_candidates",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("project", String(63), nullable=False),
    Column("run", Integer, nullable=False),
    Column("record_id", String(64), nullable=False),  # our own record
    Column("ref", String(22), nullable=False),
    Column("partner", String(64), nullable=False),  # the other member's node id
    Column("partner_ref", String(22), nullable=False),  # its opaque reference
    Column("received", UTCDateTime, nullable=False),
    Index("ix_hub_candidates_project", "project"),
)

# --- feeds: TAXII 2.1 collections this node subscribes to ---------------------------------

feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(63), nullable=False, unique=True),
    Column("api_root", String(500), nullable=False),  # the TAXII API root's URL
    Column("collection", String(200), nullable=False),  # the collection's id
    Column("auth", String(8), nullable=False),  # none, basic or token
    Column("username", String(255)),  # basic: the user name (not a secret)
    Column("secret_env", String(100)),  # the environment variable holding the password/token
    Column("markings", Text, nullable=False),  # JSON: markings for objects that carry none
    Column("evaluation", Text),  # JSON: the evaluation the administrator gives the feed
    Column("added", UTCDateTime, nullable=False),
    Column("added_by", String(255), nullable=False),
    Column("cursor", String(40)),  # the last page's X-TAXII-Date-Added-Last, as the server wrote it
    Column("cursor_partial", Boolean, nullable=False, default=False),  # the pull stopped mid-way
    Column("last_pull", UTCDateTime),  # the last pull that ended, well or not
    Column("last_success", UTCDateTime),
    Column("last_objects", Integer, nullable=False, default=0),  # the last pull's counts
    Column("last_written", Integer, nullable=False, default=0),
    Column("last_unchanged", Integer, nullable=False, default=0),
    Column("last_skipped", Integer, nullable=False, default=0),
    Column("last_error", Text),
)

# --- witnesses: partners cosign each other's audit checkpoints (liaison.node.witness) -------

witnessed = Table(  # as a witness: the latest checkpoint this node cosigned for each peer's log
    "witnessed",
    metadata,
    Column("log_node", String(64), primary_key=True),  # the peer whose log it is
    Column("size", BigInteger, nullable=False),
    Column("root", String(64), nullable=False),  # hex
    Column("note", Text, nullable=False),  # the log's signed note with this node's cosignature
    Column("cosigned", UTCDateTime, nullable=False),
)

witness_evidence = Table(  # as a witness: checkpoints refused as a rollback or a fork
    "witness_evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("log_node", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # rollback, fork
    Column("held", Text, nullable=False),  # the checkpoint cosigned before (note, cosigned)
    Column("offered", Text, nullable=False),  # the one refused (note, signed by the log)
    Column("old_size", BigInteger, nullable=False),  # the consistency proof given: from here
    Column("proof", Text, nullable=False),  # JSON list of base64 hashes
    Column("reason", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_witness_evidence_log_node", "log_node"),
)

witness_cosignatures = Table(  # as a log: what each witness last cosigned of this node's log
    "witness_cosignatures",
    metadata,
    Column("witness", String(64), primary_key=True),  # the peer's node id
    Column("size", BigInteger),  # None until it cosigned once
    Column("root", String(64)),  # hex
    Column("note", Text),  # the checkpoint with this node's signature and the witness's
    Column("cosigned", UTCDateTime),  # the cosignature's time
    Column("last_attempt", UTCDateTime),
    Column("last_error", Text),  # unreachable, or its refusal (rollback, fork) as it said it
)

# --- diffusion: notices that ask partners to act (liaison.diffusion) ------------------------

diffusion_notices = Table(  # this node's notices, and the partners' it holds
    "diffusion_notices",
    metadata,
    Column("notice_id", String(64), primary_key=True),  # ntc-<32 hex>
    Column("originator", String(64), nullable=False),  # the node that issued it
    Column("kind", String(32), nullable=False),  # liaison.diffusion.RequestKind
    Column("state", String(16), nullable=False),  # liaison.diffusion.State
    Column("version", Integer, nullable=False),
    Column("mode", String(16), nullable=False),  # publication | diffusion
    Column("caption", Text, nullable=False),  # the primary subject's, for lists
    Column("body", Text, nullable=False),  # JSON: the notice (ours) or the copy received
    Column("pending", Text),  # JSON: an amendment waiting for approval (ours)
    Column("expires_on", Date),
    Column("received", UTCDateTime),  # a partner's notice: when it first arrived
    Column("updated", UTCDateTime, nullable=False),
    Index("ix_diffusion_notices_originator", "originator", "state"),
)

diffusion_subjects = Table(  # a partner's notice: the subjects it carries, screened here
    "diffusion_subjects",
    metadata,
    Column("subject", String(80), primary_key=True),  # "ntc:<digest>": its match-index id
    Column("notice_id", String(64), nullable=False),
    Column("record_id", String(64), nullable=False),  # the originator's record id
    Column("schema", String(64), nullable=False),
    Column("caption", Text, nullable=False),
    Column("entity", Text, nullable=False),  # JSON: id, schema, properties
    Index("ix_diffusion_subjects_notice", "notice_id"),
)

diffusion_holders = Table(  # our notices: the disclosure register, one row per partner
    "diffusion_holders",
    metadata,
    Column("notice_id", String(64), primary_key=True),
    Column("node_id", String(64), primary_key=True),
    Column("state", String(16), nullable=False),  # holds | not_covered | dropped
    Column("version", Integer, nullable=False),  # the last version sent (or decided on)
    Column("reasons", Text, nullable=False),  # JSON: the policy reasons of the decision
    Column("first_sent", UTCDateTime),
    Column("updated", UTCDateTime, nullable=False),
    Column("agreement_id", String(80)),  # the agreement it was last sent under (0016)
)

diffusion_thread = Table(  # responses and confirmations, one thread per notice and receiver
    "diffusion_thread",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("notice_id", String(64), nullable=False),
    Column("receiver", String(64), nullable=False),  # the receiving node of the thread
    Column("author", String(64), nullable=False),  # the node that wrote it
    Column("kind", String(32), nullable=False),  # a ResponseKind, or confirmed
    Column("ground", String(32)),
    Column("text", Text),
    Column("by", String(255), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_diffusion_thread_notice", "notice_id", "receiver"),
)

challenges = Table(  # requests by the person concerned: kept apart from police files
    "challenges",
    metadata,
    Column("challenge_id", String(64), primary_key=True),  # chl-<32 hex>
    Column("origin", String(64), nullable=False),  # the node where the person asked
    Column("originator", String(64), nullable=False),  # the node that decides (routed to)
    Column("kind", String(16), nullable=False),  # access | correction | deletion
    Column("stage", String(16), nullable=False),  # received | routed | decided
    Column("body", Text, nullable=False),  # JSON: the challenge (liaison.diffusion.codec)
    Column("received", UTCDateTime, nullable=False),
    Column("updated", UTCDateTime, nullable=False),
    Index("ix_challenges_stage", "stage"),
)
