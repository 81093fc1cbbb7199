"""SQL for agreements and their signatures, consents, and the neutrality queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Row, and_, func, insert, select, update

from liaison.policy.agreements import Agreement, AgreementState, parse_document
from liaison.policy.decide import Use
from liaison.storage.tables import agreement_signatures, agreements, consents, neutrality_reviews

# --- agreements -------------------------------------------------------------


def add_agreement(conn: Connection, agreement: Agreement, actor: str, now: dt.datetime) -> None:
    doc = agreement.document
    conn.execute(
        insert(agreements).values(
            agreement_id=doc.agreement_id,
            version=doc.version,
            document=doc.canonical.decode(),
            hash=doc.hash,
            state=agreement.state.value,
            proposed_by=actor,
            created=now,
            changed=now,
        )
    )


def add_signature(
    conn: Connection, agreement: Agreement, node_id: str, actor: str, now: dt.datetime
) -> None:
    doc = agreement.document
    conn.execute(
        insert(agreement_signatures).values(
            agreement_id=doc.agreement_id,
            version=doc.version,
            node_id=node_id,
            signature=agreement.signatures[node_id],
            added_by=actor,
            added=now,
        )
    )


def set_state(conn: Connection, agreement: Agreement, now: dt.datetime) -> None:
    doc = agreement.document
    conn.execute(
        update(agreements)
        .where(
            and_(agreements.c.agreement_id == doc.agreement_id, agreements.c.version == doc.version)
        )
        .values(state=agreement.state.value, changed=now)
    )


def load_agreement(
    conn: Connection, agreement_id: str, version: int | None = None, lock: bool = False
) -> Agreement | None:
    query = select(agreements).where(agreements.c.agreement_id == agreement_id)
    if version is None:
        query = query.order_by(agreements.c.version.desc()).limit(1)
    else:
        query = query.where(agreements.c.version == version)
    row = conn.execute(query.with_for_update() if lock else query).first()
    return None if row is None else _agreement(conn, row)


def in_force(conn: Connection, agreement_id: str, lock: bool = False) -> Agreement | None:
    """The version that is active or suspended, if any (activation supersedes the rest)."""
    query = (
        select(agreements)
        .where(
            and_(
                agreements.c.agreement_id == agreement_id,
                agreements.c.state.in_(
                    [AgreementState.ACTIVE.value, AgreementState.SUSPENDED.value]
                ),
            )
        )
        .order_by(agreements.c.version.desc())
        .limit(1)
    )
    row = conn.execute(query.with_for_update() if lock else query).first()
    return None if row is None else _agreement(conn, row)


def all_agreements(conn: Connection, state: AgreementState | None = None) -> list[Agreement]:
    """The latest version of each agreement (or every version in the given state)."""
    if state is not None:
        query = select(agreements).where(agreements.c.state == state.value)
    else:
        latest = (
            select(agreements.c.agreement_id, func.max(agreements.c.version).label("v"))
            .group_by(agreements.c.agreement_id)
            .subquery()
        )
        query = select(agreements).join(
            latest,
            and_(
                agreements.c.agreement_id == latest.c.agreement_id,
                agreements.c.version == latest.c.v,
            ),
        )
    rows = list(conn.execute(query.order_by(agreements.c.agreement_id, agreements.c.version)))
    return [_agreement(conn, row) for row in rows]


def _agreement(conn: Connection, row: Row[Any]) -> Agreement:
    signatures = conn.execute(
        select(agreement_signatures.c.node_id, agreement_signatures.c.signature).where(
            and_(
                agreement_signatures.c.agreement_id == row.agreement_id,
                agreement_signatures.c.version == row.version,
            )
        )
    )
    document = parse_document(orjson.loads(row.document))
    return Agreement(
        document, AgreementState(row.state), {s.node_id: s.signature for s in signatures}
    )


# --- consents ---------------------------------------------------------------


def add_consent(conn: Connection, **values: Any) -> int:
    key = conn.execute(insert(consents).values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def consent(conn: Connection, consent_id: int) -> Row[Any] | None:
    return conn.execute(select(consents).where(consents.c.id == consent_id)).first()


def withdraw_consent(conn: Connection, consent_id: int, **values: Any) -> None:
    conn.execute(update(consents).where(consents.c.id == consent_id).values(**values))


def consents_for(
    conn: Connection, record_ids: Sequence[str] | None = None, include_withdrawn: bool = False
) -> list[Row[Any]]:
    query = select(consents).order_by(consents.c.id)
    if record_ids is not None:
        query = query.where(consents.c.record_id.in_(record_ids))
    if not include_withdrawn:
        query = query.where(consents.c.withdrawn.is_(None))
    return list(conn.execute(query))


def consent_keys(rows: Sequence[Row[Any]]) -> frozenset[tuple[str, str, Use]]:
    return frozenset((r.record_id, r.recipient, Use(r.use)) for r in rows if r.withdrawn is None)


# --- neutrality reviews -----------------------------------------------------


def review(conn: Connection, record_id: str) -> Row[Any] | None:
    return conn.execute(
        select(neutrality_reviews).where(neutrality_reviews.c.record_id == record_id)
    ).first()


def reviews(conn: Connection, state: str | None, limit: int) -> list[Row[Any]]:
    query = select(neutrality_reviews).order_by(neutrality_reviews.c.id).limit(limit)
    if state is not None:
        query = query.where(neutrality_reviews.c.state == state)
    return list(conn.execute(query))


def hold(
    conn: Connection, record_id: str, version: int, signals: list[dict[str, str]], now: dt.datetime
) -> None:
    values = {
        "version": version,
        "signals": orjson.dumps(signals).decode(),
        "state": "held",
        "flagged": now,
        "decided_by": None,
        "decided": None,
        "reason": None,
    }
    if review(conn, record_id) is None:
        conn.execute(insert(neutrality_reviews).values(record_id=record_id, **values))
    else:
        conn.execute(
            update(neutrality_reviews)
            .where(neutrality_reviews.c.record_id == record_id)
            .values(**values)
        )


def decide_review(
    conn: Connection, record_id: str, state: str, actor: str, reason: str, now: dt.datetime
) -> None:
    conn.execute(
        update(neutrality_reviews)
        .where(neutrality_reviews.c.record_id == record_id)
        .values(state=state, decided_by=actor, decided=now, reason=reason)
    )


def held_ids(conn: Connection, record_ids: Sequence[str]) -> dict[str, str]:
    rows = conn.execute(
        select(neutrality_reviews.c.record_id, neutrality_reviews.c.state).where(
            neutrality_reviews.c.record_id.in_(record_ids)
        )
    )
    return {r.record_id: r.state for r in rows}
