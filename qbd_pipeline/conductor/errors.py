"""One taxonomy of what can go wrong talking to QuickBooks through Conductor, and what to do about it.

- `Offline`: QuickBooks Desktop or the Web Connector cannot be reached (INTEGRATION_CONNECTION_ERROR).
  Nothing is wrong with the request: stop, keep everything pending, try again when it is back.
- `Rejected`: QuickBooks or Conductor refused the request (validation, a business rule, a stale
  revision, a missing record). Sending the same request again cannot help.
- `Transient`: a rate limit, a server error, a timeout or a dropped connection. The outcome of a
  write is unknown; try again later (after `retry_after` seconds when the server said so).
- `KeyRefused`: Conductor refused the secret key (AUTHENTICATION_ERROR). Nothing can succeed and the
  same key is refused again: stop, keep everything pending, say which variable to set.

Each carries Conductor's request id (`request_id`) where Conductor answered, so a failure can be traced
on Conductor's side, and `catalogue` names its entry in `spec.catalogue` where one fits.

QuickBooks' own status codes (`integrationCode`) say which rejection it is, never the message text.
"""

import conductor

from ..spec.catalogue import Entry, for_quickbooks

STALE_REVISION = "3200"  # the revision number (edit sequence) is out of date
NAME_IN_USE = "3100"  # a list object's name is taken (by another record of its name space)
NOT_FOUND = frozenset({"500", "3120"})  # a query's required element / a modified object cannot be found
EXPIRED_CURSOR = "INVALID_CURSOR"


class QuickBooksError(Exception):
    """A failure as Conductor reported it: its error `type` (e.g. INTEGRATION_ERROR), its own `code`
    and QuickBooks' `integrationCode`; `code` is the one that decides (QuickBooks' when it gave one)."""

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 retry_after: float | None = None, error_type: str | None = None,
                 conductor_code: str | None = None, integration_code: str | None = None,
                 request_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.retry_after = retry_after
        self.error_type = error_type
        self.conductor_code = conductor_code
        self.integration_code = integration_code
        self.request_id = request_id

    @property
    def catalogue(self) -> Entry | None:
        """The catalogue's entry for this failure, from QuickBooks' or Conductor's code."""
        return for_quickbooks(self.integration_code, self.conductor_code)


class Offline(QuickBooksError):
    """QuickBooks Desktop cannot be reached: leave everything pending for a later run."""


class Rejected(QuickBooksError):
    """The request was refused; the same request would be refused again."""

    @property
    def stale(self) -> bool:
        return self.code == STALE_REVISION

    @property
    def not_found(self) -> bool:
        return self.code in NOT_FOUND

    @property
    def name_in_use(self) -> bool:
        return self.code == NAME_IN_USE


class Transient(QuickBooksError):
    """Temporary, or of unknown outcome: try again later."""


class KeyRefused(QuickBooksError):
    """Conductor refused the secret key: nothing can succeed, and retrying sends the same key."""


def _error_body(exc: conductor.APIStatusError) -> dict:
    body = exc.body if isinstance(exc.body, dict) else {}
    return body.get("error", {}) if isinstance(body.get("error"), dict) else {}


def _retry_after(exc: conductor.APIStatusError) -> float | None:
    value = exc.response.headers.get("retry-after") if exc.response is not None else None
    try:
        return float(value) if value else None
    except ValueError:
        return None


def classify(exc: BaseException) -> BaseException:
    """Sort an SDK failure into the taxonomy (anything else is returned as it is)."""
    if isinstance(exc, conductor.APIStatusError):
        error = _error_body(exc)
        message = error.get("message") or str(exc)
        code = error.get("integrationCode") or error.get("code")
        headers = exc.response.headers if exc.response is not None else {}
        about = {"status": exc.status_code, "error_type": error.get("type"), "conductor_code": error.get("code"),
                 "integration_code": error.get("integrationCode"),
                 "request_id": error.get("requestId") or headers.get("conductor-request-id")}
        if error.get("type") == "INTEGRATION_CONNECTION_ERROR":
            return Offline(message, code=code, **about)
        if error.get("type") == "AUTHENTICATION_ERROR" or exc.status_code == 401:
            return KeyRefused(f"Conductor refused the secret key (CONDUCTOR_SECRET_KEY): {message}", code=code,
                              **about)
        if error.get("code") == EXPIRED_CURSOR:
            return Transient(message, code=EXPIRED_CURSOR, **about)
        if error.get("type") in ("INTEGRATION_ERROR", "INVALID_REQUEST_ERROR") and exc.status_code in (400, 404, 422,
                                                                                                       502):
            return Rejected(message, code=code, **about)
        return Transient(f"{exc.status_code}: {message}", code=code, retry_after=_retry_after(exc), **about)
    if isinstance(exc, conductor.APIConnectionError):
        return Transient(f"no answer from Conductor ({type(exc).__name__})")
    return exc
