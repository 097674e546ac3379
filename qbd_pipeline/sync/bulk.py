"""Bulk writes per dialect: PostgreSQL COPYs into a staging table, SQLite takes one executemany.

Both skip SQLAlchemy's per-row parameter handling: a statement is compiled once per table and
column set, and each row's values go through the columns' own bind processors (so a value is
stored exactly as SQLAlchemy would store it) straight to the driver. Upserts of synced rows are
keyed by company and `qbd_id` and guarded in SQL by `qbd_read_at`, so a stale fetch racing a newer one can
never replace it.
"""

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..wms.types import UtcDateTime


def any_of(connection: sa.Connection, column: sa.ColumnElement, values) -> sa.ColumnElement:
    """`column IN values`: on PostgreSQL as `= ANY(array)`, one parameter, since planning an IN list of
    hundreds of ids costs more than running it."""
    values = list(values)
    if connection.dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


def _columns_of(table: sa.Table, rows: list[dict]) -> list[str]:
    first = rows[0].keys()
    present = first if all(r.keys() == first for r in rows) else set().union(*(r.keys() for r in rows))
    return [c.name for c in table.columns if c.name in present]


def _copy_to_stage(connection: sa.Connection, table: sa.Table, rows: list[dict], names: list[str]) -> str:
    """PostgreSQL: COPY the rows into a transaction-scoped staging copy of `table`."""
    from psycopg import sql

    stage = f"stage_{table.name}_{len(names)}"
    columns = sql.SQL(", ").join(map(sql.Identifier, names))
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        # Only the columns being written, with no defaults (which would draw from the table's sequence).
        cursor.execute(sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} ON COMMIT DELETE ROWS AS "
                               "SELECT {} FROM {} WITH NO DATA").format(
            sql.Identifier(stage), columns, sql.Identifier(table.name)))
        cursor.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(stage)))
        with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(stage), columns)) as copy:
            for row in rows:
                copy.write_row([row.get(name) for name in names])
    return stage


def _read_at_guard(table: sa.Table, excluded) -> sa.ColumnElement:
    """A version read earlier than the one the WMS holds never replaces it."""
    return sa.or_(table.c.qbd_read_at.is_(None), excluded.qbd_read_at >= table.c.qbd_read_at)


def _utc_text(value: datetime) -> str:
    """An instant as SQLite keeps it (SQLAlchemy's DATETIME text of its UTC time), in one C call
    rather than two processors; `test_bulk` holds it equal to SQLAlchemy's own."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: the WMS stores instants only")
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ", "microseconds")


@cache
def _sqlite_statement(dialect: sa.Dialect, table: sa.Table, names: tuple[str, ...], keys: tuple[str, ...] | None,
                      guard: Callable | None) -> tuple[str, Callable[[dict], tuple]]:
    """The SQL text of an insert (or upsert) of `names`, and a function from a row to its values in
    order, each through the bind processor SQLAlchemy itself uses for its column on this dialect
    (`dialect_impl`: SQLite keeps instants as text in one format, and comparisons rely on it),
    written once as plain code."""
    statement = sqlite.insert(table).values({n: sa.bindparam(n) for n in names})
    if keys is not None:
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_={n: statement.excluded[n] for n in names if n not in (*keys, "id")},
            where=guard(table, statement.excluded) if guard else None)
    compiled = statement.compile(dialect=dialect)
    assert list(compiled.positiontup or ()) == list(names), compiled.positiontup
    scope: dict = {}
    values = []
    for index, name in enumerate(names):
        kind = table.c[name].type
        process = _utc_text if isinstance(kind, UtcDateTime) else kind.dialect_impl(dialect).bind_processor(dialect)
        if process is None:
            values.append(f"g({name!r})")
        else:
            scope[f"p{index}"] = process
            values.append(f"(None if (v{index} := g({name!r})) is None else p{index}(v{index}))")
    exec(f"def values(row):\n    g = row.get\n    return ({', '.join(values)},)", scope)  # built from the table
    return str(compiled), scope["values"]


def _sqlite_write(connection: sa.Connection, table: sa.Table, rows: list[dict], names: list[str],
                  keys: Sequence[str] | None, guard: Callable | None) -> None:
    text, values = _sqlite_statement(connection.dialect, table, tuple(names), tuple(keys) if keys else None,
                                     guard)
    connection.exec_driver_sql(text, [values(row) for row in rows])


def upsert(connection: sa.Connection, table: sa.Table, rows: list[dict], *, keys: Sequence[str],
           guard: Callable | None = None) -> None:
    """Insert the rows, or update those whose `keys` exist (only where `guard(table, excluded)` holds)."""
    if not rows:
        return
    names = _columns_of(table, rows)
    if connection.dialect.name != "postgresql":
        _sqlite_write(connection, table, rows, names, keys, guard)
        return
    stage = _copy_to_stage(connection, table, rows, names)
    source = sa.table(stage, *(sa.column(n) for n in names))
    statement = postgresql.insert(table).from_select(names, sa.select(*(source.c[n] for n in names)))
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={n: statement.excluded[n] for n in names if n not in (*keys, "id")},
        where=guard(table, statement.excluded) if guard else None)
    connection.execute(statement)


def upsert_rows(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """Insert or update synced rows by company and `qbd_id`, never replacing a version read later than the
    one offered."""
    upsert(connection, table, rows, keys=("company", "qbd_id"), guard=_read_at_guard)


def insert_rows(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    if not rows:
        return
    names = _columns_of(table, rows)
    if connection.dialect.name == "postgresql":
        stage = _copy_to_stage(connection, table, rows, names)
        connection.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({", ".join(names)}) SELECT {", ".join(names)} FROM "{stage}"')
    else:
        _sqlite_write(connection, table, rows, names, None, None)


def set_line_ids(connection: sa.Connection, lines_table: sa.Table, line_ids: dict[int, str], *,
                 only_unset: bool = False) -> None:
    """Give WMS line rows (by row id) their QuickBooks line ids, in one statement for all of them."""
    if not line_ids:
        return
    statement = lines_table.update().where(lines_table.c.id == sa.bindparam("b_id"))
    if only_unset:
        statement = statement.where(lines_table.c.qbd_line_id.is_(None))
    connection.execute(statement.values(qbd_line_id=sa.bindparam("b_line")),
                       [{"b_id": row_id, "b_line": line_id} for row_id, line_id in line_ids.items()])
