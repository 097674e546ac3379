"""Asset checks on SQLite and PostgreSQL: each fails on the asset whose data is wrong and says why; a
fetch that failed fails the materialization, not a check; the audit job reads QuickBooks."""

import dagster as dg
import sqlalchemy as sa

from qbd_pipeline.quickbooks.assets import pull_assets
from qbd_pipeline.quickbooks.checks import audit_checks, wms_checks
from qbd_pipeline.quickbooks.freshness import freshness_by_company
from qbd_pipeline.quickbooks.jobs import qbd_audit
from qbd_pipeline.wms.schema import TABLES
from qbd_pipeline.wms.triggers import sync_writer
from qbd_pipeline_tests.conftest import END_USER, sdk_client

from .pull_helpers import control, pull, resources

EU = {"conductor_end_user_id": END_USER}


def evaluations(result: dg.ExecuteInProcessResult) -> dict[tuple[str, str], dg.AssetCheckEvaluation]:
    return {(e.asset_key.path[-1], e.check_name): e for e in result.get_asset_check_evaluations()}


def audit(server, wms) -> dg.ExecuteInProcessResult:
    defs = dg.Definitions(assets=pull_assets, asset_checks=[*wms_checks, *audit_checks, freshness_by_company],
                          jobs=[qbd_audit], resources=resources(server, wms))
    return defs.resolve_job_def("qbd_audit").execute_in_process(instance=dg.DagsterInstance.ephemeral(),
                                                                tags={"qbd/end_user": END_USER})


def test_every_check_passes_after_a_clean_load_and_the_audit_materializes_nothing(server, wms):
    result = pull(server, wms, checks=True)
    found = evaluations(result)
    assert {name for _entity, name in found} == {"no_sync_errors", "no_failed_pushes", "no_orphan_references",
                                                 "totals_match_lines",  # the WMS checks; no QuickBooks reads
                                                 "fresh_in_every_company"}  # logged by each pull step
    assert ("vendors", "no_orphan_references") not in found and ("invoices", "no_failed_pushes") not in found
    assert [key for key, e in found.items() if not e.passed] == []
    checked = audit(server, wms)
    assert checked.success and checked.get_asset_materialization_events() == []
    found = evaluations(checked)
    assert found[("items", "stock_on_hand_matches")].passed
    counts = found[("items", "row_counts_match")]
    assert counts.passed and counts.metadata["inventory-items"].value["quickbooks"] == 15
    assert [key for key, e in found.items() if not e.passed] == []


def test_a_fetch_that_failed_fails_the_materialization_not_a_check(server, wms):
    control(server, "POST", "faults", kind="qbd_offline", path_contains="/vendors", count=20)
    instance = dg.DagsterInstance.ephemeral()
    result = pull(server, wms, checks=True, config={"max_restarts": 1}, raise_on_error=False, instance=instance)
    assert not result.success
    failure = next(e for e in result.get_step_failure_events() if e.step_key == "qbd__vendors")
    assert "QuickBooks did not serve the window" in failure.step_failure_data.user_failure_data.description
    found = evaluations(result)
    assert found[("customers", "no_sync_errors")].passed
    # The vendors' checks never ran as a step, yet they say what the WMS holds (no record error), not
    # Dagster's "execution failed" for a planned check of a failed run.
    history = instance.event_log_storage.get_asset_check_execution_history(
        dg.AssetCheckKey(dg.AssetKey(["qbd", "vendors"]), "no_sync_errors"), limit=1)
    assert [(h.run_id, h.status.value) for h in history] == [(result.run_id, "SUCCEEDED")]
    assert "this run's fetch failed" in history[0].event.dagster_event.event_specific_data.description
    control(server, "DELETE", "faults")


def test_an_order_whose_total_is_not_the_sum_of_its_lines_fails_on_the_orders(server, wms):
    company = server.emulator.companies[END_USER]
    order = sdk_client(server).qbd.sales_orders.list(limit=1, **EU).data[0]
    raw = company.get("sales-orders", order.id)
    company.replace_raw("sales-orders", order.id, {**raw, "subtotal": "1.00"})
    found = evaluations(pull(server, wms, checks=True))
    check = found[("sales_orders", "totals_match_lines")]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert order.id in check.metadata["sample"].value and check.metadata["found"].value == 1
    assert found[("customers", "no_sync_errors")].passed and found[("purchase_orders", "totals_match_lines")].passed


def test_a_reference_to_a_record_the_wms_lacks_is_an_orphan_of_the_row_that_names_it(server, wms):
    assert pull(server, wms, checks=True).success
    items, lines = TABLES["items"][0], TABLES["sales_orders"][1]
    with wms.engine().begin() as connection, sync_writer(connection):  # as if the item never arrived
        item = connection.execute(sa.select(lines.c.item_qbd_id).where(lines.c.item_qbd_id.is_not(None))
                                  .limit(1)).scalar_one()
        connection.execute(items.delete().where(items.c.qbd_id == item))
    found = evaluations(audit(server, wms))
    orphans = found[("sales_orders", "no_orphan_references")]
    assert not orphans.passed and item in orphans.metadata["sample"].value
    assert orphans.metadata["sales_order_lines.item_qbd_id"].value >= 1
    assert not found[("items", "row_counts_match")].passed  # QuickBooks has one item more than the WMS
    assert found[("customers", "no_orphan_references")].passed


def test_the_audit_finds_stock_that_differs_from_quickbooks(server, wms):
    assert pull(server, wms, checks=True).success
    company = server.emulator.companies[END_USER]
    item = sdk_client(server).qbd.inventory_items.list(limit=1, **EU).data[0]
    raw = company.get("inventory-items", item.id)  # QuickBooks' figure moves without a new revision
    company.replace_raw("inventory-items", item.id, {**raw, "quantityOnHand": (raw["quantityOnHand"] or 0) + 3})
    found = evaluations(audit(server, wms))
    stock = found[("items", "stock_on_hand_matches")]
    assert not stock.passed and stock.metadata["found"].value == 1 and item.id in stock.metadata["sample"].value
    assert found[("items", "row_counts_match")].passed
