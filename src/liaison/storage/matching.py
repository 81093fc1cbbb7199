"""The candidate index, the match queue, watchlists and alerts in the database
(alerts as they are raised and decided; reading them is ``liaison.storage.alerts``).

Every record head and watchlist entry has a match profile and its blocking
keys (``match_keys``, indexed by key); ``match_key_counts`` holds how many
subjects have each key, kept by :func:`index` and :func:`unindex` in the
caller's transaction. A screening call reads the counts of all its queries'
keys at once, drops keys so common that they select nothing (more than
``stop`` subjects) before any of their rows is read, and then, in one
statement for the whole call, ranks subjects by the keys they share (rare
keys weighing more, :func:`~liaison.matching.profile.key_weight`), keeps
the first ``limit`` of each query, and joins in what the user may see and
the stored profiles: at most ``limit`` candidates per query, whatever the
size of the node.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Row,
    case,
    delete,
    func,
    inspect,
    literal,
    or_,
    select,
    union_all,
    update,
)

from liaison.matching.profile import Profile, build, dumps, key_weight, keys, loads, refreshed
from liaison.model.records import Record
from liaison.storage.bulk import chunks, insert_rows, insert_tuples
from liaison.storage.tables import (
    alerts,
    match_key_counts,
    match_keys,
    match_profiles,
    match_queue,
    records,
    watchlist_entries,
    watchlists,
)

WATCH = "watch:"
NOTICE = "ntc:"  # a partner's notice subject (liaison.storage.diffusion)


def profile_of(record: Record) -> Profile:
    return build(record.schema, record.properties)


@dataclass(frozen=True)
class Indexed:
    """A profile ready for the index: its stored text and its keys. An import worker
    makes them next to the profile, so that the process that writes only writes."""

    text: str
    keys: tuple[str, ...]


def prepared(profile: Profile) -> Indexed:
    return Indexed(dumps(profile), tuple(sorted(keys(profile))))


def index(
    conn: Connection, items: Sequence[tuple[str, Profile | Indexed | None]], fresh: bool = False
) -> None:
    """Replace the profiles and keys of these subjects (``None``: remove). With
    ``fresh`` the caller knows that none of them is indexed yet (records at their
    first version): nothing is deleted first."""
    _write(conn, items, fresh, counted=True)


def _write(
    conn: Connection,
    items: Sequence[tuple[str, Profile | Indexed | None]],
    fresh: bool,
    counted: bool,
) -> None:
    """:func:`index`; without ``counted`` the keys' counts are left alone (migration
    0010 runs before the table of counts exists; 0011 counts everything after)."""
    if not fresh:
        _unindex(conn, [subject for subject, _ in items], counted)
    kept = [
        (subject, p if isinstance(p, Indexed) else prepared(p))
        for subject, p in items
        if p is not None
    ]
    insert_tuples(conn, match_profiles, ("subject", "profile"), [(s, p.text) for s, p in kept])
    rows = [(k, s) for s, p in kept for k in p.keys]  # text needs no bind processing
    insert_tuples(conn, match_keys, ("key", "subject"), rows)
    if counted:
        count_keys(conn, Counter(key for key, _ in rows))


def index_records(conn: Connection, records: Iterable[Record]) -> None:
    """Index the current versions of records (tombstones leave the index)."""
    latest = {r.record_id: r for r in records}
    index(conn, [(rid, None if r.deleted else profile_of(r)) for rid, r in latest.items()])


def rebuild(conn: Connection, batch: int = 1000) -> int:
    """Rebuild every stored profile and its keys with the current matching code (run by
    a migration when the name rules or the keys change); returns the subjects done."""
    done, after = 0, ""
    counted = inspect(conn).has_table(match_key_counts.name)
    while True:
        query = (
            select(match_profiles)
            .where(match_profiles.c.subject > after)
            .order_by(match_profiles.c.subject)
            .limit(batch)
        )
        rows = list(conn.execute(query))
        if not rows:
            return done
        _write(conn, [(row.subject, refreshed(loads(row.profile))) for row in rows], False, counted)
        done, after = done + len(rows), rows[-1].subject


def unindex(conn: Connection, subjects: Sequence[str]) -> None:
    """Remove these subjects' profiles and keys (and count their keys out)."""
    _unindex(conn, subjects, counted=True)


def _unindex(conn: Connection, subjects: Sequence[str], counted: bool) -> None:
    for chunk in chunks(subjects):
        if counted:
            held = (
                select(match_keys.c.key, func.count())
                .where(match_keys.c.subject.in_(chunk))
                .group_by(match_keys.c.key)
            )
            count_keys(conn, {key: -int(n) for key, n in conn.execute(held)})
        conn.execute(delete(match_keys).where(match_keys.c.subject.in_(chunk)))
        conn.execute(delete(match_profiles).where(match_profiles.c.subject.in_(chunk)))


COUNT_SQL = (
    'INSERT INTO match_key_counts ("key", subjects) {rows} '
    'ON CONFLICT ("key") DO UPDATE SET subjects = match_key_counts.subjects + excluded.subjects'
)


def count_keys(conn: Connection, changes: Mapping[str, int]) -> None:
    """Add these changes to the keys' counts (a count that reaches 0 goes). Keys in
    sorted order: two PostgreSQL transactions lock the same rows in the same order."""
    ordered = sorted((key, n) for key, n in changes.items() if n)
    if not ordered:
        return
    _add_counts(conn, ordered)
    emptied = [key for key, n in ordered if n < 0]
    for chunk in chunks(emptied):
        conn.execute(
            delete(match_key_counts).where(
                match_key_counts.c.key.in_(chunk), match_key_counts.c.subjects <= 0
            )
        )


def _add_counts(conn: Connection, ordered: Sequence[tuple[str, int]]) -> None:
    """The upsert, part of the backend seam (as ``storage.bulk``): a whole batch's
    keys cost one statement with two arrays on PostgreSQL, and SQLite's
    ``executemany`` C loop; SQLAlchemy's per-row parameter handling cost more than
    the writes themselves (about 1 ms per imported record on PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        rows = "SELECT * FROM unnest(%s::text[], %s::integer[])"
        keys_, counts = [k for k, _ in ordered], [n for _, n in ordered]
        conn.exec_driver_sql(COUNT_SQL.format(rows=rows), (keys_, counts))
        return
    conn.exec_driver_sql(COUNT_SQL.format(rows="VALUES (?, ?)"), list(ordered))


def fill_key_counts(conn: Connection) -> None:
    """Count every key of ``match_keys`` anew (a migration, or a repair)."""
    conn.execute(delete(match_key_counts))
    counted = select(match_keys.c.key, func.count()).group_by(match_keys.c.key)
    conn.execute(match_key_counts.insert().from_select(["key", "subjects"], counted))


def key_counts(conn: Connection, wanted: Collection[str]) -> dict[str, int]:
    """How many subjects have each of these keys (keys no one has are left out)."""
    out: dict[str, int] = {}
    for chunk in chunks(sorted(wanted), 2000):
        query = select(match_key_counts).where(match_key_counts.c.key.in_(chunk))
        out.update({row.key: int(row.subjects) for row in conn.execute(query)})
    return out


@dataclass(frozen=True, slots=True)
class Candidate:
    """A subject found for a query: its rank weight and stored profile (JSON text)."""

    subject: str
    weight: int
    profile: str


def query_weights(
    queries: Mapping[str, Collection[str]], counts: Mapping[str, int], stop: int
) -> dict[str, dict[str, int]]:
    """Each query's keys that select something (held by 1 to ``stop`` subjects), with
    the weight of each (:func:`key_weight`)."""
    return {
        name: {
            key: key_weight(counts[key]) for key in sorted(wanted) if 0 < counts.get(key, 0) <= stop
        }
        for name, wanted in queries.items()
    }


PARAMETERS = 9000  # bound values per candidates statement (SQLite allows 32,766; 3 a key)
QUERIES = 25  # queries per statement: small plans that stay on the indexes


def candidates(
    conn: Connection,
    queries: Mapping[str, Collection[str]],
    limit: int,
    stop: int,
    visible: ColumnElement[bool] | None = None,
) -> dict[str, list[Candidate]]:
    """For each query (its name and keys), the ``limit`` subjects sharing the most
    (and the rarest) keys with it, best first, as :func:`~liaison.matching.profile.rank`
    orders them; then only watchlist entries and the records that are current and
    meet ``visible`` (a condition on ``records``; ``None``: every subject), with
    their profiles. Two statements for a whole screening call: the keys' counts,
    then the candidates (split only when the call has very many keys)."""
    weights = query_weights(queries, key_counts(conn, set().union(*queries.values())), stop)
    found: dict[str, list[Candidate]] = {name: [] for name in queries}
    names = list(queries)
    _no_jit(conn)
    for group in _groups([len(weights[name]) for name in names], PARAMETERS // 3):
        statement = _candidates_query([(i, weights[names[i]]) for i in group], limit, visible)
        for row in conn.execute(statement):
            found[names[row.asked]].append(Candidate(row.subject, int(row.weight), row.profile))
    return found


def _no_jit(conn: Connection) -> None:
    """PostgreSQL: no JIT compilation for the rest of this transaction (part of the
    backend seam). A screening call's statement is planned as costly enough to JIT,
    and compiling it took 11.5 s of a 13 s statement at 100,000 records (EXPLAIN
    ANALYZE); as a SELECT, so that the node's audit does not count it as a write."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT set_config('jit', 'off', true)")


def _groups(sizes: Sequence[int], most: int) -> list[list[int]]:
    """Positions of queries in runs of at most ``most`` keys and :data:`QUERIES`
    queries (a query with more keys than that runs alone); queries without keys
    are left out."""
    out: list[list[int]] = [[]]
    held = 0
    for position, size in enumerate(sizes):
        if not size:
            continue
        if out[-1] and (held + size > most or len(out[-1]) >= QUERIES):
            out.append([])
            held = 0
        out[-1].append(position)
        held += size
    return [group for group in out if group]


def _ranked(asked: int, weights: Mapping[str, int], limit: int) -> Any:
    """One query's first ``limit`` subjects: its keys' rows summed per subject, each
    row weighing its key's weight, by weight and then subject (as ``rank``)."""
    weight = func.sum(case(dict(weights), value=match_keys.c.key)).label("weight")
    return (
        select(literal(asked, Integer).label("asked"), match_keys.c.subject, weight)
        .where(match_keys.c.key.in_(list(weights)))
        .group_by(match_keys.c.subject)
        .order_by(weight.desc(), match_keys.c.subject)
        .limit(limit)
    )


def _candidates_query(
    weights: Sequence[tuple[int, Mapping[str, int]]],
    limit: int,
    visible: ColumnElement[bool] | None,
) -> Any:
    """The first ``limit`` subjects of each query (its position and its keys' weights),
    one grouped subquery per query, all of them in one statement with visibility
    and profiles joined to what they keep."""
    parts = [select(_ranked(asked, w, limit).subquery()) for asked, w in weights]
    ranked = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("ranked")
    query = (
        select(ranked.c.asked, ranked.c.subject, ranked.c.weight, match_profiles.c.profile)
        .join_from(ranked, match_profiles, match_profiles.c.subject == ranked.c.subject)
        .order_by(ranked.c.asked, ranked.c.weight.desc(), ranked.c.subject)
    )
    if visible is None:  # the node's own cross-matching: records and received copies
        return query
    shown = or_(
        ranked.c.subject.startswith(WATCH),
        ranked.c.subject.startswith(NOTICE),
        records.c.deleted.is_(False) & visible,
    )
    return query.outerjoin(records, records.c.record_id == ranked.c.subject).where(shown)


def profiles(conn: Connection, subjects: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in chunks(subjects):
        query = select(match_profiles).where(match_profiles.c.subject.in_(chunk))
        out.update({row.subject: row.profile for row in conn.execute(query)})
    return out


# --- match queue -------------------------------------------------------------------------


def enqueue(conn: Connection, records: Iterable[Record], now: dt.datetime) -> None:
    rows = [
        {"record_id": r.record_id, "version": r.version, "queued": now}
        for r in records
        if not r.deleted
    ]
    insert_rows(conn, match_queue, rows)


def queued(conn: Connection, limit: int) -> list[Row[Any]]:
    query = select(match_queue).order_by(match_queue.c.id).limit(limit)
    return list(conn.execute(query))


def dequeue(conn: Connection, ids: Sequence[int]) -> None:
    for chunk in chunks(ids):
        conn.execute(delete(match_queue).where(match_queue.c.id.in_(chunk)))


def queue_depth(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(match_queue)).scalar_one())


# --- watchlists --------------------------------------------------------------------------


def watchlist_named(conn: Connection, name: str) -> Row[Any] | None:
    return conn.execute(select(watchlists).where(watchlists.c.name == name)).first()


def add_watchlist(conn: Connection, **values: Any) -> int:
    return _new_id(conn.execute(watchlists.insert().values(**values)).inserted_primary_key)


def all_watchlists(conn: Connection) -> list[Row[Any]]:
    counts = (
        select(watchlist_entries.c.watchlist_id, func.count().label("entries"))
        .group_by(watchlist_entries.c.watchlist_id)
        .subquery()
    )
    query = (
        select(watchlists, func.coalesce(counts.c.entries, 0).label("entries"))
        .outerjoin(counts, counts.c.watchlist_id == watchlists.c.id)
        .order_by(watchlists.c.name)
    )
    return list(conn.execute(query))


def put_entries(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Add or replace watchlist entries (same entry id: replaced)."""
    ids = [row["entry_id"] for row in rows]
    for chunk in chunks(ids):
        conn.execute(delete(watchlist_entries).where(watchlist_entries.c.entry_id.in_(chunk)))
    insert_rows(conn, watchlist_entries, rows)


def entries(conn: Connection, entry_ids: Sequence[str]) -> dict[str, Row[Any]]:
    out: dict[str, Row[Any]] = {}
    for chunk in chunks(entry_ids):
        query = select(watchlist_entries, watchlists.c.name.label("watchlist")).join(
            watchlists, watchlists.c.id == watchlist_entries.c.watchlist_id
        )
        for row in conn.execute(query.where(watchlist_entries.c.entry_id.in_(chunk))):
            out[row.entry_id] = row
    return out


# --- alerts ------------------------------------------------------------------------------


def known_pairs(conn: Connection, record_id: str) -> dict[str, Row[Any]]:
    """Alerts on a record, by the other side of the pair (either direction)."""
    query = select(alerts).where(or_(alerts.c.record_id == record_id, alerts.c.target == record_id))
    return {
        (row.target if row.record_id == record_id else row.record_id): row
        for row in conn.execute(query)
    }


def add_alert(conn: Connection, **values: Any) -> int:
    return _new_id(conn.execute(alerts.insert().values(**values)).inserted_primary_key)


def refresh_alert(conn: Connection, alert_id: int, **values: Any) -> None:
    conn.execute(update(alerts).where(alerts.c.id == alert_id).values(**values))


def alert(conn: Connection, alert_id: int, lock: bool = False) -> Row[Any] | None:
    query = select(alerts).where(alerts.c.id == alert_id)
    return conn.execute(query.with_for_update() if lock else query).first()


def _new_id(key: Any) -> int:
    assert key is not None
    return int(key[0])
