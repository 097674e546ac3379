"""Cursor pagination with Conductor's real rules: limits, a constant cursor, non-idempotent pages, expiry."""

import time

import conductor
import httpx
import pytest

from qbd_pipeline.emulator.server import EmulatorServer
from qbd_pipeline_tests.conftest import END_USER, SECRET_KEY, small_config

HEADERS = {"Authorization": f"Bearer {SECRET_KEY}", "Conductor-End-User-Id": END_USER}


def _get(server, path="customers", **params) -> httpx.Response:
    return httpx.get(f"{server.base_url}/quickbooks-desktop/{path}", params=params, headers=HEADERS, timeout=30)


def _total(server, path="customers") -> int:
    return server.emulator.store.count(END_USER, path)


@pytest.mark.parametrize("limit", [0, 151, -1, "ten"])
def test_limit_outside_1_to_150_is_rejected(shared_server, limit):
    response = _get(shared_server, limit=limit)
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "INVALID_REQUEST_ERROR"
    assert "limit" in response.json()["error"]["message"]


def test_default_limit_is_150_and_pages_add_up(shared_server):
    total = _get(shared_server, status="all")
    body = total.json()
    count = _total(shared_server)
    assert count > 0
    assert len(body["data"]) == min(150, count)
    assert body["hasMore"] is (count > 150)
    assert body["remainingCount"] == count - len(body["data"])


def test_cursor_is_constant_and_walks_every_record_once(shared_server):
    first = _get(shared_server, status="all", limit=7).json()
    cursor = first["nextCursor"]
    seen = [r["id"] for r in first["data"]]
    remaining = first["remainingCount"]
    while cursor:
        page = _get(shared_server, status="all", limit=7, cursor=cursor).json()
        assert page["remainingCount"] == remaining - len(page["data"])
        remaining = page["remainingCount"]
        seen += [r["id"] for r in page["data"]]
        if page["hasMore"]:
            assert page["nextCursor"] == cursor  # the same value on every page
        else:
            assert page["nextCursor"] is None and page["remainingCount"] == 0
        cursor = page["nextCursor"]
    assert len(seen) == len(set(seen)) == _total(shared_server)


def test_a_repeated_cursor_request_returns_the_next_page(shared_server):
    first = _get(shared_server, status="all", limit=5).json()
    second = _get(shared_server, status="all", limit=5, cursor=first["nextCursor"]).json()
    replay = _get(shared_server, status="all", limit=5, cursor=first["nextCursor"]).json()
    assert {r["id"] for r in second["data"]}.isdisjoint({r["id"] for r in replay["data"]})
    assert replay["remainingCount"] == second["remainingCount"] - 5


def test_sdk_auto_pagination_fetches_everything(shared_client, shared_server):
    ids = [c.id for c in shared_client.qbd.customers.list(conductor_end_user_id=END_USER, limit=20, status="all")]
    assert len(ids) == len(set(ids)) == _total(shared_server)


def test_exhausted_or_unknown_cursor_is_invalid(shared_server):
    unknown = _get(shared_server, cursor="not-a-cursor")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "INVALID_CURSOR"
    count = _total(shared_server, "vendors")
    first = _get(shared_server, "vendors", status="all", limit=count - 1).json()
    last = _get(shared_server, "vendors", status="all", limit=count - 1, cursor=first["nextCursor"]).json()
    assert last["hasMore"] is False and len(last["data"]) == 1
    after = _get(shared_server, "vendors", status="all", limit=count - 1, cursor=first["nextCursor"])
    assert after.status_code == 400 and after.json()["error"]["code"] == "INVALID_CURSOR"


def test_cursor_expires_after_the_window():
    with EmulatorServer(small_config(cursor_ttl_seconds=0.3, end_user_ids=(END_USER,))) as server:
        first = _get(server, limit=5).json()
        page = _get(server, limit=5, cursor=first["nextCursor"])
        assert page.status_code == 200  # within the window
        time.sleep(0.6)
        late = _get(server, limit=5, cursor=first["nextCursor"])
        assert late.status_code == 400
        assert late.json()["error"]["code"] == "INVALID_CURSOR"
        client = conductor.Conductor(api_key=SECRET_KEY, base_url=server.base_url, max_retries=0)
        with pytest.raises(conductor.BadRequestError) as caught:
            client.qbd.customers.list(conductor_end_user_id=END_USER, limit=5, cursor=first["nextCursor"])
        assert caught.value.body["error"]["code"] == "INVALID_CURSOR"


def test_inventory_adjustments_are_not_paginated(shared_server):
    body = _get(shared_server, "inventory-adjustments").json()
    assert set(body) == {"objectType", "url", "data"}
    assert len(body["data"]) == _total(shared_server, "inventory-adjustments")
    assert len(_get(shared_server, "inventory-adjustments", limit=2).json()["data"]) == 2
