"""List filters, as QuickBooks Desktop applies them behind Conductor's list endpoints.

`ids`, `fullNames`/`names` and `refNumbers` override every other filter and fail the whole
request when one value is missing; `updatedAfter`/`updatedBefore` are inclusive and read in the
company's offset when they carry none; `status` defaults to active; name ranges sort by full name.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..spec.entities import QbdResource
from ..spec.request_rules import body_rule
from . import errors
from .clock import CompanyClock

Query = dict[str, list[str]]


@dataclass
class ListPlan:
    """What a list request asks for once its query string is read."""

    ids: list[str] | None = None
    limit: int = 150
    include_lines: bool = True
    include_linked: bool = False
    exclude_alternate_shipping: bool = False
    where: list[tuple[str, tuple]] = field(default_factory=list)
    order: str = "seq"
    post_filters: list[Callable[[dict], bool]] = field(default_factory=list)
    lookup: tuple[str, list[str]] | None = None  # ("name_key"|"ref_number", values) overriding filters


@cache
def allowed_params(resource: QbdResource) -> dict[str, bool]:
    """Query parameter wire names of the list endpoint -> whether the parameter is an array."""
    return {name: rule.kind == "array" for name, rule in body_rule(resource.list_params).fields.items()}


_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)?)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_filter_instant(clock: CompanyClock, key: str, value: str, end_of_day: bool):
    """One of the three documented formats (date, local date-time, date-time with offset), or a 400."""
    if not _INSTANT.match(value):
        raise errors.invalid_request(
            f'Invalid date-time "{value}" at "{key}": use YYYY-MM-DD, YYYY-MM-DDTHH:mm:ss or '
            "YYYY-MM-DDTHH:mm:ss±HH:mm")
    try:
        return clock.parse_bound(value, end_of_day=end_of_day)
    except ValueError as exc:
        raise errors.invalid_request(f'Invalid date-time "{value}" at "{key}"') from exc


def _one(query: Query, key: str) -> str | None:
    values = query.get(key)
    return values[-1] if values else None


def _bool(query: Query, key: str, default: bool) -> bool:
    value = _one(query, key)
    if value is None:
        return default
    if value not in ("true", "false"):
        raise errors.invalid_request(f'Invalid input: expected boolean, received string at "{key}"')
    return value == "true"


def _like(value: str) -> str:
    return value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def plan_list(resource: QbdResource, query: Query, clock: CompanyClock) -> ListPlan:
    """Validate a list request's query string and turn it into SQL conditions over the store."""
    allowed = allowed_params(resource)
    for key in query:
        if key not in allowed:
            raise errors.invalid_request(f'Unrecognized key: "{key}"')
    plan = ListPlan()
    limit_text = _one(query, "limit")
    if limit_text is not None:
        if not limit_text.lstrip("-").isdigit():
            raise errors.invalid_request('Invalid input: expected number, received string at "limit"')
        plan.limit = int(limit_text)
        if not 1 <= plan.limit <= 150:
            raise errors.invalid_request(
                f'Too {"small" if plan.limit < 1 else "big"}: expected number to be '
                f'{">=1" if plan.limit < 1 else "<=150"} at "limit"')
    plan.include_lines = _bool(query, "includeLineItems", True)
    plan.include_linked = _bool(query, "includeLinkedTransactions", False)
    plan.exclude_alternate_shipping = _bool(query, "excludeAlternateShippingAddresses", False)

    if query.get("ids"):
        plan.ids = list(query["ids"])
        return plan
    for key, column in (("fullNames", "name_key"), ("names", "name_key"), ("refNumbers", "ref_number")):
        if query.get(key):
            plan.lookup = (column, list(query[key]))
            return plan

    if resource.kind == "list":
        status = _one(query, "status") or "active"
        if status not in ("active", "all", "inactive"):
            raise errors.invalid_request(
                'Invalid option: expected one of "active"|"all"|"inactive" at "status"')
        if status != "all":
            plan.where.append(("is_active = ?", (1 if status == "active" else 0,)))
    for key, op, end in (("updatedAfter", ">=", False), ("updatedBefore", "<=", True)):
        value = _one(query, key)
        if value is not None:
            bound = parse_filter_instant(clock, key, value, end)
            plan.where.append((f"updated_utc {op} ?", (int(bound.timestamp()),)))
    _plan_text_filters(plan, query, "name", "name_lower")
    _plan_text_filters(plan, query, "refNumber", "ref_number")
    _plan_ranges(plan, query, resource)
    for key, op in (("transactionDateFrom", ">="), ("transactionDateTo", "<=")):
        value = _one(query, key)
        if value is not None:
            if not _DATE.match(value):
                raise errors.invalid_request(f'Invalid date "{value}" at "{key}": use YYYY-MM-DD')
            plan.where.append((f"txn_date {op} ?", (value,)))
    for key in ("customerIds", "vendorIds"):
        if query.get(key):
            values = query[key]
            plan.where.append((f"entity_id IN ({', '.join('?' for _ in values)})", tuple(values)))
    _plan_post_filters(plan, query)
    return plan


def _plan_text_filters(plan: ListPlan, query: Query, stem: str, column: str) -> None:
    present = [k for k in (f"{stem}Contains", f"{stem}StartsWith", f"{stem}EndsWith") if _one(query, k)]
    if len(present) > 1:
        raise errors.invalid_request(f"{' and '.join(present)} cannot be combined")
    if not present:
        return
    key = present[0]
    value = _like(_one(query, key) or "")
    pattern = {"Contains": f"%{value}%", "StartsWith": f"{value}%", "EndsWith": f"%{value}"}[
        key[len(stem):]]
    plan.where.append((f"lower({column}) LIKE ? ESCAPE '\\'", (pattern,)))


def _plan_ranges(plan: ListPlan, query: Query, resource: QbdResource) -> None:
    low, high = _one(query, "nameFrom"), _one(query, "nameTo")
    if low is not None or high is not None:
        if any(_one(query, k) for k in ("nameContains", "nameStartsWith", "nameEndsWith")):
            raise errors.invalid_request("nameFrom/nameTo cannot be combined with nameContains, "
                                         "nameStartsWith or nameEndsWith")
        if low is not None and high is not None and low.lower() > high.lower():
            raise errors.invalid_request('"nameFrom" must not come after "nameTo"')
        if low is not None:
            plan.where.append(("name_key >= ?", (low.lower(),)))
        if high is not None:
            plan.where.append(("name_key <= ?", (high.lower(),)))
        plan.order = "name_key, seq"
    for key, op in (("refNumberFrom", ">="), ("refNumberTo", "<=")):
        value = _one(query, key)
        if value is None:
            continue
        if value.isdigit():
            plan.where.append((f"ref_number GLOB '[0-9]*' AND ref_number NOT GLOB '*[^0-9]*' "
                               f"AND CAST(ref_number AS INTEGER) {op} ?", (int(value),)))
        else:
            plan.where.append((f"ref_number {op} ?", (value,)))


def _ref_ids(obj: Any, key: str) -> set[str]:
    value = obj.get(key) if isinstance(obj, dict) else None
    return {value["id"]} if isinstance(value, dict) and value.get("id") else set()


def _plan_post_filters(plan: ListPlan, query: Query) -> None:
    """Rarely used filters over fields the store does not index: applied to candidate records."""
    for key, field_name in (("accountIds", "account"), ("classIds", "class"), ("currencyIds", "currency")):
        wanted = set(query.get(key) or ())
        if wanted:
            plan.post_filters.append(
                lambda obj, f=field_name, w=wanted: bool(
                    (_ref_ids(obj, f) | _ref_ids(obj, "receivablesAccount")) & w))
    items = set(query.get("itemIds") or ())
    if items:
        plan.post_filters.append(
            lambda obj, w=items: any((line.get("item") or {}).get("id") in w for line in obj.get("lines", [])))
    payment = _one(query, "paymentStatus")
    if payment and payment != "all":
        if payment not in ("paid", "not_paid"):
            raise errors.invalid_request(
                'Invalid option: expected one of "all"|"paid"|"not_paid" at "paymentStatus"')
        plan.post_filters.append(lambda obj, p=payment: bool(obj.get("isPaid")) == (p == "paid"))
    balance_ops = {"totalBalance": "==", "totalBalanceGreaterThan": ">", "totalBalanceLessThan": "<",
                   "totalBalanceGreaterThanOrEqualTo": ">=", "totalBalanceLessThanOrEqualTo": "<="}
    given = [k for k in balance_ops if _one(query, k) is not None]
    if len(given) > 1:
        raise errors.invalid_request("Only one total-balance filter can be used at a time")
    if given:
        from decimal import Decimal, InvalidOperation
        op = balance_ops[given[0]]
        try:
            bound = Decimal(_one(query, given[0]) or "")
        except InvalidOperation as exc:
            raise errors.invalid_request(f'Invalid decimal string at "{given[0]}"') from exc
        compare = {"==": Decimal.__eq__, ">": Decimal.__gt__, "<": Decimal.__lt__, ">=": Decimal.__ge__,
                   "<=": Decimal.__le__}[op]
        plan.post_filters.append(lambda obj: compare(Decimal(obj.get("totalBalance") or "0"), bound))


def render(resource: QbdResource, obj: dict, plan: ListPlan | None = None) -> dict:
    """A stored record as the endpoint returns it, honouring the list's include/exclude flags."""
    from .shapes import project

    out = project(obj, resource.model)
    if plan is not None:
        if not plan.include_lines and "lines" in out:
            out["lines"] = []
            if "lineGroups" in out:
                out["lineGroups"] = []
        if not plan.include_linked and "linkedTransactions" in out:
            out["linkedTransactions"] = []
        if plan.exclude_alternate_shipping and "alternateShippingAddresses" in out:
            out["alternateShippingAddresses"] = None
    return out
