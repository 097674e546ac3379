"""Autogenerate support for the capture triggers, which Alembic does not compare by itself.

`qbd-pipeline db revision -m "..."` runs Alembic's autogenerate with `add_trigger_ops` as its
`process_revision_directives`: every table whose triggers differ from `triggers.expected` (a new
synced entity, a column added to a synced table) gets its triggers dropped and created again in the
new migration, written out as SQL text for both dialects, so the migration stands alone.
"""

from alembic.autogenerate import render as alembic_render
from alembic.autogenerate import renderers
from alembic.operations import MigrateOperation, ops

from . import triggers
from .schema import metadata

_INDENT = "    "


class TriggerStatements(MigrateOperation):
    """SQL statements per dialect, rendered into the migration as text and run in order."""

    def __init__(self, tables: list[str], statements: dict[str, list[str]]):
        self.tables = tables
        self.statements = statements

    def reverse(self) -> "TriggerStatements":
        raise NotImplementedError("trigger statements are generated for each direction")


def _literal(statement: str, indent: str) -> list[str]:
    """`statement` as adjacent Python string literals of at most ~96 characters, text unchanged."""
    chunks, current = [], ""
    for word in statement.replace("\n", "\n ").split(" "):
        piece = word if not current else " " + word
        if current and len(current) + len(piece) > 96:
            chunks.append(current + " ")
            current = word
        else:
            current += piece
    chunks.append(current)
    chunks = [c.replace("\n ", "\n") for c in chunks]
    if len(chunks) == 1:
        return [f"{indent}{chunks[0]!r},"]
    return [f"{indent}({chunks[0]!r}"] + [f"{indent} {c!r}" for c in chunks[1:-1]] + [f"{indent} {chunks[-1]!r}),"]


def render(statements: dict[str, list[str]]) -> list[str]:
    """The lines of a self-contained block that runs this dialect's statements."""
    lines = ["bind = op.get_bind()", "for statement in {"]
    for dialect, items in statements.items():
        lines.append(f"{_INDENT}{dialect!r}: [")
        for statement in items:
            lines += _literal(statement, _INDENT * 2)
        lines.append(f"{_INDENT}],")
    lines += ["}[bind.dialect.name]:", f"{_INDENT}bind.exec_driver_sql(statement)"]
    return lines


@renderers.dispatch_for(TriggerStatements)
def _render(autogen_context, op: TriggerStatements) -> list[str]:
    comment = ["# capture triggers (generated from wms/triggers.py) of:"]
    for table in op.tables:
        if len(comment[-1]) + len(table) > 100:
            comment.append("#")
        comment[-1] += f" {table}"
    return [*comment, *render(op.statements)]


_default_modify_table = alembic_render._render_modify_table


@renderers.dispatch_for(ops.ModifyTableOps, replace=True)
def _render_modify_table(autogen_context, op: ops.ModifyTableOps) -> list[str]:
    """Alembic's batch block, keeping AUTOINCREMENT on SQLite tables that declare it: a rebuilt table
    must never reuse a row id (`wms_changes` refers to rows by id), and reflection cannot see it."""
    lines = _default_modify_table(autogen_context, op)
    table = metadata.tables.get(op.table_name)
    if lines and table is not None and table.kwargs.get("sqlite_autoincrement"):
        lines[0] = lines[0].replace(") as batch_op:", ', table_kwargs={"sqlite_autoincrement": True}) as batch_op:')
    return lines


def _names(dialect: str, table: str) -> list[str]:
    suffixes = ("capture", "touch") if dialect == "postgresql" else ("capture_insert", "capture_update",
                                                                       "capture_delete")
    return [f"{table}_{suffix}" for suffix in (*suffixes, "defaults")]


def _drops(dialect: str, tables: list[str]) -> list[str]:
    return [s for t in tables for s in triggers.drop_statements(dialect, t, _names(dialect, t))]


def upgrade_statements(tables: list[str]) -> dict[str, list[str]]:
    """Drop each table's triggers and create them as today's mapping and schema want them (on
    PostgreSQL with the function a full-name default trigger calls, created first)."""
    found = {}
    for dialect in ("postgresql", "sqlite"):
        creates = [sql for t in tables for sql in triggers.expected(dialect).get(t, {}).values()]
        functions = ([triggers.PG_FULL_NAME_FUNCTION] if dialect == "postgresql"
                     and any("qbd_full_name_default()" in sql for sql in creates) else [])
        found[dialect] = functions + _drops(dialect, tables) + creates
    return found


def downgrade_statements(tables: list[str], before: dict[str, triggers.Triggers]) -> tuple[dict, dict]:
    """Drops of what the upgrade made (run first, while its tables exist) and what a database at the
    previous head had (run last, after any table rebuild): the SQLite text read from it (revisions are
    generated against a scratch SQLite database), on PostgreSQL the generic triggers of its tables."""
    drops = {dialect: _drops(dialect, tables) for dialect in ("postgresql", "sqlite")}
    restore = {
        "postgresql": [sql for t in tables if t in before for sql in triggers.expected("postgresql")[t].values()],
        "sqlite": [sql for t in tables for sql in before.get(t, {}).values()],
    }
    return drops, restore


def add_trigger_ops(context, revision, directives) -> None:
    """Alembic `process_revision_directives` hook: append trigger statements for drifted tables."""
    connection = context.connection
    if connection is None or connection.dialect.name != "sqlite":
        raise RuntimeError("generate revisions with `qbd-pipeline db revision` (a scratch SQLite database)")
    script = directives[0]
    # A batch operation rebuilds its table on SQLite, which drops the table's triggers: they are made again.
    rebuilt = {op.table_name for op in script.upgrade_ops.ops if isinstance(op, ops.ModifyTableOps)}
    tables = sorted(set(triggers.drift(connection)) | (rebuilt & set(triggers.expected("sqlite"))))
    if not tables:
        return
    before = triggers.present(connection)
    script.upgrade_ops.ops.append(TriggerStatements(tables, upgrade_statements(tables)))
    drops, restore = downgrade_statements(tables, before)
    script.downgrade_ops.ops.insert(0, TriggerStatements(tables, drops))
    if any(restore.values()):
        script.downgrade_ops.ops.append(TriggerStatements(tables, restore))
