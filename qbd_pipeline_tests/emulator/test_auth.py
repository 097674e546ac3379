"""Bearer auth and end users: the real error bodies, and one company file per end user."""

import conductor
import httpx
import pytest

from qbd_pipeline_tests.conftest import END_USER, OTHER_END_USER, SECRET_KEY


def test_missing_or_wrong_key_gets_401(shared_server):
    url = f"{shared_server.base_url}/quickbooks-desktop/customers"
    missing = httpx.get(url, headers={"Conductor-End-User-Id": END_USER})
    wrong = httpx.get(url, headers={"Authorization": "Bearer sk_test_wrong_key_9999",
                                    "Conductor-End-User-Id": END_USER})
    for response in (missing, wrong):
        assert response.status_code == 401
        error = response.json()["error"]
        assert error["type"] == "AUTHENTICATION_ERROR" and error["httpStatusCode"] == 401
        assert error["userFacingMessage"] == "An internal server error occurred. Please try again."
    assert wrong.json()["error"]["code"] == "API_KEY_INVALID"
    assert "sk_test_wrong_key_9999" not in wrong.text  # the key is masked
    client = conductor.Conductor(api_key="sk_test_wrong_key_9999", base_url=shared_server.base_url, max_retries=0)
    with pytest.raises(conductor.AuthenticationError):
        client.qbd.customers.list(conductor_end_user_id=END_USER)


def test_end_user_header_is_required_and_must_exist(shared_server):
    url = f"{shared_server.base_url}/quickbooks-desktop/customers"
    auth = {"Authorization": f"Bearer {SECRET_KEY}"}
    missing = httpx.get(url, headers=auth)
    assert missing.status_code == 400 and "Conductor-End-User-Id" in missing.json()["error"]["message"]
    unknown = httpx.get(url, headers={**auth, "Conductor-End-User-Id": "end_usr_nobody"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "RESOURCE_MISSING"


def test_each_end_user_is_its_own_company_file(server, client):
    created = client.qbd.vendors.create(name="Only In Company A", conductor_end_user_id=END_USER)
    a = {v.id for v in client.qbd.vendors.list(conductor_end_user_id=END_USER, status="all")}
    b = {v.id for v in client.qbd.vendors.list(conductor_end_user_id=OTHER_END_USER, status="all")}
    assert created.id in a and created.id not in b
    names_a = {c.name for c in client.qbd.customers.list(conductor_end_user_id=END_USER, status="all")}
    names_b = {c.name for c in client.qbd.customers.list(conductor_end_user_id=OTHER_END_USER, status="all")}
    assert names_a != names_b  # seeded separately
    with pytest.raises(conductor.InternalServerError):
        client.qbd.vendors.retrieve(created.id, conductor_end_user_id=OTHER_END_USER)
