"""The push of one entity: claim its due changes, push them record by record, end every claim truly."""

import logging

import sqlalchemy as sa

from ...conductor.errors import KeyRefused, Offline, Rejected, Transient
from ...spec import catalogue
from ...spec.entities import QbdResource, resources_of
from ...wms.schema import TABLES, sync_snapshots
from ..changes import changed_fields
from ..merge import syncable_fields
from ..progress import Progress
from ..wms_faults import WmsFault, retrying
from . import claims, remove
from .checks import RowRefused, check_decimals, check_references, known_list_id
from .context import Outcome, PushContext, PushStats, skipped
from .create import create
from .update import update

log = logging.getLogger(__name__)


class Pusher(PushContext):
    """Push one entity's claimed changes: claim, push record by record, end each claim truly."""

    def claim(self, finished_runs: frozenset[str] = frozenset()) -> dict[int, list]:
        return claims.claim(self, finished_runs)

    def _finish(self, changes: list, status: str, error: str | None = None, **why) -> None:
        retrying(self.engine, lambda: claims.finish(self, changes, status, error, **why),
                 what=f"push {self.entity.name}: recording how row {changes[0].row_id} ended")

    # the run --------------------------------------------------------------------------------
    def run(self, finished_runs: frozenset[str] = frozenset(), progress: Progress | None = None) -> PushStats:
        grouped = self.claim(finished_runs)
        pending = list(grouped.items())
        self.stats.claimed = len(pending)
        if progress is not None:
            progress.expect("claimed", len(pending))
        done = 0
        try:
            if not self.settings.dry_run:
                self._read_ahead(grouped)
            for row_id, changes in pending if not self.stats.stopped else ():
                failed_before = self.stats.failed + self.stats.retry_later
                self._push_one(row_id, changes)
                done += 1
                if progress is not None:
                    progress.processed_some(1, self.stats.failed + self.stats.retry_later - failed_before)
                if self.stats.stopped:
                    break
            if not self.stats.stopped:
                self.refresh_touched()
        except WmsFault:  # the WMS cannot take anything now: the claims' leases run out by themselves
            raise
        except BaseException:  # terminated (or an unexpected crash): hand the rest back at once
            for _row, rest in pending[done:]:
                self._finish(rest, "release", "the push-back run stopped while these changes were waiting or being "
                                              "sent; the next run merges them again")
            raise
        finally:
            self.stats.requests = self.quickbooks.requests
        for _row, rest in pending[done:]:
            self._finish(rest, "release", f"{self.stats.stopped}; left pending for a later run")
        return self.stats

    def _stop(self, exc: Offline | KeyRefused) -> None:
        """Nothing more can be sent in this run: say why, in the catalogue's words, once."""
        code = "QUICKBOOKS_OFFLINE" if isinstance(exc, Offline) else "KEY_REFUSED"
        self.stats.offline = isinstance(exc, Offline)
        self.stats.stopped = catalogue.message(code, str(exc))

    def _read_ahead(self, grouped: dict[int, list]) -> None:
        """The records these changes edit, deactivate or restore, read in one listing per object type
        (a record the WMS made has no QuickBooks version yet; a deleted row's type may be unknown)."""
        # Only what picks the object type: a row holding a value its column cannot read is the push's to refuse.
        wanted = [self.header.c[name] for name in ("id", "qbd_id", "qbd_deleted_at", "item_type")
                  if name in self.header.c]
        with self.engine.connect() as connection:
            rows = {r.id: r._asdict() for r in connection.execute(sa.select(*wanted).where(
                self.header.c.id.in_(list(grouped)), self.header.c.qbd_id.is_not(None)))}
        by_resource: dict[str, list[str]] = {}
        for row in rows.values():
            if row.get("qbd_deleted_at") is not None:
                continue
            by_resource.setdefault(self._resource_for(row).path, []).append(row["qbd_id"])
        try:
            for qbd in resources_of(self.entity.name):
                self.quickbooks.read_ahead(qbd, by_resource.get(qbd.path, []))
        except (Offline, KeyRefused) as exc:
            self._stop(exc)  # nothing is sent: every change stays pending
        except (Transient, Rejected) as exc:  # each push reads its own record instead
            log.warning("%s: reading ahead failed (%s); each record is read on its own", self.entity.name, exc)

    def _push_one(self, row_id: int, changes: list) -> None:
        release = self.settings.dry_run
        try:
            # A WMS that stopped answering is waited for, then the record is pushed again from its read:
            # a request it may have sent already is found by the lost-answer rules, never sent twice.
            outcome = retrying(self.engine, lambda: self.push_row(row_id, changes),
                               what=f"push {self.entity.name} row {row_id}")
        except WmsFault:
            raise
        except (Offline, KeyRefused) as exc:
            self._stop(exc)
            self._finish(changes, "release", self.stats.stopped)
            return
        except Rejected as exc:
            entry = exc.catalogue or catalogue.CATALOGUE["QUICKBOOKS_REFUSED"]
            said = str(exc) if isinstance(exc, RowRefused) else catalogue.message(entry.code, str(exc))
            self.stats.errors.append({"row_id": row_id, "code": entry.code, "error": said,
                                      "request_id": exc.request_id})
            if entry.outcome == "later":
                self.stats.later += 1
                self._finish(changes, "release" if release else "later", said, code=entry.code,
                             request_id=exc.request_id)
                return
            self.stats.failed += 1
            self._finish(changes, "release" if release else "failed", said, code=entry.code,
                         request_id=exc.request_id)
            return
        except Exception as exc:
            transient = isinstance(exc, Transient)
            if not transient:
                log.exception("%s row %s: unexpected failure", self.entity.name, row_id)
            code = "QUICKBOOKS_UNAVAILABLE" if transient else "UNEXPECTED"
            said = catalogue.message(code, f"{type(exc).__name__}: {exc}")[:2000]
            request_id = getattr(exc, "request_id", None)
            self.stats.retry_later += 1
            self.stats.errors.append({"row_id": row_id, "code": code, "error": said, "request_id": request_id})
            self._finish(changes, "release" if release else "retry", said, code=code, request_id=request_id)
            return
        if release:
            self._finish(changes, "release")
        elif outcome.status == "skipped":
            self.stats.skipped += 1
            self._finish(changes, "skipped", outcome.reason)
        else:
            self.stats.pushed += 1
            self._finish(changes, "pushed")

    def push_row(self, row_id: int, changes: list) -> Outcome:
        if self.entity.direction == "qbd_to_wms":
            return remove.restore(self, row_id, changes)
        operations = {c.operation for c in changes}
        try:
            read = self.read(row_id)
        except (ValueError, TypeError) as exc:  # SQLite keeps whatever was written: a date that is no date
            raise RowRefused("INVALID_VALUE", f"WMS row {row_id} holds a value its column cannot read ({exc})") from exc
        if "delete" in operations:  # ids are never reused, so a deleted row stays deleted
            qbd_id = next((c.qbd_id for c in reversed(changes) if c.qbd_id), None)
            if qbd_id is None:
                reason = "deleted in the WMS before it ever reached QuickBooks"
                self.plan(row_id, None, "skip", reason=reason)
                return skipped(reason)
            return remove.delete(self, row_id, qbd_id)
        if read.row is None:
            return skipped("the row no longer exists and no delete was recorded for it")
        row = read.row
        if row.get("company") not in (None, self.company):
            raise RowRefused("COMPANY_CHANGED", f"WMS row {row_id} now names company file {row['company']}, not "
                                                f"{self.company} where it is synced")
        if row.get("qbd_id") is not None:
            self._same_company_file(row)
        if row.get("qbd_deleted_at") is not None:
            return remove.edit_of_deleted(self, row, changes)
        check_decimals(self.mapping, row, read.lines, read.raw, read.raw_lines)
        named = self._resolve_references(row, read.lines, changes)
        if not self.settings.dry_run:
            with self.engine.connect() as connection:
                check_references(connection, self.mapping, self.company, row, read.lines)
        qbd = self._resource_for(row)
        if row.get("qbd_id") is None:
            return create(self, row, read.lines, qbd, changes, read.newest_change)
        outcome = update(self, row, read.lines, qbd, changes, read.newest_change)
        named_fields = changed_fields(changes)
        owned = named_fields - set(syncable_fields(self.mapping)) - named
        if outcome.status == "pushed" and operations == {"update"} and named_fields and owned == named_fields:
            return skipped(f"only QuickBooks-owned fields changed ({', '.join(sorted(owned))}); they flow "
                           "from QuickBooks to the WMS only and were restored from QuickBooks")
        return outcome


    def _resolve_references(self, row: dict, lines: list[dict], changes: list) -> set[str]:
        """A WMS row may name a reference by name only: a record the WMS created in this same run (its new
        QuickBooks id), or an entry of a QuickBooks list the WMS does not mirror (terms, tax codes,
        currencies...), whose id the records QuickBooks sent carry with that name. A name nothing the WMS
        holds carries is refused (`REFERENCE_UNKNOWN`), never dropped. A list entry is looked up by name
        on a new record, or where the WMS wrote the name (a cleared id beside the name QuickBooks gave
        it is a clearing, not a lookup). Returns the name columns resolved."""
        line_columns = self.mapping.lines.columns if self.mapping.lines else ()
        written = changed_fields(changes) if row.get("qbd_id") is not None else None  # None: every field
        resolved: set[str] = set()
        with self.engine.connect() as connection:
            for records, columns in (([row], self.mapping.columns), (lines, line_columns)):
                for column in columns:
                    if not column.name.endswith("_qbd_id") or column.readonly:
                        continue
                    prefix = column.name.removesuffix("_qbd_id")
                    if not column.refers_to and written is not None and f"{prefix}_name" not in written:
                        continue
                    for record in records:
                        name = record.get(f"{prefix}_name")
                        if record.get(column.name) is not None or not name:
                            continue
                        found = (self._named_record(connection, column, name) if column.refers_to
                                 else known_list_id(connection, self.company, prefix, name))
                        if found is None:
                            if self.settings.dry_run and column.refers_to:  # planned: created earlier in a real run
                                record[column.name] = f"<new {prefix} {name}>"
                                continue
                            raise RowRefused("REFERENCE_UNKNOWN", f"{prefix}_name {name!r} names nothing of company "
                                                                  f"file {self.company} that the WMS holds")
                        record[column.name] = found
                        resolved.add(f"{prefix}_name")
        return resolved

    def _same_company_file(self, row: dict) -> None:
        """A record synced with one company file keeps it: its QuickBooks id means another record (or none)
        in another file, whose ids overlap, so a row moved to another `company` is refused, never sent."""
        with self.engine.connect() as connection:
            synced_with = set(connection.execute(sa.select(sync_snapshots.c.company).where(
                sync_snapshots.c.entity == self.entity.name, sync_snapshots.c.qbd_id == row["qbd_id"])).scalars())
        if synced_with and self.company not in synced_with:
            raise RowRefused("COMPANY_CHANGED", f"WMS row {row['id']} ({row['qbd_id']}) was synced with company file "
                                                f"{', '.join(sorted(synced_with))}, and now names {self.company}")

    def _named_record(self, connection: sa.Connection, column, name: str) -> str | None:
        """The QuickBooks id of the WMS record of that (full) name; a record the WMS made that has none
        yet is waited for (`Transient`), as it may be created earlier in this run or the next."""
        table = TABLES[column.refers_to][0]
        key = table.c["full_name" if resources_of(column.refers_to)[0].full_names else "name"]
        found = connection.execute(sa.select(table.c.qbd_id).where(
            table.c.company == self.company, key == name).order_by(table.c.qbd_id.is_(None))).first()
        if found is None:
            return None
        if found.qbd_id is None:
            raise Transient(f"{column.refers_to} {name!r} is not in QuickBooks yet")
        return found.qbd_id

    def _resource_for(self, row: dict) -> QbdResource:
        options = resources_of(self.entity.name)
        if self.mapping.has_item_type:
            return next(r for r in options if r.item_type == row["item_type"])
        return options[0]
