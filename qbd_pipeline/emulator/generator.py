"""A seeded, deterministic generator of a realistic QuickBooks Desktop company file.

Why it exists: tests, demos and load runs need a company holding every object type the sync
touches, with history spread over months so that incremental (`updatedAfter`) windows, edits and
deactivations matter, and without a real QuickBooks. The generator only decides *what* is written
and *when*; the caller's `create`/`update` callables do the writing (the emulator's `Company`, or
HTTP calls against it), so one plan can seed any backend.

Shape of the history, in call order (timestamps never go backwards):

* setup (first 8% of the window): most vendors, items and customers, in dependency order;
* main (to 97%): the remaining list objects trickle in while sales orders, invoices, purchase
  orders and inventory adjustments spread over the window; ~8% of all records get one edit
  (phone, email, contact, address, terms, price, memo...) at a later time;
* close-out (last 3%): ~3% of customers, vendors and items are deactivated (`isActive: false`).

Scale: only ids (plus a few numbers for items, which are few) are kept, never bodies, so a
100,000-customer company costs a few seconds of generator time.
"""

import heapq
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter

from . import sample_parts as parts
from .sample_lists import ListMakers
from .sample_transactions import TransactionMakers

Create = Callable[[str, dict, datetime], dict]
"""(resource path, camelCase create body, timestamp) -> the created record (wire dict)."""
Update = Callable[[str, str, dict, datetime], dict]
"""(resource path, id, camelCase update body incl. `revisionNumber`, timestamp) -> the updated record."""


#: Every path the generator writes, in the order `seed_company` reports them.
PATHS: tuple[str, ...] = (
    parts.CUSTOMERS, parts.VENDORS, parts.INVENTORY_ITEMS, parts.NON_INVENTORY_ITEMS, parts.SERVICE_ITEMS,
    parts.DISCOUNT_ITEMS, parts.ASSEMBLY_ITEMS, parts.OTHER_CHARGE_ITEMS, parts.SALES_ORDERS, parts.PURCHASE_ORDERS,
    parts.INVOICES, parts.CREDIT_MEMOS, parts.INVENTORY_ADJUSTMENTS,
)

EDIT_SHARE = 0.08  # of every created record: one later update
SETUP_END = 0.08  # fractions of the [start, end] window
MAIN_END = 0.97
EDITS_FROM = 0.30  # edits land after max(creation, this fraction of the window)


@dataclass(frozen=True)
class CompanySizes:
    """How many of each object the generated company holds (`customers` includes the jobs)."""

    customers: int = 300
    jobs_per_customer_ratio: float = 0.15  # share of top-level customers that get 1-3 sub-jobs
    vendors: int = 40
    inventory_items: int = 60
    non_inventory_items: int = 15
    service_items: int = 10
    discount_items: int = 3
    inventory_assembly_items: int = 5
    other_charge_items: int = 4
    sales_orders: int = 250
    purchase_orders: int = 80
    invoices: int = 250
    credit_memos: int = 30
    inventory_adjustments: int = 40

    @classmethod
    def scaled(cls, customers: int) -> "CompanySizes":
        """Sizes for a company with `customers` customers, in the defaults' proportions.

        Vendors and transactions grow with the customer base, the item catalogue with its square
        root (catalogues grow slower than customer lists); each count is capped so that a
        100,000-customer company stays fast to seed into the emulator.
        """
        if customers < 0:
            raise ValueError("customers must be >= 0")
        base = cls()
        factor = customers / base.customers
        root = math.sqrt(factor)

        def linear(value: int, cap: int, floor: int = 1) -> int:
            return 0 if customers == 0 else min(cap, max(floor, round(value * factor)))

        def catalogue(value: int, cap: int, floor: int = 1) -> int:
            return min(cap, max(floor, round(value * root)))

        return cls(
            customers=customers,
            jobs_per_customer_ratio=base.jobs_per_customer_ratio,
            vendors=min(4_000, max(2, round(base.vendors * factor))),
            inventory_items=catalogue(base.inventory_items, 3_000, floor=3),
            non_inventory_items=catalogue(base.non_inventory_items, 750),
            service_items=catalogue(base.service_items, 500),
            discount_items=catalogue(base.discount_items, 30),
            inventory_assembly_items=catalogue(base.inventory_assembly_items, 250),
            other_charge_items=catalogue(base.other_charge_items, 40),
            sales_orders=linear(base.sales_orders, 25_000),
            purchase_orders=linear(base.purchase_orders, 8_000),
            invoices=linear(base.invoices, 25_000),
            credit_memos=linear(base.credit_memos, 3_000),
            inventory_adjustments=linear(base.inventory_adjustments, 2_000),
        )


def seed_company(create: Create, update: Update, *, seed: int, sizes: CompanySizes,
                 start: datetime, end: datetime) -> dict[str, int]:
    """Create a whole company through `create`/`update` and return the creates per path.

    The same seed and sizes give the same calls (bodies and timestamps) in the same order.
    Timestamps never decrease from one call to the next and lie in [start, end].
    """
    if end <= start:
        raise ValueError("end must be after start")
    return _Generator(create, update, seed, sizes, start, end).run()


# ---------------------------------------------------------------------------------------------
# Internals
# ---------------------------------------------------------------------------------------------


class _Names:
    """Unique names by construction: a base, then "base 2", "base 3"... on repeats.

    No base ends in a bare number, so "<base> <n>" can never equal another base. Only the
    bases (a bounded vocabulary) are kept, not every name handed out.
    """

    def __init__(self) -> None:
        self._used: dict[str, int] = {}

    def claim(self, base: str) -> str:
        key = base.lower()
        n = self._used.get(key, 0) + 1
        self._used[key] = n
        return base if n == 1 else f"{base} {n}"


def _spaced(n: int, lo: float, hi: float, rng: random.Random) -> Iterator[float]:
    """`n` increasing offsets spread evenly over [lo, hi), each jittered inside its own slot."""
    step = (hi - lo) / n if n else 0.0
    for i in range(n):
        yield lo + (i + rng.random()) * step


class _Generator(ListMakers, TransactionMakers):
    def __init__(self, create: Create, update: Update, seed: int, sizes: CompanySizes,
                 start: datetime, end: datetime) -> None:
        self.create = create
        self.update = update
        self.rng = random.Random(seed)
        self.time_rng = random.Random(seed * 2_654_435_761 + 97)  # timing draws stay independent
        self.sizes = sizes
        self.start = start
        self.span = (end - start).total_seconds()
        self.last: datetime = start
        self.counts: dict[str, int] = dict.fromkeys(PATHS, 0)
        self.entity_names = _Names()  # customers and vendors share one QuickBooks name space
        self.item_names = _Names()  # all item types share one name space
        self.seq: dict[str, int] = dict.fromkeys(PATHS, 0)
        # ids the later calls reference
        self.customer_pool: list[str] = []  # customers and jobs that place orders
        self.suppliers: list[str] = []
        self.vendors: list[str] = []
        self.vendor_items: dict[str, list[parts.Item]] = {}
        self.stocked_vendors: list[str] = []  # keys of vendor_items, in insertion order
        self.inventory: list[parts.Item] = []
        self.assemblies: list[parts.Item] = []
        self.non_inventory: list[parts.Item] = []
        self.services: list[parts.Item] = []
        self.charges: list[parts.Item] = []  # fixed-price other charges (percentage ones are not lined)
        self.components: set[str] = set()  # assembly components stay active
        # parent of the jobs still to create: (id, address, terms, type, tax code, class, company)
        self.job_parent: tuple | None = None
        self.jobs_left = 0
        # later updates
        self.edits: list[tuple] = []  # heap of (offset, seq, path, id, revision, tag)
        self.edit_seq = 0
        self.deactivations: list[tuple[str, str]] = []
        self.revisions: dict[tuple[str, str], str] = {}  # latest revision of records to deactivate
        self.warehouse = self._address()  # where purchase orders ship to

    # -- orchestration --------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        s = self.sizes
        self._check_sizes()
        makers = {
            parts.VENDORS: self._vendor, parts.INVENTORY_ITEMS: self._inventory_item,
            parts.NON_INVENTORY_ITEMS: self._non_inventory_item, parts.SERVICE_ITEMS: self._service_item,
            parts.OTHER_CHARGE_ITEMS: self._other_charge_item, parts.DISCOUNT_ITEMS: self._discount_item,
            parts.ASSEMBLY_ITEMS: self._assembly_item, parts.CUSTOMERS: self._customer,
            parts.SALES_ORDERS: self._sales_order, parts.INVOICES: self._invoice, parts.CREDIT_MEMOS: self._credit_memo,
            parts.PURCHASE_ORDERS: self._purchase_order, parts.INVENTORY_ADJUSTMENTS: self._adjustment,
        }
        # (path, count, share created during setup); setup runs in this (dependency) order
        lists = (
            (parts.VENDORS, s.vendors, 0.8), (parts.INVENTORY_ITEMS, s.inventory_items, 0.8),
            (parts.NON_INVENTORY_ITEMS, s.non_inventory_items, 0.8), (parts.SERVICE_ITEMS, s.service_items, 0.9),
            (parts.OTHER_CHARGE_ITEMS, s.other_charge_items, 1.0), (parts.DISCOUNT_ITEMS, s.discount_items, 1.0),
            (parts.ASSEMBLY_ITEMS, s.inventory_assembly_items, 0.6), (parts.CUSTOMERS, s.customers, 0.5),
        )
        early = [(path, min(n, max(1, round(n * share))) if n else 0) for path, n, share in lists]
        setup_end, main_end = SETUP_END * self.span, MAIN_END * self.span
        total_early = sum(n for _, n in early) or 1
        lo = 0.0
        for path, n in early:
            hi = lo + setup_end * n / total_early
            for offset in _spaced(n, lo, hi, self.time_rng):
                makers[path](offset)
            lo = hi

        trickle_end = setup_end + 0.9 * (main_end - setup_end)
        streams = [
            self._stream(path, n - e, setup_end, trickle_end)
            for (path, n, _), (_, e) in zip(lists, early, strict=True)
        ]
        streams += [
            self._stream(parts.SALES_ORDERS, s.sales_orders, setup_end, main_end),
            self._stream(parts.INVOICES, s.invoices, setup_end, main_end),
            self._stream(parts.PURCHASE_ORDERS, s.purchase_orders, setup_end, main_end),
            self._stream(parts.INVENTORY_ADJUSTMENTS, s.inventory_adjustments, setup_end, main_end),
            self._stream(parts.CREDIT_MEMOS, s.credit_memos, setup_end, main_end),
        ]
        for offset, path in heapq.merge(*streams, key=itemgetter(0)):
            self._run_edits(until=offset)
            makers[path](offset)
        self._run_edits(until=self.span)

        self.rng.shuffle(self.deactivations)
        todo = [key for key in self.deactivations if key[1] not in self.components]
        for (path, id_), offset in zip(todo, _spaced(len(todo), main_end, self.span, self.time_rng),
                                       strict=True):
            body = {"revisionNumber": self.revisions[(path, id_)], "isActive": False}
            self.update(path, id_, body, self._stamp(offset))
        return dict(self.counts)

    def _check_sizes(self) -> None:
        s = self.sizes
        sellable = s.inventory_items + s.inventory_assembly_items + s.non_inventory_items + s.service_items
        if (s.sales_orders or s.invoices or s.credit_memos) and not (s.customers and sellable):
            raise ValueError("sales orders, invoices and credit memos need customers and sellable items")
        if s.purchase_orders and not (s.vendors and s.inventory_items + s.non_inventory_items):
            raise ValueError("purchase orders need vendors and inventory or non-inventory items")
        if (s.inventory_adjustments or s.inventory_assembly_items) and not s.inventory_items:
            raise ValueError("inventory adjustments and assemblies need inventory items")

    def _stream(self, path: str, n: int, lo: float, hi: float) -> Iterator[tuple[float, str]]:
        for offset in _spaced(n, lo, hi, self.time_rng):
            yield offset, path

    def _stamp(self, offset: float) -> datetime:
        """The call's timestamp: whole seconds (as QuickBooks keeps them), never going backwards."""
        ts = self.start + timedelta(seconds=int(offset))
        if ts < self.last:
            ts = self.last
        self.last = ts
        return ts

    def _create(self, path: str, body: dict, ts: datetime, offset: float, tag: object = None,
                deactivate: bool = False) -> str:
        record = self.create(path, body, ts)
        self.counts[path] += 1
        id_ = record["id"]
        revision = record["revisionNumber"]
        rng = self.rng
        if deactivate:
            self.deactivations.append((path, id_))
            self.revisions[(path, id_)] = revision
        if rng.random() < EDIT_SHARE:
            lo = max(offset, EDITS_FROM * self.span) + 3600.0
            hi = MAIN_END * self.span
            if lo < hi:
                self.edit_seq += 1
                heapq.heappush(self.edits, (rng.uniform(lo, hi), self.edit_seq, path, id_, revision, tag))
        return id_

    def _run_edits(self, until: float) -> None:
        while self.edits and self.edits[0][0] <= until:
            offset, _, path, id_, revision, tag = heapq.heappop(self.edits)
            body = {"revisionNumber": revision, **self._edit_body(path, tag)}
            record = self.update(path, id_, body, self._stamp(offset))
            if (path, id_) in self.revisions:
                self.revisions[(path, id_)] = record["revisionNumber"]

    def _next(self, path: str) -> int:
        self.seq[path] += 1
        return self.seq[path]

    # -- small realistic values ----------------------------------------------------------------
    def _person(self) -> tuple[str, str]:
        return self.rng.choice(parts.FIRST), self.rng.choice(parts.LAST)

    def _phone(self, area: str | None = None) -> str:
        rng = self.rng
        area = area or rng.choice(parts.CITIES)[3]
        return f"({area}) {rng.randint(200, 989)}-{rng.randint(0, 9999):04d}"

    def _address(self, line2: bool | None = None) -> dict:
        rng = self.rng
        city, state, zip3, _ = rng.choice(parts.CITIES)
        address = {"line1": f"{rng.randint(10, 9899)} {rng.choice(parts.STREETS)} {rng.choice(parts.STREET_TYPES)}"}
        if line2 if line2 is not None else rng.random() < 0.3:
            address["line2"] = rng.choice(
                (f"Suite {rng.randint(1, 9) * 100 + rng.randint(0, 50)}", f"Unit {rng.randint(1, 40)}",
                 f"Bldg {rng.choice('ABCDEF')}", f"Dock {rng.randint(1, 12)}"))
        address.update(city=city, state=state, postalCode=f"{zip3}{rng.randint(0, 99):02d}", country="US")
        return address

    def _email(self, first: str, last: str, domain: str) -> str:
        local = self.rng.choice((f"{first}.{last}", f"{first[0]}{last}", first, f"{first}{last[0]}"))
        return f"{parts.NON_ALNUM.sub('', local.lower())}@{domain}"

    def _company_base(self, trades: tuple[str, ...]) -> tuple[str, str]:
        """(company name ending in a company suffix, email domain)."""
        rng = self.rng
        while True:
            lead = rng.choice(parts.PLACES) if rng.random() < 0.55 else rng.choice(parts.LAST)
            if rng.random() < 0.12:
                lead = f"{rng.choice(parts.LAST)} & {rng.choice(parts.LAST)}"
            trade = rng.choice(trades)
            base = f"{lead} {trade} {rng.choice(parts.COMPANY_SUFFIXES)}"
            if len(base) <= parts.ENTITY_BASE_MAX:
                domain = parts.NON_ALNUM.sub("", f"{lead}{trade}".lower())[:24]
                return base, f"{domain}.{rng.choice(('com', 'com', 'com', 'net', 'biz', 'us'))}"

    def _cents(self, mu: float, sigma: float, lo: int, hi: int) -> int:
        return max(lo, min(hi, round(math.exp(self.rng.gauss(mu, sigma)) * 100)))

    def _item_base(self, make: Callable[[], str]) -> str:
        while True:
            base = make()
            if len(base) <= parts.ITEM_BASE_MAX:
                return base


