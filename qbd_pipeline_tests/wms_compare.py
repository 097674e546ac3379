"""Compare the WMS with the emulator's company, entity by entity and field by field."""

from datetime import datetime

import sqlalchemy as sa

from qbd_pipeline.emulator.state import Emulator
from qbd_pipeline.spec.entities import ENTITIES, resources_of
from qbd_pipeline.spec.mapping import MAPPINGS
from qbd_pipeline.sync.convert import map_record
from qbd_pipeline.wms.schema import TABLES

NOW = datetime.fromisoformat("2026-01-01T00:00:00+00:00")


def expected_state(emulator: Emulator, end_user: str, entity: str) -> dict[str, tuple[dict, list[dict]]]:
    """What the WMS should hold for an entity: the emulator's records through the mapping."""
    mapping = MAPPINGS[entity]
    expected = {}
    for qbd in resources_of(entity):
        for record in emulator.store.iter_records(end_user, qbd.path):
            row, lines = map_record(mapping, qbd, record, NOW)
            expected[row["qbd_id"]] = (row, lines)
    return expected


def wms_state(engine: sa.Engine, entity: str, company: str | None = None) -> dict[str, tuple[dict, list[dict]]]:
    """The WMS rows of an entity (of one company file, and rows naming none, when `company` is given)."""
    header, lines_table = TABLES[entity]
    state = {}
    query = sa.select(header)
    if company is not None:
        query = query.where(sa.or_(header.c.company == company, header.c.company.is_(None)))
    with engine.connect() as connection:
        rows = {r.id: r._asdict() for r in connection.execute(query)}
        by_header: dict[int, list[dict]] = {}
        if lines_table is not None:
            for line in connection.execute(sa.select(lines_table).order_by(lines_table.c.header_id,
                                                                           lines_table.c.line_number)):
                by_header.setdefault(line.header_id, []).append(line._asdict())
    for pk, row in rows.items():
        state[row["qbd_id"]] = (row, by_header.get(pk, []))
    return state


_IGNORED = {"id", "header_id", "synced_at", "updated_at", "qbd_created_at", "qbd_read_at", "company"}


def differences(emulator: Emulator, end_user: str, engine: sa.Engine, entities=None) -> list[str]:
    """Every field where the WMS differs from the emulator ([] when they are equal)."""
    problems = []
    for entity in entities or [e.name for e in ENTITIES]:
        expected, actual = expected_state(emulator, end_user, entity), wms_state(engine, entity, end_user)
        missing, extra = set(expected) - set(actual), set(actual) - set(expected)
        problems += [f"{entity}: {q} missing from the WMS" for q in sorted(missing)]
        problems += [f"{entity}: {q} in the WMS but not in QuickBooks" for q in sorted(extra)]
        for qbd_id in set(expected) & set(actual):
            (want, want_lines), (got, got_lines) = expected[qbd_id], actual[qbd_id]
            for key, value in want.items():
                if key not in _IGNORED and got.get(key) != value:
                    problems.append(f"{entity} {qbd_id}.{key}: WMS {got.get(key)!r} != QBD {value!r}")
            if len(want_lines) != len(got_lines):
                problems.append(f"{entity} {qbd_id}: {len(got_lines)} lines in the WMS, {len(want_lines)} in QBD")
                continue
            for number, (w, g) in enumerate(zip(want_lines, got_lines, strict=True), start=1):
                for key, value in w.items():
                    if key not in _IGNORED and g.get(key) != value:
                        problems.append(f"{entity} {qbd_id} line {number}.{key}: WMS {g.get(key)!r} != QBD {value!r}")
    return problems


def snapshot(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every synced table, for 'nothing changed at all' comparisons."""
    result = {}
    with engine.connect() as connection:
        for header, lines in TABLES.values():
            for table in (header, lines):
                if table is not None:
                    result[table.name] = [tuple(r) for r in connection.execute(sa.select(table).order_by(table.c.id))]
    return result
