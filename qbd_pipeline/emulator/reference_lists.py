"""The fixed lists every emulated company file starts with (chart of accounts, terms, tax codes...).

QuickBooks objects reference these by id; the emulator does not serve their endpoints, but it
resolves references to them (`fullName`) and rejects an id that is not here, as QuickBooks would.
Ids are stable across seeds so that scripts and docs can name them.
"""

from typing import NamedTuple


class ListRef(NamedTuple):
    kind: str
    id: str
    full_name: str


def _ref(kind: str, n: int, name: str) -> ListRef:
    return ListRef(kind, f"{n:X}0000-1000000000", name)


ACCOUNTS: tuple[ListRef, ...] = (
    _ref("account", 0x10, "Sales"),
    _ref("account", 0x11, "Cost of Goods Sold"),
    _ref("account", 0x12, "Inventory Asset"),
    _ref("account", 0x13, "Purchases"),
    _ref("account", 0x14, "Inventory Adjustments"),
    _ref("account", 0x15, "Accounts Receivable"),
    _ref("account", 0x16, "Freight Income"),
    _ref("account", 0x17, "Discounts Given"),
    _ref("account", 0x18, "Service Income"),
)
TERMS: tuple[ListRef, ...] = (
    _ref("terms", 0x20, "Net 30"),
    _ref("terms", 0x21, "Net 15"),
    _ref("terms", 0x22, "Due on receipt"),
)
SALES_TAX_CODES: tuple[ListRef, ...] = (
    _ref("sales_tax_code", 0x30, "Tax"),
    _ref("sales_tax_code", 0x31, "Non"),
)
CLASSES: tuple[ListRef, ...] = (
    _ref("class", 0x40, "Retail"),
    _ref("class", 0x41, "Wholesale"),
)
SHIPPING_METHODS: tuple[ListRef, ...] = (
    _ref("shipping_method", 0x50, "UPS Ground"),
    _ref("shipping_method", 0x51, "FedEx"),
    _ref("shipping_method", 0x52, "Freight"),
)
SALES_REPRESENTATIVES: tuple[ListRef, ...] = (
    _ref("sales_representative", 0x60, "JD"),
    _ref("sales_representative", 0x61, "MK"),
)
CUSTOMER_TYPES: tuple[ListRef, ...] = (
    _ref("customer_type", 0x70, "Retail"),
    _ref("customer_type", 0x71, "Distributor"),
)
VENDOR_TYPES: tuple[ListRef, ...] = (
    _ref("vendor_type", 0x80, "Supplier"),
    _ref("vendor_type", 0x81, "Carrier"),
)

ALL: tuple[ListRef, ...] = (
    ACCOUNTS + TERMS + SALES_TAX_CODES + CLASSES + SHIPPING_METHODS + SALES_REPRESENTATIVES
    + CUSTOMER_TYPES + VENDOR_TYPES
)
BY_ID: dict[str, ListRef] = {r.id: r for r in ALL}
BY_NAME: dict[tuple[str, str], ListRef] = {(r.kind, r.full_name): r for r in ALL}


def ref_id(kind: str, full_name: str) -> str:
    """The id of a standard list entry, e.g. `ref_id("account", "Sales")`."""
    return BY_NAME[(kind, full_name)].id
