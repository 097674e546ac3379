"""Order lines travel in the API's line form; overlapping runs never push the same change."""

from qbd_pipeline.spec.entities import ENTITIES_BY_NAME
from qbd_pipeline.sync.push import Pusher, PushSettings
from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.quickbooks.pull_helpers import resources

from .helpers import changes, loaded, push, row, sql

EU = {"conductor_end_user_id": END_USER}


def test_line_edits_keep_existing_lines_by_id_drop_removed_ones_and_add_new_ones(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    order = next(o for o in client.qbd.sales_orders.list(**EU).data if len(o.lines) >= 2)
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    header = row(wms, "sales_orders", qbd_id=order.id)
    kept, dropped = order.lines[0], order.lines[1]
    sql(wms, "UPDATE sales_order_lines SET quantity = 9 WHERE header_id = :h AND line_number = 1", h=header["id"])
    sql(wms, "DELETE FROM sales_order_lines WHERE header_id = :h AND line_number = 2", h=header["id"])
    sql(wms, "INSERT INTO sales_order_lines (header_id, line_number, item_qbd_id, quantity, rate) "
             "VALUES (:h, 99, :i, 1, 3.00)", h=header["id"], i=item.id)
    assert push(server, wms).success
    after = client.qbd.sales_orders.retrieve(order.id, **EU)
    ids = [line.id for line in after.lines]
    assert ids[0] == kept.id and after.lines[0].quantity == 9
    assert dropped.id not in ids
    assert after.lines[-1].item.id == item.id and after.lines[-1].amount == "3.00"
    assert len(after.lines) == len(order.lines)  # one dropped, one added
    assert [c["status"] for c in changes(wms)] == ["pushed"] * len(changes(wms))


def test_overlapping_runs_never_claim_the_same_change(server, wms):
    loaded(server, wms)
    sql(wms, "UPDATE customers SET phone = '555-0111' WHERE id = (SELECT min(id) FROM customers)")
    conductor = resources(server, wms)["conductor"]
    entity = ENTITIES_BY_NAME["customers"]
    first = Pusher(conductor, wms.engine(), entity, PushSettings(run_id="run-a"))
    second = Pusher(conductor, wms.engine(), entity, PushSettings(run_id="run-b"))
    assert len(first.claim(frozenset())) == 1
    assert second.claim(frozenset()) == {}  # run-a holds the record and has not finished
    sql(wms, "UPDATE customers SET email = 'x@example.com' WHERE id = (SELECT min(id) FROM customers)")
    assert second.claim(frozenset()) == {}  # a newer change of a held record waits too
    # run-a pushes the record once, with both edits; run-b finds nothing left to do.
    assert first.run(frozenset()).pushed == 1
    assert [(c["status"], c["run_id"]) for c in changes(wms)] == [("pushed", "run-a"), ("pushed", "run-a")]
    assert second.run(frozenset()).pushed == 0
    assert second.claim(frozenset({"run-a"})) == {}  # run-a finished, but it left nothing pending
    customer = row(wms, "customers", id=changes(wms)[0]["row_id"])
    pushed = sdk_client(server).qbd.customers.retrieve(customer["qbd_id"], **EU)
    assert (pushed.phone, pushed.email) == ("555-0111", "x@example.com")
