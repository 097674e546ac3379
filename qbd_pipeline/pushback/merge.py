"""Three-way merge of one record: the last agreed version, the WMS row, the QuickBooks record.

A field changed on one side only goes to the other side. A field changed on both sides (to
different values) is a conflict, decided by the entity's rule and recorded. Lines are one field.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ..entities import Entity
from ..wms.mapping import EntityMapping

LINES = "lines"


def canon(value):
    """A comparable, JSON-storable form of a mapped value (Decimal('7.50') == '7.5')."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return canon(Decimal(str(value)))
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [canon(v) for v in value]
    if isinstance(value, dict):
        return {k: canon(v) for k, v in value.items()}
    return value


def syncable_fields(mapping: EntityMapping) -> list[str]:
    """Header columns both sides may change (QuickBooks-owned ones are excluded), plus lines."""
    fields = [c.name for c in mapping.columns if not c.readonly]
    return [*fields, LINES] if mapping.lines else fields


def line_fields(mapping: EntityMapping) -> list[str]:
    return [c.name for c in mapping.lines.columns if not c.readonly] if mapping.lines else []


def comparable(mapping: EntityMapping, row: dict, lines: list[dict] | None) -> dict:
    """The syncable view of a record (WMS row, QuickBooks mapping or snapshot), in canonical form."""
    view = {f: canon(row.get(f)) for f in syncable_fields(mapping) if f != LINES}
    if mapping.lines is not None:
        view[LINES] = [{f: canon(line.get(f)) for f in line_fields(mapping)} for line in (lines or [])]
    return view


@dataclass(frozen=True)
class Decision:
    field: str
    wms: object
    qbd: object
    base: object
    winner: str  # "wms" | "qbd" | "same"
    rule: str | None  # the rule that decided a conflict; None when only one side changed

    @property
    def conflict(self) -> bool:
        return self.rule is not None


def decide(entity: Entity, mapping: EntityMapping, base: dict | None, wms: dict, qbd: dict,
           wms_time: datetime | None, qbd_time: datetime | None) -> list[Decision]:
    """One decision per syncable field whose WMS and QuickBooks values differ."""
    decisions = []
    for field in syncable_fields(mapping):
        w, q = wms.get(field), qbd.get(field)
        if w == q:
            continue
        b = base.get(field) if base is not None else None
        wms_changed = base is None or w != b
        qbd_changed = base is None or q != b
        if wms_changed and not qbd_changed:
            decisions.append(Decision(field, w, q, b, "wms", None))
        elif qbd_changed and not wms_changed:
            decisions.append(Decision(field, w, q, b, "qbd", None))
        else:
            decisions.append(Decision(field, w, q, b, _rule_winner(entity, wms_time, qbd_time), entity.conflict_rule))
    return decisions


def _rule_winner(entity: Entity, wms_time: datetime | None, qbd_time: datetime | None) -> str:
    rule = entity.conflict_rule
    if rule == "wms_wins":
        return "wms"
    if rule in ("qbd_wins", "never_push"):
        return "qbd"
    if wms_time is None or qbd_time is None:
        return "qbd"
    return "wms" if wms_time > qbd_time else "qbd"  # latest modification wins; a tie keeps QuickBooks
