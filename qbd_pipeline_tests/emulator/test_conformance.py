"""Every implemented operation answers in the shape Conductor's spec and the SDK's strict models demand.

Each operation is called over HTTP; the raw JSON is validated against the spec's response schema,
and the same call through the SDK with `_strict_response_validation=True` must parse.
"""

import uuid

import httpx
import pytest

from qbd_pipeline.emulator.reference_lists import ref_id
from qbd_pipeline.spec.entities import RESOURCES, RESOURCES_BY_PATH
from qbd_pipeline_tests.conftest import END_USER, SECRET_KEY

from .spec_check import SpecChecker

HEADERS = {"Authorization": f"Bearer {SECRET_KEY}", "Conductor-End-User-Id": END_USER}


@pytest.fixture(scope="module")
def checker(openapi_spec) -> SpecChecker:
    return SpecChecker(openapi_spec)


def _http(server) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers=HEADERS, timeout=30)


def _assert_conforms(checker: SpecChecker, response: httpx.Response, spec_path: str, method: str) -> dict:
    assert response.status_code == 200, response.text
    assert response.headers["Conductor-Request-Id"].startswith("req_")
    assert checker.response_headers(spec_path, method) == {"Conductor-Request-Id"}
    body = response.json()
    problems = checker.response_errors(spec_path, method, body)
    assert problems == [], f"{method.upper()} {spec_path}: {problems[:5]}"
    return body


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.path)
def test_list_and_retrieve_conform(shared_server, shared_client, checker, resource):
    with _http(shared_server) as http:
        params = {"limit": 25, "status": "all"} if resource.kind == "list" else {"limit": 25}
        listed = _assert_conforms(checker, http.get(f"/quickbooks-desktop/{resource.path}", params=params),
                                  f"/quickbooks-desktop/{resource.path}", "get")
        assert listed["data"], f"the seeded company has no {resource.path}"
        first = listed["data"][0]
        _assert_conforms(checker, http.get(f"/quickbooks-desktop/{resource.path}/{first['id']}"),
                         f"/quickbooks-desktop/{resource.path}/{{id}}", "get")
    sdk = getattr(shared_client.qbd, resource.sdk_attr)
    page = sdk.list(conductor_end_user_id=END_USER, limit=25)
    records = page.data if hasattr(page, "data") else list(page)
    assert records and all(type(r) is resource.model for r in records)
    assert sdk.retrieve(first["id"], conductor_end_user_id=END_USER).id == first["id"]


def _create_bodies(http: httpx.Client) -> dict[str, dict]:
    """One minimal-but-real create body per resource, referencing seeded records."""
    def first(path: str, **params) -> dict:
        return http.get(f"/quickbooks-desktop/{path}", params={"limit": 1, **params}).json()["data"][0]

    customer, vendor, item = first("customers"), first("vendors"), first("inventory-items")
    tag = uuid.uuid4().hex[:8]
    details = {"salesOrPurchaseDetails": {"postingAccountId": ref_id("account", "Sales"), "price": "10.00"}}
    line = {"itemId": item["id"], "quantity": 2, "rate": "5.25"}
    return {
        "customers": {"name": f"Conformance {tag}", "email": "c@example.com",
                      "billingAddress": {"line1": "1 Main St", "city": "Springfield"}},
        "vendors": {"name": f"Vendor {tag}", "phone": "555-0100"},
        "inventory-items": {"name": f"Widget {tag}", "incomeAccountId": ref_id("account", "Sales"),
                            "cogsAccountId": ref_id("account", "Cost of Goods Sold"),
                            "assetAccountId": ref_id("account", "Inventory Asset"), "salesPrice": "9.99",
                            "quantityOnHand": 5},
        "non-inventory-items": {"name": f"NonInv {tag}", **details},
        "service-items": {"name": f"Service {tag}", **details},
        "discount-items": {"name": f"Disc {tag}", "accountId": ref_id("account", "Discounts Given"),
                           "discountRatePercent": "5"},
        "inventory-assembly-items": {"name": f"Kit {tag}", "incomeAccountId": ref_id("account", "Sales"),
                                     "cogsAccountId": ref_id("account", "Cost of Goods Sold"),
                                     "assetAccountId": ref_id("account", "Inventory Asset"),
                                     "lines": [{"inventoryItemId": item["id"], "quantity": 2}]},
        "other-charge-items": {"name": f"Freight {tag}", **details},
        "sales-orders": {"customerId": customer["id"], "transactionDate": "2026-05-01", "refNumber": tag[:8],
                         "lines": [line]},
        "purchase-orders": {"vendorId": vendor["id"], "transactionDate": "2026-05-01", "lines": [line]},
        "invoices": {"customerId": customer["id"], "transactionDate": "2026-05-01", "lines": [line]},
        "credit-memos": {"customerId": customer["id"], "transactionDate": "2026-05-01", "lines": [line]},
        "inventory-adjustments": {"accountId": ref_id("account", "Inventory Adjustments"),
                                  "transactionDate": "2026-05-01",
                                  "lines": [{"itemId": item["id"], "adjustQuantity": {"quantityDifference": 3}}]},
    }


def _update_body(path: str, record: dict) -> dict:
    body = {"revisionNumber": record["revisionNumber"]}
    if RESOURCES_BY_PATH[path].kind == "transaction":
        body["memo"] = "updated by the conformance test"
    elif path == "vendors":
        body["phone"] = "555-0199"
    else:
        body["name"] = f"{record['name'][:20]} upd"
    return body


def test_writes_conform(server, client, checker):
    with _http(server) as http:
        bodies = _create_bodies(http)
        for resource in RESOURCES:
            base = f"/quickbooks-desktop/{resource.path}"
            created = _assert_conforms(checker, http.post(base, json=bodies[resource.path]), base, "post")
            updated = _assert_conforms(
                checker, http.post(f"{base}/{created['id']}", json=_update_body(resource.path, created)),
                f"{base}/{{id}}", "post")
            assert updated["revisionNumber"] != created["revisionNumber"]
            if resource.can_void:
                _assert_conforms(checker, http.post(f"{base}/{created['id']}/void"), f"{base}/{{id}}/void", "post")
            if resource.can_delete:
                _assert_conforms(checker, http.delete(f"{base}/{created['id']}"), f"{base}/{{id}}", "delete")
        for feed, key, values in (("deleted-transactions", "transactionTypes", ["sales_order", "invoice"]),
                                  ("deleted-list-objects", "objectTypes", ["customer", "vendor"])):
            body = _assert_conforms(checker, http.get(f"/quickbooks-desktop/{feed}", params={key: values}),
                                    f"/quickbooks-desktop/{feed}", "get")
            if feed == "deleted-transactions":
                assert {d["transactionType"] for d in body["data"]} == {"sales_order", "invoice"}
        _assert_conforms(checker, http.get("/quickbooks-desktop/health-check"),
                         "/quickbooks-desktop/health-check", "get")

    # The same operations through the SDK under strict response validation.
    bodies = _create_bodies(httpx.Client(base_url=server.base_url, headers=HEADERS))
    for resource in RESOURCES:
        sdk = getattr(client.qbd, resource.sdk_attr)
        created = client.post(f"/quickbooks-desktop/{resource.path}", body=bodies[resource.path],
                              cast_to=resource.model, options={"headers": {"Conductor-End-User-Id": END_USER}})
        assert type(created) is resource.model
        again = sdk.retrieve(created.id, conductor_end_user_id=END_USER)
        assert again.revision_number == created.revision_number
        changes = ({"memo": "updated through the SDK"} if resource.kind == "transaction"
                   else {"is_active": False})
        updated = sdk.update(created.id, revision_number=created.revision_number,
                             conductor_end_user_id=END_USER, **changes)
        assert type(updated) is resource.model and updated.revision_number != created.revision_number
        if resource.can_void:
            assert sdk.void(created.id, conductor_end_user_id=END_USER).voided is True
        if resource.can_delete:
            assert sdk.delete(created.id, conductor_end_user_id=END_USER).deleted is True
    deleted = client.qbd.deleted_transactions.list(transaction_types=["sales_order"], conductor_end_user_id=END_USER)
    assert deleted.data and all(d.transaction_type == "sales_order" for d in deleted.data)
    assert client.qbd.health_check(conductor_end_user_id=END_USER).status == "ok"


def test_error_bodies_conform(shared_server, checker):
    with httpx.Client(base_url=shared_server.base_url, timeout=30) as http:
        responses = [
            http.get("/quickbooks-desktop/customers"),  # no key
            http.get("/quickbooks-desktop/customers", headers={**HEADERS, "Authorization": "Bearer nope-1234567"}),
            http.get("/quickbooks-desktop/customers", headers={"Authorization": HEADERS["Authorization"]}),
            http.get("/quickbooks-desktop/customers", params={"limit": 151}, headers=HEADERS),
            http.post("/quickbooks-desktop/customers", json={"name": "x", "bogus": 1}, headers=HEADERS),
            http.get("/quickbooks-desktop/customers", params={"ids": "80000000-0"}, headers=HEADERS),
        ]
    for response in responses:
        assert response.status_code >= 400
        assert response.headers["Conductor-Request-Id"].startswith("req_")
        body = response.json()
        assert checker.error_errors(body) == [], body
        assert body["error"]["requestId"] == response.headers["Conductor-Request-Id"]
        assert body["error"]["httpStatusCode"] == response.status_code
