"""WMS values back to Conductor request bodies: the mapping read in reverse.

A column's wire path comes from the mapping (`billingAddress.city`, `customer.id` -> `customerId`).
Where a column has several candidate paths (the six item types keep prices in different places),
the first one the endpoint accepts, and whose parent object the QuickBooks record actually uses,
is taken. Every key is checked against the rules derived from the SDK's request types.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ..spec.entities import QbdResource
from ..spec.mapping import Col, EntityMapping
from ..spec.request_rules import ObjectRule, body_rule
from .merge import Decision


def _wire_value(column: Col, value):
    if value is None:
        return None
    if column.kind == "money":
        return f"{Decimal(str(value)):.2f}"
    if column.kind == "price":  # at least two decimal places, and every one the value has
        number = Decimal(str(value))
        return f"{number:.{max(2, -number.normalize().as_tuple().exponent)}f}"
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


_LINE_PATH = re.compile(r"^lines\[(\d+)\]\.?(.*)$")


def column_for_path(mapping: EntityMapping, path: str) -> str:
    """The WMS column a request body path carries: `customerId` -> `customer_qbd_id (or customer_name)`,
    `lines[0].itemId` -> `line 1 item_qbd_id (or item_name)`; the path itself when no column carries it."""
    line = _LINE_PATH.match(path)
    columns, prefix = mapping.columns, ""
    if line and mapping.lines is not None:
        columns, prefix, path = mapping.lines.columns, f"line {int(line.group(1)) + 1} ", line.group(2)
    for column in columns:
        for wire in column.paths:
            keys = _body_keys(wire)
            if ".".join(keys) == path or (line and keys[-1] == path.rsplit(".", 1)[-1]):
                name = column.name
                if is_reference(column):
                    name += f" (or {name.removesuffix('_qbd_id')}_name)"
                return prefix + name
    return prefix + (path or "the row")


def _accepts(rule: ObjectRule, keys: list[str]) -> bool:
    node = rule
    for index, key in enumerate(keys):
        field = node.fields.get(key) if node is not None else None
        if field is None:
            return False
        if index < len(keys) - 1:
            node = field.fields
    return True


def column_path(column: Col, rule: ObjectRule, qbd_record: dict | None,
                avoid: tuple[str, ...] = ()) -> list[str] | None:
    """The body keys for a column on one endpoint, or None when the endpoint has no such field.

    `avoid`: request objects this body does not use (the other layouts of a `one_of` choice).
    """
    for path in column.paths:
        keys = _body_keys(path)
        if not _accepts(rule, keys) or keys[0] in avoid:
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


@dataclass(frozen=True)
class Unsent:
    """A WMS value a request cannot carry, so QuickBooks' value stays (and is recorded as having won)."""

    field: str
    reason: str  # the rule recorded in sync_conflicts

    def decision(self, wms_view: dict, qbd_view: dict) -> Decision:
        wms, qbd = _view_value(wms_view, self.field), _view_value(qbd_view, self.field)
        return Decision(self.field, wms, qbd, None, "qbd", self.reason)


CANNOT_CLEAR = "cannot_clear_in_quickbooks"  # the API clears text only; numbers, dates and references stay
NO_SUCH_FIELD = "no_such_field_in_quickbooks"  # this QuickBooks type has no such field


def _view_value(view: dict, name: str):
    if not name.startswith("lines["):
        return view.get(name)
    line_id, _, column = name[len("lines["):].partition("].")
    line = next((ln for ln in view.get("lines") or [] if ln.get("qbd_line_id") == line_id), {})
    return line.get(column)


def _layout(qbd: QbdResource, mapping: EntityMapping, rule: ObjectRule, row: dict,
            fields: list[str]) -> tuple[str, ...]:
    """For a create: of the `one_of` request objects, those the row's values do not call for."""
    if not qbd.one_of:
        return ()
    columns = {c.name: c for c in mapping.columns}
    score = dict.fromkeys(qbd.one_of, 0)
    for name in fields:
        column = columns.get(name)
        if column is None or column.readonly or row.get(name) is None:
            continue
        homes = {_body_keys(p)[0] for p in column.paths if _accepts(rule, _body_keys(p))}
        if len(homes) == 1 and next(iter(homes)) in score:
            score[next(iter(homes))] += 1
    chosen = max(qbd.one_of, key=lambda key: score[key])  # a tie keeps the first
    return tuple(key for key in qbd.one_of if key != chosen)


def header_body(mapping: EntityMapping, qbd: QbdResource, row: dict, fields: list[str], *, create: bool,
                qbd_record: dict | None, unsent: list[Unsent] | None = None) -> dict:
    """A create or update body carrying `fields` of the WMS row; what it cannot carry goes to `unsent`."""
    rule = body_rule(qbd.create_params if create else qbd.update_params)
    avoid = _layout(qbd, mapping, rule, row, fields) if create else ()
    columns = {c.name: c for c in mapping.columns}
    unsent = unsent if unsent is not None else []
    body: dict = {}
    for name in fields:
        column = columns.get(name)
        if column is None or column.readonly:
            continue
        keys = column_path(column, rule, qbd_record, avoid)
        value = _wire_value(column, row.get(name))
        if keys is None:
            if value is not None:
                unsent.append(Unsent(name, NO_SUCH_FIELD))
            continue
        if value is None and not create:
            if column.kind != "text" or is_reference(column):
                unsent.append(Unsent(name, CANNOT_CLEAR))
                continue
            value = ""  # a text field cleared in the WMS is cleared in QuickBooks
        if value is not None:
            _put(body, keys, value)
    # Address fields travel as a whole object so a partial edit does not blank the rest.
    for key in [k for k in body if isinstance(body[k], dict) and k.endswith("Address")]:
        for column in mapping.columns:
            keys = column_path(column, rule, qbd_record, avoid)
            if keys and keys[0] == key and len(keys) == 2 and row.get(column.name) is not None:
                body[key].setdefault(keys[1], _wire_value(column, row[column.name]))
    return body


def lines_body(mapping: EntityMapping, qbd: QbdResource, lines: list[dict], *, create: bool,
               current: list[dict] | None = None, unsent: list[Unsent] | None = None) -> list[dict]:
    """Lines in the API's line form: existing lines by id, new ones as `-1` (or plain on create).

    On an update, a text field cleared on an existing line is sent as ""; another cleared value that
    QuickBooks' line (`current`) holds cannot be sent and goes to `unsent`. Inventory adjustment lines
    are created as quantity differences, never absolute quantities.
    """
    assert mapping.lines is not None
    now = {line.get("qbd_line_id"): line for line in current or []}
    result = []
    for line in lines:
        item = {}
        line_id = line.get("qbd_line_id")
        for column in mapping.lines.columns:
            keys = _body_keys(column.paths[0])
            if column.readonly or len(keys) != 1:
                continue
            if line.get(column.name) is not None:
                item[keys[0]] = _wire_value(column, line[column.name])
            elif not create and line_id and now.get(line_id, {}).get(column.name) is not None:
                if column.kind == "text" and not is_reference(column):
                    item[keys[0]] = ""
                elif unsent is not None:
                    unsent.append(Unsent(f"lines[{line_id}].{column.name}", CANNOT_CLEAR))
        if qbd.create_line_wrap and create:
            key, wrapped = qbd.create_line_wrap
            inner = {k: item.pop(k) for k in wrapped if k in item}
            for dropped in qbd.create_line_drop:
                item.pop(dropped, None)
            item[key] = inner
        elif not create:
            item = {"id": line_id or "-1", **item}
        result.append(item)
    return result
