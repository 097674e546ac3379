"""push-back: change-capture triggers on every synced table

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 13:36:19.074799

The trigger DDL is text, frozen as this revision first made it (the tables and their columns as of
0001), so later mapping changes never change what this migration does.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    for statement in {
        'postgresql': [
            ('CREATE OR REPLACE FUNCTION qbd_touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF NOT '
             "(coalesce(current_setting('qbd.sync_writer', true), '') = 'on') AND to_jsonb(NEW) - 'updated_at' "
             "<> to_jsonb(OLD) - 'updated_at' THEN\n    NEW.updated_at := now();\n  END IF;\n  RETURN NEW;\n"
             'END $$'),
            ('CREATE OR REPLACE FUNCTION qbd_capture_header() RETURNS trigger LANGUAGE plpgsql AS $$\nDECLARE '
             "fields text;\nBEGIN\n  IF coalesce(current_setting('qbd.sync_writer', true), '') = 'on' THEN "
             "RETURN NULL; END IF;\n  IF TG_OP = 'INSERT' THEN\n    INSERT INTO wms_changes (entity, row_id, "
             "qbd_id, operation) VALUES (TG_ARGV[0], NEW.id, NEW.qbd_id, 'insert');\n  ELSIF TG_OP = 'UPDATE' "
             "THEN\n    SELECT string_agg(n.key, ',' ORDER BY n.key) INTO fields\n      FROM "
             'jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING (key)\n     WHERE n.value IS '
             "DISTINCT FROM o.value AND n.key <> 'updated_at';\n    IF fields IS NOT NULL THEN\n      INSERT "
             'INTO wms_changes (entity, row_id, qbd_id, operation, changed_fields)\n        VALUES '
             "(TG_ARGV[0], NEW.id, NEW.qbd_id, 'update', fields);\n    END IF;\n  ELSE\n    INSERT INTO "
             'wms_changes (entity, row_id, qbd_id, operation) VALUES (TG_ARGV[0], OLD.id, OLD.qbd_id, '
             "'delete');\n  END IF;\n  RETURN NULL;\nEND $$"),
            ('CREATE OR REPLACE FUNCTION qbd_capture_line() RETURNS trigger LANGUAGE plpgsql AS $$\nDECLARE '
             'header integer; qbd text; found_rows integer;\nBEGIN\n  IF '
             "coalesce(current_setting('qbd.sync_writer', true), '') = 'on' THEN RETURN NULL; END IF;\n  IF "
             "TG_OP = 'DELETE' THEN header := OLD.header_id; ELSE header := NEW.header_id; END IF;\n  IF TG_OP "
             "= 'UPDATE' AND to_jsonb(NEW) - 'updated_at' = to_jsonb(OLD) - 'updated_at' THEN RETURN NULL; END "
             "IF;\n  EXECUTE 'SELECT qbd_id FROM ' || quote_ident(TG_ARGV[1]) || ' WHERE id = $1' INTO qbd "
             'USING header;\n  GET DIAGNOSTICS found_rows = ROW_COUNT;  -- EXECUTE leaves FOUND alone\n  IF '
             'found_rows > 0 THEN\n    INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields)\n      VALUES (TG_ARGV[0], header, qbd, 'update', 'lines');\n  END IF;\n  RETURN "
             'NULL;\nEND $$'),
            ('CREATE TRIGGER customers_touch BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION '
             'qbd_touch()'),
            ('CREATE TRIGGER customers_capture AFTER INSERT OR UPDATE OR DELETE ON customers FOR EACH ROW '
             "EXECUTE FUNCTION qbd_capture_header('customers')"),
            'CREATE TRIGGER vendors_touch BEFORE UPDATE ON vendors FOR EACH ROW EXECUTE FUNCTION qbd_touch()',
            ('CREATE TRIGGER vendors_capture AFTER INSERT OR UPDATE OR DELETE ON vendors FOR EACH ROW EXECUTE '
             "FUNCTION qbd_capture_header('vendors')"),
            'CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION qbd_touch()',
            ('CREATE TRIGGER items_capture AFTER INSERT OR UPDATE OR DELETE ON items FOR EACH ROW EXECUTE '
             "FUNCTION qbd_capture_header('items')"),
            ('CREATE TRIGGER sales_orders_touch BEFORE UPDATE ON sales_orders FOR EACH ROW EXECUTE FUNCTION '
             'qbd_touch()'),
            ('CREATE TRIGGER sales_orders_capture AFTER INSERT OR UPDATE OR DELETE ON sales_orders FOR EACH '
             "ROW EXECUTE FUNCTION qbd_capture_header('sales_orders')"),
            ('CREATE TRIGGER sales_order_lines_touch BEFORE UPDATE ON sales_order_lines FOR EACH ROW EXECUTE '
             'FUNCTION qbd_touch()'),
            ('CREATE TRIGGER sales_order_lines_capture AFTER INSERT OR UPDATE OR DELETE ON sales_order_lines '
             "FOR EACH ROW EXECUTE FUNCTION qbd_capture_line('sales_orders', 'sales_orders')"),
            ('CREATE TRIGGER purchase_orders_touch BEFORE UPDATE ON purchase_orders FOR EACH ROW EXECUTE '
             'FUNCTION qbd_touch()'),
            ('CREATE TRIGGER purchase_orders_capture AFTER INSERT OR UPDATE OR DELETE ON purchase_orders FOR '
             "EACH ROW EXECUTE FUNCTION qbd_capture_header('purchase_orders')"),
            ('CREATE TRIGGER purchase_order_lines_touch BEFORE UPDATE ON purchase_order_lines FOR EACH ROW '
             'EXECUTE FUNCTION qbd_touch()'),
            ('CREATE TRIGGER purchase_order_lines_capture AFTER INSERT OR UPDATE OR DELETE ON '
             "purchase_order_lines FOR EACH ROW EXECUTE FUNCTION qbd_capture_line('purchase_orders', "
             "'purchase_orders')"),
            ('CREATE TRIGGER invoices_touch BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION '
             'qbd_touch()'),
            ('CREATE TRIGGER invoices_capture AFTER INSERT OR UPDATE OR DELETE ON invoices FOR EACH ROW '
             "EXECUTE FUNCTION qbd_capture_header('invoices')"),
            ('CREATE TRIGGER invoice_lines_touch BEFORE UPDATE ON invoice_lines FOR EACH ROW EXECUTE FUNCTION '
             'qbd_touch()'),
            ('CREATE TRIGGER invoice_lines_capture AFTER INSERT OR UPDATE OR DELETE ON invoice_lines FOR EACH '
             "ROW EXECUTE FUNCTION qbd_capture_line('invoices', 'invoices')"),
            ('CREATE TRIGGER inventory_adjustments_touch BEFORE UPDATE ON inventory_adjustments FOR EACH ROW '
             'EXECUTE FUNCTION qbd_touch()'),
            ('CREATE TRIGGER inventory_adjustments_capture AFTER INSERT OR UPDATE OR DELETE ON '
             "inventory_adjustments FOR EACH ROW EXECUTE FUNCTION qbd_capture_header('inventory_adjustments')"),
            ('CREATE TRIGGER inventory_adjustment_lines_touch BEFORE UPDATE ON inventory_adjustment_lines FOR '
             'EACH ROW EXECUTE FUNCTION qbd_touch()'),
            ('CREATE TRIGGER inventory_adjustment_lines_capture AFTER INSERT OR UPDATE OR DELETE ON '
             'inventory_adjustment_lines FOR EACH ROW EXECUTE FUNCTION '
             "qbd_capture_line('inventory_adjustments', 'inventory_adjustments')"),
        ],
        'sqlite': [
            ('INSERT INTO sync_context (id, sync_writer) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM '
             'sync_context WHERE id = 1)'),
            ('CREATE TRIGGER customers_capture_insert AFTER INSERT ON customers WHEN (SELECT sync_writer FROM '
             'sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('customers', NEW.id, "
             "NEW.qbd_id, 'insert', NULL, strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, "
             "strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER customers_capture_update AFTER UPDATE ON customers WHEN (SELECT sync_writer FROM '
             'sync_context WHERE id = 1) = 0 AND (OLD.qbd_id IS NOT NEW.qbd_id OR OLD.qbd_revision_number IS '
             'NOT NEW.qbd_revision_number OR OLD.qbd_created_at IS NOT NEW.qbd_created_at OR '
             'OLD.qbd_updated_at IS NOT NEW.qbd_updated_at OR OLD.synced_at IS NOT NEW.synced_at OR OLD.name '
             'IS NOT NEW.name OR OLD.full_name IS NOT NEW.full_name OR OLD.is_active IS NOT NEW.is_active OR '
             'OLD.parent_qbd_id IS NOT NEW.parent_qbd_id OR OLD.parent_name IS NOT NEW.parent_name OR '
             'OLD.sublevel IS NOT NEW.sublevel OR OLD.company_name IS NOT NEW.company_name OR OLD.first_name '
             'IS NOT NEW.first_name OR OLD.last_name IS NOT NEW.last_name OR OLD.email IS NOT NEW.email OR '
             'OLD.phone IS NOT NEW.phone OR OLD.alternate_phone IS NOT NEW.alternate_phone OR OLD.fax IS NOT '
             'NEW.fax OR OLD.contact IS NOT NEW.contact OR OLD.billing_line1 IS NOT NEW.billing_line1 OR '
             'OLD.billing_line2 IS NOT NEW.billing_line2 OR OLD.billing_line3 IS NOT NEW.billing_line3 OR '
             'OLD.billing_city IS NOT NEW.billing_city OR OLD.billing_state IS NOT NEW.billing_state OR '
             'OLD.billing_postal_code IS NOT NEW.billing_postal_code OR OLD.billing_country IS NOT '
             'NEW.billing_country OR OLD.shipping_line1 IS NOT NEW.shipping_line1 OR OLD.shipping_line2 IS NOT '
             'NEW.shipping_line2 OR OLD.shipping_line3 IS NOT NEW.shipping_line3 OR OLD.shipping_city IS NOT '
             'NEW.shipping_city OR OLD.shipping_state IS NOT NEW.shipping_state OR OLD.shipping_postal_code IS '
             'NOT NEW.shipping_postal_code OR OLD.shipping_country IS NOT NEW.shipping_country OR OLD.balance '
             'IS NOT NEW.balance OR OLD.total_balance IS NOT NEW.total_balance OR OLD.customer_type_qbd_id IS '
             'NOT NEW.customer_type_qbd_id OR OLD.customer_type_name IS NOT NEW.customer_type_name OR '
             'OLD.terms_qbd_id IS NOT NEW.terms_qbd_id OR OLD.terms_name IS NOT NEW.terms_name OR '
             'OLD.sales_representative_qbd_id IS NOT NEW.sales_representative_qbd_id OR '
             'OLD.sales_representative_name IS NOT NEW.sales_representative_name OR OLD.sales_tax_code_qbd_id '
             'IS NOT NEW.sales_tax_code_qbd_id OR OLD.sales_tax_code_name IS NOT NEW.sales_tax_code_name OR '
             'OLD.preferred_payment_method_qbd_id IS NOT NEW.preferred_payment_method_qbd_id OR '
             'OLD.preferred_payment_method_name IS NOT NEW.preferred_payment_method_name OR '
             'OLD.currency_qbd_id IS NOT NEW.currency_qbd_id OR OLD.currency_name IS NOT NEW.currency_name OR '
             'OLD.class_qbd_id IS NOT NEW.class_qbd_id OR OLD.class_name IS NOT NEW.class_name OR '
             'OLD.account_number IS NOT NEW.account_number OR OLD.credit_limit IS NOT NEW.credit_limit OR '
             'OLD.note IS NOT NEW.note OR OLD.external_id IS NOT NEW.external_id) BEGIN INSERT INTO '
             'wms_changes (entity, row_id, qbd_id, operation, changed_fields, changed_at, status, attempts, '
             "next_attempt_at) VALUES ('customers', NEW.id, NEW.qbd_id, 'update', rtrim(CASE WHEN OLD.qbd_id "
             "IS NOT NEW.qbd_id THEN 'qbd_id,' ELSE '' END || CASE WHEN OLD.qbd_revision_number IS NOT "
             "NEW.qbd_revision_number THEN 'qbd_revision_number,' ELSE '' END || CASE WHEN OLD.qbd_created_at "
             "IS NOT NEW.qbd_created_at THEN 'qbd_created_at,' ELSE '' END || CASE WHEN OLD.qbd_updated_at IS "
             "NOT NEW.qbd_updated_at THEN 'qbd_updated_at,' ELSE '' END || CASE WHEN OLD.synced_at IS NOT "
             "NEW.synced_at THEN 'synced_at,' ELSE '' END || CASE WHEN OLD.name IS NOT NEW.name THEN 'name,' "
             "ELSE '' END || CASE WHEN OLD.full_name IS NOT NEW.full_name THEN 'full_name,' ELSE '' END || "
             "CASE WHEN OLD.is_active IS NOT NEW.is_active THEN 'is_active,' ELSE '' END || CASE WHEN "
             "OLD.parent_qbd_id IS NOT NEW.parent_qbd_id THEN 'parent_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.parent_name IS NOT NEW.parent_name THEN 'parent_name,' ELSE '' END || CASE WHEN OLD.sublevel "
             "IS NOT NEW.sublevel THEN 'sublevel,' ELSE '' END || CASE WHEN OLD.company_name IS NOT "
             "NEW.company_name THEN 'company_name,' ELSE '' END || CASE WHEN OLD.first_name IS NOT "
             "NEW.first_name THEN 'first_name,' ELSE '' END || CASE WHEN OLD.last_name IS NOT NEW.last_name "
             "THEN 'last_name,' ELSE '' END || CASE WHEN OLD.email IS NOT NEW.email THEN 'email,' ELSE '' END "
             "|| CASE WHEN OLD.phone IS NOT NEW.phone THEN 'phone,' ELSE '' END || CASE WHEN "
             "OLD.alternate_phone IS NOT NEW.alternate_phone THEN 'alternate_phone,' ELSE '' END || CASE WHEN "
             "OLD.fax IS NOT NEW.fax THEN 'fax,' ELSE '' END || CASE WHEN OLD.contact IS NOT NEW.contact THEN "
             "'contact,' ELSE '' END || CASE WHEN OLD.billing_line1 IS NOT NEW.billing_line1 THEN "
             "'billing_line1,' ELSE '' END || CASE WHEN OLD.billing_line2 IS NOT NEW.billing_line2 THEN "
             "'billing_line2,' ELSE '' END || CASE WHEN OLD.billing_line3 IS NOT NEW.billing_line3 THEN "
             "'billing_line3,' ELSE '' END || CASE WHEN OLD.billing_city IS NOT NEW.billing_city THEN "
             "'billing_city,' ELSE '' END || CASE WHEN OLD.billing_state IS NOT NEW.billing_state THEN "
             "'billing_state,' ELSE '' END || CASE WHEN OLD.billing_postal_code IS NOT NEW.billing_postal_code "
             "THEN 'billing_postal_code,' ELSE '' END || CASE WHEN OLD.billing_country IS NOT "
             "NEW.billing_country THEN 'billing_country,' ELSE '' END || CASE WHEN OLD.shipping_line1 IS NOT "
             "NEW.shipping_line1 THEN 'shipping_line1,' ELSE '' END || CASE WHEN OLD.shipping_line2 IS NOT "
             "NEW.shipping_line2 THEN 'shipping_line2,' ELSE '' END || CASE WHEN OLD.shipping_line3 IS NOT "
             "NEW.shipping_line3 THEN 'shipping_line3,' ELSE '' END || CASE WHEN OLD.shipping_city IS NOT "
             "NEW.shipping_city THEN 'shipping_city,' ELSE '' END || CASE WHEN OLD.shipping_state IS NOT "
             "NEW.shipping_state THEN 'shipping_state,' ELSE '' END || CASE WHEN OLD.shipping_postal_code IS "
             "NOT NEW.shipping_postal_code THEN 'shipping_postal_code,' ELSE '' END || CASE WHEN "
             "OLD.shipping_country IS NOT NEW.shipping_country THEN 'shipping_country,' ELSE '' END || CASE "
             "WHEN OLD.balance IS NOT NEW.balance THEN 'balance,' ELSE '' END || CASE WHEN OLD.total_balance "
             "IS NOT NEW.total_balance THEN 'total_balance,' ELSE '' END || CASE WHEN OLD.customer_type_qbd_id "
             "IS NOT NEW.customer_type_qbd_id THEN 'customer_type_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.customer_type_name IS NOT NEW.customer_type_name THEN 'customer_type_name,' ELSE '' END || "
             "CASE WHEN OLD.terms_qbd_id IS NOT NEW.terms_qbd_id THEN 'terms_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.terms_name IS NOT NEW.terms_name THEN 'terms_name,' ELSE '' END || CASE WHEN "
             'OLD.sales_representative_qbd_id IS NOT NEW.sales_representative_qbd_id THEN '
             "'sales_representative_qbd_id,' ELSE '' END || CASE WHEN OLD.sales_representative_name IS NOT "
             "NEW.sales_representative_name THEN 'sales_representative_name,' ELSE '' END || CASE WHEN "
             "OLD.sales_tax_code_qbd_id IS NOT NEW.sales_tax_code_qbd_id THEN 'sales_tax_code_qbd_id,' ELSE '' "
             'END || CASE WHEN OLD.sales_tax_code_name IS NOT NEW.sales_tax_code_name THEN '
             "'sales_tax_code_name,' ELSE '' END || CASE WHEN OLD.preferred_payment_method_qbd_id IS NOT "
             "NEW.preferred_payment_method_qbd_id THEN 'preferred_payment_method_qbd_id,' ELSE '' END || CASE "
             'WHEN OLD.preferred_payment_method_name IS NOT NEW.preferred_payment_method_name THEN '
             "'preferred_payment_method_name,' ELSE '' END || CASE WHEN OLD.currency_qbd_id IS NOT "
             "NEW.currency_qbd_id THEN 'currency_qbd_id,' ELSE '' END || CASE WHEN OLD.currency_name IS NOT "
             "NEW.currency_name THEN 'currency_name,' ELSE '' END || CASE WHEN OLD.class_qbd_id IS NOT "
             "NEW.class_qbd_id THEN 'class_qbd_id,' ELSE '' END || CASE WHEN OLD.class_name IS NOT "
             "NEW.class_name THEN 'class_name,' ELSE '' END || CASE WHEN OLD.account_number IS NOT "
             "NEW.account_number THEN 'account_number,' ELSE '' END || CASE WHEN OLD.credit_limit IS NOT "
             "NEW.credit_limit THEN 'credit_limit,' ELSE '' END || CASE WHEN OLD.note IS NOT NEW.note THEN "
             "'note,' ELSE '' END || CASE WHEN OLD.external_id IS NOT NEW.external_id THEN 'external_id,' ELSE "
             "'' END, ','), strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', "
             "'now')); UPDATE customers SET updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = "
             'NEW.id; END'),
            ('CREATE TRIGGER customers_capture_delete AFTER DELETE ON customers WHEN (SELECT sync_writer FROM '
             'sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('customers', OLD.id, "
             "OLD.qbd_id, 'delete', NULL, strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, "
             "strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER vendors_capture_insert AFTER INSERT ON vendors WHEN (SELECT sync_writer FROM '
             'sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('vendors', NEW.id, "
             "NEW.qbd_id, 'insert', NULL, strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, "
             "strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER vendors_capture_update AFTER UPDATE ON vendors WHEN (SELECT sync_writer FROM '
             'sync_context WHERE id = 1) = 0 AND (OLD.qbd_id IS NOT NEW.qbd_id OR OLD.qbd_revision_number IS '
             'NOT NEW.qbd_revision_number OR OLD.qbd_created_at IS NOT NEW.qbd_created_at OR '
             'OLD.qbd_updated_at IS NOT NEW.qbd_updated_at OR OLD.synced_at IS NOT NEW.synced_at OR OLD.name '
             'IS NOT NEW.name OR OLD.is_active IS NOT NEW.is_active OR OLD.company_name IS NOT '
             'NEW.company_name OR OLD.first_name IS NOT NEW.first_name OR OLD.last_name IS NOT NEW.last_name '
             'OR OLD.email IS NOT NEW.email OR OLD.phone IS NOT NEW.phone OR OLD.alternate_phone IS NOT '
             'NEW.alternate_phone OR OLD.fax IS NOT NEW.fax OR OLD.contact IS NOT NEW.contact OR '
             'OLD.name_on_check IS NOT NEW.name_on_check OR OLD.billing_line1 IS NOT NEW.billing_line1 OR '
             'OLD.billing_line2 IS NOT NEW.billing_line2 OR OLD.billing_line3 IS NOT NEW.billing_line3 OR '
             'OLD.billing_city IS NOT NEW.billing_city OR OLD.billing_state IS NOT NEW.billing_state OR '
             'OLD.billing_postal_code IS NOT NEW.billing_postal_code OR OLD.billing_country IS NOT '
             'NEW.billing_country OR OLD.shipping_line1 IS NOT NEW.shipping_line1 OR OLD.shipping_line2 IS NOT '
             'NEW.shipping_line2 OR OLD.shipping_line3 IS NOT NEW.shipping_line3 OR OLD.shipping_city IS NOT '
             'NEW.shipping_city OR OLD.shipping_state IS NOT NEW.shipping_state OR OLD.shipping_postal_code IS '
             'NOT NEW.shipping_postal_code OR OLD.shipping_country IS NOT NEW.shipping_country OR OLD.balance '
             'IS NOT NEW.balance OR OLD.vendor_type_qbd_id IS NOT NEW.vendor_type_qbd_id OR '
             'OLD.vendor_type_name IS NOT NEW.vendor_type_name OR OLD.terms_qbd_id IS NOT NEW.terms_qbd_id OR '
             'OLD.terms_name IS NOT NEW.terms_name OR OLD.currency_qbd_id IS NOT NEW.currency_qbd_id OR '
             'OLD.currency_name IS NOT NEW.currency_name OR OLD.sales_tax_code_qbd_id IS NOT '
             'NEW.sales_tax_code_qbd_id OR OLD.sales_tax_code_name IS NOT NEW.sales_tax_code_name OR '
             'OLD.account_number IS NOT NEW.account_number OR OLD.credit_limit IS NOT NEW.credit_limit OR '
             'OLD.tax_identification_number IS NOT NEW.tax_identification_number OR OLD.is_eligible_for_1099 '
             'IS NOT NEW.is_eligible_for_1099 OR OLD.note IS NOT NEW.note OR OLD.external_id IS NOT '
             'NEW.external_id) BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('vendors', NEW.id, "
             "NEW.qbd_id, 'update', rtrim(CASE WHEN OLD.qbd_id IS NOT NEW.qbd_id THEN 'qbd_id,' ELSE '' END || "
             "CASE WHEN OLD.qbd_revision_number IS NOT NEW.qbd_revision_number THEN 'qbd_revision_number,' "
             "ELSE '' END || CASE WHEN OLD.qbd_created_at IS NOT NEW.qbd_created_at THEN 'qbd_created_at,' "
             "ELSE '' END || CASE WHEN OLD.qbd_updated_at IS NOT NEW.qbd_updated_at THEN 'qbd_updated_at,' "
             "ELSE '' END || CASE WHEN OLD.synced_at IS NOT NEW.synced_at THEN 'synced_at,' ELSE '' END || "
             "CASE WHEN OLD.name IS NOT NEW.name THEN 'name,' ELSE '' END || CASE WHEN OLD.is_active IS NOT "
             "NEW.is_active THEN 'is_active,' ELSE '' END || CASE WHEN OLD.company_name IS NOT "
             "NEW.company_name THEN 'company_name,' ELSE '' END || CASE WHEN OLD.first_name IS NOT "
             "NEW.first_name THEN 'first_name,' ELSE '' END || CASE WHEN OLD.last_name IS NOT NEW.last_name "
             "THEN 'last_name,' ELSE '' END || CASE WHEN OLD.email IS NOT NEW.email THEN 'email,' ELSE '' END "
             "|| CASE WHEN OLD.phone IS NOT NEW.phone THEN 'phone,' ELSE '' END || CASE WHEN "
             "OLD.alternate_phone IS NOT NEW.alternate_phone THEN 'alternate_phone,' ELSE '' END || CASE WHEN "
             "OLD.fax IS NOT NEW.fax THEN 'fax,' ELSE '' END || CASE WHEN OLD.contact IS NOT NEW.contact THEN "
             "'contact,' ELSE '' END || CASE WHEN OLD.name_on_check IS NOT NEW.name_on_check THEN "
             "'name_on_check,' ELSE '' END || CASE WHEN OLD.billing_line1 IS NOT NEW.billing_line1 THEN "
             "'billing_line1,' ELSE '' END || CASE WHEN OLD.billing_line2 IS NOT NEW.billing_line2 THEN "
             "'billing_line2,' ELSE '' END || CASE WHEN OLD.billing_line3 IS NOT NEW.billing_line3 THEN "
             "'billing_line3,' ELSE '' END || CASE WHEN OLD.billing_city IS NOT NEW.billing_city THEN "
             "'billing_city,' ELSE '' END || CASE WHEN OLD.billing_state IS NOT NEW.billing_state THEN "
             "'billing_state,' ELSE '' END || CASE WHEN OLD.billing_postal_code IS NOT NEW.billing_postal_code "
             "THEN 'billing_postal_code,' ELSE '' END || CASE WHEN OLD.billing_country IS NOT "
             "NEW.billing_country THEN 'billing_country,' ELSE '' END || CASE WHEN OLD.shipping_line1 IS NOT "
             "NEW.shipping_line1 THEN 'shipping_line1,' ELSE '' END || CASE WHEN OLD.shipping_line2 IS NOT "
             "NEW.shipping_line2 THEN 'shipping_line2,' ELSE '' END || CASE WHEN OLD.shipping_line3 IS NOT "
             "NEW.shipping_line3 THEN 'shipping_line3,' ELSE '' END || CASE WHEN OLD.shipping_city IS NOT "
             "NEW.shipping_city THEN 'shipping_city,' ELSE '' END || CASE WHEN OLD.shipping_state IS NOT "
             "NEW.shipping_state THEN 'shipping_state,' ELSE '' END || CASE WHEN OLD.shipping_postal_code IS "
             "NOT NEW.shipping_postal_code THEN 'shipping_postal_code,' ELSE '' END || CASE WHEN "
             "OLD.shipping_country IS NOT NEW.shipping_country THEN 'shipping_country,' ELSE '' END || CASE "
             "WHEN OLD.balance IS NOT NEW.balance THEN 'balance,' ELSE '' END || CASE WHEN "
             "OLD.vendor_type_qbd_id IS NOT NEW.vendor_type_qbd_id THEN 'vendor_type_qbd_id,' ELSE '' END || "
             "CASE WHEN OLD.vendor_type_name IS NOT NEW.vendor_type_name THEN 'vendor_type_name,' ELSE '' END "
             "|| CASE WHEN OLD.terms_qbd_id IS NOT NEW.terms_qbd_id THEN 'terms_qbd_id,' ELSE '' END || CASE "
             "WHEN OLD.terms_name IS NOT NEW.terms_name THEN 'terms_name,' ELSE '' END || CASE WHEN "
             "OLD.currency_qbd_id IS NOT NEW.currency_qbd_id THEN 'currency_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.currency_name IS NOT NEW.currency_name THEN 'currency_name,' ELSE '' END || CASE WHEN "
             "OLD.sales_tax_code_qbd_id IS NOT NEW.sales_tax_code_qbd_id THEN 'sales_tax_code_qbd_id,' ELSE '' "
             'END || CASE WHEN OLD.sales_tax_code_name IS NOT NEW.sales_tax_code_name THEN '
             "'sales_tax_code_name,' ELSE '' END || CASE WHEN OLD.account_number IS NOT NEW.account_number "
             "THEN 'account_number,' ELSE '' END || CASE WHEN OLD.credit_limit IS NOT NEW.credit_limit THEN "
             "'credit_limit,' ELSE '' END || CASE WHEN OLD.tax_identification_number IS NOT "
             "NEW.tax_identification_number THEN 'tax_identification_number,' ELSE '' END || CASE WHEN "
             "OLD.is_eligible_for_1099 IS NOT NEW.is_eligible_for_1099 THEN 'is_eligible_for_1099,' ELSE '' "
             "END || CASE WHEN OLD.note IS NOT NEW.note THEN 'note,' ELSE '' END || CASE WHEN OLD.external_id "
             "IS NOT NEW.external_id THEN 'external_id,' ELSE '' END, ','), strftime('%Y-%m-%d %H:%M:%f', "
             "'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); UPDATE vendors SET updated_at = "
             "strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = NEW.id; END"),
            ('CREATE TRIGGER vendors_capture_delete AFTER DELETE ON vendors WHEN (SELECT sync_writer FROM '
             'sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('vendors', OLD.id, "
             "OLD.qbd_id, 'delete', NULL, strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, "
             "strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER items_capture_insert AFTER INSERT ON items WHEN (SELECT sync_writer FROM '
             'sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('items', NEW.id, "
             "NEW.qbd_id, 'insert', NULL, strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, "
             "strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER items_capture_update AFTER UPDATE ON items WHEN (SELECT sync_writer FROM '
             'sync_context WHERE id = 1) = 0 AND (OLD.qbd_id IS NOT NEW.qbd_id OR OLD.qbd_revision_number IS '
             'NOT NEW.qbd_revision_number OR OLD.qbd_created_at IS NOT NEW.qbd_created_at OR '
             'OLD.qbd_updated_at IS NOT NEW.qbd_updated_at OR OLD.synced_at IS NOT NEW.synced_at OR '
             'OLD.item_type IS NOT NEW.item_type OR OLD.name IS NOT NEW.name OR OLD.full_name IS NOT '
             'NEW.full_name OR OLD.is_active IS NOT NEW.is_active OR OLD.parent_qbd_id IS NOT '
             'NEW.parent_qbd_id OR OLD.parent_name IS NOT NEW.parent_name OR OLD.sublevel IS NOT NEW.sublevel '
             'OR OLD.sku IS NOT NEW.sku OR OLD.barcode IS NOT NEW.barcode OR OLD.sales_description IS NOT '
             'NEW.sales_description OR OLD.purchase_description IS NOT NEW.purchase_description OR '
             'OLD.sales_price IS NOT NEW.sales_price OR OLD.price_percent IS NOT NEW.price_percent OR '
             'OLD.purchase_cost IS NOT NEW.purchase_cost OR OLD.average_cost IS NOT NEW.average_cost OR '
             'OLD.quantity_on_hand IS NOT NEW.quantity_on_hand OR OLD.quantity_on_purchase_order IS NOT '
             'NEW.quantity_on_purchase_order OR OLD.quantity_on_sales_order IS NOT NEW.quantity_on_sales_order '
             'OR OLD.reorder_point IS NOT NEW.reorder_point OR OLD.maximum_quantity_on_hand IS NOT '
             'NEW.maximum_quantity_on_hand OR OLD.discount_rate IS NOT NEW.discount_rate OR '
             'OLD.discount_rate_percent IS NOT NEW.discount_rate_percent OR OLD.income_account_qbd_id IS NOT '
             'NEW.income_account_qbd_id OR OLD.income_account_name IS NOT NEW.income_account_name OR '
             'OLD.expense_account_qbd_id IS NOT NEW.expense_account_qbd_id OR OLD.expense_account_name IS NOT '
             'NEW.expense_account_name OR OLD.posting_account_qbd_id IS NOT NEW.posting_account_qbd_id OR '
             'OLD.posting_account_name IS NOT NEW.posting_account_name OR OLD.cogs_account_qbd_id IS NOT '
             'NEW.cogs_account_qbd_id OR OLD.cogs_account_name IS NOT NEW.cogs_account_name OR '
             'OLD.asset_account_qbd_id IS NOT NEW.asset_account_qbd_id OR OLD.asset_account_name IS NOT '
             'NEW.asset_account_name OR OLD.preferred_vendor_qbd_id IS NOT NEW.preferred_vendor_qbd_id OR '
             'OLD.preferred_vendor_name IS NOT NEW.preferred_vendor_name OR OLD.sales_tax_code_qbd_id IS NOT '
             'NEW.sales_tax_code_qbd_id OR OLD.sales_tax_code_name IS NOT NEW.sales_tax_code_name OR '
             'OLD.purchase_tax_code_qbd_id IS NOT NEW.purchase_tax_code_qbd_id OR OLD.purchase_tax_code_name '
             'IS NOT NEW.purchase_tax_code_name OR OLD.unit_of_measure_set_qbd_id IS NOT '
             'NEW.unit_of_measure_set_qbd_id OR OLD.unit_of_measure_set_name IS NOT '
             'NEW.unit_of_measure_set_name OR OLD.class_qbd_id IS NOT NEW.class_qbd_id OR OLD.class_name IS '
             'NOT NEW.class_name OR OLD.external_id IS NOT NEW.external_id) BEGIN INSERT INTO wms_changes '
             '(entity, row_id, qbd_id, operation, changed_fields, changed_at, status, attempts, '
             "next_attempt_at) VALUES ('items', NEW.id, NEW.qbd_id, 'update', rtrim(CASE WHEN OLD.qbd_id IS "
             "NOT NEW.qbd_id THEN 'qbd_id,' ELSE '' END || CASE WHEN OLD.qbd_revision_number IS NOT "
             "NEW.qbd_revision_number THEN 'qbd_revision_number,' ELSE '' END || CASE WHEN OLD.qbd_created_at "
             "IS NOT NEW.qbd_created_at THEN 'qbd_created_at,' ELSE '' END || CASE WHEN OLD.qbd_updated_at IS "
             "NOT NEW.qbd_updated_at THEN 'qbd_updated_at,' ELSE '' END || CASE WHEN OLD.synced_at IS NOT "
             "NEW.synced_at THEN 'synced_at,' ELSE '' END || CASE WHEN OLD.item_type IS NOT NEW.item_type THEN "
             "'item_type,' ELSE '' END || CASE WHEN OLD.name IS NOT NEW.name THEN 'name,' ELSE '' END || CASE "
             "WHEN OLD.full_name IS NOT NEW.full_name THEN 'full_name,' ELSE '' END || CASE WHEN OLD.is_active "
             "IS NOT NEW.is_active THEN 'is_active,' ELSE '' END || CASE WHEN OLD.parent_qbd_id IS NOT "
             "NEW.parent_qbd_id THEN 'parent_qbd_id,' ELSE '' END || CASE WHEN OLD.parent_name IS NOT "
             "NEW.parent_name THEN 'parent_name,' ELSE '' END || CASE WHEN OLD.sublevel IS NOT NEW.sublevel "
             "THEN 'sublevel,' ELSE '' END || CASE WHEN OLD.sku IS NOT NEW.sku THEN 'sku,' ELSE '' END || CASE "
             "WHEN OLD.barcode IS NOT NEW.barcode THEN 'barcode,' ELSE '' END || CASE WHEN "
             "OLD.sales_description IS NOT NEW.sales_description THEN 'sales_description,' ELSE '' END || CASE "
             "WHEN OLD.purchase_description IS NOT NEW.purchase_description THEN 'purchase_description,' ELSE "
             "'' END || CASE WHEN OLD.sales_price IS NOT NEW.sales_price THEN 'sales_price,' ELSE '' END || "
             "CASE WHEN OLD.price_percent IS NOT NEW.price_percent THEN 'price_percent,' ELSE '' END || CASE "
             "WHEN OLD.purchase_cost IS NOT NEW.purchase_cost THEN 'purchase_cost,' ELSE '' END || CASE WHEN "
             "OLD.average_cost IS NOT NEW.average_cost THEN 'average_cost,' ELSE '' END || CASE WHEN "
             "OLD.quantity_on_hand IS NOT NEW.quantity_on_hand THEN 'quantity_on_hand,' ELSE '' END || CASE "
             'WHEN OLD.quantity_on_purchase_order IS NOT NEW.quantity_on_purchase_order THEN '
             "'quantity_on_purchase_order,' ELSE '' END || CASE WHEN OLD.quantity_on_sales_order IS NOT "
             "NEW.quantity_on_sales_order THEN 'quantity_on_sales_order,' ELSE '' END || CASE WHEN "
             "OLD.reorder_point IS NOT NEW.reorder_point THEN 'reorder_point,' ELSE '' END || CASE WHEN "
             'OLD.maximum_quantity_on_hand IS NOT NEW.maximum_quantity_on_hand THEN '
             "'maximum_quantity_on_hand,' ELSE '' END || CASE WHEN OLD.discount_rate IS NOT NEW.discount_rate "
             "THEN 'discount_rate,' ELSE '' END || CASE WHEN OLD.discount_rate_percent IS NOT "
             "NEW.discount_rate_percent THEN 'discount_rate_percent,' ELSE '' END || CASE WHEN "
             "OLD.income_account_qbd_id IS NOT NEW.income_account_qbd_id THEN 'income_account_qbd_id,' ELSE '' "
             'END || CASE WHEN OLD.income_account_name IS NOT NEW.income_account_name THEN '
             "'income_account_name,' ELSE '' END || CASE WHEN OLD.expense_account_qbd_id IS NOT "
             "NEW.expense_account_qbd_id THEN 'expense_account_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.expense_account_name IS NOT NEW.expense_account_name THEN 'expense_account_name,' ELSE '' "
             'END || CASE WHEN OLD.posting_account_qbd_id IS NOT NEW.posting_account_qbd_id THEN '
             "'posting_account_qbd_id,' ELSE '' END || CASE WHEN OLD.posting_account_name IS NOT "
             "NEW.posting_account_name THEN 'posting_account_name,' ELSE '' END || CASE WHEN "
             "OLD.cogs_account_qbd_id IS NOT NEW.cogs_account_qbd_id THEN 'cogs_account_qbd_id,' ELSE '' END "
             "|| CASE WHEN OLD.cogs_account_name IS NOT NEW.cogs_account_name THEN 'cogs_account_name,' ELSE "
             "'' END || CASE WHEN OLD.asset_account_qbd_id IS NOT NEW.asset_account_qbd_id THEN "
             "'asset_account_qbd_id,' ELSE '' END || CASE WHEN OLD.asset_account_name IS NOT "
             "NEW.asset_account_name THEN 'asset_account_name,' ELSE '' END || CASE WHEN "
             "OLD.preferred_vendor_qbd_id IS NOT NEW.preferred_vendor_qbd_id THEN 'preferred_vendor_qbd_id,' "
             "ELSE '' END || CASE WHEN OLD.preferred_vendor_name IS NOT NEW.preferred_vendor_name THEN "
             "'preferred_vendor_name,' ELSE '' END || CASE WHEN OLD.sales_tax_code_qbd_id IS NOT "
             "NEW.sales_tax_code_qbd_id THEN 'sales_tax_code_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.sales_tax_code_name IS NOT NEW.sales_tax_code_name THEN 'sales_tax_code_name,' ELSE '' END "
             '|| CASE WHEN OLD.purchase_tax_code_qbd_id IS NOT NEW.purchase_tax_code_qbd_id THEN '
             "'purchase_tax_code_qbd_id,' ELSE '' END || CASE WHEN OLD.purchase_tax_code_name IS NOT "
             "NEW.purchase_tax_code_name THEN 'purchase_tax_code_name,' ELSE '' END || CASE WHEN "
             'OLD.unit_of_measure_set_qbd_id IS NOT NEW.unit_of_measure_set_qbd_id THEN '
             "'unit_of_measure_set_qbd_id,' ELSE '' END || CASE WHEN OLD.unit_of_measure_set_name IS NOT "
             "NEW.unit_of_measure_set_name THEN 'unit_of_measure_set_name,' ELSE '' END || CASE WHEN "
             "OLD.class_qbd_id IS NOT NEW.class_qbd_id THEN 'class_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.class_name IS NOT NEW.class_name THEN 'class_name,' ELSE '' END || CASE WHEN OLD.external_id "
             "IS NOT NEW.external_id THEN 'external_id,' ELSE '' END, ','), strftime('%Y-%m-%d %H:%M:%f', "
             "'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); UPDATE items SET updated_at = "
             "strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = NEW.id; END"),
            ('CREATE TRIGGER items_capture_delete AFTER DELETE ON items WHEN (SELECT sync_writer FROM '
             'sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('items', OLD.id, "
             "OLD.qbd_id, 'delete', NULL, strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, "
             "strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER sales_orders_capture_insert AFTER INSERT ON sales_orders WHEN (SELECT sync_writer '
             'FROM sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, '
             'operation, changed_fields, changed_at, status, attempts, next_attempt_at) VALUES '
             "('sales_orders', NEW.id, NEW.qbd_id, 'insert', NULL, strftime('%Y-%m-%d %H:%M:%f', 'now'), "
             "'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER sales_orders_capture_update AFTER UPDATE ON sales_orders WHEN (SELECT sync_writer '
             'FROM sync_context WHERE id = 1) = 0 AND (OLD.qbd_id IS NOT NEW.qbd_id OR OLD.qbd_revision_number '
             'IS NOT NEW.qbd_revision_number OR OLD.qbd_created_at IS NOT NEW.qbd_created_at OR '
             'OLD.qbd_updated_at IS NOT NEW.qbd_updated_at OR OLD.synced_at IS NOT NEW.synced_at OR '
             'OLD.ref_number IS NOT NEW.ref_number OR OLD.customer_qbd_id IS NOT NEW.customer_qbd_id OR '
             'OLD.customer_name IS NOT NEW.customer_name OR OLD.transaction_date IS NOT NEW.transaction_date '
             'OR OLD.due_date IS NOT NEW.due_date OR OLD.shipping_date IS NOT NEW.shipping_date OR '
             'OLD.billing_line1 IS NOT NEW.billing_line1 OR OLD.billing_line2 IS NOT NEW.billing_line2 OR '
             'OLD.billing_line3 IS NOT NEW.billing_line3 OR OLD.billing_city IS NOT NEW.billing_city OR '
             'OLD.billing_state IS NOT NEW.billing_state OR OLD.billing_postal_code IS NOT '
             'NEW.billing_postal_code OR OLD.billing_country IS NOT NEW.billing_country OR OLD.shipping_line1 '
             'IS NOT NEW.shipping_line1 OR OLD.shipping_line2 IS NOT NEW.shipping_line2 OR OLD.shipping_line3 '
             'IS NOT NEW.shipping_line3 OR OLD.shipping_city IS NOT NEW.shipping_city OR OLD.shipping_state IS '
             'NOT NEW.shipping_state OR OLD.shipping_postal_code IS NOT NEW.shipping_postal_code OR '
             'OLD.shipping_country IS NOT NEW.shipping_country OR OLD.purchase_order_number IS NOT '
             'NEW.purchase_order_number OR OLD.subtotal IS NOT NEW.subtotal OR OLD.sales_tax_total IS NOT '
             'NEW.sales_tax_total OR OLD.sales_tax_percentage IS NOT NEW.sales_tax_percentage OR '
             'OLD.total_amount IS NOT NEW.total_amount OR OLD.is_fully_invoiced IS NOT NEW.is_fully_invoiced '
             'OR OLD.is_manually_closed IS NOT NEW.is_manually_closed OR OLD.memo IS NOT NEW.memo OR '
             'OLD.terms_qbd_id IS NOT NEW.terms_qbd_id OR OLD.terms_name IS NOT NEW.terms_name OR '
             'OLD.sales_representative_qbd_id IS NOT NEW.sales_representative_qbd_id OR '
             'OLD.sales_representative_name IS NOT NEW.sales_representative_name OR OLD.shipping_method_qbd_id '
             'IS NOT NEW.shipping_method_qbd_id OR OLD.shipping_method_name IS NOT NEW.shipping_method_name OR '
             'OLD.sales_tax_code_qbd_id IS NOT NEW.sales_tax_code_qbd_id OR OLD.sales_tax_code_name IS NOT '
             'NEW.sales_tax_code_name OR OLD.sales_tax_item_qbd_id IS NOT NEW.sales_tax_item_qbd_id OR '
             'OLD.sales_tax_item_name IS NOT NEW.sales_tax_item_name OR OLD.class_qbd_id IS NOT '
             'NEW.class_qbd_id OR OLD.class_name IS NOT NEW.class_name OR OLD.external_id IS NOT '
             'NEW.external_id) BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('sales_orders', NEW.id, "
             "NEW.qbd_id, 'update', rtrim(CASE WHEN OLD.qbd_id IS NOT NEW.qbd_id THEN 'qbd_id,' ELSE '' END || "
             "CASE WHEN OLD.qbd_revision_number IS NOT NEW.qbd_revision_number THEN 'qbd_revision_number,' "
             "ELSE '' END || CASE WHEN OLD.qbd_created_at IS NOT NEW.qbd_created_at THEN 'qbd_created_at,' "
             "ELSE '' END || CASE WHEN OLD.qbd_updated_at IS NOT NEW.qbd_updated_at THEN 'qbd_updated_at,' "
             "ELSE '' END || CASE WHEN OLD.synced_at IS NOT NEW.synced_at THEN 'synced_at,' ELSE '' END || "
             "CASE WHEN OLD.ref_number IS NOT NEW.ref_number THEN 'ref_number,' ELSE '' END || CASE WHEN "
             "OLD.customer_qbd_id IS NOT NEW.customer_qbd_id THEN 'customer_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.customer_name IS NOT NEW.customer_name THEN 'customer_name,' ELSE '' END || CASE WHEN "
             "OLD.transaction_date IS NOT NEW.transaction_date THEN 'transaction_date,' ELSE '' END || CASE "
             "WHEN OLD.due_date IS NOT NEW.due_date THEN 'due_date,' ELSE '' END || CASE WHEN "
             "OLD.shipping_date IS NOT NEW.shipping_date THEN 'shipping_date,' ELSE '' END || CASE WHEN "
             "OLD.billing_line1 IS NOT NEW.billing_line1 THEN 'billing_line1,' ELSE '' END || CASE WHEN "
             "OLD.billing_line2 IS NOT NEW.billing_line2 THEN 'billing_line2,' ELSE '' END || CASE WHEN "
             "OLD.billing_line3 IS NOT NEW.billing_line3 THEN 'billing_line3,' ELSE '' END || CASE WHEN "
             "OLD.billing_city IS NOT NEW.billing_city THEN 'billing_city,' ELSE '' END || CASE WHEN "
             "OLD.billing_state IS NOT NEW.billing_state THEN 'billing_state,' ELSE '' END || CASE WHEN "
             "OLD.billing_postal_code IS NOT NEW.billing_postal_code THEN 'billing_postal_code,' ELSE '' END "
             "|| CASE WHEN OLD.billing_country IS NOT NEW.billing_country THEN 'billing_country,' ELSE '' END "
             "|| CASE WHEN OLD.shipping_line1 IS NOT NEW.shipping_line1 THEN 'shipping_line1,' ELSE '' END || "
             "CASE WHEN OLD.shipping_line2 IS NOT NEW.shipping_line2 THEN 'shipping_line2,' ELSE '' END || "
             "CASE WHEN OLD.shipping_line3 IS NOT NEW.shipping_line3 THEN 'shipping_line3,' ELSE '' END || "
             "CASE WHEN OLD.shipping_city IS NOT NEW.shipping_city THEN 'shipping_city,' ELSE '' END || CASE "
             "WHEN OLD.shipping_state IS NOT NEW.shipping_state THEN 'shipping_state,' ELSE '' END || CASE "
             "WHEN OLD.shipping_postal_code IS NOT NEW.shipping_postal_code THEN 'shipping_postal_code,' ELSE "
             "'' END || CASE WHEN OLD.shipping_country IS NOT NEW.shipping_country THEN 'shipping_country,' "
             "ELSE '' END || CASE WHEN OLD.purchase_order_number IS NOT NEW.purchase_order_number THEN "
             "'purchase_order_number,' ELSE '' END || CASE WHEN OLD.subtotal IS NOT NEW.subtotal THEN "
             "'subtotal,' ELSE '' END || CASE WHEN OLD.sales_tax_total IS NOT NEW.sales_tax_total THEN "
             "'sales_tax_total,' ELSE '' END || CASE WHEN OLD.sales_tax_percentage IS NOT "
             "NEW.sales_tax_percentage THEN 'sales_tax_percentage,' ELSE '' END || CASE WHEN OLD.total_amount "
             "IS NOT NEW.total_amount THEN 'total_amount,' ELSE '' END || CASE WHEN OLD.is_fully_invoiced IS "
             "NOT NEW.is_fully_invoiced THEN 'is_fully_invoiced,' ELSE '' END || CASE WHEN "
             "OLD.is_manually_closed IS NOT NEW.is_manually_closed THEN 'is_manually_closed,' ELSE '' END || "
             "CASE WHEN OLD.memo IS NOT NEW.memo THEN 'memo,' ELSE '' END || CASE WHEN OLD.terms_qbd_id IS NOT "
             "NEW.terms_qbd_id THEN 'terms_qbd_id,' ELSE '' END || CASE WHEN OLD.terms_name IS NOT "
             "NEW.terms_name THEN 'terms_name,' ELSE '' END || CASE WHEN OLD.sales_representative_qbd_id IS "
             "NOT NEW.sales_representative_qbd_id THEN 'sales_representative_qbd_id,' ELSE '' END || CASE WHEN "
             'OLD.sales_representative_name IS NOT NEW.sales_representative_name THEN '
             "'sales_representative_name,' ELSE '' END || CASE WHEN OLD.shipping_method_qbd_id IS NOT "
             "NEW.shipping_method_qbd_id THEN 'shipping_method_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.shipping_method_name IS NOT NEW.shipping_method_name THEN 'shipping_method_name,' ELSE '' "
             'END || CASE WHEN OLD.sales_tax_code_qbd_id IS NOT NEW.sales_tax_code_qbd_id THEN '
             "'sales_tax_code_qbd_id,' ELSE '' END || CASE WHEN OLD.sales_tax_code_name IS NOT "
             "NEW.sales_tax_code_name THEN 'sales_tax_code_name,' ELSE '' END || CASE WHEN "
             "OLD.sales_tax_item_qbd_id IS NOT NEW.sales_tax_item_qbd_id THEN 'sales_tax_item_qbd_id,' ELSE '' "
             'END || CASE WHEN OLD.sales_tax_item_name IS NOT NEW.sales_tax_item_name THEN '
             "'sales_tax_item_name,' ELSE '' END || CASE WHEN OLD.class_qbd_id IS NOT NEW.class_qbd_id THEN "
             "'class_qbd_id,' ELSE '' END || CASE WHEN OLD.class_name IS NOT NEW.class_name THEN 'class_name,' "
             "ELSE '' END || CASE WHEN OLD.external_id IS NOT NEW.external_id THEN 'external_id,' ELSE '' END, "
             "','), strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); "
             "UPDATE sales_orders SET updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = NEW.id; END"),
            ('CREATE TRIGGER sales_orders_capture_delete AFTER DELETE ON sales_orders WHEN (SELECT sync_writer '
             'FROM sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, '
             'operation, changed_fields, changed_at, status, attempts, next_attempt_at) VALUES '
             "('sales_orders', OLD.id, OLD.qbd_id, 'delete', NULL, strftime('%Y-%m-%d %H:%M:%f', 'now'), "
             "'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER sales_order_lines_capture_insert AFTER INSERT ON sales_order_lines WHEN (SELECT '
             'sync_writer FROM sync_context WHERE id = 1) = 0 AND EXISTS (SELECT 1 FROM sales_orders WHERE id '
             '= NEW.header_id) BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('sales_orders', "
             "NEW.header_id, (SELECT qbd_id FROM sales_orders WHERE id = NEW.header_id), 'update', 'lines', "
             "strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER sales_order_lines_capture_update AFTER UPDATE ON sales_order_lines WHEN (SELECT '
             'sync_writer FROM sync_context WHERE id = 1) = 0 AND (OLD.header_id IS NOT NEW.header_id OR '
             'OLD.line_number IS NOT NEW.line_number OR OLD.qbd_line_id IS NOT NEW.qbd_line_id OR '
             'OLD.item_qbd_id IS NOT NEW.item_qbd_id OR OLD.item_name IS NOT NEW.item_name OR OLD.description '
             'IS NOT NEW.description OR OLD.quantity IS NOT NEW.quantity OR OLD.unit_of_measure IS NOT '
             'NEW.unit_of_measure OR OLD.rate IS NOT NEW.rate OR OLD.amount IS NOT NEW.amount OR '
             'OLD.sales_tax_code_qbd_id IS NOT NEW.sales_tax_code_qbd_id OR OLD.sales_tax_code_name IS NOT '
             'NEW.sales_tax_code_name OR OLD.quantity_invoiced IS NOT NEW.quantity_invoiced OR '
             'OLD.is_manually_closed IS NOT NEW.is_manually_closed) AND EXISTS (SELECT 1 FROM sales_orders '
             'WHERE id = NEW.header_id) BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('sales_orders', "
             "NEW.header_id, (SELECT qbd_id FROM sales_orders WHERE id = NEW.header_id), 'update', 'lines', "
             "strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); "
             "UPDATE sales_order_lines SET updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = "
             'NEW.id; END'),
            ('CREATE TRIGGER sales_order_lines_capture_delete AFTER DELETE ON sales_order_lines WHEN (SELECT '
             'sync_writer FROM sync_context WHERE id = 1) = 0 AND EXISTS (SELECT 1 FROM sales_orders WHERE id '
             '= OLD.header_id) BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('sales_orders', "
             "OLD.header_id, (SELECT qbd_id FROM sales_orders WHERE id = OLD.header_id), 'update', 'lines', "
             "strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER purchase_orders_capture_insert AFTER INSERT ON purchase_orders WHEN (SELECT '
             'sync_writer FROM sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, row_id, '
             'qbd_id, operation, changed_fields, changed_at, status, attempts, next_attempt_at) VALUES '
             "('purchase_orders', NEW.id, NEW.qbd_id, 'insert', NULL, strftime('%Y-%m-%d %H:%M:%f', 'now'), "
             "'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER purchase_orders_capture_update AFTER UPDATE ON purchase_orders WHEN (SELECT '
             'sync_writer FROM sync_context WHERE id = 1) = 0 AND (OLD.qbd_id IS NOT NEW.qbd_id OR '
             'OLD.qbd_revision_number IS NOT NEW.qbd_revision_number OR OLD.qbd_created_at IS NOT '
             'NEW.qbd_created_at OR OLD.qbd_updated_at IS NOT NEW.qbd_updated_at OR OLD.synced_at IS NOT '
             'NEW.synced_at OR OLD.ref_number IS NOT NEW.ref_number OR OLD.vendor_qbd_id IS NOT '
             'NEW.vendor_qbd_id OR OLD.vendor_name IS NOT NEW.vendor_name OR OLD.transaction_date IS NOT '
             'NEW.transaction_date OR OLD.due_date IS NOT NEW.due_date OR OLD.expected_date IS NOT '
             'NEW.expected_date OR OLD.vendor_address_line1 IS NOT NEW.vendor_address_line1 OR '
             'OLD.vendor_address_line2 IS NOT NEW.vendor_address_line2 OR OLD.vendor_address_line3 IS NOT '
             'NEW.vendor_address_line3 OR OLD.vendor_address_city IS NOT NEW.vendor_address_city OR '
             'OLD.vendor_address_state IS NOT NEW.vendor_address_state OR OLD.vendor_address_postal_code IS '
             'NOT NEW.vendor_address_postal_code OR OLD.vendor_address_country IS NOT '
             'NEW.vendor_address_country OR OLD.shipping_line1 IS NOT NEW.shipping_line1 OR OLD.shipping_line2 '
             'IS NOT NEW.shipping_line2 OR OLD.shipping_line3 IS NOT NEW.shipping_line3 OR OLD.shipping_city '
             'IS NOT NEW.shipping_city OR OLD.shipping_state IS NOT NEW.shipping_state OR '
             'OLD.shipping_postal_code IS NOT NEW.shipping_postal_code OR OLD.shipping_country IS NOT '
             'NEW.shipping_country OR OLD.total_amount IS NOT NEW.total_amount OR OLD.is_fully_received IS NOT '
             'NEW.is_fully_received OR OLD.is_manually_closed IS NOT NEW.is_manually_closed OR OLD.memo IS NOT '
             'NEW.memo OR OLD.vendor_message IS NOT NEW.vendor_message OR OLD.terms_qbd_id IS NOT '
             'NEW.terms_qbd_id OR OLD.terms_name IS NOT NEW.terms_name OR OLD.shipping_method_qbd_id IS NOT '
             'NEW.shipping_method_qbd_id OR OLD.shipping_method_name IS NOT NEW.shipping_method_name OR '
             'OLD.ship_to_entity_qbd_id IS NOT NEW.ship_to_entity_qbd_id OR OLD.ship_to_entity_name IS NOT '
             'NEW.ship_to_entity_name OR OLD.class_qbd_id IS NOT NEW.class_qbd_id OR OLD.class_name IS NOT '
             'NEW.class_name OR OLD.external_id IS NOT NEW.external_id) BEGIN INSERT INTO wms_changes (entity, '
             'row_id, qbd_id, operation, changed_fields, changed_at, status, attempts, next_attempt_at) VALUES '
             "('purchase_orders', NEW.id, NEW.qbd_id, 'update', rtrim(CASE WHEN OLD.qbd_id IS NOT NEW.qbd_id "
             "THEN 'qbd_id,' ELSE '' END || CASE WHEN OLD.qbd_revision_number IS NOT NEW.qbd_revision_number "
             "THEN 'qbd_revision_number,' ELSE '' END || CASE WHEN OLD.qbd_created_at IS NOT "
             "NEW.qbd_created_at THEN 'qbd_created_at,' ELSE '' END || CASE WHEN OLD.qbd_updated_at IS NOT "
             "NEW.qbd_updated_at THEN 'qbd_updated_at,' ELSE '' END || CASE WHEN OLD.synced_at IS NOT "
             "NEW.synced_at THEN 'synced_at,' ELSE '' END || CASE WHEN OLD.ref_number IS NOT NEW.ref_number "
             "THEN 'ref_number,' ELSE '' END || CASE WHEN OLD.vendor_qbd_id IS NOT NEW.vendor_qbd_id THEN "
             "'vendor_qbd_id,' ELSE '' END || CASE WHEN OLD.vendor_name IS NOT NEW.vendor_name THEN "
             "'vendor_name,' ELSE '' END || CASE WHEN OLD.transaction_date IS NOT NEW.transaction_date THEN "
             "'transaction_date,' ELSE '' END || CASE WHEN OLD.due_date IS NOT NEW.due_date THEN 'due_date,' "
             "ELSE '' END || CASE WHEN OLD.expected_date IS NOT NEW.expected_date THEN 'expected_date,' ELSE "
             "'' END || CASE WHEN OLD.vendor_address_line1 IS NOT NEW.vendor_address_line1 THEN "
             "'vendor_address_line1,' ELSE '' END || CASE WHEN OLD.vendor_address_line2 IS NOT "
             "NEW.vendor_address_line2 THEN 'vendor_address_line2,' ELSE '' END || CASE WHEN "
             "OLD.vendor_address_line3 IS NOT NEW.vendor_address_line3 THEN 'vendor_address_line3,' ELSE '' "
             'END || CASE WHEN OLD.vendor_address_city IS NOT NEW.vendor_address_city THEN '
             "'vendor_address_city,' ELSE '' END || CASE WHEN OLD.vendor_address_state IS NOT "
             "NEW.vendor_address_state THEN 'vendor_address_state,' ELSE '' END || CASE WHEN "
             'OLD.vendor_address_postal_code IS NOT NEW.vendor_address_postal_code THEN '
             "'vendor_address_postal_code,' ELSE '' END || CASE WHEN OLD.vendor_address_country IS NOT "
             "NEW.vendor_address_country THEN 'vendor_address_country,' ELSE '' END || CASE WHEN "
             "OLD.shipping_line1 IS NOT NEW.shipping_line1 THEN 'shipping_line1,' ELSE '' END || CASE WHEN "
             "OLD.shipping_line2 IS NOT NEW.shipping_line2 THEN 'shipping_line2,' ELSE '' END || CASE WHEN "
             "OLD.shipping_line3 IS NOT NEW.shipping_line3 THEN 'shipping_line3,' ELSE '' END || CASE WHEN "
             "OLD.shipping_city IS NOT NEW.shipping_city THEN 'shipping_city,' ELSE '' END || CASE WHEN "
             "OLD.shipping_state IS NOT NEW.shipping_state THEN 'shipping_state,' ELSE '' END || CASE WHEN "
             "OLD.shipping_postal_code IS NOT NEW.shipping_postal_code THEN 'shipping_postal_code,' ELSE '' "
             "END || CASE WHEN OLD.shipping_country IS NOT NEW.shipping_country THEN 'shipping_country,' ELSE "
             "'' END || CASE WHEN OLD.total_amount IS NOT NEW.total_amount THEN 'total_amount,' ELSE '' END || "
             "CASE WHEN OLD.is_fully_received IS NOT NEW.is_fully_received THEN 'is_fully_received,' ELSE '' "
             "END || CASE WHEN OLD.is_manually_closed IS NOT NEW.is_manually_closed THEN 'is_manually_closed,' "
             "ELSE '' END || CASE WHEN OLD.memo IS NOT NEW.memo THEN 'memo,' ELSE '' END || CASE WHEN "
             "OLD.vendor_message IS NOT NEW.vendor_message THEN 'vendor_message,' ELSE '' END || CASE WHEN "
             "OLD.terms_qbd_id IS NOT NEW.terms_qbd_id THEN 'terms_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.terms_name IS NOT NEW.terms_name THEN 'terms_name,' ELSE '' END || CASE WHEN "
             "OLD.shipping_method_qbd_id IS NOT NEW.shipping_method_qbd_id THEN 'shipping_method_qbd_id,' ELSE "
             "'' END || CASE WHEN OLD.shipping_method_name IS NOT NEW.shipping_method_name THEN "
             "'shipping_method_name,' ELSE '' END || CASE WHEN OLD.ship_to_entity_qbd_id IS NOT "
             "NEW.ship_to_entity_qbd_id THEN 'ship_to_entity_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.ship_to_entity_name IS NOT NEW.ship_to_entity_name THEN 'ship_to_entity_name,' ELSE '' END "
             "|| CASE WHEN OLD.class_qbd_id IS NOT NEW.class_qbd_id THEN 'class_qbd_id,' ELSE '' END || CASE "
             "WHEN OLD.class_name IS NOT NEW.class_name THEN 'class_name,' ELSE '' END || CASE WHEN "
             "OLD.external_id IS NOT NEW.external_id THEN 'external_id,' ELSE '' END, ','), strftime('%Y-%m-%d "
             "%H:%M:%f', 'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); UPDATE purchase_orders "
             "SET updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = NEW.id; END"),
            ('CREATE TRIGGER purchase_orders_capture_delete AFTER DELETE ON purchase_orders WHEN (SELECT '
             'sync_writer FROM sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, row_id, '
             'qbd_id, operation, changed_fields, changed_at, status, attempts, next_attempt_at) VALUES '
             "('purchase_orders', OLD.id, OLD.qbd_id, 'delete', NULL, strftime('%Y-%m-%d %H:%M:%f', 'now'), "
             "'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER purchase_order_lines_capture_insert AFTER INSERT ON purchase_order_lines WHEN '
             '(SELECT sync_writer FROM sync_context WHERE id = 1) = 0 AND EXISTS (SELECT 1 FROM '
             'purchase_orders WHERE id = NEW.header_id) BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, '
             'operation, changed_fields, changed_at, status, attempts, next_attempt_at) VALUES '
             "('purchase_orders', NEW.header_id, (SELECT qbd_id FROM purchase_orders WHERE id = "
             "NEW.header_id), 'update', 'lines', strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, "
             "strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER purchase_order_lines_capture_update AFTER UPDATE ON purchase_order_lines WHEN '
             '(SELECT sync_writer FROM sync_context WHERE id = 1) = 0 AND (OLD.header_id IS NOT NEW.header_id '
             'OR OLD.line_number IS NOT NEW.line_number OR OLD.qbd_line_id IS NOT NEW.qbd_line_id OR '
             'OLD.item_qbd_id IS NOT NEW.item_qbd_id OR OLD.item_name IS NOT NEW.item_name OR OLD.description '
             'IS NOT NEW.description OR OLD.quantity IS NOT NEW.quantity OR OLD.unit_of_measure IS NOT '
             'NEW.unit_of_measure OR OLD.rate IS NOT NEW.rate OR OLD.amount IS NOT NEW.amount OR '
             'OLD.sales_tax_code_qbd_id IS NOT NEW.sales_tax_code_qbd_id OR OLD.sales_tax_code_name IS NOT '
             'NEW.sales_tax_code_name OR OLD.sku IS NOT NEW.sku OR OLD.received_quantity IS NOT '
             'NEW.received_quantity OR OLD.unbilled_quantity IS NOT NEW.unbilled_quantity OR OLD.is_billed IS '
             'NOT NEW.is_billed OR OLD.is_manually_closed IS NOT NEW.is_manually_closed OR OLD.service_date IS '
             'NOT NEW.service_date) AND EXISTS (SELECT 1 FROM purchase_orders WHERE id = NEW.header_id) BEGIN '
             'INSERT INTO wms_changes (entity, row_id, qbd_id, operation, changed_fields, changed_at, status, '
             "attempts, next_attempt_at) VALUES ('purchase_orders', NEW.header_id, (SELECT qbd_id FROM "
             "purchase_orders WHERE id = NEW.header_id), 'update', 'lines', strftime('%Y-%m-%d %H:%M:%f', "
             "'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); UPDATE purchase_order_lines SET "
             "updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = NEW.id; END"),
            ('CREATE TRIGGER purchase_order_lines_capture_delete AFTER DELETE ON purchase_order_lines WHEN '
             '(SELECT sync_writer FROM sync_context WHERE id = 1) = 0 AND EXISTS (SELECT 1 FROM '
             'purchase_orders WHERE id = OLD.header_id) BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, '
             'operation, changed_fields, changed_at, status, attempts, next_attempt_at) VALUES '
             "('purchase_orders', OLD.header_id, (SELECT qbd_id FROM purchase_orders WHERE id = "
             "OLD.header_id), 'update', 'lines', strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, "
             "strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER invoices_capture_insert AFTER INSERT ON invoices WHEN (SELECT sync_writer FROM '
             'sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('invoices', NEW.id, "
             "NEW.qbd_id, 'insert', NULL, strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, "
             "strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER invoices_capture_update AFTER UPDATE ON invoices WHEN (SELECT sync_writer FROM '
             'sync_context WHERE id = 1) = 0 AND (OLD.qbd_id IS NOT NEW.qbd_id OR OLD.qbd_revision_number IS '
             'NOT NEW.qbd_revision_number OR OLD.qbd_created_at IS NOT NEW.qbd_created_at OR '
             'OLD.qbd_updated_at IS NOT NEW.qbd_updated_at OR OLD.synced_at IS NOT NEW.synced_at OR '
             'OLD.ref_number IS NOT NEW.ref_number OR OLD.customer_qbd_id IS NOT NEW.customer_qbd_id OR '
             'OLD.customer_name IS NOT NEW.customer_name OR OLD.transaction_date IS NOT NEW.transaction_date '
             'OR OLD.due_date IS NOT NEW.due_date OR OLD.shipping_date IS NOT NEW.shipping_date OR '
             'OLD.billing_line1 IS NOT NEW.billing_line1 OR OLD.billing_line2 IS NOT NEW.billing_line2 OR '
             'OLD.billing_line3 IS NOT NEW.billing_line3 OR OLD.billing_city IS NOT NEW.billing_city OR '
             'OLD.billing_state IS NOT NEW.billing_state OR OLD.billing_postal_code IS NOT '
             'NEW.billing_postal_code OR OLD.billing_country IS NOT NEW.billing_country OR OLD.shipping_line1 '
             'IS NOT NEW.shipping_line1 OR OLD.shipping_line2 IS NOT NEW.shipping_line2 OR OLD.shipping_line3 '
             'IS NOT NEW.shipping_line3 OR OLD.shipping_city IS NOT NEW.shipping_city OR OLD.shipping_state IS '
             'NOT NEW.shipping_state OR OLD.shipping_postal_code IS NOT NEW.shipping_postal_code OR '
             'OLD.shipping_country IS NOT NEW.shipping_country OR OLD.purchase_order_number IS NOT '
             'NEW.purchase_order_number OR OLD.subtotal IS NOT NEW.subtotal OR OLD.sales_tax_total IS NOT '
             'NEW.sales_tax_total OR OLD.applied_amount IS NOT NEW.applied_amount OR OLD.balance_remaining IS '
             'NOT NEW.balance_remaining OR OLD.is_paid IS NOT NEW.is_paid OR OLD.is_pending IS NOT '
             'NEW.is_pending OR OLD.memo IS NOT NEW.memo OR OLD.terms_qbd_id IS NOT NEW.terms_qbd_id OR '
             'OLD.terms_name IS NOT NEW.terms_name OR OLD.sales_representative_qbd_id IS NOT '
             'NEW.sales_representative_qbd_id OR OLD.sales_representative_name IS NOT '
             'NEW.sales_representative_name OR OLD.receivables_account_qbd_id IS NOT '
             'NEW.receivables_account_qbd_id OR OLD.receivables_account_name IS NOT '
             'NEW.receivables_account_name OR OLD.class_qbd_id IS NOT NEW.class_qbd_id OR OLD.class_name IS '
             'NOT NEW.class_name OR OLD.external_id IS NOT NEW.external_id) BEGIN INSERT INTO wms_changes '
             '(entity, row_id, qbd_id, operation, changed_fields, changed_at, status, attempts, '
             "next_attempt_at) VALUES ('invoices', NEW.id, NEW.qbd_id, 'update', rtrim(CASE WHEN OLD.qbd_id IS "
             "NOT NEW.qbd_id THEN 'qbd_id,' ELSE '' END || CASE WHEN OLD.qbd_revision_number IS NOT "
             "NEW.qbd_revision_number THEN 'qbd_revision_number,' ELSE '' END || CASE WHEN OLD.qbd_created_at "
             "IS NOT NEW.qbd_created_at THEN 'qbd_created_at,' ELSE '' END || CASE WHEN OLD.qbd_updated_at IS "
             "NOT NEW.qbd_updated_at THEN 'qbd_updated_at,' ELSE '' END || CASE WHEN OLD.synced_at IS NOT "
             "NEW.synced_at THEN 'synced_at,' ELSE '' END || CASE WHEN OLD.ref_number IS NOT NEW.ref_number "
             "THEN 'ref_number,' ELSE '' END || CASE WHEN OLD.customer_qbd_id IS NOT NEW.customer_qbd_id THEN "
             "'customer_qbd_id,' ELSE '' END || CASE WHEN OLD.customer_name IS NOT NEW.customer_name THEN "
             "'customer_name,' ELSE '' END || CASE WHEN OLD.transaction_date IS NOT NEW.transaction_date THEN "
             "'transaction_date,' ELSE '' END || CASE WHEN OLD.due_date IS NOT NEW.due_date THEN 'due_date,' "
             "ELSE '' END || CASE WHEN OLD.shipping_date IS NOT NEW.shipping_date THEN 'shipping_date,' ELSE "
             "'' END || CASE WHEN OLD.billing_line1 IS NOT NEW.billing_line1 THEN 'billing_line1,' ELSE '' END "
             "|| CASE WHEN OLD.billing_line2 IS NOT NEW.billing_line2 THEN 'billing_line2,' ELSE '' END || "
             "CASE WHEN OLD.billing_line3 IS NOT NEW.billing_line3 THEN 'billing_line3,' ELSE '' END || CASE "
             "WHEN OLD.billing_city IS NOT NEW.billing_city THEN 'billing_city,' ELSE '' END || CASE WHEN "
             "OLD.billing_state IS NOT NEW.billing_state THEN 'billing_state,' ELSE '' END || CASE WHEN "
             "OLD.billing_postal_code IS NOT NEW.billing_postal_code THEN 'billing_postal_code,' ELSE '' END "
             "|| CASE WHEN OLD.billing_country IS NOT NEW.billing_country THEN 'billing_country,' ELSE '' END "
             "|| CASE WHEN OLD.shipping_line1 IS NOT NEW.shipping_line1 THEN 'shipping_line1,' ELSE '' END || "
             "CASE WHEN OLD.shipping_line2 IS NOT NEW.shipping_line2 THEN 'shipping_line2,' ELSE '' END || "
             "CASE WHEN OLD.shipping_line3 IS NOT NEW.shipping_line3 THEN 'shipping_line3,' ELSE '' END || "
             "CASE WHEN OLD.shipping_city IS NOT NEW.shipping_city THEN 'shipping_city,' ELSE '' END || CASE "
             "WHEN OLD.shipping_state IS NOT NEW.shipping_state THEN 'shipping_state,' ELSE '' END || CASE "
             "WHEN OLD.shipping_postal_code IS NOT NEW.shipping_postal_code THEN 'shipping_postal_code,' ELSE "
             "'' END || CASE WHEN OLD.shipping_country IS NOT NEW.shipping_country THEN 'shipping_country,' "
             "ELSE '' END || CASE WHEN OLD.purchase_order_number IS NOT NEW.purchase_order_number THEN "
             "'purchase_order_number,' ELSE '' END || CASE WHEN OLD.subtotal IS NOT NEW.subtotal THEN "
             "'subtotal,' ELSE '' END || CASE WHEN OLD.sales_tax_total IS NOT NEW.sales_tax_total THEN "
             "'sales_tax_total,' ELSE '' END || CASE WHEN OLD.applied_amount IS NOT NEW.applied_amount THEN "
             "'applied_amount,' ELSE '' END || CASE WHEN OLD.balance_remaining IS NOT NEW.balance_remaining "
             "THEN 'balance_remaining,' ELSE '' END || CASE WHEN OLD.is_paid IS NOT NEW.is_paid THEN "
             "'is_paid,' ELSE '' END || CASE WHEN OLD.is_pending IS NOT NEW.is_pending THEN 'is_pending,' ELSE "
             "'' END || CASE WHEN OLD.memo IS NOT NEW.memo THEN 'memo,' ELSE '' END || CASE WHEN "
             "OLD.terms_qbd_id IS NOT NEW.terms_qbd_id THEN 'terms_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.terms_name IS NOT NEW.terms_name THEN 'terms_name,' ELSE '' END || CASE WHEN "
             'OLD.sales_representative_qbd_id IS NOT NEW.sales_representative_qbd_id THEN '
             "'sales_representative_qbd_id,' ELSE '' END || CASE WHEN OLD.sales_representative_name IS NOT "
             "NEW.sales_representative_name THEN 'sales_representative_name,' ELSE '' END || CASE WHEN "
             'OLD.receivables_account_qbd_id IS NOT NEW.receivables_account_qbd_id THEN '
             "'receivables_account_qbd_id,' ELSE '' END || CASE WHEN OLD.receivables_account_name IS NOT "
             "NEW.receivables_account_name THEN 'receivables_account_name,' ELSE '' END || CASE WHEN "
             "OLD.class_qbd_id IS NOT NEW.class_qbd_id THEN 'class_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.class_name IS NOT NEW.class_name THEN 'class_name,' ELSE '' END || CASE WHEN OLD.external_id "
             "IS NOT NEW.external_id THEN 'external_id,' ELSE '' END, ','), strftime('%Y-%m-%d %H:%M:%f', "
             "'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); UPDATE invoices SET updated_at = "
             "strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = NEW.id; END"),
            ('CREATE TRIGGER invoices_capture_delete AFTER DELETE ON invoices WHEN (SELECT sync_writer FROM '
             'sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, '
             "changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('invoices', OLD.id, "
             "OLD.qbd_id, 'delete', NULL, strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, "
             "strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER invoice_lines_capture_insert AFTER INSERT ON invoice_lines WHEN (SELECT '
             'sync_writer FROM sync_context WHERE id = 1) = 0 AND EXISTS (SELECT 1 FROM invoices WHERE id = '
             'NEW.header_id) BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, changed_fields, '
             "changed_at, status, attempts, next_attempt_at) VALUES ('invoices', NEW.header_id, (SELECT qbd_id "
             "FROM invoices WHERE id = NEW.header_id), 'update', 'lines', strftime('%Y-%m-%d %H:%M:%f', "
             "'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER invoice_lines_capture_update AFTER UPDATE ON invoice_lines WHEN (SELECT '
             'sync_writer FROM sync_context WHERE id = 1) = 0 AND (OLD.header_id IS NOT NEW.header_id OR '
             'OLD.line_number IS NOT NEW.line_number OR OLD.qbd_line_id IS NOT NEW.qbd_line_id OR '
             'OLD.item_qbd_id IS NOT NEW.item_qbd_id OR OLD.item_name IS NOT NEW.item_name OR OLD.description '
             'IS NOT NEW.description OR OLD.quantity IS NOT NEW.quantity OR OLD.unit_of_measure IS NOT '
             'NEW.unit_of_measure OR OLD.rate IS NOT NEW.rate OR OLD.amount IS NOT NEW.amount OR '
             'OLD.sales_tax_code_qbd_id IS NOT NEW.sales_tax_code_qbd_id OR OLD.sales_tax_code_name IS NOT '
             'NEW.sales_tax_code_name OR OLD.service_date IS NOT NEW.service_date) AND EXISTS (SELECT 1 FROM '
             'invoices WHERE id = NEW.header_id) BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, '
             "operation, changed_fields, changed_at, status, attempts, next_attempt_at) VALUES ('invoices', "
             "NEW.header_id, (SELECT qbd_id FROM invoices WHERE id = NEW.header_id), 'update', 'lines', "
             "strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); "
             "UPDATE invoice_lines SET updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = NEW.id; "
             'END'),
            ('CREATE TRIGGER invoice_lines_capture_delete AFTER DELETE ON invoice_lines WHEN (SELECT '
             'sync_writer FROM sync_context WHERE id = 1) = 0 AND EXISTS (SELECT 1 FROM invoices WHERE id = '
             'OLD.header_id) BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, changed_fields, '
             "changed_at, status, attempts, next_attempt_at) VALUES ('invoices', OLD.header_id, (SELECT qbd_id "
             "FROM invoices WHERE id = OLD.header_id), 'update', 'lines', strftime('%Y-%m-%d %H:%M:%f', "
             "'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER inventory_adjustments_capture_insert AFTER INSERT ON inventory_adjustments WHEN '
             '(SELECT sync_writer FROM sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, '
             'row_id, qbd_id, operation, changed_fields, changed_at, status, attempts, next_attempt_at) VALUES '
             "('inventory_adjustments', NEW.id, NEW.qbd_id, 'insert', NULL, strftime('%Y-%m-%d %H:%M:%f', "
             "'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER inventory_adjustments_capture_update AFTER UPDATE ON inventory_adjustments WHEN '
             '(SELECT sync_writer FROM sync_context WHERE id = 1) = 0 AND (OLD.qbd_id IS NOT NEW.qbd_id OR '
             'OLD.qbd_revision_number IS NOT NEW.qbd_revision_number OR OLD.qbd_created_at IS NOT '
             'NEW.qbd_created_at OR OLD.qbd_updated_at IS NOT NEW.qbd_updated_at OR OLD.synced_at IS NOT '
             'NEW.synced_at OR OLD.ref_number IS NOT NEW.ref_number OR OLD.transaction_date IS NOT '
             'NEW.transaction_date OR OLD.account_qbd_id IS NOT NEW.account_qbd_id OR OLD.account_name IS NOT '
             'NEW.account_name OR OLD.customer_qbd_id IS NOT NEW.customer_qbd_id OR OLD.customer_name IS NOT '
             'NEW.customer_name OR OLD.inventory_site_qbd_id IS NOT NEW.inventory_site_qbd_id OR '
             'OLD.inventory_site_name IS NOT NEW.inventory_site_name OR OLD.class_qbd_id IS NOT '
             'NEW.class_qbd_id OR OLD.class_name IS NOT NEW.class_name OR OLD.memo IS NOT NEW.memo OR '
             'OLD.external_id IS NOT NEW.external_id) BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, '
             'operation, changed_fields, changed_at, status, attempts, next_attempt_at) VALUES '
             "('inventory_adjustments', NEW.id, NEW.qbd_id, 'update', rtrim(CASE WHEN OLD.qbd_id IS NOT "
             "NEW.qbd_id THEN 'qbd_id,' ELSE '' END || CASE WHEN OLD.qbd_revision_number IS NOT "
             "NEW.qbd_revision_number THEN 'qbd_revision_number,' ELSE '' END || CASE WHEN OLD.qbd_created_at "
             "IS NOT NEW.qbd_created_at THEN 'qbd_created_at,' ELSE '' END || CASE WHEN OLD.qbd_updated_at IS "
             "NOT NEW.qbd_updated_at THEN 'qbd_updated_at,' ELSE '' END || CASE WHEN OLD.synced_at IS NOT "
             "NEW.synced_at THEN 'synced_at,' ELSE '' END || CASE WHEN OLD.ref_number IS NOT NEW.ref_number "
             "THEN 'ref_number,' ELSE '' END || CASE WHEN OLD.transaction_date IS NOT NEW.transaction_date "
             "THEN 'transaction_date,' ELSE '' END || CASE WHEN OLD.account_qbd_id IS NOT NEW.account_qbd_id "
             "THEN 'account_qbd_id,' ELSE '' END || CASE WHEN OLD.account_name IS NOT NEW.account_name THEN "
             "'account_name,' ELSE '' END || CASE WHEN OLD.customer_qbd_id IS NOT NEW.customer_qbd_id THEN "
             "'customer_qbd_id,' ELSE '' END || CASE WHEN OLD.customer_name IS NOT NEW.customer_name THEN "
             "'customer_name,' ELSE '' END || CASE WHEN OLD.inventory_site_qbd_id IS NOT "
             "NEW.inventory_site_qbd_id THEN 'inventory_site_qbd_id,' ELSE '' END || CASE WHEN "
             "OLD.inventory_site_name IS NOT NEW.inventory_site_name THEN 'inventory_site_name,' ELSE '' END "
             "|| CASE WHEN OLD.class_qbd_id IS NOT NEW.class_qbd_id THEN 'class_qbd_id,' ELSE '' END || CASE "
             "WHEN OLD.class_name IS NOT NEW.class_name THEN 'class_name,' ELSE '' END || CASE WHEN OLD.memo "
             "IS NOT NEW.memo THEN 'memo,' ELSE '' END || CASE WHEN OLD.external_id IS NOT NEW.external_id "
             "THEN 'external_id,' ELSE '' END, ','), strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, "
             "strftime('%Y-%m-%d %H:%M:%f', 'now')); UPDATE inventory_adjustments SET updated_at = "
             "strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = NEW.id; END"),
            ('CREATE TRIGGER inventory_adjustments_capture_delete AFTER DELETE ON inventory_adjustments WHEN '
             '(SELECT sync_writer FROM sync_context WHERE id = 1) = 0 BEGIN INSERT INTO wms_changes (entity, '
             'row_id, qbd_id, operation, changed_fields, changed_at, status, attempts, next_attempt_at) VALUES '
             "('inventory_adjustments', OLD.id, OLD.qbd_id, 'delete', NULL, strftime('%Y-%m-%d %H:%M:%f', "
             "'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER inventory_adjustment_lines_capture_insert AFTER INSERT ON '
             'inventory_adjustment_lines WHEN (SELECT sync_writer FROM sync_context WHERE id = 1) = 0 AND '
             'EXISTS (SELECT 1 FROM inventory_adjustments WHERE id = NEW.header_id) BEGIN INSERT INTO '
             'wms_changes (entity, row_id, qbd_id, operation, changed_fields, changed_at, status, attempts, '
             "next_attempt_at) VALUES ('inventory_adjustments', NEW.header_id, (SELECT qbd_id FROM "
             "inventory_adjustments WHERE id = NEW.header_id), 'update', 'lines', strftime('%Y-%m-%d "
             "%H:%M:%f', 'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
            ('CREATE TRIGGER inventory_adjustment_lines_capture_update AFTER UPDATE ON '
             'inventory_adjustment_lines WHEN (SELECT sync_writer FROM sync_context WHERE id = 1) = 0 AND '
             '(OLD.header_id IS NOT NEW.header_id OR OLD.line_number IS NOT NEW.line_number OR OLD.qbd_line_id '
             'IS NOT NEW.qbd_line_id OR OLD.item_qbd_id IS NOT NEW.item_qbd_id OR OLD.item_name IS NOT '
             'NEW.item_name OR OLD.quantity_difference IS NOT NEW.quantity_difference OR OLD.value_difference '
             'IS NOT NEW.value_difference OR OLD.serial_number IS NOT NEW.serial_number OR OLD.lot_number IS '
             'NOT NEW.lot_number) AND EXISTS (SELECT 1 FROM inventory_adjustments WHERE id = NEW.header_id) '
             'BEGIN INSERT INTO wms_changes (entity, row_id, qbd_id, operation, changed_fields, changed_at, '
             "status, attempts, next_attempt_at) VALUES ('inventory_adjustments', NEW.header_id, (SELECT "
             "qbd_id FROM inventory_adjustments WHERE id = NEW.header_id), 'update', 'lines', "
             "strftime('%Y-%m-%d %H:%M:%f', 'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); "
             "UPDATE inventory_adjustment_lines SET updated_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id "
             '= NEW.id; END'),
            ('CREATE TRIGGER inventory_adjustment_lines_capture_delete AFTER DELETE ON '
             'inventory_adjustment_lines WHEN (SELECT sync_writer FROM sync_context WHERE id = 1) = 0 AND '
             'EXISTS (SELECT 1 FROM inventory_adjustments WHERE id = OLD.header_id) BEGIN INSERT INTO '
             'wms_changes (entity, row_id, qbd_id, operation, changed_fields, changed_at, status, attempts, '
             "next_attempt_at) VALUES ('inventory_adjustments', OLD.header_id, (SELECT qbd_id FROM "
             "inventory_adjustments WHERE id = OLD.header_id), 'update', 'lines', strftime('%Y-%m-%d "
             "%H:%M:%f', 'now'), 'pending', 0, strftime('%Y-%m-%d %H:%M:%f', 'now')); END"),
        ],
    }[bind.dialect.name]:
        bind.exec_driver_sql(statement)


def downgrade() -> None:
    bind = op.get_bind()
    for statement in {
        'postgresql': [
            'DROP TRIGGER IF EXISTS customers_capture ON customers',
            'DROP TRIGGER IF EXISTS customers_touch ON customers',
            'DROP TRIGGER IF EXISTS vendors_capture ON vendors',
            'DROP TRIGGER IF EXISTS vendors_touch ON vendors',
            'DROP TRIGGER IF EXISTS items_capture ON items',
            'DROP TRIGGER IF EXISTS items_touch ON items',
            'DROP TRIGGER IF EXISTS sales_orders_capture ON sales_orders',
            'DROP TRIGGER IF EXISTS sales_orders_touch ON sales_orders',
            'DROP TRIGGER IF EXISTS sales_order_lines_capture ON sales_order_lines',
            'DROP TRIGGER IF EXISTS sales_order_lines_touch ON sales_order_lines',
            'DROP TRIGGER IF EXISTS purchase_orders_capture ON purchase_orders',
            'DROP TRIGGER IF EXISTS purchase_orders_touch ON purchase_orders',
            'DROP TRIGGER IF EXISTS purchase_order_lines_capture ON purchase_order_lines',
            'DROP TRIGGER IF EXISTS purchase_order_lines_touch ON purchase_order_lines',
            'DROP TRIGGER IF EXISTS invoices_capture ON invoices',
            'DROP TRIGGER IF EXISTS invoices_touch ON invoices',
            'DROP TRIGGER IF EXISTS invoice_lines_capture ON invoice_lines',
            'DROP TRIGGER IF EXISTS invoice_lines_touch ON invoice_lines',
            'DROP TRIGGER IF EXISTS inventory_adjustments_capture ON inventory_adjustments',
            'DROP TRIGGER IF EXISTS inventory_adjustments_touch ON inventory_adjustments',
            'DROP TRIGGER IF EXISTS inventory_adjustment_lines_capture ON inventory_adjustment_lines',
            'DROP TRIGGER IF EXISTS inventory_adjustment_lines_touch ON inventory_adjustment_lines',
            'DROP FUNCTION IF EXISTS qbd_capture_header()',
            'DROP FUNCTION IF EXISTS qbd_capture_line()',
            'DROP FUNCTION IF EXISTS qbd_touch()',
        ],
        'sqlite': [
            'DROP TRIGGER IF EXISTS customers_capture_insert',
            'DROP TRIGGER IF EXISTS customers_capture_update',
            'DROP TRIGGER IF EXISTS customers_capture_delete',
            'DROP TRIGGER IF EXISTS vendors_capture_insert',
            'DROP TRIGGER IF EXISTS vendors_capture_update',
            'DROP TRIGGER IF EXISTS vendors_capture_delete',
            'DROP TRIGGER IF EXISTS items_capture_insert',
            'DROP TRIGGER IF EXISTS items_capture_update',
            'DROP TRIGGER IF EXISTS items_capture_delete',
            'DROP TRIGGER IF EXISTS sales_orders_capture_insert',
            'DROP TRIGGER IF EXISTS sales_orders_capture_update',
            'DROP TRIGGER IF EXISTS sales_orders_capture_delete',
            'DROP TRIGGER IF EXISTS sales_order_lines_capture_insert',
            'DROP TRIGGER IF EXISTS sales_order_lines_capture_update',
            'DROP TRIGGER IF EXISTS sales_order_lines_capture_delete',
            'DROP TRIGGER IF EXISTS purchase_orders_capture_insert',
            'DROP TRIGGER IF EXISTS purchase_orders_capture_update',
            'DROP TRIGGER IF EXISTS purchase_orders_capture_delete',
            'DROP TRIGGER IF EXISTS purchase_order_lines_capture_insert',
            'DROP TRIGGER IF EXISTS purchase_order_lines_capture_update',
            'DROP TRIGGER IF EXISTS purchase_order_lines_capture_delete',
            'DROP TRIGGER IF EXISTS invoices_capture_insert',
            'DROP TRIGGER IF EXISTS invoices_capture_update',
            'DROP TRIGGER IF EXISTS invoices_capture_delete',
            'DROP TRIGGER IF EXISTS invoice_lines_capture_insert',
            'DROP TRIGGER IF EXISTS invoice_lines_capture_update',
            'DROP TRIGGER IF EXISTS invoice_lines_capture_delete',
            'DROP TRIGGER IF EXISTS inventory_adjustments_capture_insert',
            'DROP TRIGGER IF EXISTS inventory_adjustments_capture_update',
            'DROP TRIGGER IF EXISTS inventory_adjustments_capture_delete',
            'DROP TRIGGER IF EXISTS inventory_adjustment_lines_capture_insert',
            'DROP TRIGGER IF EXISTS inventory_adjustment_lines_capture_update',
            'DROP TRIGGER IF EXISTS inventory_adjustment_lines_capture_delete',
        ],
    }[bind.dialect.name]:
        bind.exec_driver_sql(statement)
