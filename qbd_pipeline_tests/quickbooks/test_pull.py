"""The pull on SQLite and PostgreSQL: full load, incremental windows with lookback, re-runs, faults."""

from datetime import datetime, timezone
from decimal import Decimal

import dagster as dg
import pytest
import sqlalchemy as sa

from qbd_pipeline.quickbooks.checks import wms_checks
from qbd_pipeline.spec.entities import ENTITIES as SPEC_ENTITIES
from qbd_pipeline.wms.schema import TABLES, sync_errors, sync_runs, wms_changes
from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.wms_compare import differences, snapshot

from .pull_helpers import FIRST, control, metadata, pull

EU = {"conductor_end_user_id": END_USER}
ENTITIES = tuple(e.name for e in SPEC_ENTITIES)


def test_full_initial_load_equals_quickbooks_field_by_field(server, wms):
    result = pull(server, wms, checks=True)
    assert result.success
    assert differences(server.emulator, END_USER, wms.engine()) == []
    for entity in ENTITIES:
        md = metadata(result, entity)
        assert md["fetched"] == md["inserted"] == md["dagster/row_count"] > 0
        assert md["failed"] == md["updated"] == md["unchanged"] == 0
        assert md["window_start"] == "beginning" and md["api_requests"] >= 1
        report = md["report"].splitlines()  # the markdown table on the run page
        assert report[0].split("|")[1].strip() == "entity" and report[2].split("|")[1].strip() == entity
        assert f"{md['fetched']:,}" in report[2]
    evaluated = result.get_asset_check_evaluations()
    wms_checked = [e for e in evaluated if e.check_name != "fresh_in_every_company"]
    assert len(wms_checked) == sum(len(list(c.check_keys)) for c in wms_checks)  # every WMS check, each passed
    assert len(evaluated) - len(wms_checked) == len(ENTITIES)  # and each pull step's freshness per company
    assert all(check.passed for check in evaluated)
    # A few fields checked by hand, so the mapping itself is tested, not only its round trip.
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    service = client.qbd.service_items.list(limit=1, **EU).data[0]
    order = client.qbd.sales_orders.list(limit=1, **EU).data[0]
    customers, _ = TABLES["customers"]
    items, _ = TABLES["items"]
    orders, order_lines = TABLES["sales_orders"]
    with wms.engine().connect() as connection:
        row = connection.execute(sa.select(customers).where(customers.c.qbd_id == customer.id)).one()
        assert (row.name, row.billing_city, row.terms_name, row.is_active) == (
            customer.name, customer.billing_address.city, customer.terms.full_name, customer.is_active)
        assert row.qbd_updated_at == datetime.fromisoformat(customer.updated_at)
        item = connection.execute(sa.select(items).where(items.c.qbd_id == service.id)).one()
        details = service.sales_or_purchase_details or service.sales_and_purchase_details
        price = getattr(details, "price", None) or getattr(details, "sales_price", None)
        assert (item.item_type, item.sales_price) == ("service", Decimal(price))
        header = connection.execute(sa.select(orders).where(orders.c.qbd_id == order.id)).one()
        lines = connection.execute(sa.select(order_lines).where(order_lines.c.header_id == header.id)
                                   .order_by(order_lines.c.line_number)).all()
        assert (header.customer_qbd_id, str(header.total_amount)) == (order.customer.id, order.total_amount)
        assert [(ln.item_qbd_id, float(ln.quantity), str(ln.amount)) for ln in lines] == [
            (ln.item.id, ln.quantity, ln.amount) for ln in order.lines]
        runs = connection.execute(sa.select(sync_runs)).all()
    assert sorted(r.entity for r in runs) == sorted(ENTITIES)
    assert all(r.status == "success" and r.run_id == result.run_id for r in runs)
    with wms.engine().connect() as connection:  # the pull's own writes are not WMS changes
        assert connection.execute(sa.select(sa.func.count()).select_from(wms_changes)).scalar() == 0


def test_next_partition_brings_exactly_the_edits_and_rerunning_changes_nothing(server, wms):
    assert pull(server, wms).success
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    vendor = client.qbd.vendors.list(limit=1, **EU).data[0]
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now="2026-11-02T03:20:00+00:00")
    client.qbd.customers.update(customer.id, revision_number=customer.revision_number, phone="555-0177", **EU)
    control(server, "POST", "clock", now="2026-11-02T03:40:00+00:00")
    client.qbd.vendors.update(vendor.id, revision_number=vendor.revision_number, is_active=False, **EU)
    day_2 = pull(server, wms, "2026-11-02")
    assert (metadata(day_2, "customers")["updated"], metadata(day_2, "vendors")["updated"]) == (1, 1)
    assert metadata(day_2, "items")["fetched"] == 0

    # A QuickBooks clock that lags: an edit stamped 23:55 arrives after the day was pulled.
    control(server, "POST", "clock", now="2026-11-02T23:55:00+00:00")
    client.qbd.inventory_items.update(item.id, revision_number=item.revision_number, sales_price="19.95", **EU)
    day_3 = pull(server, wms, "2026-11-03")
    assert metadata(day_3, "items")["updated"] == 1  # inside the 15-minute lookback
    assert metadata(day_3, "customers")["fetched"] == 0  # 03:20 is outside it
    assert metadata(day_3, "items")["window_start"] == "2026-11-02T23:45:00+00:00"
    assert differences(server.emulator, END_USER, wms.engine()) == []
    customers, _ = TABLES["customers"]
    vendors, _ = TABLES["vendors"]
    with wms.engine().connect() as connection:
        assert connection.execute(sa.select(customers.c.phone).where(customers.c.qbd_id == customer.id)).scalar() \
            == "555-0177"
        assert connection.execute(sa.select(vendors.c.is_active).where(vendors.c.qbd_id == vendor.id)).scalar() \
            is False

    with wms.engine().connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(wms_changes)).scalar() == 0
    before = snapshot(wms.engine())
    again = pull(server, wms, "2026-11-03")
    assert all(metadata(again, e)["inserted"] == metadata(again, e)["updated"] == 0 for e in ENTITIES)
    assert metadata(again, "items")["unchanged"] == 1
    assert snapshot(wms.engine()) == before


def test_stock_figures_follow_transactions_the_pull_brings(server, wms):
    from qbd_pipeline.emulator.reference_lists import ref_id

    assert pull(server, wms).success
    client = sdk_client(server)
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now="2026-11-02T06:30:00+00:00")
    client.qbd.inventory_adjustments.create(
        account_id=ref_id("account", "Inventory Adjustments"), transaction_date="2026-11-01",
        lines=[{"item_id": item.id, "adjust_quantity": {"quantity_difference": 7}}], **EU)
    # QuickBooks does not touch the item's updatedAt for this; the pull must still bring the new figure.
    assert client.qbd.inventory_items.retrieve(item.id, **EU).updated_at == item.updated_at
    hour = pull(server, wms, "2026-11-02")
    assert metadata(hour, "items")["fetched"] == 0
    assert metadata(hour, "inventory_adjustments")["stock_items_refreshed"] == 1
    items, _ = TABLES["items"]
    with wms.engine().connect() as connection:
        on_hand = connection.execute(sa.select(items.c.quantity_on_hand).where(items.c.qbd_id == item.id)).scalar()
    assert float(on_hand) == item.quantity_on_hand + 7
    assert differences(server.emulator, END_USER, wms.engine(), ["items"]) == []


def test_a_stale_fetch_never_overwrites_a_newer_row(server, wms):
    assert pull(server, wms).success
    client = sdk_client(server)
    read_at = datetime.now(timezone.utc)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    client.qbd.customers.update(customer.id, revision_number=customer.revision_number, email="new@example.com", **EU)
    assert pull(server, wms, "2026-11-02").success
    # An old window re-run (a backfill of the first partition) sees the current record again: no change;
    # and a batch carrying the version read before the newer one is refused by the loader's guard.
    from qbd_pipeline.spec.entities import RESOURCES_BY_PATH
    from qbd_pipeline.spec.mapping import MAPPINGS
    from qbd_pipeline.sync.load import load_batch

    stale = customer.model_dump(by_alias=True, mode="json")
    with wms.engine().begin() as connection:
        stats = load_batch(connection, MAPPINGS["customers"], RESOURCES_BY_PATH["customers"], [stale],
                           read_at=read_at, company=END_USER)
    assert (stats.updated, stats.unchanged) == (0, 1)
    customers, _ = TABLES["customers"]
    with wms.engine().connect() as connection:
        assert connection.execute(sa.select(customers.c.email).where(customers.c.qbd_id == customer.id)).scalar() \
            == "new@example.com"


def test_faults_during_a_load_end_in_the_same_state_as_a_clean_run(server, wms):
    control(server, "POST", "faults", kind="rate_limit", path_contains="/customers", skip=2, seconds=0.1)
    control(server, "POST", "faults", kind="server_error", path_contains="/sales-orders", skip=3)
    control(server, "POST", "faults", kind="drop_after_commit", method="GET", path_contains="/invoices", skip=1)
    control(server, "POST", "faults", kind="expire_cursor", path_contains="/customers", skip=5)
    control(server, "POST", "faults", kind="qbd_offline", path_contains="/vendors", skip=1)
    result = pull(server, wms, config={"page_size": 7})
    assert result.success
    assert control(server, "GET", "faults")["faults"] == []  # every fault was met
    restarts = {e: metadata(result, e)["window_restarts"] for e in ENTITIES}
    assert restarts["customers"] >= 2 and restarts["sales_orders"] >= 1 and restarts["invoices"] >= 1
    assert differences(server.emulator, END_USER, wms.engine()) == []
    with wms.engine().connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(sync_errors)).scalar() == 0


def test_a_window_that_keeps_failing_fails_the_step_and_says_why(server, wms):
    control(server, "POST", "faults", kind="server_error", path_contains="/vendors", count=10)
    result = pull(server, wms, config={"max_restarts": 1}, raise_on_error=False)
    assert not result.success
    with wms.engine().connect() as connection:
        run = connection.execute(sa.select(sync_runs).where(sync_runs.c.entity == "vendors")).one()
    assert run.status == "failed" and "vendors" in run.error and "InternalServerError" in run.error
    control(server, "DELETE", "faults")


def test_unmappable_records_are_recorded_and_the_rest_goes_on(server, wms):
    company = server.emulator.companies[END_USER]
    client = sdk_client(server)
    order = client.qbd.sales_orders.list(limit=1, **EU).data[0]
    bad_customer = client.qbd.customers.retrieve(order.customer.id, **EU)  # a customer with an order
    raw = company.get("customers", bad_customer.id)
    raw["isActive"] = "sometimes"  # breaks the API contract
    company.replace_raw("customers", bad_customer.id, raw)
    long_sku = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    raw = company.get("inventory-items", long_sku.id)
    raw["sku"] = "S" * 40  # fine for the SDK, too long for the WMS column
    company.replace_raw("inventory-items", long_sku.id, raw)

    result = pull(server, wms, raise_on_error=False, checks=True)
    assert metadata(result, "customers")["failed"] == 1
    assert metadata(result, "customers")["inserted"] == metadata(result, "customers")["fetched"] - 1
    assert metadata(result, "items")["failed"] == 1
    checks = {(e.asset_key.to_user_string(), e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert checks[("qbd/customers", "no_sync_errors")] is False and checks[("qbd/items", "no_sync_errors")] is False
    assert checks[("qbd/vendors", "no_sync_errors")] is True
    with wms.engine().connect() as connection:
        errors = {(r.entity, r.qbd_id, r.error_code): r.message for r in connection.execute(sa.select(sync_errors))}
        statuses = dict(connection.execute(sa.select(sync_runs.c.entity, sync_runs.c.status)).all())
    assert set(errors) == {("customers", bad_customer.id, "INVALID_RECORD"),
                           ("items", long_sku.id, "MAPPING_ERROR")}
    assert "isActive" in errors[("customers", bad_customer.id, "INVALID_RECORD")]
    assert "sku" in errors[("items", long_sku.id, "MAPPING_ERROR")]
    assert statuses["customers"] == "partial" and statuses["vendors"] == "success"
    # The finding is the failed entities' own: what depends on them still pulls, and an order naming the
    # customer the WMS could not take says so on the orders' asset.
    materialized = {e.materialization.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {f"qbd/{e}" for e in ENTITIES}
    orphans = next(e for e in result.get_asset_check_evaluations()
                   if e.asset_key.to_user_string() == "qbd/sales_orders" and e.check_name == "no_orphan_references")
    assert orphans.passed is False and orphans.severity == dg.AssetCheckSeverity.WARN
    assert "pull failed" in orphans.description and bad_customer.id in orphans.metadata["sample"].value


def test_a_ranged_backfill_is_one_run_and_one_window(server, wms):
    instance = dg.DagsterInstance.ephemeral()
    result = pull(server, wms, instance=instance, days_range=(FIRST, "2026-11-06"))
    assert result.success
    md = metadata(result, "customers")
    assert md["window_start"] == "beginning" and md["window_end"] == "2026-11-06T23:59:59+00:00"
    assert md["api_requests"] == 2  # the window's one page, and QuickBooks' deleted-objects feed for it
    events = instance.fetch_materializations(dg.AssetKey(["qbd", "customers"]), limit=100).records
    assert len(events) == 6  # one per partition in the range, from one run
    assert len({e.run_id for e in events}) == 1


@pytest.mark.parametrize("when,expected", [
    (datetime(2026, 11, 2, 10, 5, tzinfo=timezone.utc), "2026-11-02"),
    (datetime(2026, 11, 3, 0, 5, tzinfo=timezone.utc), "2026-11-02"),  # the day of the hour that closed
    (datetime(2026, 11, 3, 1, 5, tzinfo=timezone.utc), "2026-11-03"),
])
def test_the_schedule_requests_the_day_of_the_hour_that_closed(shared_server, wms, when, expected):
    from qbd_pipeline.definitions import defs
    from qbd_pipeline.quickbooks.partitions import key
    from qbd_pipeline_tests.quickbooks.pull_helpers import register, resources

    register(wms)
    schedule = defs.resolve_schedule_def("qbd_incremental_pull_schedule")
    assert schedule.cron_schedule == "5 * * * *"
    with dg.instance_for_test() as instance, dg.build_schedule_context(
            instance=instance, scheduled_execution_time=when, resources=resources(shared_server, wms)) as context:
        [request] = schedule(context)
    assert request.partition_key == key(END_USER, expected) and request.tags["qbd/end_user"] == END_USER
    assert schedule.job_name == "qbd_incremental_pull"


def test_a_record_that_failed_is_read_again_by_id_until_it_is_accepted(server, wms):
    """Its window moves on, but the next pulls read it by id; once accepted its error is resolved. A
    failed record QuickBooks then deletes stops being read."""
    company = server.emulator.companies[END_USER]
    client = sdk_client(server)
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    service = client.qbd.service_items.list(limit=1, **EU).data[0]
    details = service.sales_or_purchase_details or service.sales_and_purchase_details
    posting = getattr(details, "posting_account", None) or details.income_account
    control(server, "POST", "clock", now="2026-10-31T12:00:00+00:00")  # before the first partition ends
    gone = client.qbd.service_items.create(name="Soon Gone", sales_or_purchase_details={
        "posting_account_id": posting.id}, **EU)  # in no transaction, so it can be deleted
    for path, record in (("inventory-items", item), ("service-items", gone)):
        raw = company.get(path, record.id)
        company.replace_raw(path, record.id, {**raw, "name": "N" * 40})  # too long for the WMS column
    assert metadata(pull(server, wms, raise_on_error=False), "items")["failed"] == 2

    # The data is put right without a new updatedAt (as a fixed mapping would): no window brings it.
    company.replace_raw("inventory-items", item.id, company.get("inventory-items", item.id) | {"name": item.name})
    control(server, "DELETE", f"records/service-items/{gone.id}")
    control(server, "DELETE", "requests")
    later = pull(server, wms, "2026-11-02")
    assert metadata(later, "items")["retried_failed"] == 1 and metadata(later, "items")["failed"] == 0
    by_id = {r["path"].split("/")[3] for r in control(server, "GET", "requests")["data"]
             if "ids" in (r["query"] or "") or r["path"].count("/") > 3}
    assert by_id == {"inventory-items", "service-items"}  # each record read where it failed, not in all six types
    with wms.engine().connect() as connection:
        stored = connection.execute(sa.select(TABLES["items"][0].c.name).where(
            TABLES["items"][0].c.qbd_id == item.id)).scalar_one()
        still_open = connection.execute(sa.select(sync_errors.c.qbd_id).where(
            sync_errors.c.resolved_at.is_(None))).scalars().all()
    assert stored == item.name and still_open == []
    again = pull(server, wms, "2026-11-03")
    assert metadata(again, "items")["retried_failed"] == 0  # nothing left to read again
