"""Cases where the WMS and QuickBooks used to disagree silently (issue: a sync you can leave running).

Each test drives production paths only: WMS edits in plain SQL, QuickBooks edits through the SDK
against the emulator (with its clock set as a QuickBooks PC's would be), the real pull assets and
push-back job. Each ends by checking that both sides agree.
"""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import httpx

from qbd_pipeline.conductor import client as client_module
from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.pushback.helpers import changes, conflicts, loaded, push, row, sql
from qbd_pipeline_tests.quickbooks.pull_helpers import HEADERS, control, pull
from qbd_pipeline_tests.wms_compare import differences

EU = {"conductor_end_user_id": END_USER}


def _at(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def test_a_newer_revision_with_an_older_clock_is_news(server, wms):
    """QuickBooks' PC clock was reset: the new version is stamped before the one the WMS holds."""
    loaded(server, wms)
    client = sdk_client(server)
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now=_at(datetime.fromisoformat(item.updated_at) - timedelta(days=3)))
    client.qbd.inventory_items.update(item.id, revision_number=item.revision_number, sales_price="41.00", **EU)
    after = client.qbd.inventory_items.retrieve(item.id, **EU)
    assert after.updated_at < item.updated_at and after.revision_number != item.revision_number
    # The first partition read again whole: every record, the edited one included, however it is stamped.
    assert pull(server, wms, config={"refetch": True}).success
    assert row(wms, "items", qbd_id=item.id)["sales_price"] == Decimal("41.00")
    assert differences(server.emulator, END_USER, wms.engine(), ["items"]) == []


def test_a_wms_edit_later_than_a_quickbooks_edit_stamped_by_a_clock_set_back_wins(server, wms):
    """The demo's case: QuickBooks' clock an hour behind, both sides change the price; latest wins."""
    loaded(server, wms)
    client = sdk_client(server)
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now=_at(datetime.now(timezone.utc) - timedelta(hours=1)))
    client.qbd.inventory_items.update(item.id, revision_number=item.revision_number, sales_price="41.00", **EU)
    sql(wms, "UPDATE items SET sales_price = 42.50 WHERE qbd_id = :q", q=item.id)
    assert pull(server, wms).success  # the pull arrives first and merges
    assert push(server, wms).success
    assert client.qbd.inventory_items.retrieve(item.id, **EU).sales_price == "42.50"
    assert [(c["field"], c["winner"], c["rule"]) for c in conflicts(wms)] == [("sales_price", "wms", "latest_wins")]
    assert differences(server.emulator, END_USER, wms.engine(), ["items"]) == []
    assert changes(wms, status="pending") == []


def test_a_decision_is_made_once_and_a_later_pull_does_not_reverse_it(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    vendor = client.qbd.vendors.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now="2026-11-02T03:10:00+00:00")
    edited = client.qbd.vendors.update(vendor.id, revision_number=vendor.revision_number, phone="555-1000", **EU)
    sql(wms, "UPDATE vendors SET phone = '555-2000' WHERE qbd_id = :q", q=vendor.id)
    sql(wms, "UPDATE wms_changes SET changed_at = '2026-11-02 03:15:00'")  # the WMS edit came later: it wins
    assert pull(server, wms, "2026-11-02").success
    assert [(c["field"], c["winner"]) for c in conflicts(wms)] == [("phone", "wms")]
    # QuickBooks then edits another field, stamped after the WMS edit of the phone.
    control(server, "POST", "clock", now="2026-11-02T03:50:00+00:00")
    client.qbd.vendors.update(vendor.id, revision_number=edited.revision_number, fax="555-3000", **EU)
    assert pull(server, wms, "2026-11-02").success
    assert row(wms, "vendors", qbd_id=vendor.id)["phone"] == "555-2000"  # not flipped by the newer record time
    assert push(server, wms).success
    after = client.qbd.vendors.retrieve(vendor.id, **EU)
    assert (after.phone, after.fax) == ("555-2000", "555-3000")
    assert [(c["field"], c["winner"]) for c in conflicts(wms)] == [("phone", "wms")]  # decided once, recorded once
    assert differences(server.emulator, END_USER, wms.engine(), ["vendors"]) == []


def test_a_tie_between_the_two_edit_times_keeps_quickbooks(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    vendor = client.qbd.vendors.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE vendors SET phone = '555-2000' WHERE qbd_id = :q", q=vendor.id)
    moment = datetime.now(timezone.utc).replace(microsecond=0)
    sql(wms, "UPDATE wms_changes SET changed_at = :t", t=moment)  # the WMS edit, to the second
    control(server, "POST", "clock", now=_at(moment))
    client.qbd.vendors.update(vendor.id, revision_number=vendor.revision_number, phone="555-1000", **EU)
    assert push(server, wms).success
    assert client.qbd.vendors.retrieve(vendor.id, **EU).phone == "555-1000"
    assert row(wms, "vendors", qbd_id=vendor.id)["phone"] == "555-1000"
    assert [(c["field"], c["winner"]) for c in conflicts(wms)] == [("phone", "qbd")]


def _order_with_lines(client, count=2):
    return next(o for o in client.qbd.purchase_orders.list(**EU).data if len(o.lines) >= count)


def test_a_wms_line_edit_later_than_a_quickbooks_edit_of_another_line_both_survive(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    order = _order_with_lines(client)
    first, second = order.lines[0], order.lines[1]
    control(server, "POST", "clock", now=_at(datetime.now(timezone.utc) - timedelta(hours=1)))
    lines = [{"id": ln.id} for ln in order.lines]
    lines[0]["quantity"] = 11
    client.qbd.purchase_orders.update(order.id, revision_number=order.revision_number, lines=lines, **EU)
    header = row(wms, "purchase_orders", qbd_id=order.id)
    sql(wms, "UPDATE purchase_order_lines SET quantity = 22 WHERE header_id = :h AND qbd_line_id = :l",
        h=header["id"], l=second.id)
    assert push(server, wms).success
    after = client.qbd.purchase_orders.retrieve(order.id, **EU)
    assert [(ln.id, ln.quantity) for ln in after.lines[:2]] == [(first.id, 11), (second.id, 22)]
    assert differences(server.emulator, END_USER, wms.engine(), ["purchase_orders"]) == []


def test_the_same_line_edited_on_both_sides_goes_to_the_later_edit_by_the_line_time(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    order = _order_with_lines(client, 1)
    control(server, "POST", "clock", now=_at(datetime.now(timezone.utc) - timedelta(hours=1)))
    lines = [{"id": ln.id} for ln in order.lines]
    lines[0]["quantity"] = 11
    client.qbd.purchase_orders.update(order.id, revision_number=order.revision_number, lines=lines, **EU)
    header = row(wms, "purchase_orders", qbd_id=order.id)
    sql(wms, "UPDATE purchase_order_lines SET quantity = 33 WHERE header_id = :h AND line_number = 1",
        h=header["id"])
    assert row(wms, "purchase_orders", qbd_id=order.id)["updated_at"] < datetime.now(timezone.utc) - timedelta(
        hours=2)  # the header itself is old: only the line moved
    assert push(server, wms).success
    assert client.qbd.purchase_orders.retrieve(order.id, **EU).lines[0].quantity == 33
    assert [(c["field"].split(".")[-1], c["winner"]) for c in conflicts(wms)] == [("quantity", "wms")]


def test_a_wms_line_edit_made_while_the_push_is_in_flight_is_kept_and_pushed_next(server, wms, monkeypatch):
    loaded(server, wms)
    client = sdk_client(server)
    order = _order_with_lines(client)
    header = row(wms, "purchase_orders", qbd_id=order.id)
    sql(wms, "UPDATE purchase_orders SET memo = 'first edit' WHERE id = :h", h=header["id"])
    original = client_module.QuickBooks.call

    def call_while_the_warehouse_edits_a_line(self, method, path, body=None, params=None):
        if method == "post":
            sql(wms, "UPDATE purchase_order_lines SET quantity = 44 WHERE header_id = :h AND line_number = 2",
                h=header["id"])
        return original(self, method, path, body, params)

    monkeypatch.setattr(client_module.QuickBooks, "call", call_while_the_warehouse_edits_a_line)
    assert push(server, wms).success
    monkeypatch.setattr(client_module.QuickBooks, "call", original)
    with wms.engine().connect() as connection:
        import sqlalchemy as sa
        quantity = connection.execute(sa.text("SELECT quantity FROM purchase_order_lines WHERE header_id = :h "
                                              "AND line_number = 2"), {"h": header["id"]}).scalar()
    assert float(quantity) == 44  # the write-back did not put QuickBooks' line back
    assert [c["status"] for c in changes(wms)] == ["pushed", "pending"]
    assert push(server, wms).success
    after = client.qbd.purchase_orders.retrieve(order.id, **EU)
    assert (after.memo, after.lines[1].quantity) == ("first edit", 44)
    assert differences(server.emulator, END_USER, wms.engine(), ["purchase_orders"]) == []


def test_a_wms_edit_of_an_invoice_is_replaced_by_quickbooks_values_and_says_so(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    invoice = client.qbd.invoices.list(limit=1, **EU).data[0]
    header = row(wms, "invoices", qbd_id=invoice.id)
    sql(wms, "UPDATE invoices SET memo = 'edited in the WMS' WHERE qbd_id = :q", q=invoice.id)
    sql(wms, "UPDATE invoice_lines SET description = 'changed' WHERE header_id = :h", h=header["id"])
    assert push(server, wms).success
    assert client.qbd.invoices.retrieve(invoice.id, **EU).memo == invoice.memo  # nothing sent
    assert row(wms, "invoices", qbd_id=invoice.id)["memo"] == invoice.memo  # restored
    assert {c["status"] for c in changes(wms)} == {"skipped"}
    assert all("restored" in c["last_error"] for c in changes(wms))
    assert differences(server.emulator, END_USER, wms.engine(), ["invoices"]) == []


def test_a_sales_order_whose_create_answer_was_lost_is_linked_and_gets_quickbooks_version(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    customer = next(c for c in client.qbd.customers.list(**EU).data if c.terms is not None and c.is_active)
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    sql(wms, "INSERT INTO sales_orders (customer_qbd_id, transaction_date, memo) VALUES (:c, '2026-11-02', 'lost')",
        c=customer.id)
    order = row(wms, "sales_orders", memo="lost")
    assert order["terms_qbd_id"] is None
    sql(wms, "INSERT INTO sales_order_lines (header_id, line_number, item_qbd_id, quantity) VALUES (:h, 1, :i, 3)",
        h=order["id"], i=item.id)
    control(server, "POST", "faults", kind="drop_after_commit", method="POST", path_contains="/sales-orders")
    assert push(server, wms).success
    linked = row(wms, "sales_orders", id=order["id"])
    made = client.qbd.sales_orders.retrieve(linked["qbd_id"], **EU)
    assert [c["status"] for c in changes(wms)] == ["pushed", "pushed"]
    assert linked["terms_qbd_id"] == made.terms.id == customer.terms.id  # QuickBooks' version, in the WMS
    log = httpx.get(f"{server.root_url}/_emulator/requests", headers=HEADERS).json()["data"]
    rejected = [e for e in log if e["method"] == "POST" and 400 <= e["status"] < 600 and "/sales-orders" in e["path"]]
    assert rejected == []  # no empty reference (termsId "") was ever sent
    stock = client.qbd.inventory_items.retrieve(item.id, **EU).quantity_on_sales_order
    assert float(row(wms, "items", qbd_id=item.id)["quantity_on_sales_order"]) == stock
    assert differences(server.emulator, END_USER, wms.engine(), ["sales_orders"]) == []
