"""Writing fetched QuickBooks records into the WMS: bulk, idempotent, never going backwards.

Per batch (of one company file): one SELECT of what the WMS already holds for those `qbd_id`s, one dialect-native upsert
of the rows that are new or newer (guarded in SQL too, so a stale fetch racing a newer one cannot
win), and for transactions one DELETE plus one INSERT of the changed headers' lines, all in one
transaction. A record that fails validation or mapping becomes a `RecordError`; the batch goes on.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ..spec.entities import ENTITIES_BY_NAME, QbdResource, resources_of
from ..spec.mapping import EntityMapping
from ..wms.schema import TABLES, sync_errors, utcnow
from ..wms.triggers import sync_writer
from .bulk import any_of, insert_rows, set_line_ids, upsert_rows
from .changes import changed_fields, close_earlier_failures, deleted_in_wms, link_changes, lock_record, open_changes
from .companies import unnamed_owner
from .conflicts import conflict_rows, prior_decisions
from .conflicts import record as record_conflicts
from .convert import MappingError, describe_unmappable, map_record
from .merge import LINES, adopted_base, comparable, field_times, inferred_base, merge, pair_new_lines, typed_lines
from .snapshots import read_agreed, read_snapshots, sent_lines_pending, upsert_snapshots


@dataclass(frozen=True)
class RecordError:
    qbd_id: str | None
    code: str
    message: str
    object_type: str | None = None  # e.g. "qbd_service_item": where to read the record again


@dataclass
class LoadStats:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    conflicts: int = 0  # fields changed on both sides, decided by the entity's rule
    errors: list[RecordError] = field(default_factory=list)
    # Items on the lines a load replaced: QuickBooks' stock figures moved for them too (a removed line).
    replaced_items: set[str] = field(default_factory=set)

    def add(self, other: "LoadStats") -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failed += other.failed
        self.conflicts += other.conflicts
        self.errors.extend(other.errors)
        self.replaced_items |= other.replaced_items


def load_batch(connection: sa.Connection, mapping: EntityMapping, qbd: QbdResource, records: list[dict],
               now: datetime | None = None, run_id: str = "pull",
               read_at: datetime | list[datetime] | None = None, *, company: str) -> LoadStats:
    """Upsert one batch of raw records of `company` (a Conductor end user) inside the caller's transaction.

    `read_at` is when the records were read (one time, or one per record): a record is news when
    its revision differs from the one the WMS holds and it was read no earlier than that one.
    """
    now = now or utcnow()
    header, lines_table = TABLES[mapping.entity]
    read_times = read_at if isinstance(read_at, list) else [read_at or now] * len(records)
    stats = LoadStats()
    mapped: dict[str, tuple[dict, list[dict]]] = {}
    for raw, seen in zip(records, read_times, strict=True):
        qbd_id = raw.get("id") if isinstance(raw, dict) else None
        try:
            row, lines = map_record(mapping, qbd, raw, now, seen)
        except (MappingError, KeyError, ValueError, TypeError, AttributeError) as exc:
            stats.failed += 1
            code, message = describe_unmappable(qbd, raw, exc)
            stats.errors.append(RecordError(qbd_id, code, message, qbd.object_type))
            continue
        row["company"] = company
        known = mapped.get(row["qbd_id"])
        if known is None or row["qbd_read_at"] >= known[0]["qbd_read_at"]:
            mapped[row["qbd_id"]] = (row, lines)
    if not mapped:
        return stats

    # Lock first, then look: a WMS edit committed while this batch is being written must either be
    # seen as pending (and merged) or wait for this transaction; it can never be overwritten unseen.
    lock_record(connection, header, lines_table, qbd_ids=list(mapped), company=company)
    if ENTITIES_BY_NAME[mapping.entity].direction == "both":
        link_unsynced(connection, mapping, header, lines_table, mapped, company)
    existing = {
        r.qbd_id: r for r in connection.execute(
            sa.select(header.c.qbd_id, header.c.qbd_revision_number, header.c.qbd_read_at, header.c.qbd_deleted_at)
            .where(header.c.company == company, any_of(connection, header.c.qbd_id, mapped)))
    }
    one_way = ENTITIES_BY_NAME[mapping.entity].direction == "qbd_to_wms"
    # A row deleted in the WMS is never brought back, unless a WMS row holds the record again (re-created
    # by name in the WMS and linked to it by the push).
    removed = set() if one_way else deleted_in_wms(connection, mapping.entity, list(mapped),
                                                   company=company) - set(existing)
    changed: list[dict] = []
    for qbd_id, (row, _lines) in mapped.items():
        old = existing.get(qbd_id)
        if qbd_id in removed:  # deleted in the WMS: never brought back as a new row
            stats.unchanged += 1
        elif old is None:
            stats.inserted += 1
            changed.append(row)
        elif old.qbd_read_at is not None and row["qbd_read_at"] < old.qbd_read_at:
            stats.unchanged += 1  # a version read before the one the WMS holds: never go backwards
        elif row["qbd_revision_number"] != old.qbd_revision_number or old.qbd_deleted_at is not None:
            stats.updated += 1  # any other revision is news, whatever QuickBooks' clock says
            changed.append(row)
        else:
            stats.unchanged += 1
    if not changed:
        return stats

    lines_of = {qbd_id: lines for qbd_id, (_row, lines) in mapped.items()}
    pending = open_changes(connection, mapping.entity, [r["qbd_id"] for r in changed], company=company)
    if one_way:
        pending = {}  # QuickBooks is the only source: its version replaces WMS edits
    # QuickBooks' version is the new agreed base, also where a WMS edit is pending on top of it: the
    # edit then shows as the WMS's own change, and a later QuickBooks edit as QuickBooks' own.
    agreed = [(dict(r), lines_of[r["qbd_id"]]) for r in changed]
    if pending:
        stats.conflicts = merge_pending(connection, mapping, header, lines_table, changed, lines_of, pending, run_id,
                                        now, company)
    if pending and lines_table is not None:  # a pending WMS edit may have removed lines QuickBooks held
        stats.replaced_items = {line.get("item_qbd_id") for base in read_snapshots(
            connection, mapping.entity, list(pending), company=company).values()
            for line in base.get(LINES) or [] if line.get("item_qbd_id")}
    with sync_writer(connection):  # the pull's writes are not WMS changes: no echo to QuickBooks
        stats.replaced_items |= _write(connection, header, lines_table, changed, lines_of, company)
        upsert_snapshots(connection, mapping.entity, mapping, agreed, now, company=company)
    return stats


def link_unsynced(connection: sa.Connection, mapping: EntityMapping, header: sa.Table, lines_table: sa.Table | None,
                  mapped: dict[str, tuple[dict, list[dict]]], company: str) -> None:
    """A record the WMS made whose create answer was lost is linked, never inserted a second time.

    A pulled record not yet in the WMS is matched to a WMS row without a QuickBooks id by the create's
    identity: a transaction's `externalId`, a list object's unique (full) name. The row gets the
    QuickBooks id (its lines the line ids, in order) and is then merged as any record with a pending edit.
    Only rows of this company file are candidates, and rows naming none while it is the only active
    company file: the push takes such rows then only, and refuses them otherwise (`COMPANY_UNNAMED`),
    so a pull never links a row to one company file that the push would not send there.
    """
    mine = (sa.or_(header.c.company == company, header.c.company.is_(None))
            if unnamed_owner(connection) == company else header.c.company == company)
    unsynced = connection.execute(sa.select(header.c.id).where(header.c.qbd_id.is_(None), mine).limit(1)).first()
    if unsynced is None:  # the common case, a full load included: nothing to look for
        return
    resource = resources_of(mapping.entity)[0]
    key = "external_id" if resource.kind == "transaction" else ("full_name" if resource.full_names else "name")
    known = set(connection.execute(sa.select(header.c.qbd_id).where(
        header.c.company == company, any_of(connection, header.c.qbd_id, mapped))).scalars())
    wanted = {}
    for qbd_id, (row, _lines) in mapped.items():
        if qbd_id not in known and row.get(key):
            wanted[str(row[key]).lower()] = qbd_id
    if not wanted:
        return
    rows = connection.execute(sa.select(header.c.id, header.c[key]).where(
        header.c.qbd_id.is_(None), mine, sa.func.lower(header.c[key]).in_(list(wanted)))).all()
    for row_id, value in rows:
        qbd_id = wanted.pop(str(value).lower(), None)
        if qbd_id is None:
            continue  # two unsynced rows of one name: the push reports the second
        with sync_writer(connection):
            connection.execute(header.update().where(header.c.id == row_id).values(qbd_id=qbd_id, company=company))
            own = [] if lines_table is None else connection.execute(sa.select(lines_table.c.id).where(
                lines_table.c.header_id == row_id).order_by(lines_table.c.line_number)).scalars().all()
            answered = mapped[qbd_id][1]
            if own and len(own) == len(answered):
                set_line_ids(connection, lines_table, {row: line["qbd_line_id"]
                                                       for row, line in zip(own, answered, strict=True)})
        link_changes(connection, mapping.entity, row_id, qbd_id, company=company)
        # A create that failed for good (its answers lost) may have reached QuickBooks after all: it is over.
        close_earlier_failures(connection, mapping.entity, row_id, None, reached=True, run_id="", now=utcnow(),
                               how=f"resolved: a pull found the record in QuickBooks ({qbd_id}) and linked it")


def merge_pending(connection: sa.Connection, mapping: EntityMapping, header: sa.Table, lines_table: sa.Table | None,
                  changed: list[dict], lines_of: dict[str, list[dict]], pending: dict[str, list], run_id: str,
                  now: datetime, company: str) -> int:
    """A pull never overwrites a pending WMS edit: merge field by field (lines line by line).

    Values the WMS wins stay in the row (its pending change then pushes them); every conflict is
    recorded now, once, and the push reuses the decision. Rewrites `changed` rows and `lines_of` in place;
    returns how many conflicts were newly decided.
    """
    entity = ENTITIES_BY_NAME[mapping.entity]
    wms_rows = {r.qbd_id: r._asdict() for r in connection.execute(
        sa.select(header).where(header.c.company == company, header.c.qbd_id.in_(list(pending))))}
    wms_lines: dict[int, list[dict]] = {}
    if lines_table is not None and wms_rows:
        for line in connection.execute(sa.select(lines_table).where(lines_table.c.header_id.in_(
                [r["id"] for r in wms_rows.values()])).order_by(lines_table.c.line_number)):
            wms_lines.setdefault(line.header_id, []).append(line._asdict())
    raw_bases = read_snapshots(connection, mapping.entity, list(pending), company=company)
    qbd_views = {r["qbd_id"]: comparable(mapping, r, lines_of[r["qbd_id"]]) for r in changed if r["qbd_id"] in pending}
    bases = read_agreed(connection, mapping.entity, qbd_views, company=company)
    sent = sent_lines_pending(connection, mapping.entity, list(pending), company=company)
    prior = prior_decisions(connection, mapping.entity, list(pending), company=company)
    conflicts: list[dict] = []
    for row in changed:
        qbd_id = row["qbd_id"]
        wms = wms_rows.get(qbd_id)
        if wms is None or qbd_id not in pending:
            continue
        own_lines = wms_lines.get(wms["id"], [])
        if qbd_id in sent:
            own_lines = link_sent_lines(connection, mapping, lines_table, own_lines, lines_of[qbd_id],
                                        raw_bases.get(qbd_id))
        wms_view = comparable(mapping, wms, own_lines)
        qbd_view = qbd_views[qbd_id]
        base = bases.get(qbd_id)
        if base is None and wms["qbd_revision_number"] is None:  # just linked: QuickBooks made it from the WMS's create
            base = adopted_base(wms_view, qbd_view)
        elif base is None:
            base = inferred_base(wms_view, qbd_view, changed_fields(pending[qbd_id]),
                                 qbd_moved=wms["qbd_revision_number"] != row["qbd_revision_number"])
        result = merge(entity, mapping, base, wms_view, qbd_view, times=field_times(pending[qbd_id]),
                       wms_time=wms["updated_at"], qbd_time=row["qbd_updated_at"], prior=prior.get(qbd_id, {}))
        for name, side in result.sources.items():
            if side == "wms":
                row[name] = wms[name]
        if result.lines is not None:
            lines_of[qbd_id] = typed_lines(result.lines, own_lines, lines_of[qbd_id])
        conflicts += conflict_rows(result.decisions, run_id=run_id, entity=mapping.entity, row_id=wms["id"],
                                   qbd_id=qbd_id, now=now, company=company)
        row["updated_at"] = max(wms["updated_at"], row["updated_at"])
    return record_conflicts(connection, conflicts)


def link_sent_lines(connection: sa.Connection, mapping: EntityMapping, lines_table: sa.Table | None,
                    own: list[dict], answered: list[dict], base: dict | None) -> list[dict]:
    """WMS lines an unanswered push already made in QuickBooks get its line ids (see `pair_new_lines`);
    used by the pull's merge and by the push alike."""
    if lines_table is None or all(line.get("qbd_line_id") for line in own):
        return own
    known = {line.get("qbd_line_id") for line in own} | {b.get("qbd_line_id") for b in (base or {}).get("lines") or []}
    paired = pair_new_lines(own, answered, known, [c.name for c in mapping.lines.columns if not c.readonly])
    with sync_writer(connection):
        set_line_ids(connection, lines_table, {own[index]["id"]: line_id for index, line_id in paired.items()})
    return [{**line, "qbd_line_id": paired[i]} if i in paired else line for i, line in enumerate(own)]


_LINE_KEYS = ("id", "header_id")


def _write(connection: sa.Connection, header: sa.Table, lines_table: sa.Table | None, changed: list[dict],
           lines_of: dict[str, list[dict]], company: str) -> set[str]:
    """Upsert the headers and replace their lines; returns the items the replaced lines named."""
    upsert_rows(connection, header, changed)
    if lines_table is None:
        return set()
    ids = dict(connection.execute(sa.select(header.c.qbd_id, header.c.id).where(
        header.c.company == company, any_of(connection, header.c.qbd_id, [r["qbd_id"] for r in changed]))).all())
    replaced = set()
    if "item_qbd_id" in lines_table.c:
        replaced = set(connection.execute(sa.select(lines_table.c.item_qbd_id).distinct().where(
            any_of(connection, lines_table.c.header_id, ids.values()), lines_table.c.item_qbd_id.is_not(None)))
            .scalars())
    connection.execute(lines_table.delete().where(any_of(connection, lines_table.c.header_id, ids.values())))
    new_lines = []
    for row in changed:
        if row["qbd_id"] not in ids:
            continue
        for number, line in enumerate(lines_of[row["qbd_id"]], start=1):
            values = {k: v for k, v in line.items() if k not in _LINE_KEYS}
            new_lines.append({**values, "header_id": ids[row["qbd_id"]], "line_number": number,
                              "updated_at": line.get("updated_at") or row["updated_at"]})
    insert_rows(connection, lines_table, new_lines)
    return replaced


def record_errors(connection: sa.Connection, run_id: str, entity: str, errors: Iterable[RecordError],
                  accepted: Iterable[str] = (), *, company: str) -> None:
    """Record this batch's failed records; the errors of records it `accepted` are resolved."""
    now = utcnow()
    rows = [{"run_id": run_id, "company": company, "entity": entity, "qbd_id": e.qbd_id, "object_type": e.object_type,
             "error_code": e.code, "message": e.message[:4000], "created_at": now} for e in errors]
    if rows:
        connection.execute(sync_errors.insert(), rows)
    resolve_errors(connection, entity, list(accepted), now, company=company)


def resolve_errors(connection: sa.Connection, entity: str, qbd_ids: list[str], now, *, company: str) -> None:
    if qbd_ids:
        connection.execute(sync_errors.update().where(
            sync_errors.c.company == company, sync_errors.c.entity == entity, sync_errors.c.resolved_at.is_(None),
            any_of(connection, sync_errors.c.qbd_id, qbd_ids))
            .values(resolved_at=now))


def open_error_ids(connection: sa.Connection, entity: str, *, company: str) -> dict[str, str | None]:
    """Records of `entity` that a pull could not take and no later pull has accepted yet: qbd_id ->
    its object type (None for errors recorded before the type was)."""
    rows = connection.execute(sa.select(sync_errors.c.qbd_id, sa.func.max(sync_errors.c.object_type)).where(
        sync_errors.c.company == company, sync_errors.c.entity == entity, sync_errors.c.resolved_at.is_(None),
        sync_errors.c.qbd_id.is_not(None)).group_by(sync_errors.c.qbd_id).order_by(sync_errors.c.qbd_id))
    return dict(rows.all())
