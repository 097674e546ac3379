"""How QuickBooks objects land in WMS tables: one declarative column list per entity.

A column names its WMS name, its kind and the wire paths it is read from (first non-null wins, so
the six item types, which keep prices in different places, fill one `items` table). References
become `<name>_qbd_id` + `<name>_name` columns, addresses become `<prefix>_line1 ... _country`.
The WMS schema, the pull's mapping and the push-back's reverse mapping are all derived from here.
"""

from dataclasses import dataclass
from typing import Literal

# money: amounts, 2 decimal places; price: prices, costs and rates, which QuickBooks keeps to 5.
Kind = Literal["text", "bool", "int", "money", "price", "quantity", "percent", "date", "datetime"]


@dataclass(frozen=True)
class Col:
    name: str
    kind: Kind
    paths: tuple[str, ...]
    length: int | None = None  # for text; None = unbounded TEXT
    required: bool = False
    readonly: bool = False  # QuickBooks-owned (computed or derived): flows QBD -> WMS only, never pushed
    refers_to: str | None = None  # a reference's id column: the sync entity it names, looked up by name
    # What the WMS fills in when a row it creates leaves the column out, as QuickBooks would: "true",
    # or "name" (the row's own name: a full name is the name unless a parent is in front of it).
    default: str | None = None


@dataclass(frozen=True)
class LineMapping:
    table: str
    columns: tuple[Col, ...]


@dataclass(frozen=True)
class EntityMapping:
    entity: str
    table: str
    columns: tuple[Col, ...]
    lines: LineMapping | None = None
    has_item_type: bool = False  # the `items` table records which QBD item type a row is

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def text(name: str, *paths: str, length: int | None = None, required: bool = False, readonly: bool = False,
         default: str | None = None) -> Col:
    return Col(name, "text", paths or (_camel(name),), length, required, readonly, default=default)


def col(name: str, kind: Kind, *paths: str, required: bool = False, readonly: bool = False,
        default: str | None = None) -> Col:
    return Col(name, kind, paths or (_camel(name),), None, required, readonly, default=default)


def ref(name: str, *paths: str, readonly: bool = False, to: str | None = None) -> tuple[Col, Col]:
    """A QuickBooks reference: its id (pushed as `<name>Id`) and its full name (QuickBooks derives it).

    `to` names the sync entity it refers to: a WMS row that names a record the WMS created itself (no
    id yet) gets the id once that record is in QuickBooks.
    """
    paths = paths or (_camel(name),)
    return (Col(f"{name}_qbd_id", "text", tuple(f"{p}.id" for p in paths), 36, readonly=readonly, refers_to=to),
            Col(f"{name}_name", "text", tuple(f"{p}.fullName" for p in paths), 209, readonly=True))


def address(prefix: str, path: str) -> tuple[Col, ...]:
    parts = (("line1", 41), ("line2", 41), ("line3", 41), ("city", 31), ("state", 21), ("postal_code", 13),
             ("country", 31))
    return tuple(Col(f"{prefix}_{part}", "text", (f"{path}.{_camel(part)}",), size) for part, size in parts)


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(word.title() for word in rest)


_CONTACT = (
    text("company_name", length=41), text("first_name", length=25), text("last_name", length=25),
    text("email", length=1023), text("phone", length=21), text("alternate_phone", length=21),
    text("fax", length=21), text("contact", length=41),
)

CUSTOMERS = EntityMapping("customers", "customers", (
    text("name", length=41, required=True),
    text("full_name", length=209, required=True, readonly=True, default="name"),
    col("is_active", "bool", required=True, default="true"), *ref("parent", to="customers"),
    col("sublevel", "int", readonly=True), *_CONTACT,
    *address("billing", "billingAddress"), *address("shipping", "shippingAddress"),
    col("balance", "money", readonly=True), col("total_balance", "money", readonly=True),
    *ref("customer_type"), *ref("terms"), *ref("sales_representative"), *ref("sales_tax_code"),
    *ref("preferred_payment_method"), *ref("currency"), *ref("class", "class"),
    text("account_number", length=99), col("credit_limit", "money"), text("note"),
    text("external_id", length=36, readonly=True),
))

VENDORS = EntityMapping("vendors", "vendors", (
    text("name", length=41, required=True), col("is_active", "bool", required=True, default="true"),
    *_CONTACT, text("name_on_check", length=41),
    *address("billing", "billingAddress"), *address("shipping", "shippingAddress"),
    col("balance", "money", readonly=True), *ref("vendor_type"), *ref("terms"), *ref("currency"),
    *ref("sales_tax_code"),
    text("account_number", length=99), col("credit_limit", "money"), text("tax_identification_number", length=15),
    col("is_eligible_for_1099", "bool", "isEligibleFor1099"), text("note"),
    text("external_id", length=36, readonly=True),
))

ITEMS = EntityMapping("items", "items", (
    text("name", length=31, required=True),
    text("full_name", length=159, required=True, readonly=True, default="name"),
    col("is_active", "bool", required=True, default="true"), *ref("parent", to="items"),
    col("sublevel", "int", readonly=True),
    text("sku", length=31), text("barcode", "barcode.value", length=50),
    text("sales_description", "salesDescription", "salesAndPurchaseDetails.salesDescription",
         "salesOrPurchaseDetails.description", "description"),
    text("purchase_description", "purchaseDescription", "salesAndPurchaseDetails.purchaseDescription"),
    col("sales_price", "price", "salesPrice", "salesAndPurchaseDetails.salesPrice", "salesOrPurchaseDetails.price"),
    col("price_percent", "percent", "salesOrPurchaseDetails.pricePercentage"),
    col("purchase_cost", "price", "purchaseCost", "salesAndPurchaseDetails.purchaseCost"),
    col("average_cost", "price", readonly=True),
    col("quantity_on_hand", "quantity", readonly=True), col("quantity_on_purchase_order", "quantity", readonly=True),
    col("quantity_on_sales_order", "quantity", readonly=True), col("reorder_point", "quantity"),
    col("maximum_quantity_on_hand", "quantity"),
    col("discount_rate", "money"), col("discount_rate_percent", "percent"),
    *ref("income_account", "incomeAccount", "salesAndPurchaseDetails.incomeAccount"),
    *ref("expense_account", "salesAndPurchaseDetails.expenseAccount"),
    *ref("posting_account", "salesOrPurchaseDetails.postingAccount", "account"),
    *ref("cogs_account"), *ref("asset_account"),
    *ref("preferred_vendor", "preferredVendor", "salesAndPurchaseDetails.preferredVendor", to="vendors"),
    *ref("sales_tax_code"), *ref("purchase_tax_code", "purchaseTaxCode", "salesAndPurchaseDetails.purchaseTaxCode"),
    *ref("unit_of_measure_set"), *ref("class", "class"), text("external_id", length=36, readonly=True),
), has_item_type=True)

_ORDER_LINE = (
    *ref("item", to="items"), text("description"), col("quantity", "quantity"), text("unit_of_measure", length=31),
    col("rate", "price"), col("amount", "money", readonly=True), *ref("sales_tax_code"),
)

SALES_ORDERS = EntityMapping("sales_orders", "sales_orders", (
    text("ref_number", length=11), *ref("customer", to="customers"), col("transaction_date", "date", required=True),
    col("due_date", "date"), col("shipping_date", "date"),
    *address("billing", "billingAddress"), *address("shipping", "shippingAddress"),
    text("purchase_order_number", length=25), col("subtotal", "money", readonly=True),
    col("sales_tax_total", "money", readonly=True), col("sales_tax_percentage", "percent", readonly=True),
    col("total_amount", "money", readonly=True), col("is_fully_invoiced", "bool", readonly=True),
    col("is_manually_closed", "bool"), text("memo"),
    *ref("terms"), *ref("sales_representative"), *ref("shipping_method"), *ref("sales_tax_code"),
    *ref("sales_tax_item"), *ref("class", "class"), text("external_id", length=36, readonly=True),
), LineMapping("sales_order_lines", (
    *_ORDER_LINE, col("quantity_invoiced", "quantity", readonly=True), col("is_manually_closed", "bool"),
)))

PURCHASE_ORDERS = EntityMapping("purchase_orders", "purchase_orders", (
    text("ref_number", length=11), *ref("vendor", to="vendors"), col("transaction_date", "date", required=True),
    col("due_date", "date"), col("expected_date", "date"),
    *address("vendor_address", "vendorAddress"), *address("shipping", "shippingAddress"),
    col("total_amount", "money", readonly=True), col("is_fully_received", "bool", readonly=True),
    col("is_manually_closed", "bool"),
    text("memo"), text("vendor_message", length=99), *ref("terms"), *ref("shipping_method"),
    *ref("ship_to_entity"), *ref("class", "class"), text("external_id", length=36, readonly=True),
), LineMapping("purchase_order_lines", (
    *_ORDER_LINE, text("sku", length=31), col("received_quantity", "quantity", readonly=True),
    col("unbilled_quantity", "quantity", readonly=True), col("is_billed", "bool", readonly=True),
    col("is_manually_closed", "bool"),
    col("service_date", "date"),
)))

INVOICES = EntityMapping("invoices", "invoices", (
    text("ref_number", length=11), *ref("customer", to="customers"), col("transaction_date", "date", required=True),
    col("due_date", "date"), col("shipping_date", "date"),
    *address("billing", "billingAddress"), *address("shipping", "shippingAddress"),
    text("purchase_order_number", length=25), col("subtotal", "money"), col("sales_tax_total", "money"),
    col("applied_amount", "money"), col("balance_remaining", "money"), col("is_paid", "bool"),
    col("is_pending", "bool"), text("memo"), *ref("terms"), *ref("sales_representative"),
    *ref("receivables_account"), *ref("class", "class"), text("external_id", length=36, readonly=True),
), LineMapping("invoice_lines", (*_ORDER_LINE, col("service_date", "date"))))

CREDIT_MEMOS = EntityMapping("credit_memos", "credit_memos", (
    text("ref_number", length=11), *ref("customer", to="customers"), col("transaction_date", "date", required=True),
    col("due_date", "date"), col("shipping_date", "date"),
    *address("billing", "billingAddress"), *address("shipping", "shippingAddress"),
    text("purchase_order_number", length=25), col("subtotal", "money", readonly=True),
    col("sales_tax_total", "money", readonly=True), col("total_amount", "money", readonly=True),
    col("credit_remaining", "money", readonly=True), col("is_pending", "bool"), text("memo"),
    *ref("terms"), *ref("sales_representative"), *ref("shipping_method"), *ref("receivables_account"),
    *ref("class", "class"), text("external_id", length=36, readonly=True),
), LineMapping("credit_memo_lines", (*_ORDER_LINE, col("service_date", "date"))))

INVENTORY_ADJUSTMENTS = EntityMapping("inventory_adjustments", "inventory_adjustments", (
    text("ref_number", length=11), col("transaction_date", "date", required=True), *ref("account"),
    *ref("customer", to="customers"), *ref("inventory_site"), *ref("class", "class"), text("memo"),
    text("external_id", length=36, readonly=True),
), LineMapping("inventory_adjustment_lines", (
    *ref("item", to="items"), col("quantity_difference", "quantity"), col("value_difference", "money"),
    text("serial_number", length=4095), text("lot_number", length=40),
)))

MAPPINGS: dict[str, EntityMapping] = {m.entity: m for m in (
    CUSTOMERS, VENDORS, ITEMS, SALES_ORDERS, PURCHASE_ORDERS, INVOICES, CREDIT_MEMOS, INVENTORY_ADJUSTMENTS)}
