"""Credit memos (customer returns) both ways: pulled with their lines, booked in the WMS and pushed,
both-sides edits decided by the latest modification, QuickBooks deletes arriving. The entity was
added as a spec row, a mapping, a generated migration and sample data: nothing else knows it."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.pushback.helpers import changes, conflicts, loaded, push, row, sql
from qbd_pipeline_tests.quickbooks.pull_helpers import control, metadata, pull

EU = {"conductor_end_user_id": END_USER}
QBD_EARLIER, QBD_LATER = "2026-11-02T05:10:00+00:00", "2027-01-01T00:00:00+00:00"  # the WMS edits happen "now"


def test_credit_memos_are_pulled_with_their_lines_and_quickbooks_figures(server, wms):
    result = pull(server, wms)
    memos = sdk_client(server).qbd.credit_memos.list(limit=150, **EU).data
    assert memos and metadata(result, "credit_memos")["inserted"] == len(memos)
    memo = next(m for m in memos if m.lines)
    stored = row(wms, "credit_memos", qbd_id=memo.id)
    with wms.engine().connect() as connection:
        lines = connection.execute(sa.text("SELECT item_qbd_id, qbd_line_id FROM credit_memo_lines "
                                           "WHERE header_id = :h ORDER BY line_number"), {"h": stored["id"]}).all()
    assert [tuple(line) for line in lines] == [(ln.item.id, ln.id) for ln in memo.lines]
    assert (stored["ref_number"], stored["customer_qbd_id"], Decimal(stored["credit_remaining"])) == (
        memo.ref_number, memo.customer.id, Decimal(memo.credit_remaining))
    assert Decimal(stored["total_amount"]) == Decimal(memo.total_amount) > 0


def test_a_return_booked_in_the_wms_reaches_quickbooks_and_puts_the_goods_back_on_hand(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    sql(wms, "INSERT INTO credit_memos (customer_qbd_id, transaction_date, ref_number, memo) "
             "VALUES (:c, '2026-11-04', 'RMA-7', 'two units back, unopened')", c=customer.id)
    header = row(wms, "credit_memos", ref_number="RMA-7")
    sql(wms, "INSERT INTO credit_memo_lines (header_id, line_number, item_qbd_id, quantity, rate) "
            "VALUES (:h, 1, :i, 2, 12.5)", h=header["id"], i=item.id)

    assert push(server, wms).success
    pushed = row(wms, "credit_memos", id=header["id"])
    made = client.qbd.credit_memos.retrieve(pushed["qbd_id"], **EU)
    assert (made.customer.id, made.ref_number, made.memo) == (customer.id, "RMA-7", "two units back, unopened")
    assert [(ln.item.id, ln.quantity, ln.amount) for ln in made.lines] == [(item.id, 2, "25.00")]
    assert (made.total_amount, made.credit_remaining) == ("25.00", "25.00")
    assert Decimal(pushed["credit_remaining"]) == Decimal("25.00")  # QuickBooks' figures came back
    on_hand = client.qbd.inventory_items.retrieve(item.id, **EU).quantity_on_hand
    assert on_hand == item.quantity_on_hand + 2
    assert Decimal(row(wms, "items", qbd_id=item.id)["quantity_on_hand"]) == Decimal(str(on_hand))
    assert {c["status"] for c in changes(wms)} == {"pushed"}
    assert push(server, wms).output_for_node("push_credit_memos")["pushed"] == 0  # no echo


@pytest.mark.parametrize("qbd_later,winner", [(True, "qbd"), (False, "wms")], ids=["quickbooks-later", "wms-later"])
def test_a_memo_edited_on_both_sides_goes_to_the_latest_edit(server, wms, qbd_later, winner):
    loaded(server, wms)
    client = sdk_client(server)
    memo = client.qbd.credit_memos.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now=QBD_LATER if qbd_later else QBD_EARLIER)
    client.qbd.credit_memos.update(memo.id, revision_number=memo.revision_number, memo="from QuickBooks", **EU)
    sql(wms, "UPDATE credit_memos SET memo = 'from the WMS' WHERE qbd_id = :q", q=memo.id)

    assert push(server, wms).success
    expected = "from QuickBooks" if winner == "qbd" else "from the WMS"
    assert client.qbd.credit_memos.retrieve(memo.id, **EU).memo == expected
    assert row(wms, "credit_memos", qbd_id=memo.id)["memo"] == expected
    assert [(c["field"], c["winner"], c["rule"]) for c in conflicts(wms)] == [("memo", winner, "latest_wins")]


def test_a_credit_memo_deleted_in_quickbooks_is_marked_deleted_with_its_lines_kept(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    memo = client.qbd.credit_memos.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    client.qbd.credit_memos.delete(memo.id, **EU)
    hour = pull(server, wms, "2026-11-02")
    assert metadata(hour, "credit_memos")["deleted"] == 1
    assert row(wms, "credit_memos", qbd_id=memo.id)["qbd_deleted_at"] is not None
