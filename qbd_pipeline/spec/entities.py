"""The one declarative table of what the sync knows about QuickBooks Desktop.

Every QBD object type the product touches is one `QbdResource` row; rows group into
sync `Entity`s (all six item types feed one `items` entity). The emulator's routes,
its request validation and response shapes, the pull assets and the push-back all read
this table, so adding an object type is a row here plus its field mapping.
"""

from dataclasses import dataclass
from functools import cached_property
from importlib import import_module
from typing import Literal

Kind = Literal["list", "transaction"]


ConflictRule = Literal["latest_wins", "qbd_wins", "wms_wins", "never_push"]


@dataclass(frozen=True)
class Entity:
    """A sync entity: one Dagster asset, one WMS table family, one push-back op.

    `conflict_rule` decides a field changed on both sides since they last agreed; a field changed on
    one side only always goes to the other side.
    """

    name: str
    depends_on: tuple[str, ...] = ()
    direction: Literal["both", "qbd_to_wms"] = "both"
    conflict_rule: ConflictRule = "latest_wins"


@dataclass(frozen=True)
class TransactionRules:
    """What QuickBooks itself does with a transaction type: the defaults it fills in on create, how it
    prices lines and totals the header, and which item stock figures its lines move. The emulator
    behaves by these rows; the sync relies on them (it re-reads the items whose figures moved)."""

    party: str  # the header reference the transaction is with: "customer" or "vendor"
    requires_lines: bool = False  # a create needs at least one line (or line group)
    from_party: tuple[tuple[str, str], ...] = ()  # header field <- the party's field, when a create leaves it out
    header_defaults: tuple[tuple[str, object], ...] = ()  # values a create starts with
    header_flags: tuple[str, ...] = ()  # booleans that are false unless sent
    default_refs: tuple[tuple[str, str, str], ...] = ()  # (field, reference list, name) a create defaults to
    priced_lines: bool = True  # lines carry rate x quantity = amount, and the header totals them
    line_description_from: str = "salesDescription"  # the item field a new line's description defaults to
    line_rate_from: str = "salesPrice"  # the item field a new line's rate defaults to
    line_defaults: tuple[tuple[str, object], ...] = ()
    line_flags: tuple[str, ...] = ()
    totals: tuple[str, ...] = ()  # of "subtotal" (with salesTaxTotal) and "totalAmount"
    remaining: str | None = None  # total less `appliedAmount`: "balanceRemaining", "creditRemaining"
    settled_flag: str | None = None  # true once nothing remains ("isPaid")
    open_quantity: tuple[str, str] | None = None  # (item figure, line quantity done) open lines add to
    on_hand_from: str | None = None  # the line field that moves the item's quantityOnHand
    adjusts_stock: bool = False  # creates nest the adjustment kind (adjustQuantity, adjustValue, ...)


_SALES = dict(party="customer", requires_lines=True, header_defaults=(("salesTaxTotal", "0.00"),
              ("salesTaxPercentage", "0.00")),
              from_party=(("billingAddress", "billingAddress"), ("shippingAddress", "shippingAddress"),
                          ("terms", "terms")))
SALES_ORDER = TransactionRules(
    **{**_SALES, "header_defaults": (*_SALES["header_defaults"], ("isFullyInvoiced", False))},
    header_flags=("isManuallyClosed",), line_defaults=(("quantityInvoiced", 0.0),), line_flags=("isManuallyClosed",),
    totals=("subtotal", "totalAmount"), open_quantity=("quantityOnSalesOrder", "quantityInvoiced"))
INVOICE = TransactionRules(
    **{**_SALES, "header_defaults": (*_SALES["header_defaults"], ("appliedAmount", "0.00"))},
    header_flags=("isPending", "isFinanceCharge"),
    default_refs=(("receivablesAccount", "account", "Accounts Receivable"),), totals=("subtotal",),
    remaining="balanceRemaining", settled_flag="isPaid")
PURCHASE_ORDER = TransactionRules(
    party="vendor", requires_lines=True, from_party=(("vendorAddress", "billingAddress"), ("terms", "terms")),
    header_defaults=(("isFullyReceived", False),), header_flags=("isManuallyClosed",),
    line_description_from="purchaseDescription", line_rate_from="purchaseCost",
    line_defaults=(("receivedQuantity", 0.0), ("unbilledQuantity", 0.0), ("isBilled", False)),
    line_flags=("isManuallyClosed",), totals=("totalAmount",),
    open_quantity=("quantityOnPurchaseOrder", "receivedQuantity"))
CREDIT_MEMO = TransactionRules(  # a customer return: the goods go back on hand, the credit waits to be used
    **{**_SALES, "header_defaults": _SALES["header_defaults"]}, header_flags=("isPending",),
    default_refs=(("receivablesAccount", "account", "Accounts Receivable"),), totals=("subtotal", "totalAmount"),
    remaining="creditRemaining", on_hand_from="quantity")
INVENTORY_ADJUSTMENT = TransactionRules(party="customer", priced_lines=False, adjusts_stock=True,
                                        on_hand_from="quantityDifference")


@dataclass(frozen=True)
class QbdResource:
    """One Conductor QuickBooks Desktop object type and how its endpoints behave."""

    entity: str
    path: str  # URL slug under /quickbooks-desktop/
    sdk_attr: str  # attribute of `client.qbd`
    type_name: str  # class name stem in `conductor.types.qbd`, e.g. "SalesOrder"
    object_type: str  # the `objectType` of a record, e.g. "qbd_sales_order"
    kind: Kind
    deleted_type: str  # listType / transactionType in the deleted-* feeds
    paginated: bool = True  # cursor pagination (inventory adjustments have none)
    can_delete: bool = False
    can_void: bool = False
    item_type: str | None = None  # the WMS `item_type` value for item resources
    name_filters: bool = False  # nameContains/nameFrom/... and fullNames (or names)
    full_names: bool = True  # hierarchical fullName (vendors have only `name`)
    one_of: tuple[str, ...] = ()  # request objects of which a record uses exactly one (item price layouts)
    name_space: str | None = None  # list objects whose names must be unique together ("entity", "item")
    opening_balance: tuple[str, ...] = ()  # fields a create's openingBalance sets
    holds_stock: bool = False  # has quantityOnHand, quantityOnSalesOrder, ... (inventory items)
    has_components: bool = False  # lists the items it is built from (assemblies)
    txn: TransactionRules | None = None  # transactions: what QuickBooks does with them
    list_query: tuple[tuple[str, object], ...] = ()  # parameters every listing sends (SDK names)
    # Creates send these line fields inside this object (inventory adjustments' `adjustQuantity`) and
    # leave out `create_line_drop` (the sync adjusts quantities only).
    create_line_wrap: tuple[str, tuple[str, ...]] | None = None
    create_line_drop: tuple[str, ...] = ()

    def _sdk(self, suffix: str):
        module = import_module("conductor.types.qbd")
        return getattr(module, f"{self.type_name}{suffix}")

    @cached_property
    def model(self):
        """The SDK's pydantic response model: the authority on every response field."""
        return self._sdk("")

    @cached_property
    def create_params(self):
        return self._sdk("CreateParams")

    @cached_property
    def update_params(self):
        return self._sdk("UpdateParams")

    @cached_property
    def list_params(self):
        return self._sdk("ListParams")


ENTITIES: tuple[Entity, ...] = (
    # QuickBooks wins a field changed on both sides; contact details changed only in the WMS still go to QBD.
    Entity("customers", conflict_rule="qbd_wins"),
    Entity("vendors"),
    Entity("items", depends_on=("vendors",)),  # an item names its preferred vendor
    # Fulfilment happens in the WMS.
    Entity("sales_orders", depends_on=("customers", "items"), conflict_rule="wms_wins"),
    Entity("purchase_orders", depends_on=("vendors", "items")),
    Entity("invoices", depends_on=("customers", "items"), direction="qbd_to_wms", conflict_rule="never_push"),
    # Customer returns are booked in the warehouse first.
    Entity("credit_memos", depends_on=("customers", "items")),
    # Pushed once, as quantity differences (net change); stock figures flow from QuickBooks only.
    Entity("inventory_adjustments", depends_on=("items",)),
)

_ITEM = dict(entity="items", kind="list", name_filters=True, name_space="item")
_DETAILS = ("salesOrPurchaseDetails", "salesAndPurchaseDetails")

RESOURCES: tuple[QbdResource, ...] = (
    QbdResource("customers", "customers", "customers", "Customer", "qbd_customer", "list",
                "customer", name_filters=True, name_space="entity", opening_balance=("balance", "totalBalance"),
                list_query=(("exclude_alternate_shipping_addresses", True),)),
    QbdResource("vendors", "vendors", "vendors", "Vendor", "qbd_vendor", "list",
                "vendor", name_filters=True, full_names=False, name_space="entity", opening_balance=("balance",)),
    QbdResource(path="inventory-items", sdk_attr="inventory_items", type_name="InventoryItem",
                object_type="qbd_inventory_item", deleted_type="item_inventory", item_type="inventory",
                holds_stock=True, **_ITEM),
    QbdResource(path="non-inventory-items", one_of=_DETAILS, sdk_attr="non_inventory_items",
                type_name="NonInventoryItem",
                object_type="qbd_non_inventory_item", deleted_type="item_non_inventory",
                item_type="non_inventory", **_ITEM),
    QbdResource(path="service-items", one_of=_DETAILS, sdk_attr="service_items", type_name="ServiceItem",
                object_type="qbd_service_item", deleted_type="item_service", item_type="service", **_ITEM),
    QbdResource(path="discount-items", sdk_attr="discount_items", type_name="DiscountItem",
                object_type="qbd_discount_item", deleted_type="item_discount", item_type="discount", **_ITEM),
    QbdResource(path="inventory-assembly-items", sdk_attr="inventory_assembly_items",
                type_name="InventoryAssemblyItem", object_type="qbd_inventory_assembly_item",
                deleted_type="item_inventory_assembly", item_type="inventory_assembly", holds_stock=True,
                has_components=True, **_ITEM),
    QbdResource(path="other-charge-items", one_of=_DETAILS, sdk_attr="other_charge_items", type_name="OtherChargeItem",
                object_type="qbd_other_charge_item", deleted_type="item_other_charge",
                item_type="other_charge", **_ITEM),
    QbdResource("sales_orders", "sales-orders", "sales_orders", "SalesOrder", "qbd_sales_order",
                "transaction", "sales_order", can_delete=True, txn=SALES_ORDER),
    QbdResource("purchase_orders", "purchase-orders", "purchase_orders", "PurchaseOrder",
                "qbd_purchase_order", "transaction", "purchase_order", can_delete=True, txn=PURCHASE_ORDER),
    QbdResource("invoices", "invoices", "invoices", "Invoice", "qbd_invoice", "transaction", "invoice",
                can_delete=True, can_void=True, txn=INVOICE),
    QbdResource("credit_memos", "credit-memos", "credit_memos", "CreditMemo", "qbd_credit_memo", "transaction",
                "credit_memo", can_delete=True, can_void=True, txn=CREDIT_MEMO),
    QbdResource("inventory_adjustments", "inventory-adjustments", "inventory_adjustments",
                "InventoryAdjustment", "qbd_inventory_adjustment", "transaction", "inventory_adjustment",
                paginated=False, can_delete=True, can_void=True,
                create_line_wrap=("adjustQuantity", ("quantityDifference", "serialNumber", "lotNumber")),
                create_line_drop=("valueDifference",), txn=INVENTORY_ADJUSTMENT),
)

RESOURCES_BY_PATH: dict[str, QbdResource] = {r.path: r for r in RESOURCES}
RESOURCES_BY_OBJECT_TYPE: dict[str, QbdResource] = {r.object_type: r for r in RESOURCES}
ENTITIES_BY_NAME: dict[str, Entity] = {e.name: e for e in ENTITIES}


def resources_of(entity: str) -> tuple[QbdResource, ...]:
    """The QBD object types that feed one sync entity, in table order."""
    return tuple(r for r in RESOURCES if r.entity == entity)
