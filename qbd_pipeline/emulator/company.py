"""One company file: QuickBooks Desktop's behaviour behind Conductor's endpoints.

Writes check what QuickBooks checks (revision numbers, unique names, references that exist),
stamp `updatedAt` with the company clock and bump `revisionNumber`; transactions get line ids,
amounts and totals; inventory adjustments and open order lines move the items' stock figures.
Quantity figures change without a new revision or `updatedAt`, as computed fields do in
QuickBooks: a sync that mirrors stock must re-read items that adjustments and orders touch.
"""

import uuid
from datetime import datetime
from decimal import Decimal

from ..spec.entities import RESOURCES_BY_PATH, QbdResource
from ..spec.request_checks import validate_body
from ..spec.request_rules import body_rule
from . import errors, reference_lists, shapes, transactions
from .amounts import money, to_decimal
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
_REVISION_BASE = 1_700_000_000
_ID_SUFFIX = "1700000000"


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
            obj["lines"] = [transactions.voided_line(line) for line in current.get("lines", [])]
            obj["memo"] = f"VOID: {current.get('memo') or ''}".strip()
            obj.update(updatedAt=self.clock.stamp(when), revisionNumber=self._new_revision())
            transactions.recompute_totals(resource, obj)
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
            params["lines"] = [transactions.flatten_adjustment_line(self.store, self.end_user, line)
                               for line in params["lines"]]
        return params

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
                    transactions.default_line(self.store, self.end_user, resource, line)
                shapes.fill_required(line_cls, line)
                transactions.price_line(resource, line, line_params)
                lines.append(line)
            obj["lines"] = lines
        if params.get("lineGroups"):
            group_id = params["lineGroups"][0].get("itemGroupId") or params["lineGroups"][0].get("id")
            raise errors.invalid_reference("itemGroup", str(group_id), resource.type_name)
        if current is None:
            transactions.default_header(self.store, self.end_user, resource, obj)
        transactions.recompute_totals(resource, obj)

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
    def _apply_stock_effects(self, resource: QbdResource, before: dict | None, after: dict | None) -> None:
        old, new = transactions.stock_effects(resource, before), transactions.stock_effects(resource, after)
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
