"""WMS values back to Conductor request bodies: the mapping read in reverse.

A column's wire path comes from the mapping (`billingAddress.city`, `customer.id` -> `customerId`).
Where a column has several candidate paths (the six item types keep prices in different places),
the first one the endpoint accepts, and whose parent object the QuickBooks record actually uses,
is taken. Every key is checked against the rules derived from the SDK's request types.
"""

from datetime import date, datetime
from decimal import Decimal

from ..emulator.request_schema import ObjectRule, body_rule
from ..entities import QbdResource
from ..wms.mapping import Col, EntityMapping


def _wire_value(column: Col, value):
    if value is None:
        return None
    if column.kind == "money":
        return f"{Decimal(str(value)):.2f}"
    if column.kind == "percent":
        return format(Decimal(str(value)).normalize(), "f")
    if column.kind == "quantity":
        return float(value)
    if column.kind == "int":
        return int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def is_reference(column: Col) -> bool:
    """A `<name>_qbd_id` column: sent as `<name>Id`, never as an empty id."""
    return column.paths[0].endswith(".id")


def _body_keys(path: str) -> list[str]:
    """`customer.id` -> ['customerId']; `billingAddress.line1` -> ['billingAddress', 'line1'];
    `salesAndPurchaseDetails.incomeAccount.id` -> ['salesAndPurchaseDetails', 'incomeAccountId']."""
    parts = path.split(".")
    if parts[-1] == "id" and len(parts) >= 2:
        parts = [*parts[:-2], f"{parts[-2]}Id"]
    return parts


def _accepts(rule: ObjectRule, keys: list[str]) -> bool:
    node = rule
    for index, key in enumerate(keys):
        field = node.fields.get(key) if node is not None else None
        if field is None:
            return False
        if index < len(keys) - 1:
            node = field.fields
    return True


def column_path(column: Col, rule: ObjectRule, qbd_record: dict | None) -> list[str] | None:
    """The body keys for a column on one endpoint, or None when the endpoint has no such field."""
    for path in column.paths:
        keys = _body_keys(path)
        if not _accepts(rule, keys):
            continue
        if len(keys) > 1 and qbd_record is not None and keys[0] in qbd_record and qbd_record.get(keys[0]) is None \
                and any(other.split(".")[0] in qbd_record and qbd_record.get(other.split(".")[0]) is not None
                        for other in column.paths if other != path):
            continue  # the record keeps this value in another place (e.g. salesAndPurchaseDetails)
        return keys
    return None


def _put(body: dict, keys: list[str], value) -> None:
    node = body
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value


def header_body(mapping: EntityMapping, qbd: QbdResource, row: dict, fields: list[str], *, create: bool,
                qbd_record: dict | None) -> dict:
    """A create or update body carrying `fields` of the WMS row."""
    rule = body_rule(qbd.create_params if create else qbd.update_params)
    columns = {c.name: c for c in mapping.columns}
    body: dict = {}
    for name in fields:
        column = columns.get(name)
        if column is None or column.readonly:
            continue
        keys = column_path(column, rule, qbd_record)
        if keys is None:
            continue
        value = _wire_value(column, row.get(name))
        if value is None and not create and column.kind == "text" and not is_reference(column):
            value = ""  # a text field cleared in the WMS is cleared in QuickBooks; an empty reference is no reference
        if value is not None:
            _put(body, keys, value)
    # Address fields travel as a whole object so a partial edit does not blank the rest.
    for key in [k for k in body if isinstance(body[k], dict) and k.endswith("Address")]:
        for column in mapping.columns:
            keys = column_path(column, rule, qbd_record)
            if keys and keys[0] == key and len(keys) == 2 and row.get(column.name) is not None:
                body[key].setdefault(keys[1], _wire_value(column, row[column.name]))
    return body


def lines_body(mapping: EntityMapping, qbd: QbdResource, lines: list[dict], *, create: bool) -> list[dict]:
    """Lines in the API's line form: existing lines by id, new ones as `-1` (or plain on create).

    Inventory adjustment lines are created as quantity differences, never absolute quantities.
    """
    assert mapping.lines is not None
    result = []
    for line in lines:
        item = {}
        for column in mapping.lines.columns:
            if column.readonly or line.get(column.name) is None:
                continue
            keys = _body_keys(column.paths[0])
            if len(keys) == 1:
                item[keys[0]] = _wire_value(column, line[column.name])
        if qbd.path == "inventory-adjustments" and create:
            adjust = {k: item.pop(k) for k in ("quantityDifference", "serialNumber", "lotNumber") if k in item}
            item.pop("valueDifference", None)
            item["adjustQuantity"] = adjust
        elif not create:
            item = {"id": line.get("qbd_line_id") or "-1", **item}
        result.append(item)
    return result
