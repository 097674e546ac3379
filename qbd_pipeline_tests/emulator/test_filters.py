"""List filters: status, inclusive updated windows with and without offsets, ids, names, ref numbers."""

import conductor
import httpx
import pytest

from qbd_pipeline_tests.conftest import END_USER, SECRET_KEY

HEADERS = {"Authorization": f"Bearer {SECRET_KEY}", "Conductor-End-User-Id": END_USER}


def _get(server, path, **params) -> httpx.Response:
    return httpx.get(f"{server.base_url}/quickbooks-desktop/{path}", params=params, headers=HEADERS, timeout=30)


def _ids(server, path, **params) -> list[str]:
    response = _get(server, path, **params)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["data"]]


def _set_clock(server, now: str) -> None:
    response = httpx.post(f"{server.root_url}/_emulator/clock", json={"now": now}, headers=HEADERS)
    assert response.status_code == 200, response.text


def _vendor(client, name: str):
    return client.qbd.vendors.create(name=name, conductor_end_user_id=END_USER)


def test_status_defaults_to_active(server, client):
    vendor = _vendor(client, "Soon Inactive Supply")
    client.qbd.vendors.update(vendor.id, revision_number=vendor.revision_number, is_active=False,
                              conductor_end_user_id=END_USER)
    assert vendor.id not in _ids(server, "vendors")
    assert vendor.id in _ids(server, "vendors", status="all")
    assert vendor.id in _ids(server, "vendors", status="inactive")
    assert all(r["isActive"] is False for r in _get(server, "vendors", status="inactive").json()["data"])


def test_updated_window_is_inclusive_and_reads_the_company_offset(server, client):
    _set_clock(server, "2026-07-01T10:00:00-05:00")
    on_edge = _vendor(client, "Edge Case Supply")
    _set_clock(server, "2026-07-01T10:00:01-05:00")
    after = _vendor(client, "Just After Supply")
    assert on_edge.updated_at == "2026-07-01T10:00:00-05:00"

    def window(**params):
        return set(_ids(server, "vendors", status="all", **params))

    assert window(updatedAfter="2026-07-01T10:00:00-05:00") == {on_edge.id, after.id}
    assert window(updatedAfter="2026-07-01T10:00:01-05:00") == {after.id}
    assert window(updatedAfter="2026-07-01T10:00:00-05:00", updatedBefore="2026-07-01T10:00:00-05:00") == {on_edge.id}
    # The same instant written in UTC, and with no offset (read in the company's -05:00).
    assert window(updatedAfter="2026-07-01T15:00:00+00:00", updatedBefore="2026-07-01T15:00:00Z") == {on_edge.id}
    assert window(updatedAfter="2026-07-01T10:00:00", updatedBefore="2026-07-01T10:00:00") == {on_edge.id}
    # Date-only bounds are whole local days.
    assert window(updatedAfter="2026-07-01", updatedBefore="2026-07-01") == {on_edge.id, after.id}
    assert window(updatedBefore="2026-06-30") & {on_edge.id, after.id} == set()


def test_ids_override_every_other_filter_and_a_miss_fails_the_request(server, client):
    dormant = client.qbd.customers.create(name="Dormant Account", conductor_end_user_id=END_USER)
    client.qbd.customers.update(dormant.id, revision_number=dormant.revision_number, is_active=False,
                                conductor_end_user_id=END_USER)
    active = _ids(server, "customers", limit=1)
    both = _ids(server, "customers", ids=[dormant.id, active[0]], status="active", updatedBefore="2000-01-01")
    assert set(both) == {dormant.id, active[0]}
    missing = _get(server, "customers", ids=[active[0], "80FFFFFF-1700000000"])
    assert missing.status_code == 502
    error = missing.json()["error"]
    assert error["type"] == "INTEGRATION_ERROR" and error["integrationCode"] == "500"
    assert "80FFFFFF-1700000000" in error["message"]


def test_full_names_and_name_ranges(shared_server):
    everyone = _get(shared_server, "customers", status="all").json()["data"]
    job = next(c for c in everyone if c["sublevel"] == 1)
    assert job["fullName"].endswith(f":{job['name']}")
    found = _get(shared_server, "customers", fullNames=[job["fullName"].upper()]).json()["data"]
    assert [c["id"] for c in found] == [job["id"]]
    names = sorted(c["fullName"].lower() for c in everyone if c["isActive"])
    low, high = names[3], names[12]
    ranged = [c["fullName"].lower() for c in _get(shared_server, "customers", nameFrom=low, nameTo=high).json()["data"]]
    assert ranged == [n for n in names if low <= n <= high]  # inclusive and sorted
    assert _get(shared_server, "customers", nameFrom="b", nameTo="a").status_code == 400
    assert _get(shared_server, "customers", nameContains="a", nameStartsWith="b").status_code == 400
    fragment = job["name"][1:4].lower()
    contains = _get(shared_server, "customers", nameContains=fragment, status="all").json()["data"]
    assert contains and all(fragment in c["name"].lower() for c in contains)


def test_transaction_filters(shared_server):
    orders = _get(shared_server, "sales-orders").json()["data"]
    order = next(o for o in orders if o["refNumber"])
    by_ref = _get(shared_server, "sales-orders", refNumbers=[order["refNumber"]]).json()["data"]
    assert [o["id"] for o in by_ref] == [order["id"]]
    mine = _get(shared_server, "sales-orders", customerIds=[order["customer"]["id"]]).json()["data"]
    assert mine and all(o["customer"]["id"] == order["customer"]["id"] for o in mine)
    day = order["transactionDate"]
    same_day = _get(shared_server, "sales-orders", transactionDateFrom=day, transactionDateTo=day).json()["data"]
    assert order["id"] in {o["id"] for o in same_day} and all(o["transactionDate"] == day for o in same_day)
    headers_only = _get(shared_server, "sales-orders", includeLineItems="false").json()["data"]
    assert all(o["lines"] == [] for o in headers_only) and any(o["lines"] for o in orders)


def test_unknown_query_parameter_is_rejected(shared_server):
    response = _get(shared_server, "customers", colour="blue")
    assert response.status_code == 400 and '"colour"' in response.json()["error"]["message"]


def test_sdk_filters_round_trip(shared_client):
    page = shared_client.qbd.customers.list(conductor_end_user_id=END_USER, status="all", limit=150)
    assert page.data and {c.id for c in page.data} >= {
        c.id for c in shared_client.qbd.customers.list(conductor_end_user_id=END_USER, limit=150).data}
    with pytest.raises(conductor.InternalServerError) as caught:
        shared_client.qbd.customers.list(conductor_end_user_id=END_USER, ids=["80FFFFFF-1"])
    assert caught.value.status_code == 502
