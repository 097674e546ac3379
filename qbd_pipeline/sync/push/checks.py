"""What the push checks before any QuickBooks request, against what the WMS knows.

A change that cannot succeed is refused here with the catalogue's code and a line that names the
WMS column (never a QuickBooks body path), so it costs no request and reads like what to fix:
- numbers with more decimal places than their column (and QuickBooks) keeps: never rounded, also on
  SQLite, where a Numeric column's read would round what the application wrote;
- references by id to customers, vendors and items the WMS knows were deleted in QuickBooks, and
  inactive ones on a new record or a new line (an id the WMS has never seen is QuickBooks' to judge);
- the body against the request rules derived from the SDK: required values, lengths, options.
References by name only are resolved in `Pusher._resolve_references`, which refuses a name nothing
the WMS holds carries.
"""

import re
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from ...conductor.errors import Rejected
from ...spec import catalogue
from ...spec.entities import QbdResource
from ...spec.mapping import Col, EntityMapping
from ...spec.request_checks import validate_body
from ...spec.request_rules import body_rule
from ...wms.schema import SCALE, TABLES
from ..wire import column_for_path


class RowRefused(Rejected):
    """A change refused before any request (or for a reason of the WMS's): a catalogue code and the
    particulars, in the WMS's words."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(catalogue.message(code, detail), code=code)
        self._entry = catalogue.CATALOGUE[code]

    @property
    def catalogue(self) -> catalogue.Entry:
        return self._entry


def _decimals(value) -> int:
    try:
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
    except (InvalidOperation, ValueError):
        return 0
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check_decimals(mapping: EntityMapping, row: dict, lines: list[dict], raw: dict, raw_lines: list[dict]) -> None:
    """Every pushed number keeps at most its column's decimal places (`wms.schema.SCALE`)."""
    problems = []
    for where, values, stored, columns in (
            ("", row, raw, mapping.columns),
            *((f"line {ln.get('line_number', i + 1)} ", ln, raw_lines[i] if i < len(raw_lines) else {},
               mapping.lines.columns) for i, ln in enumerate(lines) if mapping.lines)):
        for column in columns:
            if column.kind not in SCALE or column.readonly:
                continue
            value = stored.get(column.name, values.get(column.name))
            if value is not None and _decimals(value) > SCALE[column.kind]:
                problems.append(f"{where}{column.name} = {value} has {_decimals(value)} decimal places; QuickBooks "
                                f"keeps {SCALE[column.kind]}")
    if problems:
        raise RowRefused("TOO_MANY_DECIMALS", "; ".join(problems))


def _references(columns: tuple[Col, ...], records: list[dict], new: list[bool]) -> dict[str, dict[str, bool]]:
    """entity -> {referenced id: whether a new record or line names it}."""
    found: dict[str, dict[str, bool]] = {}
    for record, is_new in zip(records, new, strict=True):
        for column in columns:
            value = record.get(column.name)
            if column.refers_to and value is not None and not str(value).startswith("<new "):
                wanted = found.setdefault(column.refers_to, {})
                wanted[value] = wanted.get(value, False) or is_new
    return found


def check_references(connection: sa.Connection, mapping: EntityMapping, company: str, row: dict,
                     lines: list[dict]) -> None:
    """Customers, vendors and items named by id that the WMS knows QuickBooks deleted are refused, and
    inactive ones on a new record or a new line. An id the WMS has never seen goes to QuickBooks, which
    knows: a record made there since the last pull is taken, an id it lacks is its 3140, recorded as
    REFERENCE_UNKNOWN (a refusal here would stick to a change the next pull makes good)."""
    creating = row.get("qbd_id") is None
    wanted = _references(mapping.columns, [row], [creating])
    if mapping.lines is not None:
        for entity, ids in _references(mapping.lines.columns, lines,
                                       [creating or ln.get("qbd_line_id") is None for ln in lines]).items():
            mine = wanted.setdefault(entity, {})
            for qbd_id, is_new in ids.items():
                mine[qbd_id] = mine.get(qbd_id, False) or is_new
    problems, inactive = [], []
    for entity, ids in wanted.items():
        table = TABLES[entity][0]
        known = {r.qbd_id: r for r in connection.execute(sa.select(
            table.c.qbd_id, table.c.is_active, table.c.qbd_deleted_at).where(
            table.c.company == company, table.c.qbd_id.in_(list(ids))))}
        for qbd_id, is_new in sorted(ids.items()):
            record = known.get(qbd_id)
            if record is None:
                continue
            if record.qbd_deleted_at is not None:
                problems.append(f"{entity} {qbd_id} was deleted in QuickBooks "
                                f"({record.qbd_deleted_at.isoformat(timespec='minutes')})")
            elif is_new and not record.is_active:
                inactive.append(f"{entity} {qbd_id} is inactive")
    if problems:
        raise RowRefused("REFERENCE_UNKNOWN", "; ".join(problems))
    if inactive:
        raise RowRefused("REFERENCE_INACTIVE", "; ".join(inactive))


_TOO_BIG = re.compile(r"Too big: expected string to have <=(\d+) characters")


def _said(problem: str) -> tuple[str, str]:
    """A zod-style problem as (catalogue code, what it means for the WMS column)."""
    if "received undefined" in problem or "received null" in problem:
        return "MISSING_REQUIRED", "QuickBooks requires a value"
    too_big = _TOO_BIG.search(problem)
    if too_big:
        return "VALUE_TOO_LONG", f"QuickBooks takes at most {too_big.group(1)} characters"
    return "INVALID_VALUE", problem.split(" at ")[0]


def known_list_id(connection: sa.Connection, company: str, prefix: str, name: str) -> str | None:
    """The id QuickBooks gives the list entry `name` (a terms, a tax code, a currency...), as records it
    sent the WMS carry it: the WMS mirrors no such lists, but every reference came with both."""
    for header, lines in TABLES.values():
        for table in (header, lines):
            if table is None or f"{prefix}_name" not in table.c:
                continue
            query = sa.select(table.c[f"{prefix}_qbd_id"]).where(
                table.c[f"{prefix}_name"] == name, table.c[f"{prefix}_qbd_id"].is_not(None)).limit(1)
            query = (query.where(table.c.company == company) if table is header else
                     query.join(header, header.c.id == table.c.header_id).where(header.c.company == company))
            found = connection.execute(query).scalar()
            if found is not None:
                return found
    return None


def check_body(mapping: EntityMapping, qbd: QbdResource, body: dict, *, create: bool) -> None:
    """The request body against the rules derived from the SDK, each problem named by its WMS column."""
    problems = validate_body(body_rule(qbd.create_params if create else qbd.update_params), body)
    if not problems:
        return
    codes, named = [], []
    for problem in problems[:5]:
        code, meaning = _said(problem)
        path = problem.rpartition(' at "')[2].rstrip('"') if ' at "' in problem else ""
        codes.append(code)
        named.append(f"{column_for_path(mapping, path)}: {meaning}" if path else meaning)
    raise RowRefused(codes[0], "; ".join(named))


def _base(named: str) -> str:
    """`line 1 item_qbd_id (or item_name)` -> `item_qbd_id`."""
    return named.removeprefix("line 1 ").split(" (or ")[0]


def row_requirements() -> list[tuple[str, list[str], list[str]]]:
    """What a row the WMS app creates must contain, per table (and item type where QuickBooks' needs
    differ): (table, NOT NULL in the WMS, what QuickBooks also requires). The README's table is this."""
    from ...spec.entities import ENTITIES, resources_of
    from ...spec.mapping import MAPPINGS

    found = []
    for entity in ENTITIES:
        if entity.direction != "both":  # rows the WMS makes are never pushed there
            continue
        mapping = MAPPINGS[entity.name]
        header, lines = TABLES[entity.name]
        not_null = [c.name for c in header.columns if not c.nullable and not c.primary_key and c.server_default is None]
        by_need: dict[tuple[str, ...], list[str]] = {}
        line_needs: set[str] = set()
        for qbd in resources_of(entity.name):
            rule = body_rule(qbd.create_params)
            needs = tuple(sorted({_base(column_for_path(mapping, k)) for k in rule.required} - set(not_null)))
            by_need.setdefault(needs, []).append(qbd.item_type or "")
            items = rule.fields["lines"].items if "lines" in rule.fields else None
            if items is not None and items.fields is not None:
                line_needs |= {_base(column_for_path(mapping, f"lines[0].{k}")) for k in items.fields.required}
        for needs, types in by_need.items():
            label = header.name if len(by_need) == 1 else f"{header.name} ({', '.join(types)})"
            found.append((label, not_null, list(needs)))
        if lines is not None:
            line_not_null = [c.name for c in lines.columns
                             if not c.nullable and not c.primary_key and c.server_default is None]
            found.append((lines.name, line_not_null, sorted(line_needs - set(line_not_null))))
    return found
