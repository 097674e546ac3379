"""The control API's fault kinds, as a client on a bad day meets them."""

import time

import conductor
import httpx
import pytest

from qbd_pipeline_tests.conftest import END_USER, SECRET_KEY, sdk_client

HEADERS = {"Authorization": f"Bearer {SECRET_KEY}", "Conductor-End-User-Id": END_USER}
EU = {"conductor_end_user_id": END_USER}


def _fault(server, **body) -> None:
    response = httpx.post(f"{server.root_url}/_emulator/faults", json=body, headers=HEADERS)
    assert response.status_code == 200, response.text


def test_rate_limit_sends_429_with_retry_after_and_the_sdk_recovers(server, client):
    _fault(server, kind="rate_limit", count=1, seconds=0.2, path_contains="/vendors")
    with pytest.raises(conductor.RateLimitError) as caught:
        client.qbd.vendors.list(**EU)
    assert caught.value.response.headers["Retry-After"] == "0.2"
    # The SDK's own first backoff is at most 0.5 s; waiting 1.2 s proves it obeyed Retry-After.
    _fault(server, kind="rate_limit", count=1, seconds=1.2)
    began = time.monotonic()
    assert sdk_client(server, max_retries=2).qbd.vendors.list(**EU).data
    assert time.monotonic() - began >= 1.2


def test_server_error_and_offline(server, client):
    _fault(server, kind="server_error", method="GET")
    with pytest.raises(conductor.InternalServerError) as caught:
        client.qbd.customers.list(**EU)
    assert caught.value.status_code == 500
    _fault(server, kind="qbd_offline")
    with pytest.raises(conductor.APIStatusError) as offline:
        client.qbd.health_check(**EU)
    assert offline.value.body["error"]["type"] == "INTEGRATION_CONNECTION_ERROR"
    assert client.qbd.health_check(**EU).status == "ok"  # the fault was used up


def test_faults_match_method_path_and_count(server, client):
    _fault(server, kind="server_error", count=2, method="POST", path_contains="/vendors")
    assert client.qbd.customers.list(**EU).data  # other path: untouched
    assert client.qbd.vendors.list(**EU).data  # other method: untouched
    for _ in range(2):
        with pytest.raises(conductor.InternalServerError):
            client.qbd.vendors.create(name="Never Made", **EU)
    assert client.qbd.vendors.create(name="Made Third Time", **EU).name == "Made Third Time"
    listed = httpx.get(f"{server.root_url}/_emulator/faults", headers=HEADERS).json()
    assert listed["faults"] == []


def test_latency_delays_the_response(server, client):
    _fault(server, kind="latency", seconds=0.5)
    began = time.monotonic()
    client.qbd.health_check(**EU)
    assert time.monotonic() - began >= 0.5


def test_drop_after_commit_applies_the_write_but_sends_nothing(server, client):
    _fault(server, kind="drop_after_commit", method="POST", path_contains="/customers")
    with pytest.raises(conductor.APIConnectionError):
        client.qbd.customers.create(name="Committed But Unanswered", **EU)
    found = client.qbd.customers.list(name_from="committed but unanswered", name_to="committed but unanswered",
                                      **EU).data
    assert [c.name for c in found] == ["Committed But Unanswered"]


def test_expire_cursor_kills_the_open_cursor(server, client):
    first = client.qbd.customers.list(limit=5, **EU)
    _fault(server, kind="expire_cursor")
    with pytest.raises(conductor.BadRequestError) as caught:
        first.get_next_page()
    assert caught.value.body["error"]["code"] == "INVALID_CURSOR"


def test_unknown_fault_kind_is_refused_and_delete_clears(server):
    bad = httpx.post(f"{server.root_url}/_emulator/faults", json={"kind": "gremlins"}, headers=HEADERS)
    assert bad.status_code == 400 and "gremlins" in bad.json()["error"]["message"]
    _fault(server, kind="server_error", count=5)
    cleared = httpx.delete(f"{server.root_url}/_emulator/faults", headers=HEADERS).json()
    assert cleared["faults"] == []


def test_request_log_records_every_call(server, client):
    httpx.delete(f"{server.root_url}/_emulator/requests", headers=HEADERS)
    client.qbd.vendors.list(limit=3, **EU)
    with pytest.raises(conductor.BadRequestError):
        client.qbd.vendors.list(limit=500, **EU)
    log = httpx.get(f"{server.root_url}/_emulator/requests", headers=HEADERS).json()["data"]
    assert [(e["method"], e["path"], e["status"], e["endUserId"]) for e in log] == [
        ("GET", "/v1/quickbooks-desktop/vendors", 200, END_USER),
        ("GET", "/v1/quickbooks-desktop/vendors", 400, END_USER),
    ]
    assert "limit=3" in log[0]["query"]
    unauthorized = httpx.get(f"{server.root_url}/_emulator/requests")
    assert unauthorized.status_code == 401


def test_skip_lets_matching_requests_through_first(server, client):
    _fault(server, kind="server_error", path_contains="/vendors", skip=2)
    client.qbd.vendors.list(**EU)
    client.qbd.vendors.list(**EU)
    with pytest.raises(conductor.InternalServerError):
        client.qbd.vendors.list(**EU)
    assert client.qbd.vendors.list(**EU).data


def test_the_quickbooks_pace_option_adds_its_latency_per_request_and_per_record():
    from qbd_pipeline.emulator.server import EmulatorServer
    from qbd_pipeline_tests.conftest import small_config

    with EmulatorServer(small_config(latency_ms_per_request=200, latency_ms_per_record=10)) as paced:
        client = sdk_client(paced)
        began = time.monotonic()
        client.qbd.health_check(**EU)
        one = time.monotonic() - began
        began = time.monotonic()
        assert len(client.qbd.customers.list(limit=30, **EU).data) == 30
        page = time.monotonic() - began
    assert one >= 0.2 + 0.01 and page >= 0.2 + 30 * 0.01  # one record, then thirty
