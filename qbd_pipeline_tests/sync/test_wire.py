"""Request bodies from WMS rows: the mapping read in reverse, checked against the SDK's request rules."""

from datetime import date
from decimal import Decimal

from qbd_pipeline.spec.entities import RESOURCES_BY_PATH
from qbd_pipeline.spec.mapping import CUSTOMERS, INVENTORY_ADJUSTMENTS, ITEMS, SALES_ORDERS
from qbd_pipeline.sync.wire import CANNOT_CLEAR, NO_SUCH_FIELD, Unsent, header_body, lines_body

CUSTOMERS_API = RESOURCES_BY_PATH["customers"]


def test_a_create_sends_references_as_ids_and_never_an_empty_id():
    row = {"name": "Acme", "terms_qbd_id": None, "terms_name": None, "parent_qbd_id": "80000001-1",
           "email": "a@example.com", "billing_city": "Austin", "billing_line1": "1 Main St"}
    body = header_body(CUSTOMERS, CUSTOMERS_API, row, list(row), create=True, qbd_record=None)
    assert body == {"name": "Acme", "parentId": "80000001-1", "email": "a@example.com",
                    "billingAddress": {"city": "Austin", "line1": "1 Main St"}}


def test_an_update_clears_text_with_an_empty_string_and_records_what_it_cannot_clear():
    row = {"email": None, "terms_qbd_id": None, "credit_limit": None, "phone": "555-0100"}
    unsent: list[Unsent] = []
    body = header_body(CUSTOMERS, CUSTOMERS_API, row, list(row), create=False, qbd_record={}, unsent=unsent)
    assert body == {"email": "", "phone": "555-0100"}
    assert sorted((u.field, u.reason) for u in unsent) == [("credit_limit", CANNOT_CLEAR),
                                                           ("terms_qbd_id", CANNOT_CLEAR)]


def test_prices_keep_five_decimal_places_and_amounts_two():
    service = RESOURCES_BY_PATH["service-items"]
    row = {"name": "Labour", "sales_price": Decimal("12.34567")}
    body = header_body(ITEMS, service, row, list(row), create=True, qbd_record=None)
    assert body["salesOrPurchaseDetails"]["price"] == "12.34567"
    lines = lines_body(SALES_ORDERS, RESOURCES_BY_PATH["sales-orders"],
                       [{"item_qbd_id": "I-1", "quantity": Decimal("2"), "rate": Decimal("1.5")}], create=True)
    assert lines == [{"itemId": "I-1", "quantity": 2.0, "rate": "1.50"}]


def test_a_field_the_object_type_does_not_have_is_recorded_not_sent():
    discount = RESOURCES_BY_PATH["discount-items"]
    unsent: list[Unsent] = []
    body = header_body(ITEMS, discount, {"name": "Promo", "sku": "P-1", "reorder_point": None},
                       ["name", "sku", "reorder_point"], create=True, qbd_record=None, unsent=unsent)
    assert body == {"name": "Promo"}
    assert unsent == [Unsent("sku", NO_SUCH_FIELD)]  # an empty value is nothing to send


def test_adjustment_lines_are_created_as_quantity_differences_only():
    lines = lines_body(INVENTORY_ADJUSTMENTS, RESOURCES_BY_PATH["inventory-adjustments"],
                       [{"item_qbd_id": "I-1", "quantity_difference": Decimal("-3"),
                         "value_difference": Decimal("9.99"), "lot_number": "L7"}], create=True)
    assert lines == [{"itemId": "I-1", "adjustQuantity": {"quantityDifference": -3.0, "lotNumber": "L7"}}]


def test_an_update_names_existing_lines_and_adds_new_ones_as_minus_one():
    current = [{"qbd_line_id": "L-1", "item_qbd_id": "I-1", "quantity": 1.0, "description": "old"}]
    lines = [{"qbd_line_id": "L-1", "item_qbd_id": "I-1", "quantity": Decimal("4"), "description": None},
             {"qbd_line_id": None, "item_qbd_id": "I-2", "quantity": Decimal("1"),
              "service_date": date(2026, 11, 2)}]
    body = lines_body(SALES_ORDERS, RESOURCES_BY_PATH["sales-orders"], lines, create=False, current=current)
    assert body == [{"id": "L-1", "itemId": "I-1", "quantity": 4.0, "description": ""},
                    {"id": "-1", "itemId": "I-2", "quantity": 1.0}]
