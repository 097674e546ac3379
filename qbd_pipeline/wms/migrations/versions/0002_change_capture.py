"""push-back: change-capture triggers on every synced table

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 13:36:19.074799
"""

import sqlalchemy as sa
from alembic import op

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
