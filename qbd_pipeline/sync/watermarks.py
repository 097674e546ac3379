"""High-water marks: per company file and entity, how far the pull has fetched QuickBooks without a gap.

Every pull starts at the mark (minus the lookback), so an hour whose run failed, was skipped
(QuickBooks offline, quiet hours) or was cancelled is fetched by the next run that succeeds, and
the hourly runs of the open day fetch only what changed since the last. The first pull of an
entity is always a full load. A run moves the mark forward only when its window began at or before
the mark, so a backfill of a later, disjoint range never hides the hours between.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..wms.schema import sync_state, utcnow

_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Window:
    after: datetime | None  # None: from the beginning (a full load)
    before: datetime | None  # inclusive, to the second; None (a reconciliation): no upper bound
    mark: datetime | None  # the high-water mark the window was planned from

    @property
    def end(self) -> datetime | None:
        """The first instant after the window (the mark a complete fetch of it reaches)."""
        return None if self.before is None else self.before + _SECOND


def plan_window(partition_start: datetime | None, partition_end: datetime, *, mark: datetime | None,
                lookback: timedelta, now: datetime | None = None, refetch: bool = False) -> Window:
    """The `updatedAfter`/`updatedBefore` window for a partition range, given the entity's mark.

    `partition_start` None is the first partition, which also takes everything older. The window
    ends at the range's end or now, whichever is first (today's partition is open). It starts at the
    mark (less the lookback) while the mark is inside or before the range, so every run of the open
    day fetches only what changed since the last one, and a gap left by a failed run is fetched; a
    range already fetched whole (the mark past its end), or any range with `refetch`, is fetched
    again from its start.
    """
    end = partition_end if now is None else min(partition_end, now.replace(microsecond=0))
    before = end - _SECOND  # the filter is inclusive, to the second
    if mark is None:
        return Window(None, before, mark)
    # A range is fetched whole once the mark is past its own end; an open day whose mark has reached
    # now (a pull in the same second as the last) is not: it reads from the mark like every other run.
    if refetch or mark >= partition_end:
        start = partition_start if partition_start is None or mark >= partition_start else mark
        return Window(None if start is None else start - lookback, before, mark)
    return Window(mark - lookback, before, mark)


def advanced(mark: datetime | None, window: Window) -> datetime | None:
    """The mark after `window` was fetched completely (unchanged when the window left a gap).

    A mark is exclusive: everything updated before it has been fetched.
    """
    if window.end is None or (window.after is not None and (mark is None or window.after > mark)):
        return mark
    return window.end if mark is None else max(mark, window.end)


def read_mark(connection: sa.Connection, entity: str, *, company: str) -> datetime | None:
    return connection.execute(sa.select(sync_state.c.fetched_through).where(
        sync_state.c.company == company, sync_state.c.entity == entity)).scalar()


def save_mark(connection: sa.Connection, entity: str, window: Window, run_id: str, *,
              company: str) -> datetime | None:
    """Record a completely fetched window; re-reads the mark so concurrent runs never move it back."""
    now = utcnow()
    mark = advanced(read_mark(connection, entity, company=company), window)
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(sync_state)
    connection.execute(insert.values(company=company, entity=entity, fetched_through=mark, last_success_at=now,
                                     last_run_id=run_id).on_conflict_do_update(
        index_elements=["company", "entity"],
        set_={"fetched_through": insert.excluded.fetched_through, "last_success_at": now, "last_run_id": run_id}))
    return mark


def mark_reconciled(connection: sa.Connection, entity: str, when: datetime, *, company: str) -> None:
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(sync_state)
    connection.execute(insert.values(company=company, entity=entity, reconciled_at=when).on_conflict_do_update(
        index_elements=["company", "entity"], set_={"reconciled_at": when}))
