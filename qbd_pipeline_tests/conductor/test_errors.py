"""The one error taxonomy: SDK failures sorted by Conductor's error type and codes, never by text."""

import conductor
import httpx
import pytest

from qbd_pipeline.conductor.errors import Offline, Rejected, Transient, classify

_REQUEST = httpx.Request("POST", "http://conductor.test/v1/quickbooks-desktop/vendors/1")


def _status_error(status: int, error: dict, headers: dict | None = None) -> conductor.APIStatusError:
    response = httpx.Response(status, request=_REQUEST, headers=headers or {}, json={"error": error})
    return conductor.APIStatusError("message text is never read", response=response, body={"error": error})


@pytest.mark.parametrize("status,error,kind,code", [
    (502, {"type": "INTEGRATION_ERROR", "code": "INTEGRATION_ERROR", "integrationCode": "3200",
           "message": "The provided edit sequence is out-of-date."}, Rejected, "3200"),
    (502, {"type": "INTEGRATION_ERROR", "code": "INTEGRATION_ERROR", "integrationCode": "3120",
           "message": "Object not found."}, Rejected, "3120"),
    (400, {"type": "INVALID_REQUEST_ERROR", "code": "INVALID_REQUEST", "message": "name is required"}, Rejected,
     "INVALID_REQUEST"),
    (502, {"type": "INTEGRATION_CONNECTION_ERROR", "code": "QBD_CONNECTION_ERROR",
           "message": "QuickBooks Desktop is not running."}, Offline, "QBD_CONNECTION_ERROR"),
    (400, {"type": "INVALID_REQUEST_ERROR", "code": "INVALID_CURSOR", "message": "cursor expired"}, Transient,
     "INVALID_CURSOR"),
    (500, {"type": "INTERNAL_ERROR", "code": "INTERNAL_SERVER_ERROR", "message": "oops"}, Transient,
     "INTERNAL_SERVER_ERROR"),
])
def test_each_failure_lands_in_one_class_with_conductors_codes(status, error, kind, code):
    problem = classify(_status_error(status, error))
    assert type(problem) is kind
    assert (problem.code, problem.status, problem.error_type) == (code, status, error["type"])
    assert problem.integration_code == error.get("integrationCode")
    assert problem.conductor_code == error["code"]


def test_stale_and_not_found_are_read_from_quickbooks_codes_not_messages():
    stale = classify(_status_error(502, {"type": "INTEGRATION_ERROR", "code": "INTEGRATION_ERROR",
                                         "integrationCode": "3200", "message": "anything"}))
    missing = classify(_status_error(502, {"type": "INTEGRATION_ERROR", "code": "INTEGRATION_ERROR",
                                           "integrationCode": "3120", "message": "The edit sequence is stale"}))
    assert stale.stale and not stale.not_found
    assert missing.not_found and not missing.stale


def test_a_rate_limit_keeps_the_servers_retry_after():
    problem = classify(_status_error(429, {"type": "INVALID_REQUEST_ERROR", "code": "RATE_LIMIT_EXCEEDED",
                                           "message": "slow down"}, headers={"retry-after": "2.5"}))
    assert isinstance(problem, Transient) and problem.retry_after == 2.5


def test_no_answer_is_transient_and_anything_else_passes_through():
    assert isinstance(classify(conductor.APIConnectionError(request=_REQUEST)), Transient)
    other = ValueError("not an SDK failure")
    assert classify(other) is other
