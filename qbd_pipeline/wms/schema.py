"""The WMS tables, derived from the entity mappings, plus the sync's own history tables.

Every QuickBooks-backed row carries `company` (the Conductor end user: the QuickBooks company file
it belongs to) and `qbd_id` (unique per company: two company files can hold the same id),
`qbd_revision_number`, `qbd_updated_at`
(an instant, stored in UTC on every dialect), `qbd_read_at` (when the sync read that version from
QuickBooks, by the sync's own clock), `qbd_deleted_at` (set when QuickBooks deleted the record; the
row and its lines are kept), `synced_at` and the WMS side's own `updated_at`. Lines belong to their
header and are replaced with it.
"""

from datetime import datetime, timezone

import sqlalchemy as sa

from ..spec.mapping import MAPPINGS, Col, EntityMapping
from .types import UtcDateTime

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


_MONEY = sa.Numeric(18, 2)
_PRICE = sa.Numeric(18, 5)
_QUANTITY = sa.Numeric(20, 5)
# Decimal places each numeric kind keeps; a value with more is refused by the mapping, never rounded.
SCALE = {"money": 2, "price": 5, "quantity": 5, "percent": 5}


def sql_type(column: Col) -> sa.types.TypeEngine:
    if column.kind == "text":
        return sa.String(column.length) if column.length else sa.Text()
    return {
        "bool": sa.Boolean(),
        "int": sa.Integer(),
        "money": _MONEY,
        "price": _PRICE,
        "quantity": _QUANTITY,
        "percent": sa.Numeric(12, 5),
        "date": sa.Date(),
        "datetime": UtcDateTime(),
    }[column.kind]


# A column's default for rows the WMS app creates without it: "true" as SQL, "name" as an empty text
# that the `<table>_defaults` trigger replaces with the row's name (wms/triggers.py).
_SERVER_DEFAULTS = {"true": sa.text("true"), "name": sa.text("''")}


def _mapped_columns(columns: tuple[Col, ...]) -> list[sa.Column]:
    return [sa.Column(c.name, sql_type(c), nullable=not c.required,
                      server_default=_SERVER_DEFAULTS[c.default] if c.default else None) for c in columns]


def _sync_columns() -> list[sa.Column]:
    # The QuickBooks identity is empty on rows the WMS creates until the push-back stores it.
    # A WMS-created row may leave `company` empty while the deployment syncs one company file (the
    # push-back then names it); with several, the WMS names the company file a row is for.
    return [
        sa.Column("company", sa.String(64)),
        sa.Column("qbd_id", sa.String(36)),
        sa.Column("qbd_revision_number", sa.String(32)),
        sa.Column("qbd_created_at", UtcDateTime()),
        sa.Column("qbd_updated_at", UtcDateTime(), index=True),
        sa.Column("synced_at", UtcDateTime()),
        # Added by migration 0003 (after `updated_at` in tables made before it).
        sa.Column("qbd_read_at", UtcDateTime()),
        sa.Column("qbd_deleted_at", UtcDateTime()),
        sa.Column("updated_at", UtcDateTime(), nullable=False, default=utcnow,
                  server_default=sa.text("CURRENT_TIMESTAMP")),
    ]


def _build(mapping: EntityMapping) -> tuple[sa.Table, sa.Table | None]:
    extra = [sa.Column("item_type", sa.String(32), nullable=False, index=True)] if mapping.has_item_type else []
    header = sa.Table(
        mapping.table, metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        *_sync_columns(), *extra, *_mapped_columns(mapping.columns),
        sa.UniqueConstraint("company", "qbd_id", name=f"uq_{mapping.table}_record"),
        sqlite_autoincrement=True,  # ids are never reused: wms_changes refers to rows by id
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
        sa.Column("updated_at", UtcDateTime(), nullable=False, default=utcnow,
                  server_default=sa.text("CURRENT_TIMESTAMP")),
        sa.UniqueConstraint("header_id", "line_number", name=f"uq_{mapping.lines.table}_position"),
        sqlite_autoincrement=True,
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
    # A live run renews this; a `running` row whose heartbeat is older than the lease was stopped.
    sa.Column("heartbeat_at", UtcDateTime()),
    sa.Column("deleted", sa.Integer, nullable=False, server_default="0"),
    # Live progress: records handled so far, of how many (unknown until QuickBooks' first page says).
    sa.Column("processed", sa.Integer, nullable=False, server_default="0"),
    sa.Column("total", sa.Integer),
    # The push's skipped changes, both directions' conflicts decided, and how long the step took.
    sa.Column("skipped", sa.Integer, nullable=False, server_default="0"),
    sa.Column("conflicts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("seconds", sa.Float),
    sa.Column("company", sa.String(64)),  # the company file the run synced
    sa.Index("ix_sync_runs_entity_started", "entity", "started_at"),
    sa.Index("ix_sync_runs_status", "status"),
)

# Per company file and entity, the end of the `updatedAt` range fetched without a gap: every incremental pull starts
# here (minus the lookback), so a failed, skipped or cancelled run never leaves edits behind.
sync_state = sa.Table(
    "sync_state", metadata,
    sa.Column("company", sa.String(64), primary_key=True),
    sa.Column("entity", sa.String(64), primary_key=True),
    sa.Column("fetched_through", UtcDateTime()),
    sa.Column("last_success_at", UtcDateTime()),
    sa.Column("last_run_id", sa.String(64)),
    sa.Column("reconciled_at", UtcDateTime()),
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
    # Set once a later pull accepts the record (or QuickBooks no longer has it); until then every
    # pull reads it again by id, so a failed record is never left behind when its window moves on.
    sa.Column("resolved_at", UtcDateTime()),
    # The QuickBooks object type the record was (`qbd_service_item`, ...): it is read again there only.
    sa.Column("object_type", sa.String(64)),
    sa.Column("company", sa.String(64)),
    sa.Column("request_id", sa.String(64)),  # Conductor's, when QuickBooks answered: to trace it on Conductor's side
    sa.Index("ix_sync_errors_open", "entity", "resolved_at"),
)

# --- push-back: change capture, agreed versions, decided conflicts ----------------------------------

wms_changes = sa.Table(
    "wms_changes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("row_id", sa.Integer, nullable=False),
    sa.Column("qbd_id", sa.String(36)),
    sa.Column("operation", sa.String(8), nullable=False),  # insert | update | delete
    sa.Column("changed_fields", sa.Text),
    sa.Column("changed_at", UtcDateTime(), nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")),
    sa.Column("status", sa.String(16), nullable=False, server_default="pending"),  # pending|pushed|failed|skipped
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")),
    sa.Column("claimed_by", sa.String(64)),
    sa.Column("claimed_at", UtcDateTime()),  # the claim is a lease: the live run renews it
    sa.Column("run_id", sa.String(64)),
    sa.Column("handled_at", UtcDateTime()),
    # Who retried or dismissed a failed change, when and why: kept whatever later attempts write.
    sa.Column("operator_note", sa.Text),
    # The company file of the changed row, as it was when the trigger saw it (a deleted row's too).
    sa.Column("company", sa.String(64)),
    # Why it failed or waits: a code of `spec.catalogue`, and Conductor's request id when QuickBooks answered.
    sa.Column("error_code", sa.String(40)),
    sa.Column("request_id", sa.String(64)),
    sa.Index("ix_wms_changes_pending", "status", "entity", "next_attempt_at"),
    sa.Index("ix_wms_changes_row", "entity", "row_id"),
    sa.Index("ix_wms_changes_record", "entity", "qbd_id"),
    sa.Index("ix_wms_changes_claimed_by", "claimed_by"),
)

sync_snapshots = sa.Table(
    "sync_snapshots", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("qbd_id", sa.String(36), nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # JSON of the mapped fields both sides last agreed on
    sa.Column("qbd_revision_number", sa.String(32)),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    # A push's intent (JSON), written before its request and cleared with the answer it stores.
    sa.Column("sent", sa.Text),
    sa.Column("company", sa.String(64), nullable=False),
    sa.UniqueConstraint("company", "entity", "qbd_id", name="uq_sync_snapshots_record"),
)

sync_conflicts = sa.Table(
    "sync_conflicts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), nullable=False, index=True),
    sa.Column("entity", sa.String(64), nullable=False),
    sa.Column("row_id", sa.Integer),
    sa.Column("qbd_id", sa.String(36)),
    sa.Column("field", sa.String(128), nullable=False),  # a column, or lines[<line id>].<column>
    sa.Column("wms_value", sa.Text),
    sa.Column("qbd_value", sa.Text),
    sa.Column("winner", sa.String(8), nullable=False),  # wms | qbd
    sa.Column("rule", sa.String(64), nullable=False),
    sa.Column("decided_at", UtcDateTime(), nullable=False),
    sa.Column("company", sa.String(64)),
    sa.Index("ix_sync_conflicts_record", "entity", "qbd_id"),
)

# The company files the deployment syncs, one row per Conductor end user: added, paused and tuned
# as data (`qbd-pipeline companies ...`), never in code.
companies = sa.Table(
    "companies", metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # the Conductor end user id
    sa.Column("name", sa.Text),
    sa.Column("status", sa.String(16), nullable=False, server_default="active"),  # active | paused
    sa.Column("pull_start", sa.Date),  # the go-live day: its partition also takes all older history
    sa.Column("quiet_hours", sa.String(16)),  # e.g. 22:00-06:00, local time
    sa.Column("quiet_timezone", sa.String(64)),  # an IANA zone; empty: UTC
    sa.Column("created_at", UtcDateTime(), nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")),
)

# SQLite has no session variables: the sync marks its own transactions here (set and cleared inside
# the transaction, so no other connection ever sees it set). PostgreSQL uses a transaction-local GUC.
sync_context = sa.Table(
    "sync_context", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sync_writer", sa.Integer, nullable=False, server_default="0"),
)
