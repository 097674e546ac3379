"""The Conductor resource: the only place in the product that builds SDK clients.

Reads retry on transient failures the SDK's way; writes and cursor pages do not, because a
retried create can duplicate a record and a retried cursor request silently skips a page.
"""


import os
import threading

import conductor
import dagster as dg
from pydantic import Field

from ..settings import END_USER_VAR

SECRET_KEY_VAR = "CONDUCTOR_SECRET_KEY"
_CLIENTS: dict[tuple, conductor.Conductor] = {}
_CLIENTS_LOCK = threading.Lock()
BASE_URL_VAR = "CONDUCTOR_BASE_URL"


class MissingSetting(RuntimeError):
    """A required environment variable is not set."""

    def __init__(self, variable: str, what: str) -> None:
        super().__init__(f"{variable} is not set: export {what} as {variable} (see .env.example)")
        self.variable = variable


class ConductorResource(dg.ConfigurableResource):
    """Conductor's QuickBooks Desktop API for one company file (one end user)."""

    secret_key: str | None = Field(
        default=None, description="Conductor secret key; set it from the environment with dg.EnvVar.")
    end_user_id: str | None = Field(
        default=None, description="The Conductor end user, i.e. the QuickBooks company file.")
    base_url: str | None = Field(
        default=None,
        description=f"API root, e.g. the emulator's http://127.0.0.1:8765/v1. Unset: ${BASE_URL_VAR}, "
                    "then the real API.",
    )
    timeout_seconds: float = Field(default=120.0, description="Per-request timeout (Conductor waits 90 s for QBD).")
    read_max_retries: int = Field(default=2, description="SDK retries for idempotent reads.")
    strict_responses: bool = Field(default=True, description="Validate every response against the SDK models.")

    def for_company(self, company: str) -> "ConductorResource":
        """The same settings for another company file (end user): runs of many company files share
        one resource and its secret."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        return ConductorResource(**{**values, "end_user_id": company})

    def require(self) -> None:
        """Fail with one line naming the missing variable, before any request is made."""
        for value, variable, what in ((self.secret_key, SECRET_KEY_VAR, "the Conductor secret key"),
                                      (self.end_user_id, END_USER_VAR, "the Conductor end user (company file)")):
            if not value:
                raise MissingSetting(variable, what)

    def require_for_step(self) -> None:
        """`require`, in a Dagster step: a missing setting fails the step with its one line, no retries."""
        try:
            self.require()
        except MissingSetting as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from None

    def client(self, *, retries: bool = True) -> conductor.Conductor:
        """An SDK client; `retries=False` for writes and cursor pages (never replay those).

        Clients are shared per configuration within the process: building one costs more than a
        request (TLS set-up), and one keeps its connections alive between requests.
        """
        self.require()
        key = (self.secret_key, self.base_url or None, self.timeout_seconds,
               self.read_max_retries if retries else 0, self.strict_responses)
        with _CLIENTS_LOCK:
            client = _CLIENTS.get(key)
            if client is None:
                client = _CLIENTS[key] = conductor.Conductor(
                    api_key=self.secret_key, base_url=self.base_url or None, timeout=self.timeout_seconds,
                    max_retries=key[3], _strict_response_validation=self.strict_responses)
        return client

    def health_check(self, timeout_seconds: float | None = None) -> float:
        """Round-trip QuickBooks Desktop once; returns the check's duration in milliseconds.

        With `timeout_seconds` the check is asked once, briefly (for gates that must answer fast).
        """
        client = self.client()
        if timeout_seconds is not None:
            client = client.with_options(timeout=timeout_seconds, max_retries=0)
            extra = {"extra_headers": {"Conductor-Timeout-Seconds": str(max(1, int(timeout_seconds)))}}
        else:
            extra = {}
        result = client.qbd.health_check(conductor_end_user_id=self.end_user_id, **extra)
        return float(result.duration)


def conductor_from_env() -> ConductorResource:
    """The resource as deployments configure it: every value from the environment.

    Secrets stay `dg.EnvVar`s (resolved at launch, masked in the UI). A variable missing when the
    code location loads leaves the field empty, so runs fail with `MissingSetting`'s one line
    instead of a configuration traceback.
    """
    return ConductorResource(
        secret_key=dg.EnvVar(SECRET_KEY_VAR) if os.environ.get(SECRET_KEY_VAR) else None,
        end_user_id=dg.EnvVar(END_USER_VAR) if os.environ.get(END_USER_VAR) else None,
        base_url=os.environ.get(BASE_URL_VAR) or None,
    )
