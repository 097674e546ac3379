"""The emulator's configuration and everything it holds: companies, cursors, faults, request log."""

import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from ..spec.entities import RESOURCES, QbdResource
from . import errors
from .clock import CompanyClock, parse_offset
from .company import Company
from .cursors import CursorRegistry
from .faults import FaultRegistry
from .generator import CompanySizes, seed_company
from .queries import ListPlan
from .store import Store

DEFAULT_SECRET_KEY = "sk_test_emulator"
DEFAULT_END_USER_ID = "end_usr_emulator"


@dataclass
class EmulatorConfig:
    """Every knob of the emulator; the CLI flags and the test fixtures fill this."""

    secret_keys: tuple[str, ...] = (DEFAULT_SECRET_KEY,)
    end_user_ids: tuple[str, ...] = (DEFAULT_END_USER_ID,)
    seed: int = 42
    sizes: CompanySizes = field(default_factory=CompanySizes)
    utc_offset: str = "-05:00"
    state_file: Path | None = None
    cursor_ttl_seconds: float = 10.0
    history_days: int = 180
    history_end: datetime | None = None  # default: the start of today (UTC), so a day's runs agree
    request_log_size: int = 20_000
    # QuickBooks' own pace, off by default: every answer waits this long per request, plus per record
    # it carries (a real company file answers a 150-record page in a second or more).
    latency_ms_per_request: float = 0.0
    latency_ms_per_record: float = 0.0


class Emulator:
    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.tz = parse_offset(config.utc_offset)
        self.store = Store(config.state_file)
        self.cursors = CursorRegistry(config.cursor_ttl_seconds)
        self.faults = FaultRegistry()
        self.requests: deque[dict] = deque(maxlen=config.request_log_size)
        self.companies = {
            end_user: Company(self.store, end_user, CompanyClock(self.tz)) for end_user in config.end_user_ids
        }
        for end_user, company in self.companies.items():
            if not self.store.has_company(end_user):
                self._seed(end_user, company)

    def _seed(self, end_user: str, company: Company) -> None:
        end = self.config.history_end or datetime.combine(
            datetime.now(timezone.utc).date(), time(0), tzinfo=timezone.utc)
        start = end - timedelta(days=self.config.history_days)
        seed = self.config.seed ^ zlib.crc32(end_user.encode())
        with self.store.transaction():
            # The generator's bodies are validated by its own tests; seeding skips re-checking them.
            seed_company(
                lambda path, body, at: company.create(path, body, at, validate=False),
                lambda path, rid, body, at: company.update(path, rid, body, at, validate=False),
                seed=seed, sizes=self.config.sizes, start=start, end=end,
            )
            self.store.mark_company(end_user)

    def company(self, end_user: str | None) -> Company:
        if not end_user:
            raise errors.invalid_request(
                'Missing required header "Conductor-End-User-Id": every QuickBooks Desktop request must '
                "name the end user whose company file it targets.", code="MISSING_END_USER_ID")
        company = self.companies.get(end_user)
        if company is None:
            raise errors.invalid_request(f"No such end-user: '{end_user}'", code="RESOURCE_MISSING", status=404)
        return company

    def list_ids(self, company: Company, resource: QbdResource, plan: ListPlan) -> list[str]:
        """The ids a list request matches, in QuickBooks' order."""
        store, end_user = self.store, company.end_user
        if plan.ids is not None:
            found = store.get_many(end_user, resource.path, plan.ids)
            present = {obj["id"] for obj in found}
            for wanted in plan.ids:
                if wanted not in present:
                    raise errors.not_found_in_qbd(wanted)
            return [obj["id"] for obj in found]
        if plan.lookup is not None:
            column, values = plan.lookup
            ids = []
            for value in values:
                key = value.lower() if column == "name_key" else value
                match = store.select_ids(end_user, resource.path, [(f"{column} = ?", (key,))], "seq")
                if not match:
                    raise errors.not_found_in_qbd(value)
                ids.extend(i for i in match if i not in ids)
            return ids
        ids = store.select_ids(end_user, resource.path, plan.where, plan.order)
        if plan.post_filters:
            kept = []
            for start in range(0, len(ids), 500):
                for obj in store.get_many(end_user, resource.path, ids[start:start + 500]):
                    if all(f(obj) for f in plan.post_filters):
                        kept.append(obj["id"])
            ids = kept
        return ids

    def close(self) -> None:
        self.store.close()


def resource_for(path: str) -> QbdResource | None:
    return next((r for r in RESOURCES if r.path == path), None)
