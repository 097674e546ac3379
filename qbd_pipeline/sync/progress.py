"""Live progress of a step: processed / total, written to its `sync_runs` row and said in the run log
at a steady rate, so an operator (or the warehouse app, polling one table) can draw a bar.

The total comes from Conductor: the first page of a listing says how many records remain
(`remainingCount`); a push knows how many records it claimed.
"""

import time
from collections.abc import Callable

import sqlalchemy as sa

from . import ledger
from .wms_faults import kind_of


class Progress:
    """Counts for one `sync_runs` row, flushed at most every `every_seconds` (and at the end).

    A pull's fetch runs in a thread of its own and only counts (`fetched_page`); the loader's thread
    writes the row and says the line (`processed_some`, and `tick` while it waits for pages), so the
    fetch never waits on the database.
    """

    def __init__(self, engine: sa.Engine | None, row_id: int | None, label: str, say: Callable[[str], None],
                 every_seconds: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.engine, self.row_id, self.label, self.say = engine, row_id, label, say
        self.every, self.clock = every_seconds, clock
        self.processed, self.total, self.failed, self.fetched = 0, None, 0, 0
        self._known: dict[str, int] = {}  # expected records per object type
        self._last = clock()

    def expect(self, part: str, total: int) -> None:
        """`part` (an object type) will bring `total` records in all."""
        self._known[part] = total
        self.total = sum(self._known.values())

    def fetched_page(self, part: str, fetched_in_part: int, remaining: int | None, fetched: int) -> None:
        """From the fetch's thread: counts only."""
        if remaining is not None:
            self.expect(part, fetched_in_part + remaining)
        self.fetched = fetched

    def processed_some(self, count: int, failed: int = 0) -> None:
        self.processed += count
        self.failed += failed
        self.tick()

    def tick(self) -> None:
        """Flush if it is time (the loader calls this while it works and while it waits)."""
        if self.clock() - self._last >= self.every:
            self.flush()

    def line(self) -> str:
        def share(count: int) -> str:
            return f"{count:,} / {self.total:,} ({100 * count // self.total}%)" if self.total else f"{count:,}"

        if self.fetched > self.processed:  # the fetch is ahead of the loader
            said = f"fetched {share(self.fetched)}, loaded {self.processed:,}"
        else:
            said = f"processed {share(self.processed)}"
        return f"{self.label}: {said}" + (f", {self.failed:,} failed" if self.failed else "")

    def flush(self) -> None:
        self._last = self.clock()
        self.say(self.line())
        if self.engine is not None and self.row_id is not None:
            try:
                ledger.update_run(self.engine, self.row_id, processed=self.processed, total=self.total,
                                  fetched=self.fetched)
            except sa.exc.DBAPIError as exc:  # the work itself meets the fault and handles it; the line was said
                if kind_of(exc) is None:
                    raise
