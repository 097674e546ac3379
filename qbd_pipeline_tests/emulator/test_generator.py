"""The company generator: deterministic, valid per the SDK's param types, consistent, spread in time."""

import itertools
import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from qbd_pipeline.emulator import reference_lists
from qbd_pipeline.emulator.generator import PATHS, CompanySizes, seed_company
from qbd_pipeline.spec.entities import RESOURCES_BY_PATH
from qbd_pipeline.spec.request_checks import validate_body
from qbd_pipeline.spec.request_rules import body_rule

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
END = datetime(2025, 1, 1, tzinfo=timezone.utc)
SPAN = END - START
ITEM_PATHS = frozenset(p for p in PATHS if RESOURCES_BY_PATH[p].entity == "items")
LIST_PATHS = frozenset(p for p in PATHS if RESOURCES_BY_PATH[p].kind == "list")
MONEY_KEYS = frozenset({"salesPrice", "purchaseCost", "price", "rate", "creditLimit", "discountRate",
                        "discountRatePercent", "pricePercentage"})
MONEY_RE = re.compile(r"^-?\d+\.\d{2}$")
SIZE_FIELDS = {path: path.replace("-", "_") for path in PATHS}  # CompanySizes field of each object type
REF_KINDS = {  # body key -> reference-list kind
    "accountId": "account", "incomeAccountId": "account", "cogsAccountId": "account",
    "assetAccountId": "account", "expenseAccountId": "account", "postingAccountId": "account",
    "termsId": "terms", "salesTaxCodeId": "sales_tax_code", "classId": "class",
    "shippingMethodId": "shipping_method", "salesRepresentativeId": "sales_representative",
    "customerTypeId": "customer_type", "vendorTypeId": "vendor_type",
}


@dataclass
class Call:
    op: str  # "create" | "update"
    path: str
    id: str  # the created or updated record
    body: dict
    at: datetime


@dataclass
class Recorder:
    """A stand-in company: hands out QuickBooks-like ids and revisions and logs every call."""

    calls: list[Call] = field(default_factory=list)
    revisions: dict[str, str] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    n: int = 0

    def create(self, path: str, body: dict, at: datetime) -> dict:
        self.n += 1
        kind = RESOURCES_BY_PATH[path].kind
        id_ = f"{0x80000000 + self.n:X}-1700000000" if kind == "list" else f"{self.n:X}-1700000000"
        self.revisions[id_] = "1"
        self.paths[id_] = path
        self.calls.append(Call("create", path, id_, json.loads(json.dumps(body)), at))
        lines = [{**line, "id": f"{id_}-{i}"} for i, line in enumerate(body.get("lines", []))]
        return {"id": id_, "revisionNumber": "1", "name": body.get("name"), "lines": lines}

    def update(self, path: str, id_: str, body: dict, at: datetime) -> dict:
        self.calls.append(Call("update", path, id_, json.loads(json.dumps(body)), at))
        assert self.paths.get(id_) == path, f"update of unknown {path} {id_}"
        assert body["revisionNumber"] == self.revisions[id_], "stale revisionNumber"
        self.revisions[id_] = str(int(self.revisions[id_]) + 1)
        return {"id": id_, "revisionNumber": self.revisions[id_]}

    def log(self) -> list[tuple]:
        return [(c.op, c.path, c.id, json.dumps(c.body), c.at.isoformat()) for c in self.calls]


def run(seed: int = 11, sizes: CompanySizes | None = None) -> tuple[Recorder, dict[str, int]]:
    recorder = Recorder()
    counts = seed_company(recorder.create, recorder.update, seed=seed, sizes=sizes or CompanySizes(),
                          start=START, end=END)
    return recorder, counts


@pytest.fixture(scope="module")
def company() -> tuple[Recorder, dict[str, int]]:
    return run()


def creates(recorder: Recorder, *paths: str) -> list[Call]:
    return [c for c in recorder.calls if c.op == "create" and (not paths or c.path in paths)]


# ---------------------------------------------------------------------------------------------
# determinism
# ---------------------------------------------------------------------------------------------


def test_same_seed_same_calls_and_other_seed_differs(company):
    recorder, _ = company
    again, _ = run()
    assert again.log() == recorder.log()
    other, _ = run(seed=12)
    assert other.log() != recorder.log()


_DIGEST_SCRIPT = """
import hashlib, json
from datetime import datetime, timezone
from qbd_pipeline.emulator.generator import CompanySizes, seed_company
h = hashlib.sha256()
n = [0]
def create(path, body, at):
    n[0] += 1
    h.update(json.dumps(["c", path, body, at.isoformat()]).encode())
    return {"id": f"{n[0]:X}-1", "revisionNumber": "1"}
def update(path, id_, body, at):
    h.update(json.dumps(["u", path, id_, body, at.isoformat()]).encode())
    return {"id": id_, "revisionNumber": str(int(body["revisionNumber"]) + 1)}
seed_company(create, update, seed=5, sizes=CompanySizes.scaled(200),
             start=datetime(2024, 1, 1, tzinfo=timezone.utc), end=datetime(2024, 7, 1, tzinfo=timezone.utc))
print(h.hexdigest())
"""


def test_independent_of_hash_randomization():
    root = Path(__file__).resolve().parents[2]
    digests = set()
    for hash_seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
        out = subprocess.run([sys.executable, "-c", _DIGEST_SCRIPT], env=env, cwd=root, check=True,
                             capture_output=True, text=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1


# ---------------------------------------------------------------------------------------------
# counts and shapes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", [
    CompanySizes(),
    CompanySizes(customers=25, jobs_per_customer_ratio=0.5, vendors=3, inventory_items=4,
                 non_inventory_items=1, service_items=1, discount_items=1, inventory_assembly_items=2,
                 other_charge_items=1, sales_orders=12, purchase_orders=5, invoices=9, inventory_adjustments=3),
    CompanySizes(customers=1, jobs_per_customer_ratio=0.0, vendors=1, inventory_items=1, non_inventory_items=0,
                 service_items=0, discount_items=0, inventory_assembly_items=0, other_charge_items=0,
                 sales_orders=2, purchase_orders=2, invoices=2, inventory_adjustments=2),
], ids=["default", "small", "minimal"])
def test_counts_match_sizes(sizes):
    recorder, counts = run(sizes=sizes)
    expected = {path: getattr(sizes, SIZE_FIELDS[path]) for path in PATHS}
    assert counts == expected
    assert dict(Counter(c.path for c in creates(recorder))) == {p: n for p, n in expected.items() if n}


def test_jobs_are_customers_with_a_parent(company):
    recorder, _ = company
    customers = creates(recorder, "customers")
    jobs = [c for c in customers if "parentId" in c.body]
    parents = {c.body["parentId"] for c in jobs}
    top = len(customers) - len(jobs)
    assert 0.08 * top <= len(parents) <= 0.25 * top  # ~15% of top-level customers have jobs
    assert all(1 <= n <= 3 for n in Counter(c.body["parentId"] for c in jobs).values())
    assert not parents & {c.id for c in jobs}  # jobs are one level deep


def test_every_body_is_valid_per_sdk_params(company):
    recorder, _ = company
    problems = []
    for call in recorder.calls:
        resource = RESOURCES_BY_PATH[call.path]
        params = resource.create_params if call.op == "create" else resource.update_params
        for problem in validate_body(body_rule(params), call.body):
            problems.append(f"{call.op} {call.path}: {problem}")
    assert problems == []


def _walk(value, key=None):
    """(key, value) for every leaf of a JSON body."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key)
    else:
        yield key, value


def test_money_is_decimal_strings_and_quantities_are_numbers(company):
    recorder, _ = company
    for call in recorder.calls:
        for key, value in _walk(call.body):
            if key in MONEY_KEYS:
                assert isinstance(value, str) and MONEY_RE.match(value), (call.path, key, value)
            if key in ("quantity", "quantityOnHand", "quantityDifference", "reorderPoint"):
                assert isinstance(value, int | float) and not isinstance(value, bool), (call.path, key, value)


def test_item_bodies_carry_what_the_sync_maps(company):
    recorder, _ = company
    for call in creates(recorder, "inventory-items"):
        assert {"sku", "salesPrice", "purchaseCost", "salesDescription", "purchaseDescription",
                "reorderPoint"} <= call.body.keys()
    stocked = [c for c in creates(recorder, "inventory-items") if "quantityOnHand" in c.body]
    assert len(stocked) > 0.7 * len(creates(recorder, "inventory-items"))
    assert all(c.body["inventoryDate"] == c.at.date().isoformat() for c in stocked)
    assert any("preferredVendorId" in c.body for c in creates(recorder, "inventory-items"))
    for call in creates(recorder, "non-inventory-items", "service-items", "other-charge-items"):
        assert len({"salesOrPurchaseDetails", "salesAndPurchaseDetails"} & call.body.keys()) == 1
    for call in creates(recorder, "discount-items"):
        assert len({"discountRate", "discountRatePercent"} & call.body.keys()) == 1
    for call in creates(recorder, "inventory-assembly-items"):
        assert len(call.body["lines"]) >= 2
    for call in creates(recorder, "customers", "vendors"):
        assert {"firstName", "lastName", "phone", "email", "billingAddress", "termsId"} <= call.body.keys()
    for call in creates(recorder, "customers"):
        assert {"shippingAddress", "customerTypeId", "salesTaxCodeId"} <= call.body.keys()


# ---------------------------------------------------------------------------------------------
# references
# ---------------------------------------------------------------------------------------------


def test_references_point_to_records_created_earlier(company):
    recorder, _ = company
    created: dict[str, str] = {}  # id -> path
    allowed_items = {
        "sales-orders": ITEM_PATHS - {"discount-items"},
        "invoices": ITEM_PATHS - {"discount-items"},
        "credit-memos": {"inventory-items", "non-inventory-items"},
        "purchase-orders": {"inventory-items", "non-inventory-items"},
        "inventory-adjustments": {"inventory-items"},
    }
    for call in recorder.calls:
        for key, value in _walk(call.body):
            if key in REF_KINDS:
                assert reference_lists.BY_ID[value].kind == REF_KINDS[key], (call.path, key, value)
            elif key in ("customerId", "parentId"):
                assert created.get(value) == "customers", (call.path, key, value)
            elif key in ("vendorId", "preferredVendorId"):
                assert created.get(value) == "vendors", (call.path, key, value)
            elif key == "inventoryItemId":
                assert created.get(value) == "inventory-items", (call.path, key, value)
            elif key == "itemId":
                assert created.get(value) in allowed_items[call.path], (call.path, key, value)
            elif key is not None and key.endswith("Id"):
                pytest.fail(f"unchecked reference {key} in {call.path}")
        if call.path == "inventory-adjustments" and call.op == "create":
            assert call.body["accountId"] == reference_lists.ref_id("account", "Inventory Adjustments")
        if call.op == "create":
            created[call.id] = call.path
        else:
            assert created[call.id] == call.path  # updates target an earlier create (Recorder checks revisions)


# ---------------------------------------------------------------------------------------------
# time
# ---------------------------------------------------------------------------------------------


def test_timestamps_never_decrease_and_cover_the_window(company):
    recorder, _ = company
    stamps = [c.at for c in recorder.calls]
    assert all(a <= b for a, b in itertools.pairwise(stamps))
    assert stamps[0] >= START and stamps[-1] <= END
    assert stamps[-1] - stamps[0] > 0.5 * SPAN


def test_list_objects_early_transactions_spread_dates_match(company):
    recorder, _ = company

    def share(calls, fraction):
        return sum(c.at < START + fraction * SPAN for c in calls) / len(calls)

    assert share(creates(recorder, *LIST_PATHS), 0.5) > 0.7
    transactions = creates(recorder, "sales-orders", "invoices", "purchase-orders", "inventory-adjustments")
    assert 0.3 < share(transactions, 0.5) < 0.7
    assert transactions[0].at < START + 0.2 * SPAN and transactions[-1].at > END - 0.1 * SPAN
    for call in transactions:
        assert call.body["transactionDate"] == call.at.date().isoformat()


def test_edits_and_deactivations_come_later_at_realistic_rates(company):
    recorder, _ = company
    created_at = {c.id: c.at for c in creates(recorder)}
    updates = [c for c in recorder.calls if c.op == "update"]
    deactivations = [c for c in updates if c.body.get("isActive") is False]
    edits = [c for c in updates if "isActive" not in c.body]
    n_creates = len(created_at)
    assert 0.04 * n_creates <= len(edits) <= 0.12 * n_creates
    n_lists = len(creates(recorder, *LIST_PATHS))
    assert 0.01 * n_lists <= len(deactivations) <= 0.06 * n_lists
    assert all(c.path in LIST_PATHS for c in deactivations)
    assert {c.path for c in edits} >= {"customers", "sales-orders", "invoices"}
    assert all(c.at >= created_at[c.id] + timedelta(hours=1) for c in edits)
    last_create = max(created_at.values())
    assert all(c.at >= last_create for c in deactivations)
    assert len({c.id for c in deactivations}) == len(deactivations)
    # inactive customers take no orders
    inactive = {c.id for c in deactivations}
    ordering = {c.body["customerId"] for c in creates(recorder, "sales-orders", "invoices")}
    assert not inactive & ordering


# ---------------------------------------------------------------------------------------------
# names
# ---------------------------------------------------------------------------------------------


def test_names_unique_within_limits_and_without_colons(company):
    recorder, _ = company
    entity_names = [c.body["name"] for c in creates(recorder, "customers", "vendors")]
    item_names = [c.body["name"] for c in creates(recorder, *ITEM_PATHS)]
    assert len({n.lower() for n in entity_names}) == len(entity_names)
    assert len({n.lower() for n in item_names}) == len(item_names)
    assert all(":" not in n for n in entity_names + item_names)
    assert max(map(len, entity_names)) <= 41 and max(map(len, item_names)) <= 31
    for path in ("sales-orders", "invoices", "purchase-orders", "inventory-adjustments"):
        refs = [c.body["refNumber"] for c in creates(recorder, path)]
        assert len(set(refs)) == len(refs) and max(map(len, refs)) <= 11
    # names stay unique when bases repeat many times over
    big, _ = run(sizes=CompanySizes.scaled(3_000))
    names = [c.body["name"].lower() for c in creates(big, "customers", "vendors")]
    assert len(set(names)) == len(names) and max(map(len, names)) <= 41


# ---------------------------------------------------------------------------------------------
# sizes and scale
# ---------------------------------------------------------------------------------------------


def test_scaled_sizes():
    assert CompanySizes.scaled(300) == CompanySizes()
    big = CompanySizes.scaled(100_000)
    assert big.customers == 100_000
    assert big.sales_orders <= 25_000 and big.invoices <= 25_000 and big.inventory_items <= 3_000
    assert all(v > 0 for v in asdict(big).values())
    none = CompanySizes.scaled(0)
    assert none.customers == none.sales_orders == none.invoices == 0
    _, counts = run(sizes=none)
    assert counts["customers"] == 0 and counts["vendors"] == none.vendors


def test_impossible_sizes_are_rejected():
    with pytest.raises(ValueError, match="customers"):
        run(sizes=CompanySizes(customers=0))
    with pytest.raises(ValueError, match="inventory items"):
        run(sizes=CompanySizes(inventory_items=0))


def test_generation_holds_no_bodies():
    """Memory stays small at scale (speed is measured by benchmarks/emulator_scale.py, not here)."""
    import tracemalloc

    calls = [0]

    def create(path, body, at):
        calls[0] += 1
        return {"id": f"{calls[0]:X}-1", "revisionNumber": "1"}

    def update(path, id_, body, at):
        return {"id": id_, "revisionNumber": "2"}

    tracemalloc.start()
    counts = seed_company(create, update, seed=3, sizes=CompanySizes.scaled(10_000), start=START, end=END)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert counts["customers"] == 10_000
    assert peak < 40 * 1024 * 1024  # ids and a few numbers, never the ~30,000 bodies


# ---------------------------------------------------------------------------------------------
# against the emulator itself
# ---------------------------------------------------------------------------------------------


def test_the_emulator_accepts_every_call():
    from qbd_pipeline.emulator.clock import CompanyClock
    from qbd_pipeline.emulator.company import Company
    from qbd_pipeline.emulator.store import Store

    store = Store()
    company = Company(store, "generator-test", CompanyClock(timezone.utc))
    sizes = CompanySizes.scaled(60)
    counts = seed_company(company.create, company.update, seed=8, sizes=sizes, start=START, end=END)
    for path, n in counts.items():
        assert store.count("generator-test", path) == n
