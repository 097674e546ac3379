"""The WMS tables, derived from the entity mappings, plus the sync's own history tables.

Every QuickBooks-backed row carries `qbd_id` (unique), `qbd_revision_number`, `qbd_updated_at`
(an instant, stored in UTC on every dialect), `synced_at` and the WMS side's own `updated_at`.
Lines belong to their header and are replaced with it.
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from .mapping import MAPPINGS, Col, EntityMapping

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


class UtcDateTime(TypeDecorator):
    """Timezone-aware datetimes stored as UTC, so SQLite (no time zones) and PostgreSQL agree."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the WMS stores instants only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


_MONEY = sa.Numeric(18, 2)
_QUANTITY = sa.Numeric(20, 5)


def sql_type(column: Col) -> sa.types.TypeEngine:
    if column.kind == "text":
        return sa.String(column.length) if column.length else sa.Text()
    return {
        "bool": sa.Boolean(),
        "int": sa.Integer(),
        "money": _MONEY,
        "quantity": _QUANTITY,
        "percent": sa.Numeric(12, 5),
        "date": sa.Date(),
        "datetime": UtcDateTime(),
    }[column.kind]


def _mapped_columns(columns: tuple[Col, ...]) -> list[sa.Column]:
    return [sa.Column(c.name, sql_type(c), nullable=not c.required) for c in columns]


def _sync_columns() -> list[sa.Column]:
    return [
        sa.Column("qbd_id", sa.String(36), nullable=False, unique=True),
        sa.Column("qbd_revision_number", sa.String(32), nullable=False),
        sa.Column("qbd_created_at", UtcDateTime()),
        sa.Column("qbd_updated_at", UtcDateTime(), nullable=False, index=True),
        sa.Column("synced_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False, default=utcnow),
    ]


def _build(mapping: EntityMapping) -> tuple[sa.Table, sa.Table | None]:
    extra = [sa.Column("item_type", sa.String(32), nullable=False, index=True)] if mapping.has_item_type else []
    header = sa.Table(
        mapping.table, metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        *_sync_columns(), *extra, *_mapped_columns(mapping.columns),
    )
    if mapping.lines is None:
        return header, None
    lines = sa.Table(
        mapping.lines.table, metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("header_id", sa.Integer, sa.ForeignKey(f"{mapping.table}.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("line_number", sa.Integer, nullable=False),
        sa.Column("qbd_line_id", sa.String(36)),
        *_mapped_columns(mapping.lines.columns),
        sa.Column("updated_at", UtcDateTime(), nullable=False, default=utcnow),
        sa.UniqueConstraint("header_id", "line_number", name=f"uq_{mapping.lines.table}_position"),
    )
    return header, lines


TABLES: dict[str, tuple[sa.Table, sa.Table | None]] = {entity: _build(m) for entity, m in MAPPINGS.items()}

sync_runs = sa.Table(
    "sync_runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), nullable=False, index=True),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("direction", sa.String(16), nullable=False, default="pull"),
    sa.Column("partition_range", sa.String(64)),
    sa.Column("window_start", UtcDateTime()),
    sa.Column("window_end", UtcDateTime()),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("fetched", sa.Integer, nullable=False, default=0),
    sa.Column("inserted", sa.Integer, nullable=False, default=0),
    sa.Column("updated", sa.Integer, nullable=False, default=0),
    sa.Column("unchanged", sa.Integer, nullable=False, default=0),
    sa.Column("failed", sa.Integer, nullable=False, default=0),
    sa.Column("api_requests", sa.Integer, nullable=False, default=0),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime()),
    sa.Column("error", sa.Text),
    sa.Index("ix_sync_runs_entity_started", "entity", "started_at"),
)

sync_errors = sa.Table(
    "sync_errors", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), nullable=False, index=True),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("qbd_id", sa.String(36)),
    sa.Column("error_code", sa.String(64), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False, default=utcnow),
)
