"""One company file: QuickBooks Desktop's behaviour behind Conductor's endpoints.

Writes check what QuickBooks checks (revision numbers, unique names, references that exist),
stamp `updatedAt` with the company clock and bump `revisionNumber`; transactions get line ids,
amounts and totals; inventory adjustments and open order lines move the items' stock figures.
Quantity figures change without a new revision or `updatedAt`, as computed fields do in
QuickBooks: a sync that mirrors stock must re-read items that adjustments and orders touch.
"""

import uuid
from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..spec.entities import RESOURCES_BY_PATH, QbdResource, TransactionRules
from ..spec.request_rules import body_rule, validate_body
from . import errors, reference_lists, shapes
from .clock import CompanyClock
from .store import Store

ITEM_PATHS = frozenset(r.path for r in RESOURCES_BY_PATH.values() if r.entity == "items")
STOCK_PATHS = frozenset(r.path for r in RESOURCES_BY_PATH.values() if r.holds_stock)
_REF_PATHS = {
    "customer": frozenset({"customers"}),
    "vendor": frozenset({"vendors"}),
    "preferredVendor": frozenset({"vendors"}),
    "item": ITEM_PATHS,
    "inventoryItem": STOCK_PATHS,
}
_CENT = Decimal("0.01")
_REVISION_BASE = 1_700_000_000
_ID_SUFFIX = "1700000000"


def money(value: Decimal) -> str:
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def price(value: Decimal) -> str:
    """Prices and rates keep up to 5 decimal places (QuickBooks' PRICETYPE), and at least 2."""
    value = value.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP).normalize()
    return f"{value:.{max(2, -value.as_tuple().exponent)}f}"


def to_decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


class Company:
    """The data and rules of one end user's company file."""

    def __init__(self, store: Store, end_user: str, clock: CompanyClock) -> None:
        self.store = store
        self.end_user = end_user
        self.clock = clock

    # ids and stamps -------------------------------------------------------------------------
    def _new_id(self, kind: str) -> str:
        n = self.store.next_value(self.end_user, "id", start=0x100)
        return f"{0x80000000 + n:X}-{_ID_SUFFIX}" if kind == "list" else f"{n:X}-{_ID_SUFFIX}"

    def _new_revision(self) -> str:
        return str(_REVISION_BASE + self.store.next_value(self.end_user, "revision"))

    # references -----------------------------------------------------------------------------
    def _resolver(self, owner: str):
        def resolve(alias: str, ref_id: str) -> dict:
            entry = reference_lists.BY_ID.get(ref_id)
            if entry is not None:
                return {"id": ref_id, "fullName": entry.full_name}
            row = self.store.find(self.end_user, ref_id)
            allowed = _REF_PATHS.get(alias)
            if row is None or (allowed is not None and row.path not in allowed):
                raise errors.invalid_reference(alias, ref_id, owner)
            data = row.data
            return {"id": ref_id, "fullName": data.get("fullName") or data.get("name") or data.get("refNumber")}
        return resolve

    # reads ----------------------------------------------------------------------------------
    def get(self, path: str, record_id: str) -> dict:
        record = self.store.get(self.end_user, path, record_id)
        if record is None:
            raise errors.not_found_in_qbd(record_id)
        return record

    # writes ---------------------------------------------------------------------------------
    def create(self, path: str, body: dict, at: datetime | None = None, *, validate: bool = True) -> dict:
        resource = RESOURCES_BY_PATH[path]
        if validate:
            self._validate(resource.create_params, body)
        when = at or self.clock.now()
        stamp = self.clock.stamp(when)
        with self.store.transaction():
            resolve = self._resolver(resource.type_name)
            params = self._normalize_params(resource, body, None)
            obj = shapes.build(resource.model, params, resolve, skip=frozenset({"lines", "lineGroups"}))
            obj.update(id=self._new_id(resource.kind), objectType=resource.object_type, createdAt=stamp,
                       updatedAt=stamp, revisionNumber=self._new_revision())
            if resource.kind == "list":
                self._finish_list_object(resource, obj, params, None)
            else:
                self._finish_transaction(resource, obj, params, None, resolve)
            shapes.fill_required(resource.model, obj)
            self._save(resource, obj, when)
            self._apply_stock_effects(resource, None, obj)
        return obj

    def update(self, path: str, record_id: str, body: dict, at: datetime | None = None, *,
               validate: bool = True) -> dict:
        resource = RESOURCES_BY_PATH[path]
        if validate:
            self._validate(resource.update_params, body)
        with self.store.transaction():
            current = self.store.get(self.end_user, path, record_id)
            if current is None:
                raise errors.object_not_found(record_id)
            if body.get("revisionNumber") != current["revisionNumber"]:
                raise errors.stale_revision(str(body.get("revisionNumber")))
            when = at or self.clock.now()
            resolve = self._resolver(resource.type_name)
            params = self._normalize_params(resource, body, current)
            obj = shapes.build(resource.model, params, resolve, existing=current,
                               skip=frozenset({"lines", "lineGroups"}))
            obj.update(updatedAt=self.clock.stamp(when), revisionNumber=self._new_revision())
            if resource.kind == "list":
                self._finish_list_object(resource, obj, params, current)
            else:
                self._finish_transaction(resource, obj, params, current, resolve)
            self._save(resource, obj, when)
            self._apply_stock_effects(resource, current, obj)
            if resource.kind == "list" and (obj.get("fullName") != current.get("fullName")):
                self._rename_children(obj)
        return obj

    def delete_transaction(self, path: str, record_id: str) -> dict:
        resource = RESOURCES_BY_PATH[path]
        with self.store.transaction():
            current = self.store.get(self.end_user, path, record_id)
            if current is None:
                raise errors.object_not_found(record_id)
            self._remove(resource, current)
        return {"id": record_id, "objectType": resource.object_type, "refNumber": current.get("refNumber"),
                "deleted": True}

    def void(self, path: str, record_id: str) -> dict:
        resource = RESOURCES_BY_PATH[path]
        with self.store.transaction():
            current = self.store.get(self.end_user, path, record_id)
            if current is None:
                raise errors.object_not_found(record_id)
            when = self.clock.now()
            obj = dict(current)
            obj["lines"] = [self._voided_line(line) for line in current.get("lines", [])]
            obj["memo"] = f"VOID: {current.get('memo') or ''}".strip()
            obj.update(updatedAt=self.clock.stamp(when), revisionNumber=self._new_revision())
            self._recompute_totals(resource, obj)
            self._save(resource, obj, when)
            self._apply_stock_effects(resource, current, obj)
        return {"id": record_id, "objectType": resource.object_type, "refNumber": obj.get("refNumber"),
                "voided": True, "createdAt": obj["createdAt"], "updatedAt": obj["updatedAt"]}

    def delete_record(self, path: str, record_id: str) -> None:
        """Delete the way a person in QuickBooks can, list objects included (control API)."""
        resource = RESOURCES_BY_PATH[path]
        with self.store.transaction():
            current = self.store.get(self.end_user, path, record_id)
            if current is None:
                raise errors.object_not_found(record_id)
            if resource.kind == "list" and self._in_use(record_id):
                raise errors.qbd_request_error(
                    "3170", f'The list element "{record_id}" is in use and cannot be deleted.')
            self._remove(resource, current)

    def replace_raw(self, path: str, record_id: str, data: dict) -> None:
        """Store a record exactly as given, bypassing every rule: for tests of how a client copes
        with data QuickBooks returns that breaks the API contract or the client's own limits."""
        resource = RESOURCES_BY_PATH[path]
        with self.store.transaction():
            self._save(resource, data, datetime.fromisoformat(data["updatedAt"]))

    # internals ------------------------------------------------------------------------------
    def _validate(self, params_cls: type, body: dict) -> None:
        problems = validate_body(body_rule(params_cls), body)
        if problems:
            raise errors.invalid_request("; ".join(problems))

    def _normalize_params(self, resource: QbdResource, body: dict, current: dict | None) -> dict:
        _check_money(body)
        txn = resource.txn
        if current is None and txn and txn.requires_lines and not (body.get("lines") or body.get("lineGroups")):
            raise errors.invalid_request("At least one of lines or lineGroups is required.")
        if resource.one_of:
            given = [k for k in resource.one_of if body.get(k)]
            if len(given) > 1 or (current is None and not given):
                raise errors.invalid_request(f"Exactly one of {' or '.join(resource.one_of)} is required.")
        params = dict(body)
        params.pop("revisionNumber", None)
        if txn and txn.adjusts_stock and "lines" in params:
            params["lines"] = [self._flatten_adjustment_line(line) for line in params["lines"]]
        return params

    def _flatten_adjustment_line(self, line: dict) -> dict:
        """Create bodies nest the adjustment kind; the stored line is flat, as updates send it."""
        flat = {k: v for k, v in line.items()
                if k not in ("adjustQuantity", "adjustValue", "adjustSerialNumber", "adjustLotNumber")}
        for key in ("adjustQuantity", "adjustValue", "adjustSerialNumber", "adjustLotNumber"):
            detail = line.get(key)
            if not detail:
                continue
            flat.update({k: v for k, v in detail.items() if k not in ("newQuantity", "newValue")})
            if "newQuantity" in detail:
                item = self.store.find(self.end_user, line.get("itemId", ""))
                on_hand = (item.data.get("quantityOnHand") or 0) if item else 0
                flat["quantityDifference"] = detail["newQuantity"] - on_hand
            if "newValue" in detail:
                item = self.store.find(self.end_user, line.get("itemId", ""))
                data = item.data if item else {}
                current_value = (to_decimal(data.get("averageCost")) or Decimal(0)) * Decimal(
                    str(data.get("quantityOnHand") or 0))
                flat["valueDifference"] = float((to_decimal(detail["newValue"]) or Decimal(0)) - current_value)
            if isinstance(flat.get("valueDifference"), str):
                flat["valueDifference"] = float(to_decimal(flat["valueDifference"]) or 0)
        return flat

    def _finish_list_object(self, resource: QbdResource, obj: dict, params: dict, current: dict | None) -> None:
        if obj.get("isActive") is None:
            obj["isActive"] = True
        name = obj.get("name") or ""
        if not name.strip() or ":" in name:
            raise errors.qbd_request_error(
                "3020", f'The name "{name}" is not valid: a name must not be empty or contain ":".')
        if resource.full_names:
            parent = obj.get("parent")
            if parent and parent.get("id"):
                parent_row = self.store.get(self.end_user, resource.path, parent["id"])
                if parent_row is None:
                    raise errors.invalid_reference("parent", parent["id"], resource.type_name)
                if self._is_self_or_descendant(obj["id"], parent_row):
                    raise errors.qbd_request_error(
                        "3140", f'The parent "{parent["id"]}" would make "{obj["id"]}" its own ancestor.')
                obj["fullName"] = f"{parent_row['fullName']}:{obj['name']}"
                obj["sublevel"] = parent_row["sublevel"] + 1
            else:
                obj["fullName"] = obj["name"]
                obj["sublevel"] = 0
        namespace = resource.name_space
        key = (obj.get("fullName") or obj["name"]).lower()
        if self.store.name_taken(self.end_user, namespace, key, obj["id"]):
            raise errors.name_in_use(obj.get("fullName") or obj["name"])
        if current is None:
            for balance in resource.opening_balance:
                obj[balance] = money(to_decimal(params.get("openingBalance")) or Decimal(0))
            if resource.holds_stock:
                obj["quantityOnHand"] = float(params.get("quantityOnHand") or 0)
                obj["quantityOnPurchaseOrder"] = 0.0
                obj["quantityOnSalesOrder"] = 0.0
                obj["averageCost"] = obj.get("purchaseCost") or "0.00"
            if resource.has_components:
                obj["lines"] = obj.get("lines") or []

    def _finish_transaction(self, resource: QbdResource, obj: dict, params: dict, current: dict | None,
                            resolve) -> None:
        line_cls = shapes.line_model(resource.model)
        if "lines" in params:
            existing = {line["id"]: line for line in (current or {}).get("lines", [])}
            lines = []
            for line_params in params["lines"]:
                line_id = line_params.get("id")
                if current is not None and line_id not in (None, "-1"):
                    if line_id not in existing:
                        raise errors.object_not_found(line_id)
                    line = shapes.build(line_cls, line_params, resolve, existing=existing[line_id])
                else:
                    line = shapes.build(line_cls, line_params, resolve)
                    line["id"] = self._new_id("transaction")
                    self._default_line(resource, line)
                shapes.fill_required(line_cls, line)
                self._price_line(resource, line, line_params)
                lines.append(line)
            obj["lines"] = lines
        if params.get("lineGroups"):
            group_id = params["lineGroups"][0].get("itemGroupId") or params["lineGroups"][0].get("id")
            raise errors.invalid_reference("itemGroup", str(group_id), resource.type_name)
        if current is None:
            self._default_header(resource, obj)
        self._recompute_totals(resource, obj)

    def _default_header(self, resource: QbdResource, obj: dict) -> None:
        txn: TransactionRules = resource.txn
        party = obj.get(txn.party)
        party_row = self.store.find(self.end_user, party["id"]).data if party and party.get("id") else {}
        for field, source in txn.from_party:
            obj[field] = obj.get(field) or party_row.get(source)
        for field, value in txn.header_defaults:
            obj[field] = value
        for field, kind, name in txn.default_refs:
            entry = reference_lists.BY_NAME[(kind, name)]
            obj[field] = obj.get(field) or {"id": entry.id, "fullName": entry.full_name}
        for flag in txn.header_flags:
            obj[flag] = bool(obj.get(flag))

    def _default_line(self, resource: QbdResource, line: dict) -> None:
        txn: TransactionRules = resource.txn
        if not txn.priced_lines:
            return
        item_ref = line.get("item")
        item = self.store.find(self.end_user, item_ref["id"]).data if item_ref and item_ref.get("id") else {}
        if line.get("description") is None:
            line["description"] = item.get(txn.line_description_from) or item.get("name")
        for field, value in txn.line_defaults:
            line[field] = value
        for flag in txn.line_flags:
            line[flag] = bool(line.get(flag))
        line["_itemRate"] = item.get(txn.line_rate_from)

    def _price_line(self, resource: QbdResource, line: dict, line_params: dict) -> None:
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

    def _recompute_totals(self, resource: QbdResource, obj: dict) -> None:
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

    @staticmethod
    def _voided_line(line: dict) -> dict:
        voided = dict(line)
        for key in ("quantity", "quantityDifference", "valueDifference"):
            if voided.get(key) is not None:
                voided[key] = 0.0
        if voided.get("amount") is not None:
            voided["amount"] = "0.00"
        return voided

    def _columns(self, resource: QbdResource, obj: dict, when: datetime) -> dict:
        columns = {"updated_utc": int(when.timestamp()), "is_active": 1 if obj.get("isActive", True) else 0}
        if resource.kind == "list":
            columns.update(
                namespace=resource.name_space,
                name_key=(obj.get("fullName") or obj["name"]).lower(),
                name_lower=obj["name"].lower(),
                parent_id=(obj.get("parent") or {}).get("id"),
            )
        else:
            party = obj.get(resource.txn.party)
            columns.update(ref_number=obj.get("refNumber"), txn_date=obj.get("transactionDate"),
                           entity_id=(party or {}).get("id"))
        return columns

    def _save(self, resource: QbdResource, obj: dict, when: datetime) -> None:
        updated = datetime.fromisoformat(obj["updatedAt"])
        self.store.put(self.end_user, resource.path, obj["id"], obj, self._columns(resource, obj, updated))

    def _remove(self, resource: QbdResource, current: dict) -> None:
        now = self.clock.now()
        self.store.delete(self.end_user, resource.path, current["id"])
        self._apply_stock_effects(resource, current, None)
        kind = "list" if resource.kind == "list" else "transaction"
        label = current.get("fullName") or current.get("name") if kind == "list" else current.get("refNumber")
        self.store.log_deletion(self.end_user, kind, resource.deleted_type, current["id"], label,
                                current["createdAt"], int(now.timestamp()), self.clock.stamp(now))

    def _is_self_or_descendant(self, record_id: str, candidate: dict) -> bool:
        """Whether `candidate` (a would-be parent) is the record itself or one of its descendants."""
        seen: set[str] = set()
        node: dict | None = candidate
        while node is not None and node["id"] not in seen:
            if node["id"] == record_id:
                return True
            seen.add(node["id"])
            parent_id = (node.get("parent") or {}).get("id")
            found = self.store.find(self.end_user, parent_id) if parent_id else None
            node = found.data if found is not None else None
        return False

    def _in_use(self, record_id: str) -> bool:
        return bool(self.store.children(self.end_user, record_id)) or self.store.referenced(
            self.end_user, record_id)

    def _rename_children(self, parent: dict) -> None:
        """A renamed or moved parent changes its descendants' full names: each is a modification,
        with a new revision and `updatedAt`, so incremental readers see the new names."""
        for row in self.store.children(self.end_user, parent["id"]):
            child = dict(row.data)
            child["fullName"] = f"{parent['fullName']}:{child['name']}"
            child["sublevel"] = parent["sublevel"] + 1
            child["updatedAt"] = parent["updatedAt"]
            child["revisionNumber"] = self._new_revision()
            resource = RESOURCES_BY_PATH[row.path]
            self._save(resource, child, datetime.fromisoformat(child["updatedAt"]))
            self._rename_children(child)

    # stock ----------------------------------------------------------------------------------
    @staticmethod
    def _stock_effects(resource: QbdResource, obj: dict | None) -> dict[tuple[str, str], float]:
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

    def _apply_stock_effects(self, resource: QbdResource, before: dict | None, after: dict | None) -> None:
        old, new = self._stock_effects(resource, before), self._stock_effects(resource, after)
        for key in set(old) | set(new):
            delta = new.get(key, 0.0) - old.get(key, 0.0)
            if not delta:
                continue
            item_id, field = key
            row = self.store.find(self.end_user, item_id)
            if row is None or row.path not in STOCK_PATHS:
                continue
            item = row.data
            item[field] = float((item.get(field) or 0) + delta)
            item_resource = RESOURCES_BY_PATH[row.path]
            self._save(item_resource, item, datetime.fromisoformat(item["updatedAt"]))


_MONEY_KEYS = frozenset({
    "amount", "rate", "salesPrice", "purchaseCost", "price", "creditLimit", "openingBalance", "discountRate",
    "exchangeRate", "ratePercent", "pricePercentage", "discountRatePercent", "totalValue", "newValue",
    "valueDifference", "salesTaxPercentage",
})


def _check_money(value: object, path: str = "") -> None:
    """Money and rates travel as decimal strings; anything else is refused before QuickBooks sees it."""
    if isinstance(value, dict):
        for key, inner in value.items():
            where = f"{path}.{key}" if path else key
            if key in _MONEY_KEYS and isinstance(inner, str) and to_decimal(inner) is None:
                raise errors.invalid_request(f'Invalid decimal string "{inner}" at "{where}"')
            _check_money(inner, where)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            _check_money(inner, f"{path}[{index}]")


def new_request_id() -> str:
    return f"req_{uuid.uuid4().hex[:16]}"
