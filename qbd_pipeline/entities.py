"""The one declarative table of what the sync knows about QuickBooks Desktop.

Every QBD object type the product touches is one `QbdResource` row; rows group into
sync `Entity`s (all six item types feed one `items` entity). The emulator's routes,
its request validation and response shapes, the pull assets and the push-back all read
this table, so adding an object type is a row here plus its field mapping.
"""

from dataclasses import dataclass, field
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
    extra: dict = field(default_factory=dict, compare=False, hash=False)

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
    # Pushed once, as quantity differences (net change); stock figures flow from QuickBooks only.
    Entity("inventory_adjustments", depends_on=("items",)),
)

_ITEM = dict(entity="items", kind="list", name_filters=True)
_DETAILS = ("salesOrPurchaseDetails", "salesAndPurchaseDetails")

RESOURCES: tuple[QbdResource, ...] = (
    QbdResource("customers", "customers", "customers", "Customer", "qbd_customer", "list",
                "customer", name_filters=True),
    QbdResource("vendors", "vendors", "vendors", "Vendor", "qbd_vendor", "list",
                "vendor", name_filters=True, full_names=False),
    QbdResource(path="inventory-items", sdk_attr="inventory_items", type_name="InventoryItem",
                object_type="qbd_inventory_item", deleted_type="item_inventory", item_type="inventory",
                **_ITEM),
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
                deleted_type="item_inventory_assembly", item_type="inventory_assembly", **_ITEM),
    QbdResource(path="other-charge-items", one_of=_DETAILS, sdk_attr="other_charge_items", type_name="OtherChargeItem",
                object_type="qbd_other_charge_item", deleted_type="item_other_charge",
                item_type="other_charge", **_ITEM),
    QbdResource("sales_orders", "sales-orders", "sales_orders", "SalesOrder", "qbd_sales_order",
                "transaction", "sales_order", can_delete=True),
    QbdResource("purchase_orders", "purchase-orders", "purchase_orders", "PurchaseOrder",
                "qbd_purchase_order", "transaction", "purchase_order", can_delete=True),
    QbdResource("invoices", "invoices", "invoices", "Invoice", "qbd_invoice", "transaction", "invoice",
                can_delete=True, can_void=True),
    QbdResource("inventory_adjustments", "inventory-adjustments", "inventory_adjustments",
                "InventoryAdjustment", "qbd_inventory_adjustment", "transaction", "inventory_adjustment",
                paginated=False, can_delete=True, can_void=True),
)

RESOURCES_BY_PATH: dict[str, QbdResource] = {r.path: r for r in RESOURCES}
RESOURCES_BY_OBJECT_TYPE: dict[str, QbdResource] = {r.object_type: r for r in RESOURCES}
ENTITIES_BY_NAME: dict[str, Entity] = {e.name: e for e in ENTITIES}


def resources_of(entity: str) -> tuple[QbdResource, ...]:
    """The QBD object types that feed one sync entity, in table order."""
    return tuple(r for r in RESOURCES if r.entity == entity)
