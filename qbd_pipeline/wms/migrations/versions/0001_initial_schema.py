"""initial WMS schema: synced entities, lines, sync history, change ledger

Revision ID: 0001
Revises:
Create Date: 2026-11-21 13:56:54.944412
"""

import sqlalchemy as sa
from alembic import op

import qbd_pipeline.wms.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("qbd_id", sa.String(length=36), nullable=True),
        sa.Column("qbd_revision_number", sa.String(length=32), nullable=True),
        sa.Column("qbd_created_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("qbd_updated_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("synced_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            qbd_pipeline.wms.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=41), nullable=False),
        sa.Column("full_name", sa.String(length=209), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("parent_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("parent_name", sa.String(length=209), nullable=True),
        sa.Column("sublevel", sa.Integer(), nullable=True),
        sa.Column("company_name", sa.String(length=41), nullable=True),
        sa.Column("first_name", sa.String(length=25), nullable=True),
        sa.Column("last_name", sa.String(length=25), nullable=True),
        sa.Column("email", sa.String(length=1023), nullable=True),
        sa.Column("phone", sa.String(length=21), nullable=True),
        sa.Column("alternate_phone", sa.String(length=21), nullable=True),
        sa.Column("fax", sa.String(length=21), nullable=True),
        sa.Column("contact", sa.String(length=41), nullable=True),
        sa.Column("billing_line1", sa.String(length=41), nullable=True),
        sa.Column("billing_line2", sa.String(length=41), nullable=True),
        sa.Column("billing_line3", sa.String(length=41), nullable=True),
        sa.Column("billing_city", sa.String(length=31), nullable=True),
        sa.Column("billing_state", sa.String(length=21), nullable=True),
        sa.Column("billing_postal_code", sa.String(length=13), nullable=True),
        sa.Column("billing_country", sa.String(length=31), nullable=True),
        sa.Column("shipping_line1", sa.String(length=41), nullable=True),
        sa.Column("shipping_line2", sa.String(length=41), nullable=True),
        sa.Column("shipping_line3", sa.String(length=41), nullable=True),
        sa.Column("shipping_city", sa.String(length=31), nullable=True),
        sa.Column("shipping_state", sa.String(length=21), nullable=True),
        sa.Column("shipping_postal_code", sa.String(length=13), nullable=True),
        sa.Column("shipping_country", sa.String(length=31), nullable=True),
        sa.Column("balance", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("total_balance", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("customer_type_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("customer_type_name", sa.String(length=209), nullable=True),
        sa.Column("terms_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("terms_name", sa.String(length=209), nullable=True),
        sa.Column("sales_representative_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("sales_representative_name", sa.String(length=209), nullable=True),
        sa.Column("sales_tax_code_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("sales_tax_code_name", sa.String(length=209), nullable=True),
        sa.Column("preferred_payment_method_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("preferred_payment_method_name", sa.String(length=209), nullable=True),
        sa.Column("currency_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("currency_name", sa.String(length=209), nullable=True),
        sa.Column("class_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("class_name", sa.String(length=209), nullable=True),
        sa.Column("account_number", sa.String(length=99), nullable=True),
        sa.Column("credit_limit", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("external_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("qbd_id", name=op.f("uq_customers_qbd_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customers_qbd_updated_at"), ["qbd_updated_at"], unique=False)

    op.create_table(
        "inventory_adjustments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("qbd_id", sa.String(length=36), nullable=True),
        sa.Column("qbd_revision_number", sa.String(length=32), nullable=True),
        sa.Column("qbd_created_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("qbd_updated_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("synced_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            qbd_pipeline.wms.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("ref_number", sa.String(length=11), nullable=True),
        sa.Column("transaction_date", sa.Date(), nullable=False),
        sa.Column("account_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("account_name", sa.String(length=209), nullable=True),
        sa.Column("customer_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("customer_name", sa.String(length=209), nullable=True),
        sa.Column("inventory_site_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("inventory_site_name", sa.String(length=209), nullable=True),
        sa.Column("class_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("class_name", sa.String(length=209), nullable=True),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("external_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_adjustments")),
        sa.UniqueConstraint("qbd_id", name=op.f("uq_inventory_adjustments_qbd_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("inventory_adjustments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inventory_adjustments_qbd_updated_at"), ["qbd_updated_at"], unique=False)

    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("qbd_id", sa.String(length=36), nullable=True),
        sa.Column("qbd_revision_number", sa.String(length=32), nullable=True),
        sa.Column("qbd_created_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("qbd_updated_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("synced_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            qbd_pipeline.wms.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("ref_number", sa.String(length=11), nullable=True),
        sa.Column("customer_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("customer_name", sa.String(length=209), nullable=True),
        sa.Column("transaction_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("shipping_date", sa.Date(), nullable=True),
        sa.Column("billing_line1", sa.String(length=41), nullable=True),
        sa.Column("billing_line2", sa.String(length=41), nullable=True),
        sa.Column("billing_line3", sa.String(length=41), nullable=True),
        sa.Column("billing_city", sa.String(length=31), nullable=True),
        sa.Column("billing_state", sa.String(length=21), nullable=True),
        sa.Column("billing_postal_code", sa.String(length=13), nullable=True),
        sa.Column("billing_country", sa.String(length=31), nullable=True),
        sa.Column("shipping_line1", sa.String(length=41), nullable=True),
        sa.Column("shipping_line2", sa.String(length=41), nullable=True),
        sa.Column("shipping_line3", sa.String(length=41), nullable=True),
        sa.Column("shipping_city", sa.String(length=31), nullable=True),
        sa.Column("shipping_state", sa.String(length=21), nullable=True),
        sa.Column("shipping_postal_code", sa.String(length=13), nullable=True),
        sa.Column("shipping_country", sa.String(length=31), nullable=True),
        sa.Column("purchase_order_number", sa.String(length=25), nullable=True),
        sa.Column("subtotal", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("sales_tax_total", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("applied_amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("balance_remaining", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("is_paid", sa.Boolean(), nullable=True),
        sa.Column("is_pending", sa.Boolean(), nullable=True),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("terms_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("terms_name", sa.String(length=209), nullable=True),
        sa.Column("sales_representative_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("sales_representative_name", sa.String(length=209), nullable=True),
        sa.Column("receivables_account_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("receivables_account_name", sa.String(length=209), nullable=True),
        sa.Column("class_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("class_name", sa.String(length=209), nullable=True),
        sa.Column("external_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("qbd_id", name=op.f("uq_invoices_qbd_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoices_qbd_updated_at"), ["qbd_updated_at"], unique=False)

    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("qbd_id", sa.String(length=36), nullable=True),
        sa.Column("qbd_revision_number", sa.String(length=32), nullable=True),
        sa.Column("qbd_created_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("qbd_updated_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("synced_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            qbd_pipeline.wms.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("item_type", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=31), nullable=False),
        sa.Column("full_name", sa.String(length=159), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("parent_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("parent_name", sa.String(length=209), nullable=True),
        sa.Column("sublevel", sa.Integer(), nullable=True),
        sa.Column("sku", sa.String(length=31), nullable=True),
        sa.Column("barcode", sa.String(length=50), nullable=True),
        sa.Column("sales_description", sa.Text(), nullable=True),
        sa.Column("purchase_description", sa.Text(), nullable=True),
        sa.Column("sales_price", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("price_percent", sa.Numeric(precision=12, scale=5), nullable=True),
        sa.Column("purchase_cost", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("average_cost", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("quantity_on_hand", sa.Numeric(precision=20, scale=5), nullable=True),
        sa.Column("quantity_on_purchase_order", sa.Numeric(precision=20, scale=5), nullable=True),
        sa.Column("quantity_on_sales_order", sa.Numeric(precision=20, scale=5), nullable=True),
        sa.Column("reorder_point", sa.Numeric(precision=20, scale=5), nullable=True),
        sa.Column("maximum_quantity_on_hand", sa.Numeric(precision=20, scale=5), nullable=True),
        sa.Column("discount_rate", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("discount_rate_percent", sa.Numeric(precision=12, scale=5), nullable=True),
        sa.Column("income_account_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("income_account_name", sa.String(length=209), nullable=True),
        sa.Column("expense_account_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("expense_account_name", sa.String(length=209), nullable=True),
        sa.Column("posting_account_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("posting_account_name", sa.String(length=209), nullable=True),
        sa.Column("cogs_account_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("cogs_account_name", sa.String(length=209), nullable=True),
        sa.Column("asset_account_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("asset_account_name", sa.String(length=209), nullable=True),
        sa.Column("preferred_vendor_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("preferred_vendor_name", sa.String(length=209), nullable=True),
        sa.Column("sales_tax_code_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("sales_tax_code_name", sa.String(length=209), nullable=True),
        sa.Column("purchase_tax_code_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("purchase_tax_code_name", sa.String(length=209), nullable=True),
        sa.Column("unit_of_measure_set_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("unit_of_measure_set_name", sa.String(length=209), nullable=True),
        sa.Column("class_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("class_name", sa.String(length=209), nullable=True),
        sa.Column("external_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        sa.UniqueConstraint("qbd_id", name=op.f("uq_items_qbd_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_items_item_type"), ["item_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_items_qbd_updated_at"), ["qbd_updated_at"], unique=False)

    op.create_table(
        "purchase_orders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("qbd_id", sa.String(length=36), nullable=True),
        sa.Column("qbd_revision_number", sa.String(length=32), nullable=True),
        sa.Column("qbd_created_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("qbd_updated_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("synced_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            qbd_pipeline.wms.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("ref_number", sa.String(length=11), nullable=True),
        sa.Column("vendor_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("vendor_name", sa.String(length=209), nullable=True),
        sa.Column("transaction_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("expected_date", sa.Date(), nullable=True),
        sa.Column("vendor_address_line1", sa.String(length=41), nullable=True),
        sa.Column("vendor_address_line2", sa.String(length=41), nullable=True),
        sa.Column("vendor_address_line3", sa.String(length=41), nullable=True),
        sa.Column("vendor_address_city", sa.String(length=31), nullable=True),
        sa.Column("vendor_address_state", sa.String(length=21), nullable=True),
        sa.Column("vendor_address_postal_code", sa.String(length=13), nullable=True),
        sa.Column("vendor_address_country", sa.String(length=31), nullable=True),
        sa.Column("shipping_line1", sa.String(length=41), nullable=True),
        sa.Column("shipping_line2", sa.String(length=41), nullable=True),
        sa.Column("shipping_line3", sa.String(length=41), nullable=True),
        sa.Column("shipping_city", sa.String(length=31), nullable=True),
        sa.Column("shipping_state", sa.String(length=21), nullable=True),
        sa.Column("shipping_postal_code", sa.String(length=13), nullable=True),
        sa.Column("shipping_country", sa.String(length=31), nullable=True),
        sa.Column("total_amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("is_fully_received", sa.Boolean(), nullable=True),
        sa.Column("is_manually_closed", sa.Boolean(), nullable=True),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("vendor_message", sa.String(length=99), nullable=True),
        sa.Column("terms_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("terms_name", sa.String(length=209), nullable=True),
        sa.Column("shipping_method_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("shipping_method_name", sa.String(length=209), nullable=True),
        sa.Column("ship_to_entity_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("ship_to_entity_name", sa.String(length=209), nullable=True),
        sa.Column("class_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("class_name", sa.String(length=209), nullable=True),
        sa.Column("external_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_orders")),
        sa.UniqueConstraint("qbd_id", name=op.f("uq_purchase_orders_qbd_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_purchase_orders_qbd_updated_at"), ["qbd_updated_at"], unique=False)

    op.create_table(
        "sales_orders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("qbd_id", sa.String(length=36), nullable=True),
        sa.Column("qbd_revision_number", sa.String(length=32), nullable=True),
        sa.Column("qbd_created_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("qbd_updated_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("synced_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            qbd_pipeline.wms.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("ref_number", sa.String(length=11), nullable=True),
        sa.Column("customer_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("customer_name", sa.String(length=209), nullable=True),
        sa.Column("transaction_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("shipping_date", sa.Date(), nullable=True),
        sa.Column("billing_line1", sa.String(length=41), nullable=True),
        sa.Column("billing_line2", sa.String(length=41), nullable=True),
        sa.Column("billing_line3", sa.String(length=41), nullable=True),
        sa.Column("billing_city", sa.String(length=31), nullable=True),
        sa.Column("billing_state", sa.String(length=21), nullable=True),
        sa.Column("billing_postal_code", sa.String(length=13), nullable=True),
        sa.Column("billing_country", sa.String(length=31), nullable=True),
        sa.Column("shipping_line1", sa.String(length=41), nullable=True),
        sa.Column("shipping_line2", sa.String(length=41), nullable=True),
        sa.Column("shipping_line3", sa.String(length=41), nullable=True),
        sa.Column("shipping_city", sa.String(length=31), nullable=True),
        sa.Column("shipping_state", sa.String(length=21), nullable=True),
        sa.Column("shipping_postal_code", sa.String(length=13), nullable=True),
        sa.Column("shipping_country", sa.String(length=31), nullable=True),
        sa.Column("purchase_order_number", sa.String(length=25), nullable=True),
        sa.Column("subtotal", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("sales_tax_total", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("sales_tax_percentage", sa.Numeric(precision=12, scale=5), nullable=True),
        sa.Column("total_amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("is_fully_invoiced", sa.Boolean(), nullable=True),
        sa.Column("is_manually_closed", sa.Boolean(), nullable=True),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("terms_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("terms_name", sa.String(length=209), nullable=True),
        sa.Column("sales_representative_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("sales_representative_name", sa.String(length=209), nullable=True),
        sa.Column("shipping_method_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("shipping_method_name", sa.String(length=209), nullable=True),
        sa.Column("sales_tax_code_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("sales_tax_code_name", sa.String(length=209), nullable=True),
        sa.Column("sales_tax_item_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("sales_tax_item_name", sa.String(length=209), nullable=True),
        sa.Column("class_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("class_name", sa.String(length=209), nullable=True),
        sa.Column("external_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_orders")),
        sa.UniqueConstraint("qbd_id", name=op.f("uq_sales_orders_qbd_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("sales_orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_orders_qbd_updated_at"), ["qbd_updated_at"], unique=False)

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
        sa.Column("decided_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=False),
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
        "sync_errors",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("qbd_id", sa.String(length=36), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_errors")),
    )
    with op.batch_alter_table("sync_errors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_errors_run_id"), ["run_id"], unique=False)

    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("partition_range", sa.String(length=64), nullable=True),
        sa.Column("window_start", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("window_end", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("fetched", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("api_requests", sa.Integer(), nullable=False),
        sa.Column("started_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.create_index("ix_sync_runs_entity_started", ["entity", "started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_runs_run_id"), ["run_id"], unique=False)

    op.create_table(
        "sync_snapshots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("qbd_id", sa.String(length=36), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("qbd_revision_number", sa.String(length=32), nullable=True),
        sa.Column("updated_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_snapshots")),
        sa.UniqueConstraint("entity", "qbd_id", name="uq_sync_snapshots_record"),
    )
    op.create_table(
        "vendors",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("qbd_id", sa.String(length=36), nullable=True),
        sa.Column("qbd_revision_number", sa.String(length=32), nullable=True),
        sa.Column("qbd_created_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("qbd_updated_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("synced_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            qbd_pipeline.wms.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=41), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("company_name", sa.String(length=41), nullable=True),
        sa.Column("first_name", sa.String(length=25), nullable=True),
        sa.Column("last_name", sa.String(length=25), nullable=True),
        sa.Column("email", sa.String(length=1023), nullable=True),
        sa.Column("phone", sa.String(length=21), nullable=True),
        sa.Column("alternate_phone", sa.String(length=21), nullable=True),
        sa.Column("fax", sa.String(length=21), nullable=True),
        sa.Column("contact", sa.String(length=41), nullable=True),
        sa.Column("name_on_check", sa.String(length=41), nullable=True),
        sa.Column("billing_line1", sa.String(length=41), nullable=True),
        sa.Column("billing_line2", sa.String(length=41), nullable=True),
        sa.Column("billing_line3", sa.String(length=41), nullable=True),
        sa.Column("billing_city", sa.String(length=31), nullable=True),
        sa.Column("billing_state", sa.String(length=21), nullable=True),
        sa.Column("billing_postal_code", sa.String(length=13), nullable=True),
        sa.Column("billing_country", sa.String(length=31), nullable=True),
        sa.Column("shipping_line1", sa.String(length=41), nullable=True),
        sa.Column("shipping_line2", sa.String(length=41), nullable=True),
        sa.Column("shipping_line3", sa.String(length=41), nullable=True),
        sa.Column("shipping_city", sa.String(length=31), nullable=True),
        sa.Column("shipping_state", sa.String(length=21), nullable=True),
        sa.Column("shipping_postal_code", sa.String(length=13), nullable=True),
        sa.Column("shipping_country", sa.String(length=31), nullable=True),
        sa.Column("balance", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("vendor_type_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("vendor_type_name", sa.String(length=209), nullable=True),
        sa.Column("terms_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("terms_name", sa.String(length=209), nullable=True),
        sa.Column("currency_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("currency_name", sa.String(length=209), nullable=True),
        sa.Column("sales_tax_code_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("sales_tax_code_name", sa.String(length=209), nullable=True),
        sa.Column("account_number", sa.String(length=99), nullable=True),
        sa.Column("credit_limit", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("tax_identification_number", sa.String(length=15), nullable=True),
        sa.Column("is_eligible_for_1099", sa.Boolean(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("external_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendors")),
        sa.UniqueConstraint("qbd_id", name=op.f("uq_vendors_qbd_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("vendors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vendors_qbd_updated_at"), ["qbd_updated_at"], unique=False)

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
            qbd_pipeline.wms.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "next_attempt_at",
            qbd_pipeline.wms.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("handled_at", qbd_pipeline.wms.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wms_changes")),
    )
    with op.batch_alter_table("wms_changes", schema=None) as batch_op:
        batch_op.create_index("ix_wms_changes_pending", ["status", "entity", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_wms_changes_row", ["entity", "row_id"], unique=False)

    op.create_table(
        "inventory_adjustment_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("header_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("qbd_line_id", sa.String(length=36), nullable=True),
        sa.Column("item_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("item_name", sa.String(length=209), nullable=True),
        sa.Column("quantity_difference", sa.Numeric(precision=20, scale=5), nullable=True),
        sa.Column("value_difference", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("serial_number", sa.String(length=4095), nullable=True),
        sa.Column("lot_number", sa.String(length=40), nullable=True),
        sa.Column(
            "updated_at",
            qbd_pipeline.wms.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["header_id"],
            ["inventory_adjustments.id"],
            name=op.f("fk_inventory_adjustment_lines_header_id_inventory_adjustments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_adjustment_lines")),
        sa.UniqueConstraint("header_id", "line_number", name="uq_inventory_adjustment_lines_position"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("inventory_adjustment_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inventory_adjustment_lines_header_id"), ["header_id"], unique=False)

    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("header_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("qbd_line_id", sa.String(length=36), nullable=True),
        sa.Column("item_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("item_name", sa.String(length=209), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=20, scale=5), nullable=True),
        sa.Column("unit_of_measure", sa.String(length=31), nullable=True),
        sa.Column("rate", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("sales_tax_code_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("sales_tax_code_name", sa.String(length=209), nullable=True),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column(
            "updated_at",
            qbd_pipeline.wms.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["header_id"], ["invoices.id"], name=op.f("fk_invoice_lines_header_id_invoices"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
        sa.UniqueConstraint("header_id", "line_number", name="uq_invoice_lines_position"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_lines_header_id"), ["header_id"], unique=False)

    op.create_table(
        "purchase_order_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("header_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("qbd_line_id", sa.String(length=36), nullable=True),
        sa.Column("item_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("item_name", sa.String(length=209), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=20, scale=5), nullable=True),
        sa.Column("unit_of_measure", sa.String(length=31), nullable=True),
        sa.Column("rate", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("sales_tax_code_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("sales_tax_code_name", sa.String(length=209), nullable=True),
        sa.Column("sku", sa.String(length=31), nullable=True),
        sa.Column("received_quantity", sa.Numeric(precision=20, scale=5), nullable=True),
        sa.Column("unbilled_quantity", sa.Numeric(precision=20, scale=5), nullable=True),
        sa.Column("is_billed", sa.Boolean(), nullable=True),
        sa.Column("is_manually_closed", sa.Boolean(), nullable=True),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column(
            "updated_at",
            qbd_pipeline.wms.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["header_id"],
            ["purchase_orders.id"],
            name=op.f("fk_purchase_order_lines_header_id_purchase_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_order_lines")),
        sa.UniqueConstraint("header_id", "line_number", name="uq_purchase_order_lines_position"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("purchase_order_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_purchase_order_lines_header_id"), ["header_id"], unique=False)

    op.create_table(
        "sales_order_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("header_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("qbd_line_id", sa.String(length=36), nullable=True),
        sa.Column("item_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("item_name", sa.String(length=209), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=20, scale=5), nullable=True),
        sa.Column("unit_of_measure", sa.String(length=31), nullable=True),
        sa.Column("rate", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("sales_tax_code_qbd_id", sa.String(length=36), nullable=True),
        sa.Column("sales_tax_code_name", sa.String(length=209), nullable=True),
        sa.Column("quantity_invoiced", sa.Numeric(precision=20, scale=5), nullable=True),
        sa.Column("is_manually_closed", sa.Boolean(), nullable=True),
        sa.Column(
            "updated_at",
            qbd_pipeline.wms.types.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["header_id"],
            ["sales_orders.id"],
            name=op.f("fk_sales_order_lines_header_id_sales_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_order_lines")),
        sa.UniqueConstraint("header_id", "line_number", name="uq_sales_order_lines_position"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("sales_order_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_order_lines_header_id"), ["header_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("sales_order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_order_lines_header_id"))

    op.drop_table("sales_order_lines")
    with op.batch_alter_table("purchase_order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_order_lines_header_id"))

    op.drop_table("purchase_order_lines")
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_lines_header_id"))

    op.drop_table("invoice_lines")
    with op.batch_alter_table("inventory_adjustment_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_adjustment_lines_header_id"))

    op.drop_table("inventory_adjustment_lines")
    with op.batch_alter_table("wms_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_wms_changes_row")
        batch_op.drop_index("ix_wms_changes_pending")

    op.drop_table("wms_changes")
    with op.batch_alter_table("vendors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vendors_qbd_updated_at"))

    op.drop_table("vendors")
    op.drop_table("sync_snapshots")
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_runs_run_id"))
        batch_op.drop_index("ix_sync_runs_entity_started")

    op.drop_table("sync_runs")
    with op.batch_alter_table("sync_errors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_errors_run_id"))

    op.drop_table("sync_errors")
    op.drop_table("sync_context")
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_conflicts_run_id"))

    op.drop_table("sync_conflicts")
    with op.batch_alter_table("sales_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_orders_qbd_updated_at"))

    op.drop_table("sales_orders")
    with op.batch_alter_table("purchase_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_orders_qbd_updated_at"))

    op.drop_table("purchase_orders")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_items_qbd_updated_at"))
        batch_op.drop_index(batch_op.f("ix_items_item_type"))

    op.drop_table("items")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoices_qbd_updated_at"))

    op.drop_table("invoices")
    with op.batch_alter_table("inventory_adjustments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inventory_adjustments_qbd_updated_at"))

    op.drop_table("inventory_adjustments")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_qbd_updated_at"))

    op.drop_table("customers")
