"""The push of one entity: claim its due changes, push them record by record, end every claim truly."""

import logging

import sqlalchemy as sa

from ...conductor.errors import Offline, Rejected, Transient
from ...spec.entities import QbdResource, resources_of
from ...wms.schema import TABLES
from ..changes import changed_fields
from ..merge import syncable_fields
from ..progress import Progress
from . import claims, remove
from .context import Outcome, PushContext, PushStats, skipped
from .create import create
from .update import update

log = logging.getLogger(__name__)


class Pusher(PushContext):
    """Push one entity's claimed changes: claim, push record by record, end each claim truly."""

    def claim(self, finished_runs: frozenset[str] = frozenset()) -> dict[int, list]:
        return claims.claim(self, finished_runs)

    def _finish(self, changes: list, status: str, error: str | None = None) -> None:
        claims.finish(self, changes, status, error)

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
            for row_id, changes in pending if not self.stats.offline else ():
                failed_before = self.stats.failed + self.stats.retry_later
                self._push_one(row_id, changes)
                done += 1
                if progress is not None:
                    progress.processed_some(1, self.stats.failed + self.stats.retry_later - failed_before)
                if self.stats.offline:
                    break
            if not self.stats.offline:
                self.refresh_touched()
        except BaseException:  # terminated (or an unexpected crash): hand the rest back at once
            for _row, rest in pending[done:]:
                self._finish(rest, "release", "the push-back run stopped while these changes were waiting or being "
                                              "sent; the next run merges them again")
            raise
        finally:
            self.stats.requests = self.quickbooks.requests
        for _row, rest in pending[done:]:
            self._finish(rest, "release", "QuickBooks Desktop was offline; left pending for a later run")
        return self.stats

    def _read_ahead(self, grouped: dict[int, list]) -> None:
        """The records these changes edit, deactivate or restore, read in one listing per object type
        (a record the WMS made has no QuickBooks version yet; a deleted row's type may be unknown)."""
        with self.engine.connect() as connection:
            rows = {r.id: r._asdict() for r in connection.execute(sa.select(self.header).where(
                self.header.c.id.in_(list(grouped)), self.header.c.qbd_id.is_not(None)))}
        by_resource: dict[str, list[str]] = {}
        for row in rows.values():
            if row.get("qbd_deleted_at") is not None:
                continue
            by_resource.setdefault(self._resource_for(row).path, []).append(row["qbd_id"])
        try:
            for qbd in resources_of(self.entity.name):
                self.quickbooks.read_ahead(qbd, by_resource.get(qbd.path, []))
        except Offline:
            self.stats.offline = True  # nothing is sent: every change stays pending
        except (Transient, Rejected) as exc:  # each push reads its own record instead
            log.warning("%s: reading ahead failed (%s); each record is read on its own", self.entity.name, exc)

    def _push_one(self, row_id: int, changes: list) -> None:
        release = self.settings.dry_run
        try:
            outcome = self.push_row(row_id, changes)
        except Offline as exc:
            self.stats.offline = True
            self._finish(changes, "release", f"QuickBooks Desktop offline: {exc}")
            return
        except Rejected as exc:
            self.stats.failed += 1
            self.stats.errors.append({"row_id": row_id, "error": str(exc)})
            self._finish(changes, "release" if release else "failed", str(exc))
            return
        except Exception as exc:
            if not isinstance(exc, Transient):
                log.exception("%s row %s: unexpected failure", self.entity.name, row_id)
            self.stats.retry_later += 1
            self.stats.errors.append({"row_id": row_id, "error": f"{type(exc).__name__}: {exc}"})
            self._finish(changes, "release" if release else "retry", f"{type(exc).__name__}: {exc}"[:2000])
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
        read = self.read(row_id)
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
            raise Rejected(f"WMS row {row_id} now belongs to company file {row['company']}, not {self.company} "
                           "where it is synced: a record cannot move between company files (create it anew there)")
        if row.get("qbd_deleted_at") is not None:
            return remove.edit_of_deleted(self, row, changes)
        self._resolve_references(row, read.lines)
        qbd = self._resource_for(row)
        if row.get("qbd_id") is None:
            return create(self, row, read.lines, qbd, changes, read.newest_change)
        outcome = update(self, row, read.lines, qbd, changes, read.newest_change)
        named = changed_fields(changes)
        owned = named - set(syncable_fields(self.mapping))
        if outcome.status == "pushed" and operations == {"update"} and named and owned == named:
            return skipped(f"only QuickBooks-owned fields changed ({', '.join(sorted(owned))}); they flow "
                           "from QuickBooks to the WMS only and were restored from QuickBooks")
        return outcome


    def _resolve_references(self, row: dict, lines: list[dict]) -> None:
        """A WMS row may name a record the WMS created in this same run: find its new QuickBooks id."""
        line_columns = self.mapping.lines.columns if self.mapping.lines else ()
        with self.engine.connect() as connection:
            for records, columns in (([row], self.mapping.columns), (lines, line_columns)):
                for column in columns:
                    if column.refers_to is None:
                        continue
                    prefix = column.name.removesuffix("_qbd_id")
                    table = TABLES[column.refers_to][0]
                    name = table.c["full_name" if resources_of(column.refers_to)[0].full_names else "name"]
                    for record in records:
                        if record.get(column.name) is None and record.get(f"{prefix}_name"):
                            found = connection.execute(sa.select(table.c.qbd_id).where(
                                table.c.company == self.company, name == record[f"{prefix}_name"])).scalar()
                            if found is None:
                                if self.settings.dry_run:  # planned: created earlier in a real run
                                    record[column.name] = f"<new {prefix} {record[f'{prefix}_name']}>"
                                    continue
                                raise Transient(f"{prefix} {record[f'{prefix}_name']!r} is not in QuickBooks yet")
                            record[column.name] = found

    def _resource_for(self, row: dict) -> QbdResource:
        options = resources_of(self.entity.name)
        if self.mapping.has_item_type:
            return next(r for r in options if r.item_type == row["item_type"])
        return options[0]
