"""What the push asks of QuickBooks (one request at a time per company file, each one slows its user
down): one request per change in the common case, and the count said in the op's output."""

from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.quickbooks.pull_helpers import control

from .helpers import changes, loaded, push, sql

EU = {"conductor_end_user_id": END_USER}


def _requests(server) -> list[dict]:
    return [r for r in control(server, "GET", "requests")["data"] if "/quickbooks-desktop/" in r["path"]]


def test_updates_read_their_records_in_one_listing_and_creates_are_not_looked_up_first(server, wms):
    loaded(server, wms)
    customers = sdk_client(server).qbd.customers.list(limit=20, **EU).data
    for number, customer in enumerate(customers):
        sql(wms, "UPDATE customers SET phone = :p WHERE qbd_id = :q", p=f"555-{number:04d}", q=customer.id)
    for number in range(10):
        sql(wms, "INSERT INTO customers (name, full_name, is_active) VALUES (:n, :n, true)", n=f"New Buyer {number}")
    control(server, "DELETE", "requests")
    result = push(server, wms)
    made = _requests(server)
    reads = [r for r in made if r["method"] == "GET"]
    writes = [r for r in made if r["method"] == "POST"]
    assert len(reads) == 1 and "ids=" in reads[0]["query"]  # the twenty records, read together
    assert len(writes) == 30 and all(r["status"] == 200 for r in writes)  # one per change, none looked up
    out = result.output_for_node("push_customers")
    assert (out["updated"], out["created"], out["api_requests"]) == (20, 10, len(made))
    assert out["requests_per_change"] == round(31 / 30, 3)
    assert {c["status"] for c in changes(wms)} == {"pushed"}
    phones = {c.id: c.phone for c in sdk_client(server).qbd.customers.list(limit=150, **EU).data}
    assert [phones[c.id] for c in customers] == [f"555-{n:04d}" for n in range(20)]


def test_a_create_whose_name_quickbooks_already_has_adopts_that_record_and_asks_again_only_then(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    theirs = client.qbd.vendors.create(name="Made By A Person", **EU)  # in QuickBooks, not yet in the WMS
    sql(wms, "INSERT INTO vendors (name, is_active, email) VALUES ('Made By A Person', true, 'wms@example.com')")
    control(server, "DELETE", "requests")
    assert push(server, wms).success
    made = [(r["method"], r["status"]) for r in _requests(server)]
    assert made[:2] == [("POST", 502), ("GET", 200)]  # refused as a name in use, then looked up
    assert client.qbd.vendors.retrieve(theirs.id, **EU).email == "wms@example.com"  # adopted and merged
    assert len(client.qbd.vendors.list(name_from="made by a person", name_to="made by a person", **EU).data) == 1


def test_the_stock_figures_orders_move_are_read_once_for_the_whole_push(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    items = [i.id for i in client.qbd.inventory_items.list(limit=3, **EU).data]
    for number in range(3):
        sql(wms, "INSERT INTO sales_orders (customer_qbd_id, transaction_date, memo) VALUES (:c, '2026-12-01', :m)",
            c=customer.id, m=f"order {number}")
        sql(wms, "INSERT INTO sales_order_lines (header_id, line_number, item_qbd_id, quantity, rate) "
                 "SELECT max(id), 1, :i, 2, 10 FROM sales_orders", i=items[number])
    control(server, "DELETE", "requests")
    assert push(server, wms).success
    made = _requests(server)
    assert len([r for r in made if r["method"] == "POST" and "sales-orders" in r["path"]]) == 3
    stock = [r for r in made if r["method"] == "GET" and "inventory-items" in r["path"]]
    assert len(stock) == 1 and all(i in stock[0]["query"] for i in items)  # after the three, together


def test_a_change_quickbooks_refused_turns_its_entitys_asset_check_red_though_the_run_goes_on(server, wms):
    import dagster as dg

    loaded(server, wms)
    vendor = sdk_client(server).qbd.vendors.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE vendors SET terms_qbd_id = '8000FFFF-1700000000' WHERE qbd_id = :q", q=vendor.id)  # no such terms
    instance = dg.DagsterInstance.ephemeral()
    assert push(server, wms, instance=instance).success  # the run goes on: the rest is pushed
    key = dg.AssetCheckKey(dg.AssetKey(["qbd", "vendors"]), "no_failed_pushes")
    [latest] = instance.event_log_storage.get_asset_check_execution_history(key, limit=1)
    evaluation = latest.event.dagster_event.event_specific_data
    assert (latest.status.value, evaluation.passed) == ("FAILED", False)
    assert "wms_failed_changes" in evaluation.description
    customers = dg.AssetCheckKey(dg.AssetKey(["qbd", "customers"]), "no_failed_pushes")
    [fine] = instance.event_log_storage.get_asset_check_execution_history(customers, limit=1)
    assert fine.status.value == "SUCCEEDED"
