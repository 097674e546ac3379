"""QuickBooks records to WMS rows: the mapping read forward, values checked, never rounded.

A column takes the first non-null of its wire paths; values are converted to the column's kind, and
a value the WMS cannot hold exactly (too many decimal places, too long, not a date) is a
`MappingError` naming the column: the record is recorded as an error, the batch goes on.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

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


def map_columns(columns: tuple[Col, ...], obj: dict) -> dict:
    row = {}
    for column in columns:
        raw = next((v for v in (_lookup(obj, p) for p in column.paths) if v is not None), None)
        row[column.name] = convert(column, raw)
    return row


def flat_lines(record: dict) -> list[dict]:
    """A transaction's lines, those inside line groups included, in QuickBooks' order."""
    flat = list(record.get("lines") or [])
    for group in record.get("lineGroups") or []:
        flat.extend(group.get("lines") or [])
    return flat


def map_record(mapping: EntityMapping, qbd: QbdResource, raw: dict, now: datetime,
               read_at: datetime | None = None) -> tuple[dict, list[dict]]:
    """A wire record to its WMS row and line rows (MappingError or ValidationError if it cannot be).

    `read_at` is when the request that returned this version was sent, by the sync's own clock: the
    order in which versions were read, never QuickBooks' `updatedAt`, decides which one is newer.
    """
    qbd.model.model_validate(raw)  # the SDK's own contract for this object
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
