"""The operator's console, `operator/sync_status`: what is wrong now, without SQL, as the asset's
metadata and checks; reported by its sensor whenever it changes, refreshed by Materialize."""

import json
import re

import dagster as dg

from qbd_pipeline.console.assets import KEY, sync_status
from qbd_pipeline.console.sensors import sync_status_monitor
from qbd_pipeline.run_queue import company_tag_for
from qbd_pipeline_tests.conftest import END_USER, OTHER_END_USER, sdk_client
from qbd_pipeline_tests.pushback.helpers import loaded, push, row, sql
from qbd_pipeline_tests.quickbooks.pull_helpers import control, pull, register

EU = {"conductor_end_user_id": END_USER}
UNKNOWN_ITEM = "8000FFFF-1700000000"


def _console(wms) -> tuple[dict, dict[str, dg.AssetCheckEvaluation]]:
    result = dg.materialize([sync_status], resources={"wms": wms}, instance=dg.DagsterInstance.ephemeral())
    [event] = result.get_asset_materialization_events()
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    return {k: v.value for k, v in event.materialization.metadata.items()}, checks


def _rows(markdown: str, needle: str) -> list[str]:
    return [line for line in markdown.splitlines() if needle in line]


def test_errors_conflicts_waiting_and_last_syncs_without_sql_and_a_fixed_order_leaves_the_list(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    # A new order with a line naming an item QuickBooks lacks (two captured changes, one record) ...
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    sql(wms, "INSERT INTO sales_orders (company, customer_qbd_id, transaction_date, memo) "
             "VALUES (:c, :q, '2026-11-20', 'console order')", c=END_USER, q=customer.id)
    order = row(wms, "sales_orders", memo="console order")["id"]
    sql(wms, "INSERT INTO sales_order_lines (header_id, line_number, item_qbd_id, quantity, rate) "
             "VALUES (:h, 1, :i, 2, 5)", h=order, i=UNKNOWN_ITEM)
    # ... a phone edited on both sides (customers: QuickBooks wins) ...
    other = client.qbd.customers.list(limit=2, **EU).data[1]
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    client.qbd.customers.update(other.id, revision_number=other.revision_number, phone="555-1001", **EU)
    sql(wms, "UPDATE customers SET phone = '555-2002' WHERE company = :c AND qbd_id = :q", c=END_USER, q=other.id)
    push(server, wms)
    # ... and an edit of a company file that is paused.
    register(wms, END_USER, OTHER_END_USER)
    sql(wms, "UPDATE companies SET status = 'paused' WHERE id = :c", c=OTHER_END_USER)
    sql(wms, "INSERT INTO vendors (company, name, is_active) VALUES (:c, 'Paused Supply', true)", c=OTHER_END_USER)

    metadata, checks = _console(wms)
    assert (metadata["open_errors"], metadata["failed_pushes"], metadata["open_pull_errors"]) == (1, 1, 0)
    [listed] = _rows(metadata["errors"], "sales_orders")  # the order once, not once per captured change
    assert re.search(rf"\|\s+{order}\s+\|", listed) and "REFERENCE_UNKNOWN" in listed and UNKNOWN_ITEM in listed
    assert "correct the reference in the WMS row" in listed  # what to do: the catalogue's fix
    [conflict] = _rows(metadata["conflicts"], "phone")
    assert all(text in conflict for text in (other.id, '"555-2002"', '"555-1001"', "QuickBooks wins", "qbd_wins"))
    [waiting] = _rows(metadata["waiting"], OTHER_END_USER)
    assert "is paused: `qbd-pipeline companies resume" in waiting and "vendors" in waiting
    assert metadata["stuck_changes"] == 1 and metadata["pending_changes"] == 1
    assert re.search(r"\|\s*sales_orders\s*\|\s*push\s*\|.*\|\s*partial\s*\|", metadata["last_sync"])  # an attempt
    assert "paused" in _rows(metadata["companies"], OTHER_END_USER)[0]
    assert not checks["no_open_errors"].passed and checks["no_open_errors"].severity == dg.AssetCheckSeverity.ERROR
    assert not checks["no_stuck_changes"].passed and "paused" in checks["no_stuck_changes"].description

    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE sales_order_lines SET item_qbd_id = :i WHERE header_id = :h", i=item.id, h=order)
    push(server, wms)  # nobody dismisses anything
    metadata, checks = _console(wms)
    assert metadata["open_errors"] == 0 and metadata["errors"] == "no open errors"
    assert checks["no_open_errors"].passed


def test_the_sensor_reports_when_something_changed_and_is_quiet_otherwise(server, wms):
    loaded(server, wms)
    instance = dg.DagsterInstance.ephemeral()

    def tick(cursor: str | None):
        with dg.build_sensor_context(instance=instance, cursor=cursor, resources={"wms": wms}) as context:
            return sync_status_monitor.evaluate_tick(context)

    first = tick(None)
    [reported, *evaluations] = first.asset_events
    assert reported.asset_key == KEY and reported.metadata["open_errors"].value == 0
    assert {e.check_name for e in evaluations} == {"no_open_errors", "no_stuck_changes"}
    quiet = tick(first.cursor)
    assert quiet.skip_message == "nothing changed since the last report" and not quiet.asset_events
    pull(server, wms, "2026-11-02")  # a run ends: the ledger moved
    after_pull = tick(first.cursor)
    assert after_pull.asset_events
    sql(wms, "UPDATE vendors SET phone = '555-0303' WHERE id = (SELECT min(id) FROM vendors)")
    changed = tick(after_pull.cursor)
    assert changed.asset_events[0].metadata["pending_changes"].value == 1
    assert json.loads(changed.cursor)["mark"] != json.loads(first.cursor)["mark"]


def test_a_console_refresh_from_the_ui_waits_for_no_company_run():
    assert company_tag_for({}, frozenset({KEY})) == {}
    assert company_tag_for({"dagster/partition/company": "end_usr_x"}, frozenset({dg.AssetKey(["qbd", "items"])})) == {
        "qbd/end_user": "end_usr_x"}
