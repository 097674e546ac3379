"""What QuickBooks does with a transaction, by the spec's `TransactionRules`: the defaults a create
gets from its party and the company, line pricing (amount from quantity x rate, or rate from
amount, or the item's price), header totals, what a void leaves, and the stock figures lines move."""

from collections import defaultdict
from decimal import Decimal

from ..spec.entities import QbdResource, TransactionRules
from . import reference_lists
from .amounts import money, price, to_decimal
from .store import Store


def flatten_adjustment_line(store: Store, end_user: str, line: dict) -> dict:
    """Create bodies nest the adjustment kind; the stored line is flat, as updates send it."""
    flat = {k: v for k, v in line.items()
            if k not in ("adjustQuantity", "adjustValue", "adjustSerialNumber", "adjustLotNumber")}
    for key in ("adjustQuantity", "adjustValue", "adjustSerialNumber", "adjustLotNumber"):
        detail = line.get(key)
        if not detail:
            continue
        flat.update({k: v for k, v in detail.items() if k not in ("newQuantity", "newValue")})
        if "newQuantity" in detail:
            item = store.find(end_user, line.get("itemId", ""))
            on_hand = (item.data.get("quantityOnHand") or 0) if item else 0
            flat["quantityDifference"] = detail["newQuantity"] - on_hand
        if "newValue" in detail:
            item = store.find(end_user, line.get("itemId", ""))
            data = item.data if item else {}
            current_value = (to_decimal(data.get("averageCost")) or Decimal(0)) * Decimal(
                str(data.get("quantityOnHand") or 0))
            flat["valueDifference"] = float((to_decimal(detail["newValue"]) or Decimal(0)) - current_value)
        if isinstance(flat.get("valueDifference"), str):
            flat["valueDifference"] = float(to_decimal(flat["valueDifference"]) or 0)
    return flat

def default_header(store: Store, end_user: str, resource: QbdResource, obj: dict) -> None:
    txn: TransactionRules = resource.txn
    party = obj.get(txn.party)
    party_row = store.find(end_user, party["id"]).data if party and party.get("id") else {}
    for field, source in txn.from_party:
        obj[field] = obj.get(field) or party_row.get(source)
    for field, value in txn.header_defaults:
        obj[field] = value
    for field, kind, name in txn.default_refs:
        entry = reference_lists.BY_NAME[(kind, name)]
        obj[field] = obj.get(field) or {"id": entry.id, "fullName": entry.full_name}
    for flag in txn.header_flags:
        obj[flag] = bool(obj.get(flag))

def default_line(store: Store, end_user: str, resource: QbdResource, line: dict) -> None:
    txn: TransactionRules = resource.txn
    if not txn.priced_lines:
        return
    item_ref = line.get("item")
    item = store.find(end_user, item_ref["id"]).data if item_ref and item_ref.get("id") else {}
    if line.get("description") is None:
        line["description"] = item.get(txn.line_description_from) or item.get("name")
    for field, value in txn.line_defaults:
        line[field] = value
    for flag in txn.line_flags:
        line[flag] = bool(line.get(flag))
    line["_itemRate"] = item.get(txn.line_rate_from)

def price_line(resource: QbdResource, line: dict, line_params: dict) -> None:
    """QuickBooks works out amount from quantity x rate, or rate from amount, or the item's price."""
    suggested = line.pop("_itemRate", None)
    if not resource.txn.priced_lines:
        return
    quantity = line.get("quantity")
    rate = to_decimal(line.get("rate"))
    amount = to_decimal(line_params.get("amount")) if "amount" in line_params else None
    if amount is None and rate is None and "amount" not in line_params and line.get("amount") is None:
        rate = to_decimal(suggested) or Decimal(0)
        line["rate"] = price(rate)
    if amount is not None:
        line["amount"] = money(amount)
        if rate is None and quantity:
            line["rate"] = price(amount / Decimal(str(quantity)))
    elif rate is not None and ("rate" in line_params or "quantity" in line_params or line.get("amount") is None):
        line["amount"] = money(rate * Decimal(str(quantity if quantity is not None else 1)))
    if line.get("rate") is not None:
        line["rate"] = price(to_decimal(line["rate"]) or Decimal(0))

def recompute_totals(resource: QbdResource, obj: dict) -> None:
    txn: TransactionRules = resource.txn
    if not txn.priced_lines:
        return
    subtotal = sum((to_decimal(line.get("amount")) or Decimal(0) for line in obj.get("lines", [])),
                   Decimal(0))
    tax = to_decimal(obj.get("salesTaxTotal")) or Decimal(0)
    if "subtotal" in txn.totals:
        obj["subtotal"] = money(subtotal)
        obj["salesTaxTotal"] = money(tax)
    if "totalAmount" in txn.totals:
        obj["totalAmount"] = money(subtotal + tax)
    if txn.remaining:
        applied = to_decimal(obj.get("appliedAmount")) or Decimal(0)
        balance = subtotal + tax - applied
        obj[txn.remaining] = money(balance)
        if txn.settled_flag:
            obj[txn.settled_flag] = balance <= 0

def voided_line(line: dict) -> dict:
    voided = dict(line)
    for key in ("quantity", "quantityDifference", "valueDifference"):
        if voided.get(key) is not None:
            voided[key] = 0.0
    if voided.get("amount") is not None:
        voided["amount"] = "0.00"
    return voided

def stock_effects(resource: QbdResource, obj: dict | None) -> dict[tuple[str, str], float]:
    effects: dict[tuple[str, str], float] = defaultdict(float)
    if obj is None:
        return effects
    txn = resource.txn
    if txn is None:
        return effects
    if txn.on_hand_from:
        for line in obj.get("lines", []):
            if line.get("item") and line.get(txn.on_hand_from):
                effects[(line["item"]["id"], "quantityOnHand")] += line[txn.on_hand_from]
    elif txn.open_quantity and not obj.get("isManuallyClosed"):
        field, done = txn.open_quantity
        for line in obj.get("lines", []):
            if line.get("item") and line.get("quantity") and not line.get("isManuallyClosed"):
                effects[(line["item"]["id"], field)] += line["quantity"] - (line.get(done) or 0)
    return effects
