"""robust two-way sync: read times, QuickBooks deletes, high-water marks, run heartbeats

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 02:35:09.925970
"""

import sqlalchemy as sa
from alembic import op

import qbd_pipeline.wms.types

# Prices, costs and rates keep the 5 decimal places QuickBooks has (amounts keep 2).
PRICE_COLUMNS = {
    "items": ("sales_price", "purchase_cost", "average_cost"),
    "sales_order_lines": ("rate",),
    "purchase_order_lines": ("rate",),
    "invoice_lines": ("rate",),
}


def _retype(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    """Change column types; SQLite rebuilds each table, so its change-capture triggers are saved and
    put back (their text names the same columns), and row ids stay never reused (AUTOINCREMENT)."""
    bind = op.get_bind()
    for table, columns in PRICE_COLUMNS.items():
        triggers = []
        if bind.dialect.name == "sqlite":
            triggers = [r[0] for r in bind.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,))]
        with op.batch_alter_table(table, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=old, type_=new)
        for statement in triggers:
            bind.exec_driver_sql(statement)


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("fetched_through", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_run_id", sa.String(length=64), nullable=True),
        sa.Column("reconciled_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("entity", name=op.f("pk_sync_state")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qbd_read_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("qbd_deleted_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("inventory_adjustments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qbd_read_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("qbd_deleted_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qbd_read_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("qbd_deleted_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qbd_read_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("qbd_deleted_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qbd_read_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("qbd_deleted_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("sales_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qbd_read_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("qbd_deleted_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.create_index("ix_sync_conflicts_record", ["entity", "qbd_id"], unique=False)
        batch_op.alter_column("field", existing_type=sa.String(length=64), type_=sa.String(length=128),
                              existing_nullable=False)

    with op.batch_alter_table("sync_snapshots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent", sa.Text(), nullable=True))

    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("heartbeat_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("deleted", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index("ix_sync_runs_status", ["status"], unique=False)

    with op.batch_alter_table("vendors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qbd_read_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("qbd_deleted_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("wms_changes", schema=None) as batch_op:
        batch_op.create_index("ix_wms_changes_claimed_by", ["claimed_by"], unique=False)
        batch_op.create_index("ix_wms_changes_record", ["entity", "qbd_id"], unique=False)

    _retype(sa.Numeric(precision=18, scale=2), sa.Numeric(precision=18, scale=5))


def downgrade() -> None:
    _retype(sa.Numeric(precision=18, scale=5), sa.Numeric(precision=18, scale=2))
    with op.batch_alter_table("wms_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_wms_changes_record")
        batch_op.drop_index("ix_wms_changes_claimed_by")

    with op.batch_alter_table("vendors", schema=None) as batch_op:
        batch_op.drop_column("qbd_deleted_at")
        batch_op.drop_column("qbd_read_at")

    with op.batch_alter_table("sync_snapshots", schema=None) as batch_op:
        batch_op.drop_column("sent")

    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_runs_status")
        batch_op.drop_column("deleted")
        batch_op.drop_column("heartbeat_at")

    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.alter_column("field", existing_type=sa.String(length=128), type_=sa.String(length=64),
                              existing_nullable=False)
        batch_op.drop_index("ix_sync_conflicts_record")

    with op.batch_alter_table("sales_orders", schema=None) as batch_op:
        batch_op.drop_column("qbd_deleted_at")
        batch_op.drop_column("qbd_read_at")

    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.drop_column("qbd_deleted_at")
        batch_op.drop_column("qbd_read_at")

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("qbd_deleted_at")
        batch_op.drop_column("qbd_read_at")

    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_column("qbd_deleted_at")
        batch_op.drop_column("qbd_read_at")

    with op.batch_alter_table("inventory_adjustments", schema=None) as batch_op:
        batch_op.drop_column("qbd_deleted_at")
        batch_op.drop_column("qbd_read_at")

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("qbd_deleted_at")
        batch_op.drop_column("qbd_read_at")

    op.drop_table("sync_state")
