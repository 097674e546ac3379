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
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter

from .reference_lists import ref_id

Create = Callable[[str, dict, datetime], dict]
"""(resource path, camelCase create body, timestamp) -> the created record (wire dict)."""
Update = Callable[[str, str, dict, datetime], dict]
"""(resource path, id, camelCase update body incl. `revisionNumber`, timestamp) -> the updated record."""

CUSTOMERS = "customers"
VENDORS = "vendors"
INVENTORY_ITEMS = "inventory-items"
NON_INVENTORY_ITEMS = "non-inventory-items"
SERVICE_ITEMS = "service-items"
DISCOUNT_ITEMS = "discount-items"
ASSEMBLY_ITEMS = "inventory-assembly-items"
OTHER_CHARGE_ITEMS = "other-charge-items"
SALES_ORDERS = "sales-orders"
PURCHASE_ORDERS = "purchase-orders"
INVOICES = "invoices"
CREDIT_MEMOS = "credit-memos"
INVENTORY_ADJUSTMENTS = "inventory-adjustments"

#: Every path the generator writes, in the order `seed_company` reports them.
PATHS: tuple[str, ...] = (
    CUSTOMERS, VENDORS, INVENTORY_ITEMS, NON_INVENTORY_ITEMS, SERVICE_ITEMS, DISCOUNT_ITEMS,
    ASSEMBLY_ITEMS, OTHER_CHARGE_ITEMS, SALES_ORDERS, PURCHASE_ORDERS, INVOICES, CREDIT_MEMOS,
    INVENTORY_ADJUSTMENTS,
)

EDIT_SHARE = 0.08  # of every created record: one later update
DEACTIVATE_SHARE = 0.03  # of customers, vendors and items: `isActive: false` at the end
SETUP_END = 0.08  # fractions of the [start, end] window
MAIN_END = 0.97
EDITS_FROM = 0.30  # edits land after max(creation, this fraction of the window)

# Name bases stay this short so that a " <n>" disambiguator always fits the QuickBooks limit.
_ENTITY_BASE_MAX = 33  # customers/vendors: name max 41
_ITEM_BASE_MAX = 24  # items: name max 31

# ---------------------------------------------------------------------------------------------
# Reference-list ids (fixed in every emulated company file)
# ---------------------------------------------------------------------------------------------
_ACC_SALES = ref_id("account", "Sales")
_ACC_COGS = ref_id("account", "Cost of Goods Sold")
_ACC_ASSET = ref_id("account", "Inventory Asset")
_ACC_PURCHASES = ref_id("account", "Purchases")
_ACC_ADJUST = ref_id("account", "Inventory Adjustments")
_ACC_FREIGHT = ref_id("account", "Freight Income")
_ACC_DISCOUNTS = ref_id("account", "Discounts Given")
_ACC_SERVICE = ref_id("account", "Service Income")
_TERMS = (ref_id("terms", "Net 30"), ref_id("terms", "Net 15"), ref_id("terms", "Due on receipt"))
_TERMS_DAYS = {_TERMS[0]: 30, _TERMS[1]: 15, _TERMS[2]: 0}
_TAX = ref_id("sales_tax_code", "Tax")
_NON = ref_id("sales_tax_code", "Non")
_CLASS_RETAIL = ref_id("class", "Retail")
_CLASS_WHOLESALE = ref_id("class", "Wholesale")
_SHIP_METHODS = (ref_id("shipping_method", "UPS Ground"), ref_id("shipping_method", "FedEx"),
                 ref_id("shipping_method", "Freight"))
_REPS = (ref_id("sales_representative", "JD"), ref_id("sales_representative", "MK"))
_CT_RETAIL = ref_id("customer_type", "Retail")
_CT_DISTRIBUTOR = ref_id("customer_type", "Distributor")
_VT_SUPPLIER = ref_id("vendor_type", "Supplier")
_VT_CARRIER = ref_id("vendor_type", "Carrier")

# ---------------------------------------------------------------------------------------------
# Vocabulary (plain tuples: indexing them is deterministic, unlike set iteration)
# ---------------------------------------------------------------------------------------------
_FIRST = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Susan",
    "William", "Karen", "Richard", "Nancy", "Joseph", "Lisa", "Thomas", "Betty", "Carlos", "Maria",
    "Daniel", "Sandra", "Matthew", "Ashley", "Anthony", "Emily", "Mark", "Donna", "Steven", "Michelle",
    "Paul", "Carol", "Andrew", "Amanda", "Joshua", "Melissa", "Kevin", "Deborah", "Brian", "Laura",
    "Wei", "Priya", "Ahmed", "Fatima", "Hiro", "Yuki", "Luis", "Sofia", "Ivan", "Olga",
)
_LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson",
    "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter",
    "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins",
    "O'Brien", "Nguyen", "Patel", "Kowalski", "Schmidt", "Rossi", "Tanaka", "Haddad", "Novak",
)
_PLACES = (
    "Summit", "Blue Ridge", "Cedar Creek", "Ironwood", "Lakeside", "Northgate", "Pioneer", "Redwood",
    "Silver Lake", "Granite", "Harbor", "Prairie", "Keystone", "Riverbend", "Westfield", "Eagle",
    "Oak Valley", "Pinecrest", "Sterling", "Canyon", "Bayview", "Highland", "Maple Grove", "Liberty",
    "Frontier", "Coastal", "Evergreen", "Union", "Heritage", "Crescent", "Tri-County", "Metro",
)
_CUSTOMER_TRADES = (
    "Plumbing", "Electric", "Hardware", "Builders", "Construction", "Landscaping", "Cabinetry",
    "Roofing", "Flooring", "Home Center", "Remodeling", "Restoration", "Mechanical", "Millwork",
    "Fabrication", "Marine Supply", "Auto Parts", "Property Mgmt", "Facilities", "Design Build",
    "Furniture", "Contractors", "Outfitters", "Equipment", "Interiors", "Welding", "HVAC",
)
_VENDOR_TRADES = (
    "Industrial Supply", "Fasteners", "Metals", "Plastics", "Packaging", "Lumber", "Distributors",
    "Wholesale", "Manufacturing", "Hardware Supply", "Tool Works", "Components", "Chemical",
)
_CARRIER_TRADES = ("Freight Lines", "Logistics", "Trucking", "Express", "Transport")
_COMPANY_SUFFIXES = ("Inc", "LLC", "Co", "Corp", "Ltd", "Group", "& Sons", "Partners", "Company")
_JOB_SITES = (
    "Main St", "Warehouse", "North Plant", "Downtown Store", "Annex", "Head Office", "East Wing",
    "Lakefront Site", "Mill Road", "Harbor Yard", "Riverside Lot", "Plaza", "Clinic", "School Gym",
    "Hangar", "Garage", "Showroom", "Lobby", "Kitchen", "Loading Dock",
)
_JOB_WORK = (
    "Remodel", "Expansion", "Fit-Out", "Retrofit", "Install", "Renovation", "Upgrade", "Repair",
    "Buildout", "Refresh", "Phase One", "Phase Two", "Maintenance", "Shelving",
)
_JOB_STATUSES = ("awarded", "in_progress", "in_progress", "pending", "closed", "not_awarded")
_JOB_TITLES = (
    "Owner", "Purchasing Manager", "Buyer", "Office Manager", "Project Manager", "Controller",
    "Operations Manager", "Foreman", "Accounts Payable", "General Manager",
)
_FREEMAIL = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com", "comcast.net")
_STREETS = (
    "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Main", "Park", "Walnut",
    "Sunset", "Lincoln", "Jefferson", "Highland", "Ridge", "Meadow", "River", "Church", "Mill",
    "Spring", "Forest", "Willow", "Industrial", "Commerce", "Airport", "Harbor", "Valley", "Center",
)
_STREET_TYPES = ("St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Way", "Ct", "Pkwy", "Hwy")
# (city, state, ZIP prefix, area code)
_CITIES = (
    ("Denver", "CO", "802", "303"), ("Austin", "TX", "787", "512"), ("Portland", "OR", "972", "503"),
    ("Columbus", "OH", "432", "614"), ("Raleigh", "NC", "276", "919"), ("Boise", "ID", "837", "208"),
    ("Nashville", "TN", "372", "615"), ("Madison", "WI", "537", "608"), ("Tucson", "AZ", "857", "520"),
    ("Omaha", "NE", "681", "402"), ("Richmond", "VA", "232", "804"), ("Spokane", "WA", "992", "509"),
    ("Tulsa", "OK", "741", "918"), ("Albany", "NY", "122", "518"), ("Fresno", "CA", "937", "559"),
    ("Savannah", "GA", "314", "912"), ("Des Moines", "IA", "503", "515"), ("Reno", "NV", "895", "775"),
    ("Burlington", "VT", "054", "802"), ("Charleston", "SC", "294", "843"), ("Lansing", "MI", "489", "517"),
    ("Santa Fe", "NM", "875", "505"), ("Billings", "MT", "591", "406"), ("Providence", "RI", "029", "401"),
    ("Little Rock", "AR", "722", "501"), ("Salt Lake City", "UT", "841", "801"),
    ("Fort Wayne", "IN", "468", "260"), ("Wichita", "KS", "672", "316"), ("Mobile", "AL", "366", "251"),
    ("Sioux Falls", "SD", "571", "605"), ("Bangor", "ME", "044", "207"), ("Pittsburgh", "PA", "152", "412"),
)
_AREA_CODES = {city: area for city, _, _, area in _CITIES}
# (materials, products, sizes): each product family with the materials and sizes it comes in
_PRODUCT_FAMILIES = (
    (("Steel", "Stainless", "Zinc", "Galvanized", "Black Oxide", "Brass"),
     ("Hex Bolt", "Lag Screw", "Wood Screw", "Hex Nut", "Washer", "Eye Bolt", "Anchor", "Carriage Bolt"),
     ("1/4in", "3/8in", "1/2in", "M6", "M8", "M10", "M12", "#8", "#10")),
    (("Steel", "Stainless", "Brass", "Chrome", "Black", "Satin Nickel"),
     ("Hinge", "Shelf Bracket", "Corner Brace", "Drawer Slide", "Cabinet Pull", "Door Handle", "Hasp"),
     ("2in", "3in", "4in", "6in", "12in", "18in", "Small", "Large")),
    (("Brass", "Copper", "PVC", "Galvanized", "Stainless"),
     ("Pipe Elbow", "Pipe Tee", "Ball Valve", "Coupling", "Hose Clamp", "Pipe Cap"),
     ("1/2in", "3/4in", "1in", "1-1/4in", "2in")),
    (("Oak", "Maple", "Cedar", "Pine", "Poplar", "Birch"),
     ("Dowel", "Trim Board", "Panel", "Shelf Board", "Stair Tread"),
     ("12in", "24in", "36in", "48in", "6ft", "8ft")),
    (("Rubber", "Nylon", "Neoprene", "Silicone", "Poly"),
     ("Gasket", "O-Ring", "Caster", "Cable Tie", "Bumper", "Grommet"),
     ("Small", "Medium", "Large", "2in", "3in", "4in", "8in")),
)
_PACKS = ("each", "box of 10", "box of 25", "box of 50", "box of 100", "pack of 4", "case of 12")
_FINISHES = ("zinc plated", "satin finish", "heavy duty", "corrosion resistant", "commercial grade",
             "unfinished", "powder coated", "contractor pack")
_KIT_TIERS = ("Standard", "Deluxe", "Pro", "Compact", "Heavy Duty", "Basic")
_KITS = ("Shelving Kit", "Cabinet Kit", "Plumbing Kit", "Door Kit", "Fastener Set", "Workbench Kit",
         "Gate Kit", "Deck Kit", "Pipe Kit", "Mounting Kit", "Caster Kit", "Hinge Kit")
_NON_INVENTORY = ("Packing Tape", "Shipping Box", "Pallet Wrap", "Special Order Part", "Custom Cut Lumber",
                  "Safety Gloves", "Job Site Sign", "Drop Ship Fixture", "Protective Film", "Foam Padding",
                  "Label Roll", "Bubble Wrap", "Crate", "Touch-Up Paint", "Sealant")
_NON_INVENTORY_VARIANTS = ("Small", "Medium", "Large", "Bulk", "Premium", "Standard")
_SERVICES = ("Installation", "Assembly Labor", "Delivery", "Site Survey", "Repair Labor", "Consulting",
             "Design Service", "Training", "Maintenance Visit", "Inspection", "Setup", "Removal")
_SERVICE_VARIANTS = ("Hourly", "Standard", "Premium", "After Hours", "Weekend", "Flat Rate")
_OTHER_CHARGES = ("Freight", "Handling Fee", "Restocking Fee", "Rush Order Fee", "Fuel Surcharge",
                  "Pallet Charge", "Small Order Fee", "Delivery Charge", "Crating Fee", "Liftgate Fee")
_DISCOUNTS = ("Volume Discount", "Loyalty Discount", "Promo Discount", "Early Pay Discount",
              "Contractor Discount", "Clearance Discount", "Employee Discount", "Seasonal Discount")
_SO_MEMOS = ("Ship complete", "Customer pickup", "Call before delivery", "Partial shipments OK",
             "Rush - needed this week", "Deliver to loading dock", "Quote accepted by phone",
             "Hold until deposit received", "Backorder remainder")
_INVOICE_MEMOS = ("Thank you for your business", "Net terms per agreement", "Includes freight",
                  "Final invoice for order", "Progress billing", "Paid by check on delivery")
_PO_MEMOS = ("Restock", "Reorder below min", "Special order for customer", "Quarterly stock-up",
             "Expedite", "Confirm pricing before shipping", "Blanket order release")
_ADJUST_MEMOS = ("Cycle count", "Damaged in warehouse", "Annual physical count", "Found during audit",
                 "Shrinkage", "Returned to stock", "Water damage write-off", "Miscount correction")
_RETURN_MEMOS = ("Customer return, unopened", "Wrong item shipped", "Damaged in transit, returned",
                 "Ordered too many", "Restocking fee waived", "Warranty return")
_MEMO_FOLLOWUPS = ("updated per customer call", "date changed", "confirmed by phone", "see email",
                   "revised quantities", "approved by manager")
_NOTES = ("Prefers email invoices", "Tax exempt certificate on file", "Call before 3pm", "Net 30 approved",
          "Key account", "Send statements monthly", "Credit hold review quarterly")

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


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


def _money(cents: int) -> str:
    """Cents as a QuickBooks decimal string, e.g. 1250 -> "12.50"."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


class _Item:
    """What transactions and edits need to know about one created item (not its body)."""

    __slots__ = ("cost", "desc", "id", "mode", "price")

    def __init__(self, id_: str, price: int, cost: int, desc: str, mode: str) -> None:
        self.id = id_
        self.price = price  # cents
        self.cost = cost  # cents
        self.desc = desc
        self.mode = mode  # which price fields the item has: inv/asm/sap/sop/pct/rate/ratepct


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


class _Generator:
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
        self.vendor_items: dict[str, list[_Item]] = {}
        self.stocked_vendors: list[str] = []  # keys of vendor_items, in insertion order
        self.inventory: list[_Item] = []
        self.assemblies: list[_Item] = []
        self.non_inventory: list[_Item] = []
        self.services: list[_Item] = []
        self.charges: list[_Item] = []  # fixed-price other charges (percentage ones are not lined)
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
            VENDORS: self._vendor, INVENTORY_ITEMS: self._inventory_item,
            NON_INVENTORY_ITEMS: self._non_inventory_item, SERVICE_ITEMS: self._service_item,
            OTHER_CHARGE_ITEMS: self._other_charge_item, DISCOUNT_ITEMS: self._discount_item,
            ASSEMBLY_ITEMS: self._assembly_item, CUSTOMERS: self._customer,
            SALES_ORDERS: self._sales_order, INVOICES: self._invoice, CREDIT_MEMOS: self._credit_memo,
            PURCHASE_ORDERS: self._purchase_order, INVENTORY_ADJUSTMENTS: self._adjustment,
        }
        # (path, count, share created during setup); setup runs in this (dependency) order
        lists = (
            (VENDORS, s.vendors, 0.8), (INVENTORY_ITEMS, s.inventory_items, 0.8),
            (NON_INVENTORY_ITEMS, s.non_inventory_items, 0.8), (SERVICE_ITEMS, s.service_items, 0.9),
            (OTHER_CHARGE_ITEMS, s.other_charge_items, 1.0), (DISCOUNT_ITEMS, s.discount_items, 1.0),
            (ASSEMBLY_ITEMS, s.inventory_assembly_items, 0.6), (CUSTOMERS, s.customers, 0.5),
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
            self._stream(SALES_ORDERS, s.sales_orders, setup_end, main_end),
            self._stream(INVOICES, s.invoices, setup_end, main_end),
            self._stream(PURCHASE_ORDERS, s.purchase_orders, setup_end, main_end),
            self._stream(INVENTORY_ADJUSTMENTS, s.inventory_adjustments, setup_end, main_end),
            self._stream(CREDIT_MEMOS, s.credit_memos, setup_end, main_end),
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
        return self.rng.choice(_FIRST), self.rng.choice(_LAST)

    def _phone(self, area: str | None = None) -> str:
        rng = self.rng
        area = area or rng.choice(_CITIES)[3]
        return f"({area}) {rng.randint(200, 989)}-{rng.randint(0, 9999):04d}"

    def _address(self, line2: bool | None = None) -> dict:
        rng = self.rng
        city, state, zip3, _ = rng.choice(_CITIES)
        address = {"line1": f"{rng.randint(10, 9899)} {rng.choice(_STREETS)} {rng.choice(_STREET_TYPES)}"}
        if line2 if line2 is not None else rng.random() < 0.3:
            address["line2"] = rng.choice(
                (f"Suite {rng.randint(1, 9) * 100 + rng.randint(0, 50)}", f"Unit {rng.randint(1, 40)}",
                 f"Bldg {rng.choice('ABCDEF')}", f"Dock {rng.randint(1, 12)}"))
        address.update(city=city, state=state, postalCode=f"{zip3}{rng.randint(0, 99):02d}", country="US")
        return address

    def _email(self, first: str, last: str, domain: str) -> str:
        local = self.rng.choice((f"{first}.{last}", f"{first[0]}{last}", first, f"{first}{last[0]}"))
        return f"{_NON_ALNUM.sub('', local.lower())}@{domain}"

    def _company_base(self, trades: tuple[str, ...]) -> tuple[str, str]:
        """(company name ending in a company suffix, email domain)."""
        rng = self.rng
        while True:
            lead = rng.choice(_PLACES) if rng.random() < 0.55 else rng.choice(_LAST)
            if rng.random() < 0.12:
                lead = f"{rng.choice(_LAST)} & {rng.choice(_LAST)}"
            trade = rng.choice(trades)
            base = f"{lead} {trade} {rng.choice(_COMPANY_SUFFIXES)}"
            if len(base) <= _ENTITY_BASE_MAX:
                domain = _NON_ALNUM.sub("", f"{lead}{trade}".lower())[:24]
                return base, f"{domain}.{rng.choice(('com', 'com', 'com', 'net', 'biz', 'us'))}"

    def _cents(self, mu: float, sigma: float, lo: int, hi: int) -> int:
        return max(lo, min(hi, round(math.exp(self.rng.gauss(mu, sigma)) * 100)))

    def _item_base(self, parts: Callable[[], str]) -> str:
        while True:
            base = parts()
            if len(base) <= _ITEM_BASE_MAX:
                return base

    # -- list objects ----------------------------------------------------------------------------
    def _customer(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        if self.jobs_left and self.job_parent is not None:
            self.jobs_left -= 1
            body = self._job_body(ts)
            dormant = rng.random() < DEACTIVATE_SHARE
            id_ = self._create(CUSTOMERS, body, ts, offset, deactivate=dormant)
            if not dormant and body["jobStatus"] != "closed":  # closed jobs take no new orders
                self.customer_pool.append(id_)
            return
        body, parent_info = self._customer_body()
        jobs = rng.randint(1, 3) if rng.random() < self.sizes.jobs_per_customer_ratio else 0
        # dormant customers (later made inactive) place no orders; keep a few customers active
        dormant = not jobs and len(self.customer_pool) >= 5 and rng.random() < DEACTIVATE_SHARE
        id_ = self._create(CUSTOMERS, body, ts, offset, deactivate=dormant)
        if not dormant:
            self.customer_pool.append(id_)
        if jobs:
            self.job_parent = (id_, *parent_info)
            self.jobs_left = jobs

    def _customer_body(self) -> tuple[dict, tuple]:
        rng = self.rng
        first, last = self._person()
        if rng.random() < 0.25:  # an individual, filed "Last, First" as many QuickBooks users do
            name = self.entity_names.claim(f"{last}, {first}")
            body: dict = {"name": name, "firstName": first, "lastName": last}
            if rng.random() < 0.4:
                body["salutation"] = rng.choice(("Mr.", "Ms.", "Mrs.", "Dr."))
            domain = rng.choice(_FREEMAIL)
            customer_type, tax, klass, terms = _CT_RETAIL, _TAX, _CLASS_RETAIL, _TERMS[2]
            company = None
        else:
            company, domain = self._company_base(_CUSTOMER_TRADES)
            name = self.entity_names.claim(company)
            body = {"name": name, "companyName": company, "firstName": first, "lastName": last}
            if rng.random() < 0.6:
                body["jobTitle"] = rng.choice(_JOB_TITLES)
            distributor = rng.random() < 0.3
            customer_type = _CT_DISTRIBUTOR if distributor else _CT_RETAIL
            tax = _NON if distributor else _TAX
            klass = _CLASS_WHOLESALE if distributor else _CLASS_RETAIL
            terms = rng.choice(_TERMS[:2]) if rng.random() < 0.85 else _TERMS[2]
            if distributor:
                body["resaleNumber"] = f"R{rng.randint(10_000_000, 99_999_999)}"
            if rng.random() < 0.5:
                body["creditLimit"] = _money(rng.choice((2_500, 5_000, 10_000, 25_000, 50_000)) * 100)
        billing = self._address()
        city_area = _AREA_CODES[billing["city"]]
        shipping = billing if rng.random() < 0.7 else self._address()
        body.update(
            contact=f"{first} {last}",
            phone=self._phone(city_area),
            email=self._email(first, last, domain),
            billingAddress=billing,
            shippingAddress=dict(shipping),
            termsId=terms,
            customerTypeId=customer_type,
            salesTaxCodeId=tax,
            classId=klass,
            accountNumber=f"C{self._next(CUSTOMERS):06d}",
            preferredDeliveryMethod=rng.choice(("email", "email", "mail", "none")),
        )
        if rng.random() < 0.7:
            body["salesRepresentativeId"] = rng.choice(_REPS)
        if rng.random() < 0.15:
            body["fax"] = self._phone(city_area)
        if rng.random() < 0.2:
            body["alternatePhone"] = self._phone(city_area)
        if rng.random() < 0.1:
            body["note"] = rng.choice(_NOTES)
        return body, (billing, terms, customer_type, tax, klass, company, domain)

    def _job_body(self, ts: datetime) -> dict:
        rng = self.rng
        parent_id, billing, terms, customer_type, tax, klass, company, domain = self.job_parent
        name = self.entity_names.claim(f"{rng.choice(_JOB_SITES)} {rng.choice(_JOB_WORK)}")
        first, last = self._person()
        begin = ts.date() + timedelta(days=rng.randint(0, 20))
        body = {
            "name": name, "parentId": parent_id, "firstName": first, "lastName": last,
            "contact": f"{first} {last}", "phone": self._phone(), "email": self._email(first, last, domain),
            "billingAddress": dict(billing), "shippingAddress": self._address(),
            "termsId": terms, "customerTypeId": customer_type, "salesTaxCodeId": tax, "classId": klass,
            "jobStatus": rng.choice(_JOB_STATUSES), "jobStartDate": begin.isoformat(),
            "jobProjectedEndDate": (begin + timedelta(days=rng.randint(14, 180))).isoformat(),
            "jobDescription": f"{name} for {company or 'homeowner'}"[:99],
        }
        if company:
            body["companyName"] = company
        return body

    def _vendor(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        carrier = bool(self.suppliers) and rng.random() < 0.12  # the first vendor is a supplier
        company, domain = self._company_base(_CARRIER_TRADES if carrier else _VENDOR_TRADES)
        name = self.entity_names.claim(company)
        first, last = self._person()
        billing = self._address()
        area = _AREA_CODES[billing["city"]]
        body = {
            "name": name, "companyName": company, "nameOnCheck": company, "firstName": first,
            "lastName": last, "contact": f"{first} {last}", "jobTitle": rng.choice(_JOB_TITLES),
            "phone": self._phone(area), "email": self._email(first, last, domain), "billingAddress": billing,
            "termsId": rng.choice(_TERMS), "vendorTypeId": _VT_CARRIER if carrier else _VT_SUPPLIER,
            "accountNumber": f"ACCT-{rng.randint(10_000, 999_999)}",
        }
        if rng.random() < 0.4:
            body["shippingAddress"] = self._address()
        if rng.random() < 0.3:
            body["fax"] = self._phone(area)
        if rng.random() < 0.3:
            body["creditLimit"] = _money(rng.choice((10_000, 25_000, 100_000)) * 100)
        if carrier:
            body["isEligibleFor1099"] = rng.random() < 0.5
        dormant = len(self.vendors) >= 3 and rng.random() < DEACTIVATE_SHARE
        id_ = self._create(VENDORS, body, ts, offset, deactivate=dormant)
        self.vendors.append(id_)
        if not carrier:
            self.suppliers.append(id_)

    def _deactivate_item(self) -> bool:
        return self.rng.random() < DEACTIVATE_SHARE

    def _prefer_vendor(self, body: dict, item: _Item, key: str = "preferredVendorId") -> None:
        """Give ~70% of purchasable items a preferred supplier; purchase orders follow it."""
        if self.suppliers and self.rng.random() < 0.7:
            vendor = self.rng.choice(self.suppliers)
            body[key] = vendor
            items = self.vendor_items.get(vendor)
            if items is None:
                items = self.vendor_items[vendor] = []
                self.stocked_vendors.append(vendor)
            items.append(item)

    def _inventory_item(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        materials, products, sizes = rng.choice(_PRODUCT_FAMILIES)
        name = self.item_names.claim(self._item_base(
            lambda: f"{rng.choice(materials)} {rng.choice(products)} {rng.choice(sizes)}"))
        cost = self._cents(1.8, 1.1, 25, 250_000)
        price = round(cost * rng.uniform(1.25, 2.2))
        pack = rng.choice(_PACKS)
        desc = f"{name}, {rng.choice(_FINISHES)}, {pack}"
        body = {
            "name": name, "sku": f"INV-{self._next(INVENTORY_ITEMS):05d}",
            "salesDescription": desc,
            "purchaseDescription": f"{name} ({pack}) mfr part {rng.randint(1000, 99999)}",
            "salesPrice": _money(price), "purchaseCost": _money(cost),
            "incomeAccountId": _ACC_SALES, "cogsAccountId": _ACC_COGS, "assetAccountId": _ACC_ASSET,
            "salesTaxCodeId": _TAX, "reorderPoint": rng.choice((5, 10, 10, 20, 25, 50, 100)),
        }
        if rng.random() < 0.3:
            body["maximumQuantityOnHand"] = body["reorderPoint"] * rng.choice((4, 5, 10))
        item = _Item("", price, cost, desc, "inv")
        self._prefer_vendor(body, item)
        if rng.random() < 0.9:
            body["quantityOnHand"] = rng.choice((0, rng.randint(1, 40), rng.randint(20, 500)))
            body["inventoryDate"] = ts.date().isoformat()
        item.id = self._create(INVENTORY_ITEMS, body, ts, offset, tag=item,
                               deactivate=self._deactivate_item())
        self.inventory.append(item)

    def _assembly_item(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        name = self.item_names.claim(self._item_base(lambda: f"{rng.choice(_KIT_TIERS)} {rng.choice(_KITS)}"))
        parts = rng.sample(self.inventory, min(len(self.inventory), rng.randint(2, 5)))
        lines = []
        cost = 0
        for part in parts:
            quantity = rng.choice((1, 1, 2, 2, 4, 6, 8, 12))
            lines.append({"inventoryItemId": part.id, "quantity": quantity})
            cost += part.cost * quantity
            self.components.add(part.id)
        price = round(cost * rng.uniform(1.3, 1.9))
        desc = f"{name}: {len(parts)}-part kit, assembled in house"
        body = {
            "name": name, "salesDescription": desc, "purchaseDescription": f"Components for {name}",
            "salesPrice": _money(price), "purchaseCost": _money(cost),
            "incomeAccountId": _ACC_SALES, "cogsAccountId": _ACC_COGS, "assetAccountId": _ACC_ASSET,
            "salesTaxCodeId": _TAX, "buildNotificationThreshold": rng.choice((2, 5, 10)), "lines": lines,
        }
        if rng.random() < 0.7:
            body["quantityOnHand"] = rng.randint(0, 30)
            body["inventoryDate"] = ts.date().isoformat()
        item = _Item("", price, cost, desc, "asm")
        item.id = self._create(ASSEMBLY_ITEMS, body, ts, offset, tag=item, deactivate=self._deactivate_item())
        self.assemblies.append(item)

    def _non_inventory_item(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        name = self.item_names.claim(self._item_base(
            lambda: f"{rng.choice(_NON_INVENTORY_VARIANTS)} {rng.choice(_NON_INVENTORY)}"))
        cost = self._cents(2.5, 1.0, 50, 500_000)
        price = round(cost * rng.uniform(1.2, 1.8))
        desc = f"{name} (non-stock)"
        sku = f"NI-{self._next(NON_INVENTORY_ITEMS):05d}"
        body: dict = {"name": name, "sku": sku, "salesTaxCodeId": _TAX}
        if rng.random() < 0.7:  # bought to resell
            details = {
                "salesDescription": desc, "salesPrice": _money(price), "incomeAccountId": _ACC_SALES,
                "purchaseDescription": f"{name} - order from supplier", "purchaseCost": _money(cost),
                "expenseAccountId": _ACC_PURCHASES,
            }
            item = _Item("", price, cost, desc, "sap")
            self._prefer_vendor(details, item)
            body["salesAndPurchaseDetails"] = details
        else:  # only sold
            item = _Item("", price, cost, desc, "sop")
            body["salesOrPurchaseDetails"] = {"description": desc, "price": _money(price),
                                              "postingAccountId": _ACC_SALES}
        item.id = self._create(NON_INVENTORY_ITEMS, body, ts, offset, tag=item,
                               deactivate=self._deactivate_item())
        self.non_inventory.append(item)

    def _service_item(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        name = self.item_names.claim(self._item_base(
            lambda: f"{rng.choice(_SERVICES)} {rng.choice(_SERVICE_VARIANTS)}"))
        price = rng.choice((45, 55, 65, 75, 85, 95, 120, 150, 250)) * 100
        desc = f"{name} service"
        body: dict = {"name": name, "salesTaxCodeId": _NON}
        if rng.random() < 0.2:  # subcontracted: bought and resold
            cost = round(price * rng.uniform(0.5, 0.75))
            item = _Item("", price, cost, desc, "sap")
            body["salesAndPurchaseDetails"] = {
                "salesDescription": desc, "salesPrice": _money(price), "incomeAccountId": _ACC_SERVICE,
                "purchaseDescription": f"Subcontracted {name.lower()}", "purchaseCost": _money(cost),
                "expenseAccountId": _ACC_PURCHASES,
            }
        else:
            item = _Item("", price, 0, desc, "sop")
            body["salesOrPurchaseDetails"] = {"description": desc, "price": _money(price),
                                              "postingAccountId": _ACC_SERVICE}
        item.id = self._create(SERVICE_ITEMS, body, ts, offset, tag=item, deactivate=self._deactivate_item())
        self.services.append(item)

    def _other_charge_item(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        name = self.item_names.claim(rng.choice(_OTHER_CHARGES))
        desc = name
        details: dict = {"description": desc, "postingAccountId": _ACC_FREIGHT}
        if self.charges and rng.random() < 0.25:  # a percentage surcharge (never put on lines here)
            item = _Item("", 0, 0, desc, "pct")
            details["pricePercentage"] = _money(rng.choice((150, 250, 350, 500)))
        else:
            price = rng.choice((10, 15, 25, 35, 50, 75, 95, 150)) * 100
            item = _Item("", price, 0, desc, "sop")
            details["price"] = _money(price)
        body = {"name": name, "salesTaxCodeId": _NON, "salesOrPurchaseDetails": details}
        item.id = self._create(OTHER_CHARGE_ITEMS, body, ts, offset, tag=item,
                               deactivate=self._deactivate_item())
        if item.mode == "sop":
            self.charges.append(item)

    def _discount_item(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        name = self.item_names.claim(rng.choice(_DISCOUNTS))
        body: dict = {"name": name, "accountId": _ACC_DISCOUNTS, "salesTaxCodeId": _NON}
        if rng.random() < 0.7:
            percent = rng.choice((2, 5, 10, 15, 20))
            body["discountRatePercent"] = _money(percent * 100)
            body["description"] = f"{name} {percent}% off"
            item = _Item("", 0, 0, body["description"], "ratepct")
        else:
            amount = rng.choice((10, 25, 50, 100))
            body["discountRate"] = _money(amount * 100)
            body["description"] = f"{name} ${amount} off"
            item = _Item("", 0, 0, body["description"], "rate")
        item.id = self._create(DISCOUNT_ITEMS, body, ts, offset, tag=item, deactivate=self._deactivate_item())

    # -- transactions ----------------------------------------------------------------------------
    def _pick_customer(self) -> str:
        pool = self.customer_pool
        return pool[int(len(pool) * self.rng.random() ** 1.5)]  # long-standing customers buy more

    def _sales_lines(self) -> list[dict]:
        rng = self.rng
        pools = [(p, w) for p, w in ((self.inventory, 55), (self.assemblies, 10), (self.non_inventory, 12),
                                     (self.services, 15)) if p]
        weights = [w for _, w in pools]
        count = rng.choices((1, 2, 3, 4, 5, 6), (30, 25, 18, 12, 9, 6))[0]
        lines = []
        for _ in range(count):
            pool = rng.choices(pools, weights)[0][0]
            item = rng.choice(pool)
            price = item.price if rng.random() < 0.85 else round(item.price * rng.uniform(0.85, 0.98))
            quantity = (rng.randint(1, 8) if pool is self.services
                        else rng.choice((1, 1, 2, 3, 4, 5, 6, 10, 12, 20, 24, 50)))
            lines.append({"itemId": item.id, "quantity": quantity, "rate": _money(price),
                          "description": item.desc})
        if self.charges and len(lines) < 6 and rng.random() < 0.2:
            charge = rng.choice(self.charges)
            lines.append({"itemId": charge.id, "quantity": 1, "rate": _money(charge.price),
                          "description": charge.desc})
        return lines

    def _sales_header(self, path: str, ts: datetime, ref: str) -> dict:
        rng = self.rng
        day = ts.date()
        body: dict = {"customerId": self._pick_customer(), "transactionDate": day.isoformat(),
                      "refNumber": ref, "lines": self._sales_lines()}
        if rng.random() < 0.6:
            terms = rng.choice(_TERMS)
            body["termsId"] = terms
            if path == INVOICES or rng.random() < 0.4:
                body["dueDate"] = (day + timedelta(days=_TERMS_DAYS[terms])).isoformat()
        if rng.random() < 0.35:
            body["purchaseOrderNumber"] = f"PO{rng.randint(1000, 9_999_999)}"
        if rng.random() < 0.3:
            body["shippingAddress"] = self._address()
        if rng.random() < 0.5:
            body["shippingMethodId"] = rng.choice(_SHIP_METHODS)
            body["shippingDate"] = (day + timedelta(days=rng.randint(0, 10))).isoformat()
        if rng.random() < 0.5:
            body["salesRepresentativeId"] = rng.choice(_REPS)
        if rng.random() < 0.4:
            body["memo"] = rng.choice(_SO_MEMOS if path == SALES_ORDERS else _INVOICE_MEMOS)
        return body

    def _sales_order(self, offset: float) -> None:
        ts = self._stamp(offset)
        body = self._sales_header(SALES_ORDERS, ts, f"SO-{1000 + self._next(SALES_ORDERS)}")
        self._create(SALES_ORDERS, body, ts, offset)

    def _invoice(self, offset: float) -> None:
        ts = self._stamp(offset)
        body = self._sales_header(INVOICES, ts, str(1000 + self._next(INVOICES)))
        self._create(INVOICES, body, ts, offset)

    def _credit_memo(self, offset: float) -> None:
        """A customer returns one or two stocked goods: they go back on hand, the customer gets credit."""
        ts = self._stamp(offset)
        rng = self.rng
        pool = self.inventory or self.non_inventory
        lines = []
        for item in rng.sample(pool, min(len(pool), rng.choice((1, 1, 1, 2)))):
            lines.append({"itemId": item.id, "quantity": rng.choice((1, 1, 2, 3, 5)), "rate": _money(item.price),
                          "description": item.desc})
        body: dict = {"customerId": self._pick_customer(), "transactionDate": ts.date().isoformat(),
                      "refNumber": f"CM-{1000 + self._next(CREDIT_MEMOS)}", "lines": lines}
        if rng.random() < 0.7:
            body["memo"] = rng.choice(_RETURN_MEMOS)
        self._create(CREDIT_MEMOS, body, ts, offset)

    def _purchase_order(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        day = ts.date()
        if self.stocked_vendors and rng.random() < 0.75:
            vendor = rng.choice(self.stocked_vendors)
            candidates = self.vendor_items[vendor]
        else:
            vendor = rng.choice(self.suppliers)
            candidates = self.inventory + self.non_inventory
        count = min(len(candidates), rng.choices((1, 2, 3, 4, 5, 6), (20, 25, 20, 15, 12, 8))[0])
        lines = []
        for item in rng.sample(candidates, count):
            cost = item.cost or item.price
            quantity = rng.choice((5, 10, 12, 20, 24, 25, 48, 50, 100, 200))
            lines.append({"itemId": item.id, "quantity": quantity, "rate": _money(cost),
                          "description": item.desc})
        body: dict = {
            "vendorId": vendor, "transactionDate": day.isoformat(),
            "refNumber": f"PO-{1000 + self._next(PURCHASE_ORDERS)}", "lines": lines,
            "shippingAddress": dict(self.warehouse),
        }
        if rng.random() < 0.7:
            body["expectedDate"] = (day + timedelta(days=rng.randint(3, 30))).isoformat()
        if rng.random() < 0.5:
            terms = rng.choice(_TERMS)
            body["termsId"] = terms
            body["dueDate"] = (day + timedelta(days=_TERMS_DAYS[terms])).isoformat()
        if rng.random() < 0.4:
            body["shippingMethodId"] = rng.choice(_SHIP_METHODS)
        if rng.random() < 0.4:
            body["memo"] = rng.choice(_PO_MEMOS)
        self._create(PURCHASE_ORDERS, body, ts, offset)

    def _adjustment(self, offset: float) -> None:
        ts = self._stamp(offset)
        rng = self.rng
        count = min(len(self.inventory), rng.choices((1, 2, 3, 4), (50, 25, 15, 10))[0])
        lines = []
        for item in rng.sample(self.inventory, count):
            difference = rng.choice((-1, -1, -1, 1)) * rng.randint(1, 12)
            lines.append({"itemId": item.id, "adjustQuantity": {"quantityDifference": difference}})
        body: dict = {
            "accountId": _ACC_ADJUST, "transactionDate": ts.date().isoformat(),
            "refNumber": f"ADJ-{1000 + self._next(INVENTORY_ADJUSTMENTS)}", "lines": lines,
        }
        if rng.random() < 0.8:
            body["memo"] = rng.choice(_ADJUST_MEMOS)
        self._create(INVENTORY_ADJUSTMENTS, body, ts, offset)

    # -- edits -----------------------------------------------------------------------------------
    def _edit_body(self, path: str, tag: object) -> dict:
        """One realistic change to a record (without `revisionNumber`)."""
        rng = self.rng
        if path in (CUSTOMERS, VENDORS):
            roll = rng.random()
            if roll < 0.3:
                return {"phone": self._phone()}
            if roll < 0.55:  # a new contact person
                first, last = self._person()
                return {"firstName": first, "lastName": last, "contact": f"{first} {last}",
                        "email": self._email(first, last, rng.choice(_FREEMAIL)), "phone": self._phone()}
            if roll < 0.75:  # the business moved
                address = self._address()
                return {"billingAddress": address, "shippingAddress": dict(address)}
            if roll < 0.9:
                return {"termsId": rng.choice(_TERMS)}
            return {"note": rng.choice(_NOTES)}
        if isinstance(tag, _Item):
            return self._item_edit(tag)
        memos = {SALES_ORDERS: _SO_MEMOS, INVOICES: _INVOICE_MEMOS, PURCHASE_ORDERS: _PO_MEMOS,
                 INVENTORY_ADJUSTMENTS: _ADJUST_MEMOS, CREDIT_MEMOS: _RETURN_MEMOS}[path]
        return {"memo": f"{rng.choice(memos)}; {rng.choice(_MEMO_FOLLOWUPS)}"}

    def _item_edit(self, item: _Item) -> dict:
        rng = self.rng
        mode = item.mode
        if mode in ("rate", "ratepct"):
            key = "discountRate" if mode == "rate" else "discountRatePercent"
            return {key: _money(rng.choice((5, 10, 15, 25)) * 100)}
        if mode == "pct":
            return {"salesOrPurchaseDetails": {"pricePercentage": _money(rng.choice((200, 300, 400)))}}
        roll = rng.random()
        if mode == "inv" and roll < 0.2:
            return {"reorderPoint": rng.choice((10, 15, 30, 40, 75))}
        item.price = max(1, round(item.price * rng.uniform(1.02, 1.15)))  # later orders use it
        if mode == "sop":
            return {"salesOrPurchaseDetails": {"price": _money(item.price)}}
        if mode == "sap":
            return {"salesAndPurchaseDetails": {"salesPrice": _money(item.price)}}
        if roll < 0.4:
            item.cost = max(1, round(item.cost * rng.uniform(1.01, 1.1)))
            return {"salesPrice": _money(item.price), "purchaseCost": _money(item.cost)}
        return {"salesPrice": _money(item.price)}
