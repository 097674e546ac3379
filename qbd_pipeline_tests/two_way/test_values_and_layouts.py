"""Values the two sides store differently, and record layouts: nothing changed or dropped silently."""

from decimal import Decimal

from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.pushback.helpers import changes, conflicts, loaded, push, row, sql
from qbd_pipeline_tests.quickbooks.pull_helpers import control, pull
from qbd_pipeline_tests.wms_compare import differences

EU = {"conductor_end_user_id": END_USER}


def test_a_second_quickbooks_edit_after_a_pull_merged_the_first_is_not_overwritten(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    vendor = client.qbd.vendors.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now="2026-11-02T05:05:00+00:00")
    first = client.qbd.vendors.update(vendor.id, revision_number=vendor.revision_number, fax="555-0001", **EU)
    sql(wms, "UPDATE vendors SET phone = '555-2000' WHERE qbd_id = :q", q=vendor.id)  # pending
    assert pull(server, wms, "2026-11-02").success  # merges QuickBooks' fax into the WMS
    control(server, "POST", "clock", now="2026-11-02T05:20:00+00:00")
    client.qbd.vendors.update(vendor.id, revision_number=first.revision_number, fax="555-0002", **EU)
    assert push(server, wms).success
    after = client.qbd.vendors.retrieve(vendor.id, **EU)
    assert (after.phone, after.fax) == ("555-2000", "555-0002")
    assert conflicts(wms) == []  # the WMS never edited the fax: no conflict to invent


def test_prices_keep_every_decimal_place_quickbooks_has(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    order = next(o for o in client.qbd.purchase_orders.list(**EU).data if o.lines)
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    lines = [{"id": ln.id} for ln in order.lines]
    lines[0]["rate"] = "1.23456"
    client.qbd.purchase_orders.update(order.id, revision_number=order.revision_number, lines=lines, **EU)
    client.qbd.inventory_items.update(item.id, revision_number=item.revision_number, sales_price="2.34567", **EU)
    assert pull(server, wms, "2026-11-02").success
    assert row(wms, "items", qbd_id=item.id)["sales_price"] == Decimal("2.34567")
    sql(wms, "UPDATE items SET reorder_point = 3 WHERE qbd_id = :q", q=item.id)  # an unrelated WMS edit
    header = row(wms, "purchase_orders", qbd_id=order.id)
    sql(wms, "UPDATE purchase_orders SET memo = 'unrelated' WHERE id = :h", h=header["id"])
    assert push(server, wms).success
    assert client.qbd.inventory_items.retrieve(item.id, **EU).sales_price == "2.34567"
    assert client.qbd.purchase_orders.retrieve(order.id, **EU).lines[0].rate == "1.23456"
    assert differences(server.emulator, END_USER, wms.engine(), ["items", "purchase_orders"]) == []


def test_an_amount_with_more_decimal_places_than_the_wms_keeps_is_an_error_not_a_rounding(server, wms):
    from qbd_pipeline.spec.entities import RESOURCES_BY_PATH
    from qbd_pipeline.spec.mapping import MAPPINGS
    from qbd_pipeline.sync.load import load_batch

    loaded(server, wms)
    vendor = sdk_client(server).qbd.vendors.list(limit=1, **EU).data[0]
    raw = {**vendor.model_dump(by_alias=True, mode="json"), "creditLimit": "100.555", "revisionNumber": "99"}
    with wms.engine().begin() as connection:
        stats = load_batch(connection, MAPPINGS["vendors"], RESOURCES_BY_PATH["vendors"], [raw], company=END_USER)
    [error] = stats.errors
    assert stats.failed == 1 and "credit_limit" in error.message and "decimal places" in error.message


def test_clearing_a_text_field_on_a_line_clears_it_in_quickbooks(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    order = next(o for o in client.qbd.purchase_orders.list(**EU).data if o.lines and o.lines[0].description)
    header = row(wms, "purchase_orders", qbd_id=order.id)
    sql(wms, "UPDATE purchase_order_lines SET description = NULL WHERE header_id = :h AND line_number = 1",
        h=header["id"])
    assert push(server, wms).success
    assert not client.qbd.purchase_orders.retrieve(order.id, **EU).lines[0].description
    assert [c["status"] for c in changes(wms)] == ["pushed"]


def test_a_cleared_value_the_api_cannot_clear_is_put_back_and_recorded(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    vendor = next(v for v in client.qbd.vendors.list(**EU).data if v.credit_limit is not None and v.terms)
    sql(wms, "UPDATE vendors SET credit_limit = NULL, terms_qbd_id = NULL WHERE qbd_id = :q", q=vendor.id)
    assert push(server, wms).success
    after = client.qbd.vendors.retrieve(vendor.id, **EU)
    stored = row(wms, "vendors", qbd_id=vendor.id)
    assert (after.credit_limit, after.terms.id) == (vendor.credit_limit, vendor.terms.id)  # nothing sent
    assert (str(stored["credit_limit"]), stored["terms_qbd_id"]) != ("None", None)  # put back in the WMS
    recorded = {c["field"]: (c["winner"], c["rule"]) for c in conflicts(wms)}
    assert recorded == {"credit_limit": ("qbd", "cannot_clear_in_quickbooks"),
                        "terms_qbd_id": ("qbd", "cannot_clear_in_quickbooks")}


def test_a_value_the_quickbooks_type_has_no_field_for_is_put_back_and_recorded(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    discount = client.qbd.discount_items.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE items SET purchase_cost = 9.99 WHERE qbd_id = :q", q=discount.id)
    assert push(server, wms).success
    assert row(wms, "items", qbd_id=discount.id)["purchase_cost"] is None
    assert [(c["field"], c["rule"]) for c in conflicts(wms)] == [("purchase_cost", "no_such_field_in_quickbooks")]


def test_a_service_item_with_one_price_and_a_posting_account_is_created(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    service = next(s for s in client.qbd.service_items.list(**EU).data if s.sales_or_purchase_details)
    account = service.sales_or_purchase_details.posting_account.id
    sql(wms, "INSERT INTO items (item_type, name, full_name, is_active, sales_price, posting_account_qbd_id) "
             "VALUES ('service', 'Install Labor', 'Install Labor', true, 75.00, :a)", a=account)
    assert push(server, wms).success
    [change] = changes(wms)
    assert change["status"] == "pushed", change["last_error"]
    made = client.qbd.service_items.retrieve(row(wms, "items", name="Install Labor")["qbd_id"], **EU)
    assert (made.sales_or_purchase_details.price, made.sales_or_purchase_details.posting_account.id) == (
        "75.00", account)


def test_a_sub_customer_of_a_customer_made_in_the_same_run_is_created_under_it(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    sql(wms, "INSERT INTO customers (name, full_name, is_active) VALUES ('New Parent Co', 'New Parent Co', true)")
    sql(wms, "INSERT INTO customers (name, full_name, is_active, parent_name) VALUES "
             "('Job 1', 'New Parent Co:Job 1', true, 'New Parent Co')")
    assert push(server, wms).success
    assert {c["status"] for c in changes(wms)} == {"pushed"}
    [job] = client.qbd.customers.list(name_contains="Job 1", **EU).data
    assert job.full_name == "New Parent Co:Job 1"
    assert row(wms, "customers", name="Job 1")["parent_qbd_id"] == row(wms, "customers", name="New Parent Co")["qbd_id"]


def test_a_record_re_created_by_name_after_a_wms_delete_gets_quickbooks_edits_again(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    vendor = client.qbd.vendors.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now="2026-11-02T05:05:00+00:00")
    sql(wms, "DELETE FROM vendors WHERE qbd_id = :q", q=vendor.id)
    assert push(server, wms).success
    sql(wms, "INSERT INTO vendors (name, is_active) VALUES (:n, true)", n=vendor.name)
    assert push(server, wms).success
    assert row(wms, "vendors", name=vendor.name)["qbd_id"] == vendor.id  # linked to the same record again
    control(server, "POST", "clock", now="2026-11-02T05:20:00+00:00")
    current = client.qbd.vendors.retrieve(vendor.id, **EU)
    client.qbd.vendors.update(vendor.id, revision_number=current.revision_number, phone="555-4242", **EU)
    assert pull(server, wms, "2026-11-02").success
    assert row(wms, "vendors", name=vendor.name)["phone"] == "555-4242"


def test_a_wms_delete_of_an_order_quickbooks_edited_meanwhile_is_recorded(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    order = client.qbd.purchase_orders.list(limit=1, **EU).data[0]
    client.qbd.purchase_orders.update(order.id, revision_number=order.revision_number, memo="QB: urgent", **EU)
    sql(wms, "DELETE FROM purchase_orders WHERE qbd_id = :q", q=order.id)
    assert push(server, wms).success
    assert [(c["field"], c["winner"], c["rule"]) for c in conflicts(wms)] == [("(record)", "wms", "deleted_in_wms")]
    deleted = client.qbd.deleted_transactions.list(transaction_types=["purchase_order"], **EU).data
    assert order.id in {d.id for d in deleted}


def test_an_update_refused_as_not_found_is_not_taken_for_a_deleted_record(server, wms, monkeypatch):
    """QuickBooks answers 3120 also for a line id or a reference it lacks: the record is read again before
    anyone concludes it was deleted."""
    from qbd_pipeline.conductor import client as client_module
    from qbd_pipeline.conductor.errors import Rejected

    loaded(server, wms)
    vendor = sdk_client(server).qbd.vendors.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE vendors SET phone = '555-3120' WHERE qbd_id = :q", q=vendor.id)
    original = client_module.QuickBooks.call

    def refuse_the_update(self, method, path, body=None, params=None):
        if method == "post":
            raise Rejected('QBD Request Error (3120): Object "X" specified in the request cannot be found.',
                           code="3120", status=502)
        return original(self, method, path, body, params)

    monkeypatch.setattr(client_module.QuickBooks, "call", refuse_the_update)
    assert push(server, wms).success
    [change] = changes(wms)
    assert change["status"] == "failed" and "3120" in change["last_error"]
    assert row(wms, "vendors", qbd_id=vendor.id)["qbd_deleted_at"] is None
