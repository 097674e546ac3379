"""Conductor's error envelope, and the errors the emulator raises with it.

Every failure leaves the server as `{"error": {...}}` with the fields `openapi.json` requires.
Where Conductor's exact code is undocumented (expired cursor, missing end-user header), the code
chosen here is marked as the emulator's own in its constructor's docstring.
"""

from dataclasses import dataclass

MASKED_USER_MESSAGE = "An internal server error occurred. Please try again."


@dataclass
class ConductorApiError(Exception):
    status: int
    type: str
    code: str
    message: str
    user_facing_message: str = MASKED_USER_MESSAGE
    integration_code: str | None = None
    retry_after: float | None = None

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"

    def body(self, request_id: str) -> dict:
        error = {
            "message": self.message,
            "userFacingMessage": self.user_facing_message,
            "type": self.type,
            "code": self.code,
            "httpStatusCode": self.status,
            "requestId": request_id,
        }
        if self.integration_code is not None:
            error["integrationCode"] = self.integration_code
        return {"error": error}


def invalid_request(message: str, code: str = "INVALID_REQUEST", status: int = 400) -> ConductorApiError:
    """A malformed request (bad params or body). Conductor puts the detail in `message`."""
    return ConductorApiError(status, "INVALID_REQUEST_ERROR", code, message,
                             "The request was invalid. Please check the request and try again.")


def qbd_request_error(integration_code: str, message: str) -> ConductorApiError:
    """QuickBooks itself rejected the request (HTTP 502, QBD_REQUEST_ERROR, qbXML status code)."""
    return ConductorApiError(
        502, "INTEGRATION_ERROR", "QBD_REQUEST_ERROR",
        f"QBD Request Error ({integration_code}): {message}",
        f"QuickBooks Desktop could not process the request: {message}",
        integration_code=integration_code,
    )


# What QuickBooks says for the refusals a warehouse meets that the emulator does not model as rules of
# its own (a person holding a record open, a feature the company file has off, a closed period).
USUAL_MESSAGES = {
    "3170": "There was an error when modifying the object. It is being edited by another user.",
    "3175": "There was an error when modifying the object. It is in use by another user or process.",
    "3176": "There was an error when modifying the object. It is being edited in QuickBooks.",
    "3250": "This feature is not enabled or not available in this version of QuickBooks.",
    "3171": "An error occurred when modifying the transaction: its date is on or before the closing date.",
}


def scripted(integration_code: str, message: str | None) -> ConductorApiError:
    """A QuickBooks refusal a `qbd_error` fault asks for."""
    return qbd_request_error(integration_code, message or USUAL_MESSAGES.get(
        integration_code, "QuickBooks refused the request."))


def not_found_in_qbd(value: str) -> ConductorApiError:
    return qbd_request_error(
        "500",
        "The query request has not been fully completed. There was a required element "
        f'("{value}") that could not be found in QuickBooks.',
    )


def stale_revision(revision: str) -> ConductorApiError:
    return qbd_request_error(
        "3200", f'The provided revision number (edit sequence) "{revision}" is out-of-date.'
    )


def invalid_reference(kind: str, value: str, owner: str) -> ConductorApiError:
    return qbd_request_error(
        "3140", f'There is an invalid reference to QuickBooks {kind} "{value}" in the {owner}.'
    )


def name_in_use(name: str) -> ConductorApiError:
    return qbd_request_error("3100", f'The name "{name}" of the list element is already in use.')


def object_not_found(value: str) -> ConductorApiError:
    return qbd_request_error("3120", f'Object "{value}" specified in the request cannot be found.')


def qbd_offline() -> ConductorApiError:
    return ConductorApiError(
        502, "INTEGRATION_CONNECTION_ERROR", "QBD_CONNECTION_ERROR",
        "QBD Connection Error (0x80040408): QuickBooks Desktop is not running or the company file "
        "is not open, and the Web Connector could not start it.",
        "We could not connect to QuickBooks Desktop. Make sure QuickBooks Desktop is open on the "
        "computer with the company file and that the Web Connector is running, then try again.",
        integration_code="0x80040408",
    )


def invalid_cursor() -> ConductorApiError:
    """Conductor documents that a late cursor fails but not the body; this code is the emulator's."""
    return invalid_request(
        "The cursor is invalid or has expired. Cursor requests must arrive within the pagination "
        "window after the previous page (10 seconds); restart the listing without a cursor.",
        code="INVALID_CURSOR",
    )


def authentication(message: str, code: str = "API_KEY_INVALID") -> ConductorApiError:
    return ConductorApiError(401, "AUTHENTICATION_ERROR", code, message)


def rate_limited(seconds: float) -> ConductorApiError:
    return ConductorApiError(
        429, "INVALID_REQUEST_ERROR", "RATE_LIMIT_EXCEEDED",
        f"Too many requests. Retry after {seconds:g} seconds.", retry_after=seconds,
    )


def internal() -> ConductorApiError:
    return ConductorApiError(500, "INTERNAL_ERROR", "INTERNAL_SERVER_ERROR",
                             "An internal server error occurred.")
