"""The three-way merge, as a pure function: fields, lines, rules, ties, and decisions made once."""

from datetime import datetime, timedelta, timezone

import pytest

from qbd_pipeline.spec.entities import ENTITIES_BY_NAME
from qbd_pipeline.spec.mapping import MAPPINGS
from qbd_pipeline.sync.merge import (
    LINES,
    PriorDecision,
    adopted_base,
    comparable,
    field_times,
    inferred_base,
    merge,
    rule_winner,
    typed_lines,
    value_key,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
PO = MAPPINGS["purchase_orders"]


def view(mapping, **fields):
    row = {c.name: None for c in mapping.columns}
    row.update({k: v for k, v in fields.items() if k != LINES})
    return comparable(mapping, row, fields.get(LINES))


def line(line_id, **fields):
    return {"qbd_line_id": line_id, "item_qbd_id": "ITEM-1", "quantity": 1, "rate": None, "description": None,
            **fields}


@pytest.mark.parametrize("entity,wms_later,expected", [
    ("customers", True, "qbd"), ("customers", False, "qbd"),
    ("sales_orders", True, "wms"), ("sales_orders", False, "wms"),
    ("vendors", True, "wms"), ("vendors", False, "qbd"),
    ("items", True, "wms"), ("items", False, "qbd"),
    ("invoices", True, "qbd"),
])
def test_a_field_changed_on_both_sides_goes_by_the_entity_rule(entity, wms_later, expected):
    wms_time, qbd_time = (T0 + timedelta(minutes=1), T0) if wms_later else (T0, T0 + timedelta(minutes=1))
    assert rule_winner(ENTITIES_BY_NAME[entity], wms_time, qbd_time) == expected


def test_a_tie_or_a_missing_time_keeps_quickbooks():
    vendors = ENTITIES_BY_NAME["vendors"]
    assert rule_winner(vendors, T0, T0) == "qbd"
    assert rule_winner(vendors, None, T0) == "qbd"
    assert rule_winner(vendors, T0, None) == "qbd"


def test_one_sided_changes_go_across_and_both_sided_ones_are_conflicts():
    mapping = MAPPINGS["vendors"]
    base = view(mapping, name="V", phone="1", email="a@x", fax="9")
    wms = view(mapping, name="V", phone="2", email="a@x", fax="8")
    qbd = view(mapping, name="V", phone="1", email="b@x", fax="7")
    result = merge(ENTITIES_BY_NAME["vendors"], mapping, base, wms, qbd, times={"fax": T0 + timedelta(hours=1)},
                   qbd_time=T0)
    by_field = {d.field: d for d in result.decisions}
    assert (by_field["phone"].winner, by_field["phone"].conflict) == ("wms", False)
    assert (by_field["email"].winner, by_field["email"].conflict) == ("qbd", False)
    assert (by_field["fax"].winner, by_field["fax"].rule) == ("wms", "latest_wins")  # the WMS edited it later
    assert sorted(result.to_qbd(qbd, wms)) == ["fax", "phone"]


def test_the_wms_time_of_a_field_comes_from_its_own_change_rows():
    class Change:
        def __init__(self, operation, fields, at):
            self.operation, self.changed_fields, self.changed_at = operation, fields, at

    times = field_times([Change("update", "phone,email", T0), Change("update", "phone", T0 + timedelta(hours=2)),
                         Change("update", "lines", T0 + timedelta(hours=3))])
    assert times == {"phone": T0 + timedelta(hours=2), "email": T0, "lines": T0 + timedelta(hours=3)}
    assert field_times([Change("insert", None, T0)]) == {"*": T0}


def test_a_decision_once_made_is_not_reversed_by_a_later_quickbooks_time():
    mapping, vendors = MAPPINGS["vendors"], ENTITIES_BY_NAME["vendors"]
    base, wms, qbd = (view(mapping, name="V", phone=p) for p in ("1", "2", "3"))
    first = merge(vendors, mapping, base, wms, qbd, times={"phone": T0 + timedelta(minutes=5)}, qbd_time=T0)
    [decision] = first.decisions
    assert decision.winner == "wms" and not decision.recorded
    # QuickBooks edits another field later: its record time moves past the WMS edit of the phone.
    later = view(mapping, name="V", phone="3", email="new@x")
    prior = {"phone": PriorDecision(value_key(decision.wms), value_key(decision.qbd), decision.winner)}
    again = merge(vendors, mapping, base, wms, later, times={"phone": T0 + timedelta(minutes=5)},
                  qbd_time=T0 + timedelta(hours=1), prior=prior)
    phone = next(d for d in again.decisions if d.field == "phone")
    assert (phone.winner, phone.recorded) == ("wms", True)
    # A new QuickBooks value for the field is a new edit: decided afresh.
    newer = view(mapping, name="V", phone="4")
    fresh = merge(vendors, mapping, base, wms, newer, times={"phone": T0 + timedelta(minutes=5)},
                  qbd_time=T0 + timedelta(hours=1), prior=prior)
    [phone] = fresh.decisions
    assert (phone.winner, phone.recorded) == ("qbd", False)


def test_edits_of_different_lines_on_each_side_both_survive_without_a_conflict():
    purchase_orders = ENTITIES_BY_NAME["purchase_orders"]
    base = view(PO, transaction_date="2026-11-01", lines=[line("L1", quantity=1), line("L2", quantity=2)])
    wms = view(PO, transaction_date="2026-11-01", lines=[line("L1", quantity=1), line("L2", quantity=20)])
    qbd = view(PO, transaction_date="2026-11-01", lines=[line("L1", quantity=10), line("L2", quantity=2)])
    result = merge(purchase_orders, PO, base, wms, qbd, times={"lines": T0}, qbd_time=T0 + timedelta(hours=1))
    merged = result.merged_lines(wms, qbd)
    assert [(m["qbd_line_id"], m["quantity"]) for m in merged] == [("L1", 10), ("L2", 20)]
    assert not any(d.conflict for d in result.decisions)
    assert result.lines_to_qbd(wms, qbd)


def test_the_same_line_field_edited_on_both_sides_goes_by_the_rule_with_the_line_edit_time():
    purchase_orders = ENTITIES_BY_NAME["purchase_orders"]
    base = view(PO, transaction_date="2026-11-01", lines=[line("L1", quantity=1)])
    wms = view(PO, transaction_date="2026-11-01", lines=[line("L1", quantity=5)])
    qbd = view(PO, transaction_date="2026-11-01", lines=[line("L1", quantity=7)])
    later_wms = merge(purchase_orders, PO, base, wms, qbd, times={"lines": T0 + timedelta(hours=1)},
                      wms_time=T0 - timedelta(days=1), qbd_time=T0)
    [decision] = [d for d in later_wms.decisions if d.conflict]
    assert (decision.field, decision.winner) == ("lines[L1].quantity", "wms")  # not the header's older time
    earlier_wms = merge(purchase_orders, PO, base, wms, qbd, times={"lines": T0 - timedelta(hours=1)}, qbd_time=T0)
    assert [d.winner for d in earlier_wms.decisions if d.conflict] == ["qbd"]


def test_lines_added_on_both_sides_are_kept_and_deletes_go_across():
    purchase_orders = ENTITIES_BY_NAME["purchase_orders"]
    base = view(PO, transaction_date="2026-11-01", lines=[line("L1"), line("L2"), line("L3")])
    wms = view(PO, transaction_date="2026-11-01", lines=[line("L1"), line("L3"), line(None, quantity=4)])  # -L2 +new
    qbd = view(PO, transaction_date="2026-11-01", lines=[line("L1"), line("L2"), line("Q9", quantity=9)])  # -L3 +Q9
    result = merge(purchase_orders, PO, base, wms, qbd, times={"lines": T0}, qbd_time=T0)
    assert [(m["qbd_line_id"], m["quantity"]) for m in result.merged_lines(wms, qbd)] == [
        ("L1", 1), (None, 4), ("Q9", 9)]
    assert not any(d.conflict for d in result.decisions)


def test_a_line_deleted_on_one_side_and_edited_on_the_other_is_a_conflict():
    purchase_orders = ENTITIES_BY_NAME["purchase_orders"]
    base = view(PO, transaction_date="2026-11-01", lines=[line("L1"), line("L2")])
    wms = view(PO, transaction_date="2026-11-01", lines=[line("L1")])
    qbd = view(PO, transaction_date="2026-11-01", lines=[line("L1"), line("L2", quantity=3)])
    kept = merge(purchase_orders, PO, base, wms, qbd, times={"lines": T0}, qbd_time=T0 + timedelta(minutes=1))
    assert [d.field for d in kept.decisions if d.conflict] == ["lines[L2]"]
    assert [m["qbd_line_id"] for m in kept.merged_lines(wms, qbd)] == ["L1", "L2"]  # QuickBooks' later edit stands
    gone = merge(purchase_orders, PO, base, wms, qbd, times={"lines": T0 + timedelta(minutes=2)},
                 qbd_time=T0 + timedelta(minutes=1))
    assert [m["qbd_line_id"] for m in gone.merged_lines(wms, qbd)] == ["L1"]


def test_typed_lines_take_each_field_from_its_side_and_quickbooks_owned_columns_from_quickbooks():
    purchase_orders = ENTITIES_BY_NAME["purchase_orders"]
    wms_rows = [{"id": 7, "header_id": 1, "line_number": 1, "qbd_line_id": "L1", "item_qbd_id": "ITEM-1",
                 "quantity": 5, "rate": None, "description": None, "received_quantity": 0}]
    qbd_rows = [{"line_number": 1, "qbd_line_id": "L1", "item_qbd_id": "ITEM-1", "quantity": 1, "rate": 2,
                 "description": "from QB", "received_quantity": 1}]
    base = view(PO, transaction_date="2026-11-01", lines=[line("L1")])
    wms, qbd = view(PO, transaction_date="2026-11-01", lines=wms_rows), view(PO, transaction_date="2026-11-01",
                                                                                lines=qbd_rows)
    result = merge(purchase_orders, PO, base, wms, qbd, times={}, qbd_time=T0)
    [typed] = typed_lines(result.lines, wms_rows, qbd_rows)
    assert (typed["quantity"], typed["rate"], typed["description"], typed["received_quantity"]) == (5, 2, "from QB", 1)


def test_without_an_agreed_version_the_change_rows_say_what_the_wms_changed():
    mapping = MAPPINGS["vendors"]
    wms = view(mapping, name="V", phone="2", email="w@x")
    qbd = view(mapping, name="V", phone="1", email="q@x")
    base = inferred_base(wms, qbd, {"phone"}, qbd_moved=False)
    result = merge(ENTITIES_BY_NAME["vendors"], mapping, base, wms, qbd, qbd_time=T0)
    assert {d.field: d.winner for d in result.decisions} == {"phone": "wms", "email": "qbd"}


def test_an_adopted_create_takes_quickbooks_defaults_where_the_wms_gave_nothing():
    mapping = MAPPINGS["sales_orders"]
    so = ENTITIES_BY_NAME["sales_orders"]
    wms = view(mapping, transaction_date="2026-11-01", memo="later WMS edit", terms_qbd_id=None,
               lines=[line("L1", quantity=2, description=None)])
    qbd = view(mapping, transaction_date="2026-11-01", memo="sent", terms_qbd_id="TERMS-1",
               lines=[line("L1", quantity=2, description="Widget")])
    result = merge(so, mapping, adopted_base(wms, qbd), wms, qbd, qbd_time=T0)
    assert result.to_qbd(qbd, wms) == ["memo"]  # the edit goes; the empty terms never do
    assert result.sources["terms_qbd_id"] == "qbd"
    assert not result.lines_to_qbd(wms, qbd)


def test_an_unanswered_push_counts_as_agreed_only_where_quickbooks_holds_what_it_sent():
    from qbd_pipeline.sync.merge import apply_intent

    mapping = MAPPINGS["vendors"]
    base = view(mapping, name="V", phone="1", email="a@x", fax="9")
    intent = {"fields": {"phone": "2", "email": "b@x"}, "lines": None}
    qbd = view(mapping, name="V", phone="2", email="c@x", fax="8")  # the phone arrived; the email was changed since
    agreed = apply_intent(base, intent, qbd)
    assert (agreed["phone"], agreed["email"], agreed["fax"]) == ("2", "a@x", "9")
    assert apply_intent(base, None, qbd) is base


def test_an_unanswered_push_of_lines_agrees_on_the_lines_quickbooks_made_from_it():
    from qbd_pipeline.sync.merge import apply_intent

    base = view(PO, transaction_date="2026-11-01", lines=[line("L1", quantity=1), line("L2", quantity=2)])
    intent = {"fields": {}, "lines": [{"id": "L1", "fields": {"quantity": 5}}, {"id": None, "fields": {
        "item_qbd_id": "ITEM-1", "quantity": 7}}]}  # L1 edited, L2 removed, a line added
    qbd = view(PO, transaction_date="2026-11-01", lines=[line("L1", quantity=5), line("N9", quantity=7)])
    agreed = apply_intent(base, intent, qbd)
    assert sorted((ln["qbd_line_id"], ln["quantity"]) for ln in agreed[LINES]) == [("L1", 5), ("N9", 7)]


def test_new_wms_lines_pair_with_the_quickbooks_lines_an_unanswered_push_made():
    from qbd_pipeline.sync.merge import pair_new_lines

    wms = [line("L1"), line(None, quantity=7), line(None, quantity=8, description="x")]
    qbd = [line("L1"), line("N1", quantity=8, description="x"), line("N2", quantity=7)]
    assert pair_new_lines(wms, qbd, {"L1"}, ["item_qbd_id", "quantity", "description"]) == {1: "N2", 2: "N1"}
