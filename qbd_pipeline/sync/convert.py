"""QuickBooks records to WMS rows: the mapping read forward, values checked, never rounded.

A column takes the first non-null of its wire paths; values are converted to the column's kind, and
a value the WMS cannot hold exactly (too many decimal places, too long, not a date) is a
`MappingError` naming the column: the record is recorded as an error, the batch goes on.
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from ..spec.entities import QbdResource
from ..spec.mapping import Col, EntityMapping
from ..wms.schema import SCALE


class MappingError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"{column}: {message}")
        self.column = column


def parse_instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"timestamp without an offset: {text!r}")
    return value


def _lookup(obj: dict, path: str):
    value = obj
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def convert(column: Col, raw):
    """One wire value to its WMS column value, or MappingError saying why not."""
    if raw is None:
        if column.required:
            raise MappingError(column.name, "is required but missing")
        return None
    try:
        if column.kind == "text":
            value = str(raw)
            if column.length is not None and len(value) > column.length:
                raise MappingError(column.name, f"{len(value)} characters exceed the column's {column.length}")
            return value
        if column.kind == "bool":
            if not isinstance(raw, bool):
                raise MappingError(column.name, f"expected true/false, got {raw!r}")
            return raw
        if column.kind == "int":
            return int(raw)
        if column.kind in SCALE:
            if isinstance(raw, bool):
                raise MappingError(column.name, f"expected a number, got {raw!r}")
            scale = SCALE[column.kind]
            if isinstance(raw, float) and abs(raw - round(raw, scale)) < 1e-9:
                raw = round(raw, scale)  # binary floating-point noise (JSON numbers), not a real decimal place
            value = Decimal(str(raw))
            if not value.is_finite():
                raise MappingError(column.name, f"not a finite number: {raw!r}")
            if -value.normalize().as_tuple().exponent > scale:
                raise MappingError(column.name, f"{raw!r} has more than the {scale} decimal places "
                                                "the column keeps (it would be rounded)")
            return value
        if column.kind == "date":
            return date.fromisoformat(str(raw))
        if column.kind == "datetime":
            return parse_instant(str(raw))
    except (ValueError, TypeError, InvalidOperation) as exc:
        if isinstance(exc, MappingError):
            raise
        raise MappingError(column.name, f"cannot read {raw!r}: {exc}") from exc
    raise MappingError(column.name, f"unknown kind {column.kind}")


_BY_IDENTITY: dict[int, tuple[tuple[Col, ...], Callable[[dict], dict]]] = {}


def map_columns(columns: tuple[Col, ...], obj: dict) -> dict:
    """The WMS values of `columns` read from one wire object (see `compiled`)."""
    known = _BY_IDENTITY.get(id(columns))  # by identity: hashing a column tuple costs more than mapping
    if known is None or known[0] is not columns:
        known = _BY_IDENTITY[id(columns)] = (columns, compiled(columns))
    return known[1](obj)


_PLAIN_DECIMAL = re.compile(r"-?\d+(?:\.(\d+))?")


def _getter(path: str, target: str, indent: str, nested: dict[tuple[str, ...], str]) -> list[str]:
    """Source lines that leave the value at `path` (a.b.c) of `obj` in `target` (None if absent);
    `nested` names the variables holding each path's parent objects (read once per record)."""
    parts = tuple(path.split("."))
    if len(parts) == 1:
        return [f"{indent}{target} = obj.get({parts[0]!r})"]
    parent = nested[parts[:-1]]
    return [f"{indent}{target} = {parent}.get({parts[-1]!r}) if {parent} is not None else None"]


def _parents(columns: tuple[Col, ...]) -> tuple[list[str], dict[tuple[str, ...], str]]:
    """Source lines reading every nested object the columns' paths go through, and their names."""
    nested: dict[tuple[str, ...], str] = {}
    lines: list[str] = []
    for column in columns:
        for path in column.paths:
            parts = tuple(path.split("."))
            for depth in range(1, len(parts)):
                prefix = parts[:depth]
                if prefix in nested:
                    continue
                name = nested[prefix] = f"n{len(nested)}"
                source = "obj" if depth == 1 else nested[prefix[:-1]]
                guard = "" if depth == 1 else f" if {source} is not None else None"
                lines += [f"    {name} = {source}.get({prefix[-1]!r}){guard}",
                          f"    if type({name}) is not dict:", f"        {name} = None"]
    return lines, nested


@cache
def compiled(columns: tuple[Col, ...]) -> Callable[[dict], dict]:
    """One plain function per column list, written once: the paths are unrolled into `dict.get`s and
    the common values (text within its length, booleans, plain decimal strings within their scale)
    are checked inline; anything else goes through `convert`, which says why a value is refused.
    It maps exactly as `convert` over each column's first non-null path does (tested)."""
    parents, nested = _parents(columns)
    source = ["def mapper(obj):", "    row = {}", *parents]
    scope: dict = {"MappingError": MappingError, "convert": convert, "Decimal": Decimal, "PLAIN": _PLAIN_DECIMAL}
    for index, column in enumerate(columns):
        col = f"c{index}"
        scope[col] = column
        source += _getter(column.paths[0], "v", "    ", nested)
        for path in column.paths[1:]:
            source.append("    if v is None:")
            source += _getter(path, "v", "        ", nested)
        if column.kind == "text":
            limit = f" or len(v) > {column.length}" if column.length is not None else ""
            source += ["    if v is None or type(v) is not str" + limit + ":", f"        v = convert({col}, v)"]
        elif column.kind == "bool":
            source += ["    if v is None or type(v) is not bool:", f"        v = convert({col}, v)"]
        elif column.kind in SCALE:
            source += ["    m = PLAIN.fullmatch(v) if type(v) is str else None",
                       f"    if m is not None and (m.group(1) is None or len(m.group(1)) <= {SCALE[column.kind]}):",
                       "        v = Decimal(v)", "    else:", f"        v = convert({col}, v)"]
        else:
            source += [f"    v = convert({col}, v)"]
        source.append(f"    row[{column.name!r}] = v")
    source.append("    return row")
    exec("\n".join(source), scope)  # the source is built above from the mapping alone
    return scope["mapper"]


def flat_lines(record: dict) -> list[dict]:
    """A transaction's lines, those inside line groups included, in QuickBooks' order."""
    flat = list(record.get("lines") or [])
    for group in record.get("lineGroups") or []:
        flat.extend(group.get("lines") or [])
    return flat


def map_record(mapping: EntityMapping, qbd: QbdResource, raw: dict, now: datetime,
               read_at: datetime | None = None) -> tuple[dict, list[dict]]:
    """A wire record to its WMS row and line rows (MappingError, KeyError, ... if it cannot be: see
    `describe_unmappable`, which then checks it against the SDK's model to say why).

    `read_at` is when the request that returned this version was sent, by the sync's own clock: the
    order in which versions were read, never QuickBooks' `updatedAt`, decides which one is newer.
    """
    row = map_columns(mapping.columns, raw)
    row.update(
        qbd_id=raw["id"], qbd_revision_number=str(raw["revisionNumber"]),
        qbd_created_at=parse_instant(raw["createdAt"]), qbd_updated_at=parse_instant(raw["updatedAt"]),
        qbd_read_at=read_at or now, qbd_deleted_at=None, synced_at=now,
        # The WMS-side modification time of a pulled row is when it last changed anywhere.
        updated_at=parse_instant(raw["updatedAt"]),
    )
    if mapping.has_item_type:
        row["item_type"] = qbd.item_type
    lines: list[dict] = []
    if mapping.lines is not None:
        for number, line in enumerate(flat_lines(raw), start=1):
            line_row = map_columns(mapping.lines.columns, line)
            line_row.update(line_number=number, qbd_line_id=line.get("id"), updated_at=row["updated_at"])
            lines.append(line_row)
    return row, lines


def describe_unmappable(qbd: QbdResource, raw, problem: Exception) -> tuple[str, str]:
    """(code, message) for a record the mapping could not read: where it breaks the API contract
    (the SDK's own model, checked only now, not for every record), else the mapping's reason."""
    import pydantic

    try:
        qbd.model.model_validate(raw)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return "INVALID_RECORD", (f"{qbd.type_name} does not match the API contract at {where}: {first['msg']} "
                                  f"({exc.error_count()} problem(s))")
    return "MAPPING_ERROR", f"{qbd.type_name}: {problem}"
