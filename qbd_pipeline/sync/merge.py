"""Three-way merge of one record: the last agreed version, the WMS row, the QuickBooks record.

A field changed on one side only goes to the other side. A field changed on both sides (to
different values) is a conflict, decided by the entity's rule and recorded. Order lines merge
line by line, matched by QuickBooks line id: a line edited on one side only keeps that edit, a line
added on either side is kept, and only the same field of the same line changed on both sides is a
conflict. Which times "the later modification wins" compares is said in `rule_winner`.

A conflict is decided once: the caller passes the decisions already recorded for the record, and a
conflict between the same two values is given the same winner again (no later run reverses it
unless one side edits that field anew). The functions here are pure: views in, decisions out.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from ..spec.entities import Entity
from ..spec.mapping import EntityMapping

LINES = "lines"
LINE_ID = "qbd_line_id"
ANY_FIELD = "*"  # an insert or delete names no fields: its time counts for every field


def canon(value):
    """A comparable, JSON-storable form of a mapped value (Decimal('7.50') == '7.5')."""
    kind = type(value)
    if value is None or kind is str or kind is bool:  # most values: checked first, by type alone
        return value
    if kind is Decimal:
        return format(value.normalize(), "f")
    if isinstance(value, bool):
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


def value_key(value) -> str:
    """How a merged value is written to `sync_conflicts` (and compared with what is there)."""
    return json.dumps(value, sort_keys=True, default=str)


def syncable_fields(mapping: EntityMapping) -> list[str]:
    """Header columns both sides may change (QuickBooks-owned ones are excluded), plus lines."""
    fields = [c.name for c in mapping.columns if not c.readonly]
    return [*fields, LINES] if mapping.lines else fields


def line_fields(mapping: EntityMapping) -> list[str]:
    return [c.name for c in mapping.lines.columns if not c.readonly] if mapping.lines else []


def comparable(mapping: EntityMapping, row: dict, lines: list[dict] | None) -> dict:
    """The syncable view of a record (WMS row, QuickBooks mapping or snapshot), in canonical form.

    Lines keep their QuickBooks line id, so the merge can tell an edited line from a new one.
    """
    header, line_names = _view_fields(mapping)
    view = {f: canon(row.get(f)) for f in header}
    if mapping.lines is not None:
        view[LINES] = [{LINE_ID: line.get(LINE_ID), **{f: canon(line.get(f)) for f in line_names}}
                       for line in (lines or [])]
    return view


_VIEW_FIELDS: dict[int, tuple[EntityMapping, tuple[str, ...], tuple[str, ...]]] = {}


def _view_fields(mapping: EntityMapping) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The header and line fields of a record's view, worked out once per mapping (by identity)."""
    known = _VIEW_FIELDS.get(id(mapping))
    if known is None or known[0] is not mapping:
        header = tuple(sorted(f for f in syncable_fields(mapping) if f != LINES))
        known = _VIEW_FIELDS[id(mapping)] = (mapping, header, tuple(line_fields(mapping)))
    return known[1], known[2]


@dataclass(frozen=True)
class Decision:
    """One difference between the WMS and QuickBooks, and which side's value stands."""

    field: str  # a header column, "lines" (the whole set), "lines[<id>]" or "lines[<id>].<column>"
    wms: object
    qbd: object
    base: object
    winner: str  # "wms" | "qbd"
    rule: str | None  # the rule that decided a conflict; None when only one side changed
    recorded: bool = False  # the same conflict was decided before: reused, not recorded again

    @property
    def conflict(self) -> bool:
        return self.rule is not None


@dataclass(frozen=True)
class PriorDecision:
    wms: str
    qbd: str
    winner: str


@dataclass(frozen=True)
class MergedLine:
    """One line of the merged set: where it comes from, and which side gave each field."""

    wms_index: int | None  # position in the WMS lines, or None (a line only QuickBooks has)
    qbd_index: int | None  # position in the QuickBooks lines, or None (a line the WMS added)
    sources: Mapping[str, str]  # line column -> "wms" | "qbd"


@dataclass
class Merge:
    decisions: list[Decision] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # header column -> "wms" | "qbd"
    lines: list[MergedLine] | None = None  # None: the entity has no lines

    def to_qbd(self, qbd_view: dict, wms_view: dict) -> list[str]:
        """Header columns whose merged value (the WMS's) differs from QuickBooks'."""
        return [f for f, side in self.sources.items() if side == "wms" and wms_view[f] != qbd_view[f]]

    def merged_lines(self, wms_view: dict, qbd_view: dict) -> list[dict]:
        return [_merged_line(line, wms_view[LINES], qbd_view[LINES]) for line in self.lines or []]

    def lines_to_qbd(self, wms_view: dict, qbd_view: dict) -> bool:
        """Whether the merged line set differs from QuickBooks' (then it is sent, whole)."""
        return self.lines is not None and self.merged_lines(wms_view, qbd_view) != qbd_view[LINES]


def _merged_line(line: MergedLine, wms_lines: list[dict], qbd_lines: list[dict]) -> dict:
    sides = {"wms": wms_lines[line.wms_index] if line.wms_index is not None else None,
             "qbd": qbd_lines[line.qbd_index] if line.qbd_index is not None else None}
    merged = {f: sides[side][f] for f, side in line.sources.items()}
    merged[LINE_ID] = sides["qbd"][LINE_ID] if sides["qbd"] else None  # a line QuickBooks lacks goes as new
    return {LINE_ID: merged.pop(LINE_ID), **merged}


def typed_lines(lines: list[MergedLine], wms_rows: list[dict], qbd_rows: list[dict]) -> list[dict]:
    """The merged lines as column values (not canonical views), for the WMS or a request body.

    Each starts from its QuickBooks line (so QuickBooks-owned columns stay QuickBooks') or, for a
    line only the WMS has, from the WMS line; then every syncable column comes from its side.
    """
    result = []
    for line in lines:
        qbd_row = qbd_rows[line.qbd_index] if line.qbd_index is not None else None
        wms_row = wms_rows[line.wms_index] if line.wms_index is not None else None
        row = dict(qbd_row if qbd_row is not None else wms_row)
        for name, side in line.sources.items():
            row[name] = (wms_row if side == "wms" else qbd_row).get(name)
        row[LINE_ID] = qbd_row.get(LINE_ID) if qbd_row is not None else None
        result.append(row)
    return result


def field_times(changes: Iterable) -> dict[str, datetime]:
    """Each field's latest WMS edit time, from change rows (`changed_fields`, `changed_at`, `operation`)."""
    times: dict[str, datetime] = {}
    for change in changes:
        names = [f for f in (change.changed_fields or "").split(",") if f] or [ANY_FIELD]
        if change.operation != "update":
            names = [ANY_FIELD]
        for name in names:
            if name not in times or change.changed_at > times[name]:
                times[name] = change.changed_at
    return times


def rule_winner(entity: Entity, wms_time: datetime | None, qbd_time: datetime | None) -> str:
    """The side a conflict goes to under the entity's rule.

    "Latest modification wins" compares the WMS's edit time of the field (the newest change row
    naming it, by the WMS database clock; line edits are dated by the newest change of any line)
    with the QuickBooks record's `updatedAt` (by the QuickBooks computer's clock; QuickBooks
    dates records, not fields). A tie, or a missing time, keeps QuickBooks' value.
    """
    rule = entity.conflict_rule
    if rule == "wms_wins":
        return "wms"
    if rule in ("qbd_wins", "never_push"):
        return "qbd"
    if wms_time is None or qbd_time is None:
        return "qbd"
    return "wms" if wms_time > qbd_time else "qbd"


class _Decider:
    def __init__(self, entity: Entity, times: Mapping[str, datetime], wms_time: datetime | None,
                 qbd_time: datetime | None, prior: Mapping[str, PriorDecision]) -> None:
        self.entity, self.times, self.wms_time, self.qbd_time, self.prior = entity, times, wms_time, qbd_time, prior
        self.decisions: list[Decision] = []

    def time_of(self, name: str) -> datetime | None:
        return self.times.get(name) or self.times.get(ANY_FIELD) or self.wms_time

    def one(self, name: str, time_key: str, w, q, b, wms_changed: bool, qbd_changed: bool) -> str:
        """Record the decision for one differing value; returns the winning side."""
        if wms_changed and not qbd_changed:
            self.decisions.append(Decision(name, w, q, b, "wms", None))
            return "wms"
        if qbd_changed and not wms_changed:
            self.decisions.append(Decision(name, w, q, b, "qbd", None))
            return "qbd"
        earlier = self.prior.get(name)
        if earlier is not None and earlier.wms == value_key(w) and earlier.qbd == value_key(q):
            winner, recorded = earlier.winner, True
        else:
            winner, recorded = rule_winner(self.entity, self.time_of(time_key), self.qbd_time), False
        self.decisions.append(Decision(name, w, q, b, winner, self.entity.conflict_rule, recorded))
        return winner


def merge(entity: Entity, mapping: EntityMapping, base: dict | None, wms: dict, qbd: dict, *,
          times: Mapping[str, datetime] | None = None, wms_time: datetime | None = None,
          qbd_time: datetime | None = None, prior: Mapping[str, PriorDecision] | None = None) -> Merge:
    """Merge one record's views (see `comparable`); `base` is the last agreed view, or None if unknown."""
    decider = _Decider(entity, times or {}, wms_time, qbd_time, prior or {})
    result = Merge()
    for name in syncable_fields(mapping):
        if name == LINES:
            continue
        w, q = wms.get(name), qbd.get(name)
        if w == q:
            result.sources[name] = "qbd"
            continue
        b = base.get(name) if base is not None else None
        result.sources[name] = decider.one(name, name, w, q, b, base is None or w != b, base is None or q != b)
    if mapping.lines is not None:
        base_lines = base.get(LINES) if base is not None else None
        result.lines = _merge_lines(decider, line_fields(mapping), base_lines, wms[LINES], qbd[LINES])
    result.decisions = decider.decisions
    return result


def _whole(lines: list[dict], side: str, fields: list[str]) -> list[MergedLine]:
    return [MergedLine(i if side == "wms" else None, i if side == "qbd" else None, dict.fromkeys(fields, side))
            for i in range(len(lines))]


def _merge_lines(decider: _Decider, fields: list[str], base: list[dict] | None, wms: list[dict],
                 qbd: list[dict]) -> list[MergedLine]:
    if wms == qbd:
        return _whole(qbd, "qbd", fields)
    identified = base is not None and all(line.get(LINE_ID) for line in base)
    if not identified:  # no agreed version with line ids: the set is one value
        side = decider.one(LINES, LINES, wms, qbd, base, base is None or wms != base, base is None or qbd != base)
        return _whole(wms if side == "wms" else qbd, side, fields)
    base_by_id = {line[LINE_ID]: line for line in base}
    qbd_by_id = {line[LINE_ID]: i for i, line in enumerate(qbd) if line.get(LINE_ID)}
    wms_ids = {line.get(LINE_ID) for line in wms}
    merged: list[MergedLine] = []
    for wi, w in enumerate(wms):
        line_id = w.get(LINE_ID)
        qi = qbd_by_id.get(line_id) if line_id else None
        b = base_by_id.get(line_id) if line_id else None
        if qi is None and (b is None or not line_id):
            merged.append(MergedLine(wi, None, dict.fromkeys(fields, "wms")))  # added in the WMS
            continue
        if qi is None:  # deleted in QuickBooks
            if _same(w, b, fields):
                continue
            name = f"{LINES}[{line_id}]"
            if decider.one(name, LINES, w, None, b, True, True) == "wms":
                merged.append(MergedLine(wi, None, dict.fromkeys(fields, "wms")))  # sent again, as new
            continue
        q = qbd[qi]
        sources = {}
        for f in fields:
            wv, qv, bv = w.get(f), q.get(f), (b or {}).get(f)
            if wv == qv:
                sources[f] = "qbd"
            else:
                sources[f] = decider.one(f"{LINES}[{line_id}].{f}", LINES, wv, qv, bv, b is None or wv != bv,
                                         b is None or qv != bv)
        merged.append(MergedLine(wi, qi, sources))
    for qi, q in enumerate(qbd):
        line_id = q.get(LINE_ID)
        if line_id in wms_ids:
            continue
        b = base_by_id.get(line_id)
        if b is None:
            merged.append(MergedLine(None, qi, dict.fromkeys(fields, "qbd")))  # added in QuickBooks
            continue
        if _same(q, b, fields):
            continue  # deleted in the WMS
        name = f"{LINES}[{line_id}]"
        if decider.one(name, LINES, None, q, b, True, True) == "qbd":
            merged.append(MergedLine(None, qi, dict.fromkeys(fields, "qbd")))
    return merged


def _same(line: dict, other: dict | None, fields: list[str]) -> bool:
    return other is not None and all(line.get(f) == other.get(f) for f in fields)


def inferred_base(wms: dict, qbd: dict, changed_fields: set[str], qbd_moved: bool) -> dict:
    """No agreed version was recorded: the WMS changed exactly the fields its changes name;
    QuickBooks changed the others only if the record moved since the WMS last saw it."""
    base = {}
    for name in wms:
        if name in changed_fields or ANY_FIELD in changed_fields:
            base[name] = qbd[name] if not qbd_moved else None
        else:
            base[name] = wms[name]
    return base


def adopted_base(wms: dict, qbd: dict) -> dict:
    """The agreed version of a record QuickBooks made from the WMS's own create (whose answer was lost).

    Where the WMS gave a value, QuickBooks' is what the create sent; where it gave none, QuickBooks'
    default (terms, an address from the customer) is not a WMS edit to undo. Lines are paired by
    position (the create sent them in order) and must already carry QuickBooks' line ids.
    """
    base = {f: (None if w is None else qbd[f]) for f, w in wms.items() if f != LINES}
    if LINES in wms:
        if len(wms[LINES]) == len(qbd[LINES]):
            base[LINES] = [{**{f: (None if v is None else q.get(f)) for f, v in w.items()}, LINE_ID: q.get(LINE_ID)}
                           for w, q in zip(wms[LINES], qbd[LINES], strict=True)]
        else:
            base[LINES] = qbd[LINES]
    return base


def keep_newer_lines(entity: Entity, mapping: EntityMapping, read: list[dict], current: list[dict],
                     answered: list[dict]) -> list[dict]:
    """The lines to store after a push whose record the WMS edited while the request was in flight.

    A three-way merge with the lines as the push read them as the base: what the WMS changed since
    (an edited, added or removed line) keeps the WMS's version, everything else takes QuickBooks'
    answer. Returns column values (not views), line numbers and row ids left to the caller.
    """
    from dataclasses import replace

    newer_wins = replace(entity, conflict_rule="wms_wins")
    base, wms, qbd = (comparable(mapping, {}, lines) for lines in (read, current, answered))
    result = merge(newer_wins, mapping, base, wms, qbd)
    return typed_lines(result.lines or [], current, answered)


def pair_new_lines(wms_lines: list[dict], qbd_lines: list[dict], known: set, fields: list[str]) -> dict[int, str]:
    """Lines the WMS added (no QuickBooks id) that QuickBooks has already: an earlier push sent them but
    its answer never came back. Each takes the first unknown QuickBooks line with the same values where
    the WMS gave one; returns WMS line position -> QuickBooks line id."""
    spare = [q for q in qbd_lines if q.get(LINE_ID) not in known]
    paired: dict[int, str] = {}
    for index, line in enumerate(wms_lines):
        if line.get(LINE_ID) is not None:
            continue
        match = next((q for q in spare if all(
            line.get(f) is None or canon(line.get(f)) == canon(q.get(f)) for f in fields)), None)
        if match is not None:
            spare.remove(match)
            paired[index] = match[LINE_ID]
    return paired


def push_intent(result: Merge, wms: dict, qbd: dict, fields: list[str], lines_sent: bool) -> dict:
    """What a push is about to make QuickBooks hold: the header fields it sends, and per sent line the
    values the WMS gave it. Written before the request, so a run that dies before storing the answer
    leaves a trace the next merge can recognise."""
    intent: dict = {"fields": {f: wms[f] for f in fields}, "lines": None}
    if lines_sent and result.lines is not None:
        intent["lines"] = [
            {"id": qbd[LINES][line.qbd_index].get(LINE_ID) if line.qbd_index is not None else None,
             "fields": {f: wms[LINES][line.wms_index].get(f) for f, side in line.sources.items() if side == "wms"}}
            for line in result.lines]
    return intent


def apply_intent(base: dict | None, intent: dict | None, qbd: dict) -> dict | None:
    """The agreed version, counting a push whose answer was never stored: where QuickBooks now holds
    exactly what that push sent, the two sides agree on it (it is not a QuickBooks edit)."""
    if base is None or not intent:
        return base
    agreed = dict(base)
    for name, value in intent["fields"].items():
        if qbd.get(name) == value:
            agreed[name] = value
    if intent.get("lines") is None or base.get(LINES) is None or not all(b.get(LINE_ID) for b in base[LINES]):
        return agreed
    base_by_id = {b[LINE_ID]: b for b in base[LINES]}
    qbd_by_id = {q.get(LINE_ID): q for q in qbd[LINES]}
    sent_ids = {line["id"] for line in intent["lines"] if line["id"]}
    spare = [q for q in qbd[LINES] if q.get(LINE_ID) not in base_by_id and q.get(LINE_ID) not in sent_ids]
    lines = []
    for line in intent["lines"]:
        sent = line["fields"]
        if line["id"]:
            q = qbd_by_id.get(line["id"])
            if q is not None and all(q.get(f) == v for f, v in sent.items()):
                lines.append({**base_by_id.get(line["id"], q), **sent})
            elif line["id"] in base_by_id:
                lines.append(base_by_id[line["id"]])
        else:
            q = next((q for q in spare if all(q.get(f) == v for f, v in sent.items() if v is not None)), None)
            if q is not None:
                spare.remove(q)
                lines.append(q)
    lines += [b for line_id, b in base_by_id.items() if line_id not in sent_ids and line_id in qbd_by_id]
    agreed[LINES] = lines
    return agreed
