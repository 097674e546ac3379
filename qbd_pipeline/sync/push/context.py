"""What every step of pushing one entity shares: settings, counters, outcomes, and the record's read."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from ...conductor.client import QuickBooks
from ...conductor.resource import ConductorResource
from ...spec.entities import Entity
from ...spec.mapping import MAPPINGS, EntityMapping
from ...wms.schema import SCALE, TABLES, utcnow, wms_changes
from .. import ledger
from ..conflicts import conflict_rows
from ..conflicts import record as record_conflicts
from ..stock import item_ids_in, refresh_stock


@dataclass
class PushSettings:
    run_id: str
    dry_run: bool = False
    max_attempts: int = 5
    backoff_seconds: float = 30.0
    lease_seconds: float = ledger.LEASE_SECONDS
    max_revision_retries: int = 3
    # Rows the WMS made without naming a company file go to this one (the deployment's only company).
    takes_unnamed: bool = False


@dataclass
class PushStats:
    pushed: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: int = 0
    failed: int = 0
    retry_later: int = 0
    gave_up: int = 0  # changes left `failed` after their last attempt
    later: int = 0  # records someone had open in QuickBooks: tried again later, not counted as failed
    conflicts: int = 0
    offline: bool = False
    stopped: str | None = None  # why the run stopped sending (QuickBooks offline, the key refused): one line
    held: dict[str, int] = field(default_factory=dict)  # due changes another live run holds: run id -> count
    claimed: int = 0
    requests: int = 0  # QuickBooks requests the push made
    plan: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """How one record's changes end: `pushed`, `skipped` (with the reason) or `planned` (dry run)."""

    status: str
    reason: str | None = None


PUSHED, PLANNED = Outcome("pushed"), Outcome("planned")


def skipped(reason: str) -> Outcome:
    return Outcome("skipped", reason)


@dataclass
class Read:
    """The WMS side of one record as one consistent read."""

    row: dict | None
    lines: list[dict]
    newest_change: int  # the newest change id of the record when it was read: later ones are newer edits
    # SQLite: numbers as the application wrote them (a Numeric column's read rounds to its scale).
    raw: dict = field(default_factory=dict)
    raw_lines: list[dict] = field(default_factory=list)


RAW = "raw:"


def _raw_numbers(table: sa.Table, columns) -> list:
    """On SQLite, the stored text of each pushed number, so more decimals than a column keeps are seen."""
    return [sa.cast(table.c[c.name], sa.Text).label(f"{RAW}{c.name}") for c in columns
            if c.kind in SCALE and not c.readonly]


def _split(found: dict) -> tuple[dict, dict]:
    return ({k: v for k, v in found.items() if not k.startswith(RAW)},
            {k.removeprefix(RAW): v for k, v in found.items() if k.startswith(RAW)})


class PushContext:
    """One entity's push: the WMS tables, QuickBooks, the settings and the counters every step updates."""

    def __init__(self, conductor_resource: ConductorResource, engine: sa.Engine, entity: Entity,
                 settings: PushSettings) -> None:
        self.conductor = conductor_resource
        conductor_resource.require()
        self.company: str = conductor_resource.end_user_id  # the company file this push writes to
        self.quickbooks = QuickBooks(conductor_resource)  # writes are never replayed blindly
        self.engine = engine
        self.entity = entity
        self.mapping: EntityMapping = MAPPINGS[entity.name]
        self.header, self.lines_table = TABLES[entity.name]
        self.settings = settings
        self.stats = PushStats()
        self._touched_items: set[str] = set()  # stock items whose figures the pushes moved

    def read(self, row_id: int) -> Read:
        with self.engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            newest = connection.execute(sa.select(sa.func.max(wms_changes.c.id)).where(
                wms_changes.c.entity == self.entity.name, wms_changes.c.row_id == row_id)).scalar() or 0
            header_raw = _raw_numbers(self.header, self.mapping.columns) if sqlite else []
            found = connection.execute(sa.select(self.header, *header_raw).where(
                self.header.c.id == row_id)).one_or_none()
            lines, raw_lines = [], []
            if self.lines_table is not None:
                line_raw = _raw_numbers(self.lines_table, self.mapping.lines.columns) if sqlite else []
                for line in connection.execute(sa.select(self.lines_table, *line_raw).where(
                        self.lines_table.c.header_id == row_id).order_by(self.lines_table.c.line_number)):
                    values, raw = _split(line._asdict())
                    lines.append(values)
                    raw_lines.append(raw)
        if found is None:
            return Read(None, lines, newest)
        row, raw = _split(found._asdict())
        return Read(row, lines, newest, raw, raw_lines)

    def record_conflicts(self, row_id: int, qbd_id: str, decisions) -> None:
        with self.engine.begin() as connection:
            self.stats.conflicts += record_conflicts(connection, conflict_rows(
                decisions, run_id=self.settings.run_id, entity=self.entity.name, row_id=row_id, qbd_id=qbd_id,
                now=utcnow(), company=self.company))

    def plan(self, row_id: int, qbd_id: str | None, action: str, **detail) -> None:
        """A dry run's account of what it would do."""
        self.stats.plan.append({"company": self.company, "entity": self.entity.name, "row_id": row_id,
                                "qbd_id": qbd_id, "action": action,
                                **detail})

    def after_transaction(self, record: dict, wms_lines: list[dict] | None = None) -> None:
        """Posting an adjustment or an order moves stock figures that only QuickBooks computes: for the
        items on its lines now, and on lines it had before (a removed line, a changed item). They are
        read again once, for every push of the run (`refresh_touched`)."""
        if self.lines_table is not None:
            before = {ln.get("item_qbd_id") for ln in wms_lines or [] if ln.get("item_qbd_id")}
            self._touched_items |= item_ids_in([record]) | before

    def refresh_touched(self) -> int:
        items, self._touched_items = self._touched_items, set()
        return refresh_stock(self.quickbooks, self.engine, items, company=self.company)
