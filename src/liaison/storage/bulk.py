"""Fast multi-row INSERT for bulk import, part of the backend seam.

SQLAlchemy's per-row parameter processing costs more than the insert itself
when a million rows arrive. Here each column's bind processor (the same one
SQLAlchemy would use, so stored values are identical) is looked up once, and
the rows go to the driver as plain tuples: SQLite's ``executemany`` C loop,
and PostgreSQL's ``COPY ... FROM STDIN`` through psycopg 3, on the same
connection and so in the same transaction as the rest of the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Connection, Table, insert
from sqlalchemy.engine import Dialect, make_url

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")


def chunks(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """Slices of at most ``size`` items, to keep ``IN (...)`` lists bounded."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    if conn.dialect.name == "postgresql":
        _copy(conn, table, columns, _tuples(conn, table, columns, rows))
        return
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=columns)
    if compiled.positiontup is None:  # named parameters: any other driver
        conn.execute(insert(table), list(rows))
        return
    order = list(compiled.positiontup)
    conn.exec_driver_sql(str(compiled), _tuples(conn, table, order, rows))


def _tuples(
    conn: Connection, table: Table, names: list[str], rows: Sequence[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    pick = itemgetter(*names)
    found = [table.c[name].type._cached_bind_processor(conn.dialect) for name in names]
    processors: list[tuple[int, Callable[[Any], Any]]] = [
        (i, proc) for i, proc in enumerate(found) if proc is not None
    ]
    out: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(pick(row)) if len(names) > 1 else [pick(row)]
        for i, proc in processors:
            if values[i] is not None:
                values[i] = proc(values[i])
        out.append(tuple(values))
    return out


class Binder:
    """Rows made into the values the driver receives, with each column's bind
    processor for one dialect (SQLAlchemy's own, so what is stored is identical).
    An import worker binds its rows with one made from the node's driver name, so
    that the process that writes hands them to the driver as they are."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._processors: dict[tuple[str, tuple[str, ...]], list[tuple[int, Any]]] = {}

    @classmethod
    def named(cls, driver: str) -> Binder:
        """For a driver name such as ``sqlite`` or ``postgresql+psycopg``."""
        return cls(make_url(f"{driver}://").get_dialect()())

    def bind(self, table: Table, row: Mapping[str, Any]) -> tuple[Any, ...]:
        """The row's values in its own key order, each processed for the dialect."""
        names = tuple(row)
        found = self._processors.get((table.name, names))
        if found is None:
            procs = [table.c[n].type._cached_bind_processor(self.dialect) for n in names]
            found = [(i, proc) for i, proc in enumerate(procs) if proc is not None]
            self._processors[(table.name, names)] = found
        values = list(row.values())
        for i, proc in found:
            if values[i] is not None:
                values[i] = proc(values[i])
        return tuple(values)


def insert_tuples(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert rows already bound for this connection's dialect (``Binder``, or values
    that need no processing: text and integers), in ``columns`` order."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _copy(conn, table, list(columns), rows)
        return
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"  # noqa: S608 - names from the schema
    conn.exec_driver_sql(sql, list(rows))


def _copy(
    conn: Connection, table: Table, names: list[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    raw = cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)
    quoted = ", ".join(conn.dialect.identifier_preparer.quote(n) for n in names)
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


ANALYSED = ("records", "record_versions", "match_profiles", "match_keys", "match_key_counts")


def analyse(conn: Connection, tables: Sequence[str] = ANALYSED) -> None:
    """Refresh the planner's statistics of these tables after a bulk load. PostgreSQL
    had never analysed them after a 100,000-record import, and then scanned the whole
    of ``match_keys`` for every candidate query; SQLite keeps its statistics in
    ``sqlite_stat1`` the same way. Both accept the statement inside a transaction."""
    for table in tables:
        conn.exec_driver_sql(f"ANALYZE {table}")
