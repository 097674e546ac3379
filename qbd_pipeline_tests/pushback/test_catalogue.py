"""Every failure a warehouse meets has a catalogue code, a plain message, a fix, and a place in the error
list; the rest of the push goes on. Each case is provoked as it happens: a row the WMS app wrote, or
QuickBooks refusing (the emulator's `qbd_error` fault where it has no rule of its own)."""

import logging
import re
from pathlib import Path

import dagster as dg
import httpx
import pytest
import sqlalchemy as sa

from qbd_pipeline.conductor.resource import ConductorResource
from qbd_pipeline.emulator.reference_lists import TERMS
from qbd_pipeline.pushback.jobs import wms_push_back
from qbd_pipeline.quickbooks.assets import pull_assets
from qbd_pipeline.quickbooks.partitions import ensure_companies
from qbd_pipeline.spec.catalogue import CATALOGUE, ENTRIES
from qbd_pipeline.sync.companies import register
from qbd_pipeline.wms.triggers import sync_writer
from qbd_pipeline_tests.conftest import END_USER, OTHER_END_USER, sdk_client
from qbd_pipeline_tests.quickbooks.pull_helpers import HEADERS, control, pull, resources

from .helpers import changes, loaded, push, row, sql

EU = {"conductor_end_user_id": END_USER}
UNKNOWN_ITEM = "8000FFFF-1700000000"
README = Path(__file__).resolve().parents[2] / "README.md"


def _listed(wms) -> dict[tuple[str, int], dict]:
    """The error list, push side, by (entity, WMS row id)."""
    with wms.engine().connect() as connection:
        return {(r.entity, r.wms_row_id): dict(r._mapping) for r in connection.execute(sa.text(
            "SELECT * FROM sync_error_list WHERE direction = 'push'"))}


def _new_order(wms, memo: str, customer: str | None, item: str | None = None) -> int:
    sql(wms, "INSERT INTO sales_orders (company, customer_qbd_id, transaction_date, memo) "
             "VALUES (:c, :q, '2026-11-20', :m)", c=END_USER, q=customer, m=memo)
    order = row(wms, "sales_orders", memo=memo)["id"]
    if item:
        sql(wms, "INSERT INTO sales_order_lines (header_id, line_number, item_qbd_id, quantity, rate) "
                 "VALUES (:h, 1, :i, 1, 5)", h=order, i=item)
    return order


def _expect(found: dict, code: str, *also: str) -> None:
    """A failure recorded with its code, the catalogue's words first, and the particulars."""
    assert found["error_code" if "error_code" in found else "code"] == code, found
    message = found.get("last_error") or found.get("message")
    assert message.startswith(CATALOGUE[code].title), message
    assert all(text in message for text in also), message


def test_every_row_quickbooks_cannot_take_gets_its_code_and_the_rest_goes_through(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    customers = client.qbd.customers.list(limit=3, **EU).data
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    vendor = client.qbd.vendors.list(limit=2, **EU).data[1]
    purchase_order = client.qbd.purchase_orders.list(limit=1, **EU).data[0]
    credit_memo = client.qbd.credit_memos.list(limit=1, **EU).data[0]
    net_30 = next(t for t in TERMS if t.full_name == "Net 30")
    sql(wms, "INSERT INTO customers (company, name, full_name, is_active, terms_name) "
             "VALUES (:c, 'Terms By Name', 'Terms By Name', true, 'Net 30')", c=END_USER)  # a name QuickBooks has
    sql(wms, "INSERT INTO customers (company, name, full_name, is_active, terms_name) "
             "VALUES (:c, 'Terms Nobody Has', 'Terms Nobody Has', true, 'Net 31')", c=END_USER)
    sql(wms, "INSERT INTO vendors (company, name, is_active) VALUES (:c, :n, true)", c=END_USER, n=customers[0].name)
    sql(wms, "UPDATE customers SET is_active = false WHERE company = :c AND qbd_id = :q", c=END_USER,
        q=customers[1].id)
    no_customer = _new_order(wms, "no customer", None, item.id)
    unknown_item = _new_order(wms, "unknown item", customers[0].id, UNKNOWN_ITEM)
    too_long = _new_order(wms, "x" * 5000, customers[0].id, item.id)
    inactive = _new_order(wms, "inactive customer", customers[1].id, item.id)
    gone = client.qbd.inventory_items.list(limit=2, **EU).data[1]  # deleted in QuickBooks, as a pull marks it
    with wms.engine().begin() as connection, sync_writer(connection):
        connection.execute(sa.text("UPDATE items SET qbd_deleted_at = CURRENT_TIMESTAMP WHERE qbd_id = :q"),
                           {"q": gone.id})
    deleted_item = _new_order(wms, "deleted item", customers[0].id, gone.id)
    sql(wms, "UPDATE purchase_orders SET memo = 'closed period' WHERE qbd_id = :q", q=purchase_order.id)
    sql(wms, "UPDATE credit_memos SET memo = 'feature off' WHERE qbd_id = :q", q=credit_memo.id)
    sql(wms, "UPDATE items SET sales_price = 31.5 WHERE company = :c AND qbd_id = :q", c=END_USER, q=item.id)
    sql(wms, "UPDATE customers SET phone = '555-0111' WHERE company = :c AND qbd_id = :q", c=END_USER,
        q=customers[2].id)
    sql(wms, "UPDATE vendors SET phone = '555-0222' WHERE company = :c AND qbd_id = :q", c=END_USER, q=vendor.id)
    control(server, "POST", "faults", kind="qbd_error", code="3171", method="POST", path_contains="/purchase-orders/")
    control(server, "POST", "faults", kind="qbd_error", code="3250", method="POST", path_contains="/credit-memos/")
    control(server, "POST", "faults", kind="qbd_error", code="3175", method="POST", path_contains="/inventory-items/")
    control(server, "POST", "faults", kind="qbd_error", code="3999", message="A rule QuickBooks has and we do not.",
            method="POST", path_contains=f"/customers/{customers[2].id}")
    instance = dg.DagsterInstance.ephemeral()
    result = push(server, wms, instance=instance, backoff_seconds=0)  # what is tried later is due at once
    assert result.success  # the run goes on past every refusal

    ids = {name: row(wms, "customers", name=name)["id"] for name in ("Terms By Name", "Terms Nobody Has")}
    made = client.qbd.customers.retrieve(row(wms, "customers", id=ids["Terms By Name"])["qbd_id"], **EU)
    assert made.terms.id == net_30.id  # a QuickBooks list named by name is looked up, never dropped
    listed = _listed(wms)
    _expect(listed[("customers", ids["Terms Nobody Has"])], "REFERENCE_UNKNOWN", "terms_name 'Net 31'")
    assert row(wms, "customers", id=ids["Terms Nobody Has"])["terms_name"] == "Net 31"  # the WMS keeps its value
    vendor_row = row(wms, "vendors", name=customers[0].name)["id"]
    _expect(listed[("vendors", vendor_row)], "NAME_IN_USE", "3100")
    _expect(listed[("sales_orders", no_customer)], "MISSING_REQUIRED", "customer_qbd_id (or customer_name)")
    _expect(listed[("sales_orders", unknown_item)], "REFERENCE_UNKNOWN", UNKNOWN_ITEM, "3140")  # QuickBooks knows
    _expect(listed[("sales_orders", deleted_item)], "REFERENCE_UNKNOWN", f"items {gone.id} was deleted in QuickBooks")
    _expect(listed[("sales_orders", too_long)], "VALUE_TOO_LONG", "memo: QuickBooks takes at most")
    _expect(listed[("sales_orders", inactive)], "REFERENCE_INACTIVE", f"customers {customers[1].id} is inactive")
    po_row = row(wms, "purchase_orders", qbd_id=purchase_order.id)["id"]
    _expect(listed[("purchase_orders", po_row)], "CLOSED_PERIOD", "3171")
    assert listed[("purchase_orders", po_row)]["request_id"].startswith("req_")  # traceable on Conductor's side
    _expect(listed[("credit_memos", row(wms, "credit_memos", qbd_id=credit_memo.id)["id"])], "FEATURE_OFF", "3250")
    customer_row = row(wms, "customers", qbd_id=customers[2].id)["id"]
    _expect(listed[("customers", customer_row)], "QUICKBOOKS_REFUSED", "3999", "A rule QuickBooks has")
    assert len([k for k in listed if k[0] == "sales_orders"]) == 5  # one per record (orders and their lines)
    # Someone had the item open: tried again later, not a failed attempt, not in the error list.
    [in_use] = changes(wms, entity="items")
    assert (in_use["status"], in_use["attempts"], in_use["error_code"]) == ("pending", 0, "RECORD_IN_USE")
    assert ("items", in_use["row_id"]) not in listed
    # Nothing else was held back.
    assert client.qbd.vendors.retrieve(vendor.id, **EU).phone == "555-0222"
    assert not client.qbd.customers.retrieve(customers[1].id, **EU).is_active
    # The run's page says each, with its code.
    errors = [e.user_message for e in instance.all_logs(result.run_id) if e.level == logging.ERROR]
    assert any(m.startswith(f"sales_orders row {no_customer}: MISSING_REQUIRED: ") for m in errors), errors
    assert any("CLOSED_PERIOD" in m and "(Conductor request req_" in m for m in errors), errors

    control(server, "DELETE", "faults")
    push(server, wms)  # the item's edit goes once nobody holds it
    assert client.qbd.inventory_items.retrieve(item.id, **EU).sales_price == "31.50"
    assert [c["status"] for c in changes(wms, entity="items")] == ["pushed"]


def test_more_decimal_places_than_quickbooks_keeps_are_refused_never_rounded(server, wms_url, wms):
    """SQLite keeps what the application wrote, so the push refuses it (a Numeric column's read used to round
    it first). PostgreSQL's numeric(18,2) column rounds the application's write itself: the WMS holds
    7.78, and that is what QuickBooks gets, so the two sides never differ."""
    loaded(server, wms)
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE customers SET credit_limit = 7.777777 WHERE company = :c AND qbd_id = :q", c=END_USER,
        q=customer.id)
    sql(wms, "UPDATE items SET sales_price = 12.1234567 WHERE company = :c AND qbd_id = :q", c=END_USER, q=item.id)
    assert push(server, wms).success
    with wms.engine().connect() as connection:
        stored = connection.execute(sa.text("SELECT CAST(credit_limit AS TEXT) FROM customers WHERE qbd_id = :q"),
                                    {"q": customer.id}).scalar()
    if not wms_url.startswith("sqlite"):
        assert stored == "7.78" and _listed(wms) == {}
        assert client.qbd.customers.retrieve(customer.id, **EU).credit_limit == "7.78"
        assert client.qbd.inventory_items.retrieve(item.id, **EU).sales_price == "12.12346"
        return
    listed = _listed(wms)
    _expect(listed[("customers", row(wms, "customers", qbd_id=customer.id)["id"])], "TOO_MANY_DECIMALS",
            "credit_limit = 7.777777 has 6 decimal places; QuickBooks keeps 2")
    _expect(listed[("items", row(wms, "items", qbd_id=item.id)["id"])], "TOO_MANY_DECIMALS",
            "sales_price = 12.1234567 has 7 decimal places; QuickBooks keeps 5")
    assert client.qbd.customers.retrieve(customer.id, **EU).credit_limit == customer.credit_limit  # nothing sent
    assert client.qbd.inventory_items.retrieve(item.id, **EU).sales_price == item.sales_price
    assert stored == "7.777777"  # and the WMS keeps what the application wrote


def test_a_row_naming_a_company_file_nobody_registered_fails_and_goes_once_it_is_registered(server, wms):
    loaded(server, wms)
    sql(wms, "INSERT INTO vendors (company, name, is_active) VALUES ('end_usr_suite_new', 'Early Supply', true)")
    sql(wms, "INSERT INTO vendors (company, name, is_active) VALUES (:c, 'Known Supply', true)", c=END_USER)
    assert push(server, wms).success
    [early] = changes(wms, status="failed")
    _expect(early, "COMPANY_UNKNOWN", "end_usr_suite_new", "qbd-pipeline companies add")
    assert list(_listed(wms)) == [("vendors", early["row_id"])]
    assert {c["status"] for c in changes(wms) if c["id"] != early["id"]} == {"pushed"}  # the rest went
    with wms.engine().begin() as connection:
        register(connection, "end_usr_suite_new")  # as `qbd-pipeline companies add` does
    [again] = changes(wms, id=early["id"])
    assert (again["status"], again["attempts"], again["error_code"]) == ("pending", 0, None)
    assert _listed(wms) == {}


def test_a_refused_key_stops_the_run_at_once_and_keeps_every_change(server, wms):
    loaded(server, wms)
    sql(wms, "UPDATE vendors SET phone = '555-0333' WHERE id = (SELECT min(id) FROM vendors)")
    httpx.delete(f"{server.root_url}/_emulator/requests", headers=HEADERS)
    wrong = {**resources(server, wms), "conductor": ConductorResource(
        secret_key="sk_test_wrong_key_00000", end_user_id=END_USER, base_url=server.base_url)}
    result = wms_push_back.execute_in_process(resources=wrong, instance=dg.DagsterInstance.ephemeral(),
                                              raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.get_step_failure_events() if e.step_key == "push_vendors")
    said = failure.step_failure_data.user_failure_data.description
    assert said.startswith(CATALOGUE["KEY_REFUSED"].title) and "CONDUCTOR_SECRET_KEY" in said
    assert "sk_test_wrong_key_00000" not in said  # a secret is never repeated
    [change] = changes(wms)
    assert (change["status"], change["attempts"]) == ("pending", 0)  # kept for the run with the right key
    instance = dg.DagsterInstance.ephemeral()
    ensure_companies(instance, [END_USER])
    pulled = dg.materialize([a for a in pull_assets if a.key.path[-1] == "vendors"], resources=wrong,
                            partition_key=f"{END_USER}|2026-11-02", instance=instance, raise_on_error=False)
    assert not pulled.success
    log = httpx.get(f"{server.root_url}/_emulator/requests", headers=HEADERS).json()["data"]
    vendor_reads = [e for e in log if e["method"] == "GET" and e["path"].endswith("/vendors")]
    assert [e["status"] for e in vendor_reads] == [401]  # not retried: the same key is refused again


def test_the_readme_lists_the_catalogue_as_it_is():
    text = README.read_text()
    table = {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| `([A-Z_]+)` \| ([^|]+) \|", text, re.M)}
    assert {code: table.get(code) for code in CATALOGUE} == {e.code: e.title for e in ENTRIES}


def test_a_pull_never_links_a_row_naming_no_company_where_the_push_would_not_send_it(server, wms):
    """With two active company files, a row naming none is refused by the push; a pull of one of them
    that meets a QuickBooks record of that name no longer takes the row for its own."""
    loaded(server, wms)
    with wms.engine().begin() as connection:
        register(connection, END_USER)
        register(connection, OTHER_END_USER)
    sql(wms, "INSERT INTO vendors (name, is_active) VALUES ('Nobody Knows Supply', true)")
    client = sdk_client(server)
    control(server, "POST", "clock", now="2026-11-02T05:00:00+00:00")
    made = client.qbd.vendors.create(name="Nobody Knows Supply", **EU)  # a person enters it in QuickBooks
    control(server, "DELETE", "clock")
    pull(server, wms, "2026-11-02")
    vendors = sa.table("vendors", sa.column("company"), sa.column("qbd_id"), sa.column("name"))
    with wms.engine().connect() as connection:
        rows = connection.execute(sa.select(vendors.c.company, vendors.c.qbd_id).where(
            vendors.c.name == "Nobody Knows Supply").order_by(vendors.c.qbd_id)).all()
    assert sorted(rows, key=str) == sorted([(None, None), (END_USER, made.id)], key=str)
    assert push(server, wms).success
    [refused] = changes(wms, status="failed")
    _expect(refused, "COMPANY_UNNAMED")


def test_the_readme_says_what_a_row_the_wms_app_creates_must_contain():
    from qbd_pipeline.sync.push.checks import row_requirements

    text = README.read_text()
    for table, not_null, needs in row_requirements():
        name, _, types = table.partition(" (")
        cells = [f"`{name}`" + (f" ({types}" if types else ""), ", ".join(f"`{c}`" for c in not_null) or "-",
                 ", ".join(f"`{c}`" for c in needs) or "-"]
        assert f"| {' | '.join(cells)} |" in text, cells


def test_a_value_the_wms_cannot_read_is_refused_by_its_column(server, wms_url, wms):
    """SQLite stores whatever the application writes, a date that is no date too: that row is refused with
    INVALID_VALUE and the rest goes on. PostgreSQL refuses such a write itself."""
    loaded(server, wms)
    order = sdk_client(server).qbd.sales_orders.list(limit=1, **EU).data[0]
    if not wms_url.startswith("sqlite"):
        with pytest.raises(sa.exc.DataError):
            sql(wms, "UPDATE sales_orders SET transaction_date = 'not a date' WHERE qbd_id = :q", q=order.id)
        return
    sql(wms, "UPDATE sales_orders SET transaction_date = 'not a date' WHERE qbd_id = :q", q=order.id)
    sql(wms, "UPDATE vendors SET phone = '555-0444' WHERE id = (SELECT min(id) FROM vendors)")
    assert push(server, wms).success
    with wms.engine().connect() as connection:
        bad = connection.execute(sa.text("SELECT id FROM sales_orders WHERE qbd_id = :q"), {"q": order.id}).scalar()
    _expect(_listed(wms)[("sales_orders", bad)], "INVALID_VALUE", "not a date")
    assert [c["status"] for c in changes(wms, entity="vendors")] == ["pushed"]


def test_a_failure_the_sync_does_not_know_is_retried_and_then_listed(server, wms, monkeypatch):
    from qbd_pipeline.sync.push import pusher

    loaded(server, wms)
    sql(wms, "UPDATE vendors SET phone = '555-0555' WHERE id = (SELECT min(id) FROM vendors)")

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the sync")

    monkeypatch.setattr(pusher, "update", broken)
    assert push(server, wms, max_attempts=1).success
    [change] = changes(wms)
    _expect(_listed(wms)[("vendors", change["row_id"])], "UNEXPECTED", "RuntimeError: a bug in the sync")


def test_a_row_moved_to_another_company_file_is_refused_not_sent_there(server, wms):
    """Two company files' ids overlap: a row synced with one that now names the other must not update
    (or delete) the other's record of the same id."""
    loaded(server, wms)
    with wms.engine().begin() as connection:
        register(connection, END_USER)
        register(connection, OTHER_END_USER)
    vendor = sdk_client(server).qbd.vendors.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE vendors SET company = :b, phone = '555-0666' WHERE company = :a AND qbd_id = :q",
        a=END_USER, b=OTHER_END_USER, q=vendor.id)
    httpx.delete(f"{server.root_url}/_emulator/requests", headers=HEADERS)
    other = {**resources(server, wms), "conductor": ConductorResource(
        secret_key="sk_test_suite_0123456789", end_user_id=OTHER_END_USER, base_url=server.base_url)}
    assert wms_push_back.execute_in_process(resources=other, instance=dg.DagsterInstance.ephemeral()).success
    [moved] = changes(wms)
    _expect(moved, "COMPANY_CHANGED", f"was synced with company file {END_USER}", f"now names {OTHER_END_USER}")
    log = httpx.get(f"{server.root_url}/_emulator/requests", headers=HEADERS).json()["data"]
    assert [e for e in log if e["method"] == "POST"] == []  # nothing was sent to either file
