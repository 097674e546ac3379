"""push-back: change capture, snapshots, conflicts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 13:36:19.074799
"""

import sqlalchemy as sa
from alembic import op

import qbd_pipeline.wms.schema
from qbd_pipeline.wms import triggers

# The synced tables as of this revision (headers and lines), whose writes the triggers capture.
SYNCED_TABLES = (
    "customers",
    "vendors",
    "items",
    "sales_orders",
    "sales_order_lines",
    "purchase_orders",
    "purchase_order_lines",
    "invoices",
    "invoice_lines",
    "inventory_adjustments",
    "inventory_adjustment_lines",
)


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=True),
        sa.Column("qbd_id", sa.String(length=36), nullable=True),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("wms_value", sa.Text(), nullable=True),
        sa.Column("qbd_value", sa.Text(), nullable=True),
        sa.Column("winner", sa.String(length=8), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("decided_at", qbd_pipeline.wms.schema.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_conflicts_run_id"), ["run_id"], unique=False)

    op.create_table(
        "sync_context",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sync_writer", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_context")),
    )
    op.create_table(
        "sync_snapshots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("qbd_id", sa.String(length=36), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("qbd_revision_number", sa.String(length=32), nullable=True),
        sa.Column("updated_at", qbd_pipeline.wms.schema.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_snapshots")),
        sa.UniqueConstraint("entity", "qbd_id", name="uq_sync_snapshots_record"),
    )
    op.create_table(
        "wms_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("qbd_id", sa.String(length=36), nullable=True),
        sa.Column("operation", sa.String(length=8), nullable=False),
        sa.Column("changed_fields", sa.Text(), nullable=True),
        sa.Column(
            "changed_at",
            qbd_pipeline.wms.schema.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "next_attempt_at",
            qbd_pipeline.wms.schema.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", qbd_pipeline.wms.schema.UtcDateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("handled_at", qbd_pipeline.wms.schema.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wms_changes")),
    )
    with op.batch_alter_table("wms_changes", schema=None) as batch_op:
        batch_op.create_index("ix_wms_changes_pending", ["status", "entity", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_wms_changes_row", ["entity", "row_id"], unique=False)

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=True)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=True)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=True)
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=True)

    with op.batch_alter_table("inventory_adjustments", schema=None) as batch_op:
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=True)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=True)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=True)
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=True)

    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=True)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=True)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=True)
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=True)

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=True)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=True)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=True)
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=True)

    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=True)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=True)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=True)
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=True)

    with op.batch_alter_table("sales_orders", schema=None) as batch_op:
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=True)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=True)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=True)
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=True)

    with op.batch_alter_table("vendors", schema=None) as batch_op:
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=True)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=True)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=True)
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=True)

    # WMS applications, scripts and psql insert without the ORM: the database fills updated_at.
    for table in SYNCED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "updated_at",
                existing_type=qbd_pipeline.wms.schema.UtcDateTime(timezone=True),
                existing_nullable=False,
                server_default=sa.text("CURRENT_TIMESTAMP"),
            )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        statements = triggers.postgresql_ddl()
    else:
        inspector = sa.inspect(bind)
        statements = triggers.sqlite_ddl({t: [c["name"] for c in inspector.get_columns(t)] for t in SYNCED_TABLES})
    for statement in statements:
        bind.exec_driver_sql(statement)


def downgrade() -> None:
    for statement in triggers.drop_ddl(op.get_bind().dialect.name):
        op.get_bind().exec_driver_sql(statement)
    with op.batch_alter_table("vendors", schema=None) as batch_op:
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=False)
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=False)

    with op.batch_alter_table("sales_orders", schema=None) as batch_op:
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=False)
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=False)

    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=False)
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=False)

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=False)
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=False)

    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=False)
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=False)

    with op.batch_alter_table("inventory_adjustments", schema=None) as batch_op:
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=False)
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=False)

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.alter_column("synced_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_updated_at", existing_type=sa.DATETIME(), nullable=False)
        batch_op.alter_column("qbd_revision_number", existing_type=sa.VARCHAR(length=32), nullable=False)
        batch_op.alter_column("qbd_id", existing_type=sa.VARCHAR(length=36), nullable=False)

    with op.batch_alter_table("wms_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_wms_changes_row")
        batch_op.drop_index("ix_wms_changes_pending")

    op.drop_table("wms_changes")
    op.drop_table("sync_snapshots")
    op.drop_table("sync_context")
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_conflicts_run_id"))

    op.drop_table("sync_conflicts")
