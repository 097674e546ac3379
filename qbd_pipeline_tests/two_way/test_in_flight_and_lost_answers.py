"""Edits made while a request is in flight, and requests whose answer was lost, on both dialects."""

import threading
import time

import httpx
import pytest
import sqlalchemy as sa

from qbd_pipeline.conductor import client as client_module
from qbd_pipeline.sync.push import writeback as writeback_module
from qbd_pipeline_tests.conftest import END_USER, POSTGRES_URL, sdk_client
from qbd_pipeline_tests.pushback.helpers import changes, conflicts, loaded, push, row, sql
from qbd_pipeline_tests.quickbooks.pull_helpers import HEADERS, control, pull
from qbd_pipeline_tests.wms_compare import differences

EU = {"conductor_end_user_id": END_USER}


def _edit_during_post(monkeypatch, wms, statement: str, **values) -> None:
    """The warehouse writes `statement` while the push's write request is in flight."""
    original = client_module.QuickBooks.call

    def call(self, method, path, body=None, params=None):
        answer = original(self, method, path, body, params)
        if method == "post":
            sql(wms, statement, **values)
        return answer

    monkeypatch.setattr(client_module.QuickBooks, "call", call)


def test_an_edit_in_flight_does_not_make_the_next_push_undo_quickbooks_edits(server, wms, monkeypatch):
    loaded(server, wms)
    client = sdk_client(server)
    vendor = client.qbd.vendors.list(limit=1, **EU).data[0]
    client.qbd.vendors.update(vendor.id, revision_number=vendor.revision_number, fax="555-3000", **EU)  # not pulled
    sql(wms, "UPDATE vendors SET phone = '555-2000' WHERE qbd_id = :q", q=vendor.id)
    _edit_during_post(monkeypatch, wms, "UPDATE vendors SET email = 'x@example.com' WHERE qbd_id = :q",
                      q=vendor.id)
    assert push(server, wms).success
    monkeypatch.undo()
    assert row(wms, "vendors", qbd_id=vendor.id)["fax"] == "555-3000"  # QuickBooks' edit reached the WMS
    assert push(server, wms).success
    after = client.qbd.vendors.retrieve(vendor.id, **EU)
    assert (after.phone, after.email, after.fax) == ("555-2000", "x@example.com", "555-3000")
    assert conflicts(wms) == []
    assert differences(server.emulator, END_USER, wms.engine(), ["vendors"]) == []


def test_a_line_edit_in_flight_does_not_make_the_next_push_undo_quickbooks_line_edits(server, wms, monkeypatch):
    loaded(server, wms)
    client = sdk_client(server)
    order = next(o for o in client.qbd.purchase_orders.list(**EU).data if len(o.lines) >= 2)
    lines = [{"id": ln.id} for ln in order.lines]
    lines[0]["quantity"] = 11
    client.qbd.purchase_orders.update(order.id, revision_number=order.revision_number, lines=lines, **EU)
    header = row(wms, "purchase_orders", qbd_id=order.id)
    sql(wms, "UPDATE purchase_orders SET memo = 'wms memo' WHERE id = :h", h=header["id"])
    _edit_during_post(monkeypatch, wms, "UPDATE purchase_order_lines SET quantity = 44 WHERE header_id = :h AND "
                                   "line_number = 2", h=header["id"])
    assert push(server, wms).success
    monkeypatch.undo()
    assert push(server, wms).success
    after = client.qbd.purchase_orders.retrieve(order.id, **EU)
    assert (after.memo, after.lines[0].quantity, after.lines[1].quantity) == ("wms memo", 11, 44)
    assert differences(server.emulator, END_USER, wms.engine(), ["purchase_orders"]) == []


def test_a_row_deleted_while_its_create_is_in_flight_is_deactivated_and_never_comes_back(server, wms, monkeypatch):
    loaded(server, wms)
    client = sdk_client(server)
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    sql(wms, "INSERT INTO vendors (name, is_active) VALUES ('Inflight Vendor', true)")
    _edit_during_post(monkeypatch, wms, "DELETE FROM vendors WHERE name = 'Inflight Vendor'")
    assert push(server, wms).success
    monkeypatch.undo()
    assert push(server, wms).success
    [made] = client.qbd.vendors.list(name_contains="Inflight", status="all", **EU).data
    assert made.is_active is False
    assert pull(server, wms, "2026-11-02").success
    with wms.engine().connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM vendors WHERE name = 'Inflight Vendor'")).scalar() == 0
    assert {c["status"] for c in changes(wms)} == {"pushed"}


def test_an_edit_made_while_its_create_is_in_flight_survives_a_pull_and_is_pushed(server, wms, monkeypatch):
    loaded(server, wms)
    client = sdk_client(server)
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    sql(wms, "INSERT INTO vendors (name, is_active, phone) VALUES ('Inflight Two', true, '555-0001')")
    _edit_during_post(monkeypatch, wms, "UPDATE vendors SET email = 'wms@example.com' WHERE name = 'Inflight Two'")
    assert push(server, wms).success
    monkeypatch.undo()
    made = client.qbd.vendors.retrieve(row(wms, "vendors", name="Inflight Two")["qbd_id"], **EU)
    control(server, "POST", "clock", now="2026-11-02T05:20:00+00:00")
    client.qbd.vendors.update(made.id, revision_number=made.revision_number, fax="555-9999", **EU)
    assert pull(server, wms, "2026-11-02").success
    assert row(wms, "vendors", name="Inflight Two")["email"] == "wms@example.com"
    assert push(server, wms).success
    after = client.qbd.vendors.retrieve(made.id, **EU)
    assert (after.email, after.fax) == ("wms@example.com", "555-9999")


def test_a_lost_answer_to_an_update_that_adds_a_line_does_not_add_it_twice(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    order = next(o for o in client.qbd.purchase_orders.list(**EU).data if o.lines)
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    header = row(wms, "purchase_orders", qbd_id=order.id)
    sql(wms, "INSERT INTO purchase_order_lines (header_id, line_number, item_qbd_id, quantity, rate) "
             "VALUES (:h, 99, :i, 7, 3.00)", h=header["id"], i=item.id)
    control(server, "POST", "faults", kind="drop_after_commit", method="POST",
            path_contains=f"/purchase-orders/{order.id}")
    assert push(server, wms).success
    after = client.qbd.purchase_orders.retrieve(order.id, **EU)
    assert len(after.lines) == len(order.lines) + 1
    assert [c["status"] for c in changes(wms)] == ["pushed"]
    assert differences(server.emulator, END_USER, wms.engine(), ["purchase_orders"]) == []


def test_a_lost_create_answer_of_an_inactive_vendor_is_found_and_linked(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    sql(wms, "INSERT INTO vendors (name, is_active) VALUES ('Dormant Supply', false)")
    control(server, "POST", "faults", kind="drop_after_commit", method="POST", path_contains="/vendors")
    assert push(server, wms).success
    assert pull(server, wms, "2026-11-02").success
    with wms.engine().connect() as connection:
        rows = connection.execute(sa.text("SELECT qbd_id FROM vendors WHERE name = 'Dormant Supply'")).all()
    assert len(rows) == 1 and rows[0].qbd_id
    assert [c["status"] for c in changes(wms)] == ["pushed"]
    assert len(client.qbd.vendors.list(name_contains="Dormant", status="all", **EU).data) == 1


def _order_whose_create_answer_was_lost(server, wms, client, memo: str) -> int:
    """A WMS order whose create QuickBooks committed without the answer coming back, QuickBooks then
    going offline before the push could look for it; returns the WMS row id."""
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    sql(wms, "INSERT INTO sales_orders (customer_qbd_id, transaction_date, memo) VALUES (:c, '2026-11-01', :m)",
        c=customer.id, m=memo)
    order_id = row(wms, "sales_orders", memo=memo)["id"]
    sql(wms, "INSERT INTO sales_order_lines (header_id, line_number, item_qbd_id, quantity) VALUES (:h, 1, :i, 2)",
        h=order_id, i=item.id)
    control(server, "POST", "faults", kind="drop_after_commit", method="POST", path_contains="/sales-orders")
    control(server, "POST", "faults", kind="qbd_offline", method="GET", path_contains="/sales-orders", count=20)
    push(server, wms, raise_on_error=False)
    control(server, "DELETE", "faults")
    return order_id


def test_a_pull_links_a_record_whose_create_answer_was_lost_instead_of_inserting_it_again(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    order_id = _order_whose_create_answer_was_lost(server, wms, client, "lost")
    assert row(wms, "sales_orders", id=order_id)["qbd_id"] is None
    assert pull(server, wms, "2026-11-02").success  # QuickBooks has the order: linked, not inserted
    with wms.engine().connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM sales_orders WHERE memo = 'lost'")).scalar() == 1
    linked = row(wms, "sales_orders", id=order_id)
    assert linked["qbd_id"] is not None
    assert push(server, wms).success
    assert {c["status"] for c in changes(wms)} == {"pushed"}
    made = [o for o in client.qbd.sales_orders.list(**EU).data if o.memo == "lost"]
    assert len(made) == 1 and len(made[0].lines) == 1
    assert differences(server.emulator, END_USER, wms.engine(), ["sales_orders"]) == []


def _wait_for_a_lock_wait(timeout: float = 30) -> bool:
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + timeout
    try:
        with admin.connect() as connection:
            while time.monotonic() < deadline:
                if connection.execute(sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")).scalar():
                    return True
                time.sleep(0.05)
        return False
    finally:
        admin.dispose()


def test_a_line_edit_committed_while_a_pull_writes_the_order_is_kept(server, wms):
    """PostgreSQL holds the pull off until the WMS's open transaction ends; SQLite has one writer anyway."""
    loaded(server, wms)
    client = sdk_client(server)
    order = next(o for o in client.qbd.purchase_orders.list(**EU).data if len(o.lines) >= 2)
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    client.qbd.purchase_orders.update(order.id, revision_number=order.revision_number, memo="QB memo", **EU)
    header = row(wms, "purchase_orders", qbd_id=order.id)
    engine = wms.engine()
    edit = engine.connect()
    transaction = edit.begin()
    edit.execute(sa.text("UPDATE purchase_order_lines SET quantity = 44 WHERE header_id = :h AND line_number = 2"),
                 {"h": header["id"]})
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.setdefault(
        "pulled", pull(server, wms, "2026-11-02").success))
    worker.start()
    if engine.dialect.name == "postgresql":
        assert _wait_for_a_lock_wait()
    else:
        time.sleep(1.0)  # the pull waits for SQLite's write lock
    transaction.commit()
    edit.close()
    worker.join()
    assert outcome == {"pulled": True}
    assert push(server, wms).success
    after = client.qbd.purchase_orders.retrieve(order.id, **EU)
    assert (after.memo, float(after.lines[1].quantity)) == ("QB memo", 44)
    assert differences(server.emulator, END_USER, wms.engine(), ["purchase_orders"]) == []


def test_the_push_run_is_not_recorded_success_when_a_change_gave_up(server, wms):
    from qbd_pipeline.wms.schema import sync_runs

    loaded(server, wms)
    sql(wms, "UPDATE vendors SET phone = '555-7777' WHERE id = (SELECT min(id) FROM vendors)")
    control(server, "POST", "faults", kind="server_error", method="POST", path_contains="/vendors", count=20)
    result = push(server, wms, max_attempts=1)
    [change] = changes(wms)
    assert change["status"] == "failed" and "500" in change["last_error"]
    assert result.output_for_node("push_vendors")["gave_up"] == 1
    with wms.engine().connect() as connection:
        status = connection.execute(sa.select(sync_runs.c.status).where(
            sync_runs.c.direction == "push", sync_runs.c.entity == "vendors")).scalar()
    assert status == "partial"
    log = httpx.get(f"{server.root_url}/_emulator/requests", headers=HEADERS).json()["data"]
    assert any(e["status"] == 500 for e in log)


def test_a_lost_create_is_found_even_after_the_wms_changed_its_date(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    order_id = _order_whose_create_answer_was_lost(server, wms, client, "moved")
    sql(wms, "UPDATE sales_orders SET transaction_date = '2026-11-05' WHERE id = :i", i=order_id)
    sql(wms, "UPDATE wms_changes SET next_attempt_at = changed_at")
    assert push(server, wms).success
    made = [o for o in client.qbd.sales_orders.list(**EU).data if o.memo == "moved"]
    assert len(made) == 1 and str(made[0].transaction_date) == "2026-11-05"
    assert row(wms, "sales_orders", id=order_id)["qbd_id"] == made[0].id


def _die_after_sending(monkeypatch) -> None:
    """The push's process stops after QuickBooks applied its request, before the answer is stored."""
    from dagster._core.errors import DagsterExecutionInterruptedError

    def stop(self, *args, **kwargs):
        raise DagsterExecutionInterruptedError("stopped before storing the answer")

    monkeypatch.setattr(writeback_module, "store", stop)


@pytest.mark.parametrize("pull_first", [False, True], ids=["push-next", "pull-next"])
def test_a_wms_edit_after_a_push_died_unanswered_is_not_taken_for_an_older_edit(server, wms, monkeypatch,
                                                                                pull_first):
    loaded(server, wms)
    client = sdk_client(server)
    vendor = client.qbd.vendors.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    sql(wms, "UPDATE vendors SET email = 'first@example.com' WHERE qbd_id = :q", q=vendor.id)
    _die_after_sending(monkeypatch)
    push(server, wms, raise_on_error=False)
    monkeypatch.undo()
    assert client.qbd.vendors.retrieve(vendor.id, **EU).email == "first@example.com"  # it did reach QuickBooks
    sql(wms, "UPDATE vendors SET email = 'second@example.com' WHERE qbd_id = :q", q=vendor.id)
    sql(wms, "UPDATE wms_changes SET changed_at = '2026-11-02 05:00:00'")  # the WMS clock behind: no rule helps
    if pull_first:
        assert pull(server, wms, "2026-11-02").success
        assert row(wms, "vendors", qbd_id=vendor.id)["email"] == "second@example.com"
    assert push(server, wms).success
    assert client.qbd.vendors.retrieve(vendor.id, **EU).email == "second@example.com"
    assert conflicts(wms) == []
    assert {c["status"] for c in changes(wms)} == {"pushed"}


def test_lines_sent_by_a_push_that_died_unanswered_are_not_added_twice(server, wms, monkeypatch):
    loaded(server, wms)
    client = sdk_client(server)
    order = next(o for o in client.qbd.purchase_orders.list(**EU).data if o.lines)
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    header = row(wms, "purchase_orders", qbd_id=order.id)
    sql(wms, "INSERT INTO purchase_order_lines (header_id, line_number, item_qbd_id, quantity) VALUES (:h, 99, :i, 7)",
        h=header["id"], i=item.id)
    _die_after_sending(monkeypatch)
    push(server, wms, raise_on_error=False)
    monkeypatch.undo()
    assert len(client.qbd.purchase_orders.retrieve(order.id, **EU).lines) == len(order.lines) + 1
    assert pull(server, wms, "2026-11-02").success
    assert push(server, wms).success
    assert len(client.qbd.purchase_orders.retrieve(order.id, **EU).lines) == len(order.lines) + 1
    assert differences(server.emulator, END_USER, wms.engine(), ["purchase_orders"]) == []


@pytest.mark.parametrize("answered_in", ["the same run", "the next run", "after a pull"])
def test_a_line_removal_whose_answer_was_lost_still_rereads_the_removed_items_stock(server, wms, answered_in):
    loaded(server, wms)
    client = sdk_client(server)
    stock = {i.id for i in client.qbd.inventory_items.list(**EU).data}
    order = next(o for o in client.qbd.sales_orders.list(**EU).data if len(o.lines) >= 2 and o.lines[-1].item
                 and o.lines[-1].item.id in stock and o.lines[-1].item.id not in {ln.item.id for ln in o.lines[:-1]
                                                                                if ln.item})
    item = order.lines[-1].item.id
    header = row(wms, "sales_orders", qbd_id=order.id)
    sql(wms, "DELETE FROM sales_order_lines WHERE header_id = :h AND line_number = (SELECT max(line_number) FROM "
             "sales_order_lines WHERE header_id = :h)", h=header["id"])
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    control(server, "POST", "faults", kind="drop_after_commit", method="POST",
            path_contains=f"/sales-orders/{order.id}")
    if answered_in != "the same run":  # the run cannot read the order again: it ends with the change pending
        control(server, "POST", "faults", kind="qbd_offline", method="GET", path_contains=f"/sales-orders/{order.id}",
                count=20, skip=1)  # after the read before the update
    push(server, wms, raise_on_error=False)
    control(server, "DELETE", "faults")
    if answered_in == "after a pull":
        control(server, "POST", "clock", now="2026-11-02T05:20:00+00:00")
        assert pull(server, wms, "2026-11-02").success
    assert push(server, wms).success
    assert len(client.qbd.sales_orders.retrieve(order.id, **EU).lines) == len(order.lines) - 1  # removed once
    assert [c["status"] for c in changes(wms)] == ["pushed"]
    figure = client.qbd.inventory_items.retrieve(item, **EU).quantity_on_sales_order
    assert float(row(wms, "items", qbd_id=item)["quantity_on_sales_order"]) == figure  # the line's quantity left it
