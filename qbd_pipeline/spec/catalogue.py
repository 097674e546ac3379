"""Every way a record or a run can fail, once: a stable code, what happened in a warehouse's words,
what to do about it, and what the sync does with it.

The push and the pull record a failure with its code (`wms_changes.error_code`, `sync_errors.error_code`),
its message (the entry's title and the particulars) and Conductor's request id where QuickBooks
answered; the operator's console and `sync_error_list` show them with the entry's fix. The README's
table of errors is this catalogue (a test keeps them equal). QuickBooks' own status codes
(`integrationCode`) and Conductor's error codes say which entry a refusal is, never the message text.
"""

from dataclasses import dataclass
from typing import Literal

# What the sync does: `failed` (the change or record waits for a fix; every later pull reads a
# failed record again), `later` (tried again later, not counted as a failed attempt), `retry` (tried
# again with backoff, `failed` after the last attempt), `wait` (nothing is sent until someone acts;
# listed as waiting), `run` (the step stops: nothing else can succeed until it is fixed).
Outcome = Literal["failed", "later", "retry", "wait", "run"]


@dataclass(frozen=True)
class Entry:
    code: str
    title: str  # what happened, in a warehouse's words
    fix: str  # what to do about it
    outcome: Outcome
    quickbooks: tuple[str, ...] = ()  # QuickBooks' integrationCode or Conductor's error code meaning it


ENTRIES: tuple[Entry, ...] = (
    # --- a WMS row QuickBooks cannot take (found before any request where the WMS knows enough) ---
    Entry("REFERENCE_UNKNOWN", "the row names a record QuickBooks does not have in that company file",
          "correct the reference in the WMS row (an id, or a name, of a record of that company file); the next "
          "push-back sends it and this error closes", "failed", ("3140",)),
    Entry("REFERENCE_INACTIVE", "the row names a record that is inactive in QuickBooks",
          "make the record active again in QuickBooks, or name an active one in the WMS row", "failed"),
    Entry("MISSING_REQUIRED", "the row lacks a value QuickBooks requires",
          "fill it in the WMS row (the README's table of what a WMS-created row must contain); the next push-back "
          "sends it", "failed"),
    Entry("VALUE_TOO_LONG", "a value is longer than QuickBooks takes",
          "shorten it in the WMS row; the next push-back sends it", "failed"),
    Entry("TOO_MANY_DECIMALS", "a number has more decimal places than QuickBooks keeps",
          "round it in the WMS row yourself (the sync never rounds); the next push-back sends it", "failed"),
    Entry("INVALID_VALUE", "a value is not one QuickBooks accepts",
          "correct it in the WMS row; the next push-back sends it", "failed"),
    Entry("CLOSED_PERIOD", "the date is in a period the company file has closed",
          "use a date after the company file's closing date, or have the accountant move the closing date",
          "failed", ("3171",)),
    Entry("FEATURE_OFF", "the row uses a feature the company file has turned off",
          "turn the feature on in QuickBooks' preferences, or clear the field in the WMS row", "failed",
          ("3250",)),
    Entry("NAME_IN_USE", "QuickBooks already has another record of this name",
          "rename the row in the WMS (or the other record in QuickBooks); names are unique per list, and "
          "customers and vendors share one", "failed", ("3100",)),
    Entry("COMPANY_CHANGED", "the row moved to another company file",
          "a record cannot move between company files: create it anew in the other one", "failed"),
    Entry("QUICKBOOKS_REFUSED", "QuickBooks refused the change",
          "read QuickBooks' message, correct the WMS row, and the next push-back sends it; or retry or dismiss it "
          "with the job wms_failed_changes", "failed"),
    # --- company files ---
    Entry("COMPANY_UNKNOWN", "the row names a company file that is not registered",
          "register it (`qbd-pipeline companies add <end user id>`) or correct the row's `company`; its changes "
          "are pushed then", "failed"),
    Entry("COMPANY_UNNAMED", "the row names no company file, and several are synced",
          "set the row's `company` to its company file's Conductor end user id, then retry the change with the job "
          "wms_failed_changes", "failed"),
    Entry("COMPANY_PAUSED", "the row's company file is paused",
          "resume it (`qbd-pipeline companies resume <end user id>`) when its changes should go", "wait"),
    # --- QuickBooks and Conductor ---
    Entry("RECORD_IN_USE", "someone has the record open in QuickBooks",
          "nothing: it is tried again a little later (this is not a failed attempt)", "later",
          ("3170", "3175", "3176")),
    Entry("QUICKBOOKS_UNAVAILABLE", "QuickBooks or Conductor did not answer, on every attempt",
          "retry it with the job wms_failed_changes once they answer again", "retry"),
    Entry("QUICKBOOKS_OFFLINE", "QuickBooks Desktop is offline (its company file is not open, or the Web "
                                "Connector is not running)",
          "nothing: changes stay pending and the next run after QuickBooks answers sends them", "run",
          ("QBD_CONNECTION_ERROR",)),
    Entry("UNEXPECTED", "the sync met a failure it does not know",
          "tried again with backoff; if it stays, report it with the run id (the run's log has the traceback) and "
          "retry or dismiss it with the job wms_failed_changes", "retry"),
    Entry("KEY_REFUSED", "Conductor refused the secret key",
          "set CONDUCTOR_SECRET_KEY to a valid key of the Conductor account (not retried: the same key is refused "
          "again)", "run", ("API_KEY_INVALID",)),
    # --- records QuickBooks sends (the pull) ---
    Entry("INVALID_RECORD", "QuickBooks sent a record that breaks Conductor's contract",
          "correct the record in QuickBooks; every pull reads it again by id until it is taken", "failed"),
    Entry("MAPPING_ERROR", "QuickBooks holds a value its WMS column cannot keep",
          "correct the record in QuickBooks (or widen the WMS column); every pull reads it again by id", "failed"),
    # --- the WMS ---
    Entry("WMS_UNREACHABLE", "the WMS database did not answer",
          "nothing if it comes back within the retry window; else check the database and WMS_DATABASE_URL: the "
          "next run starts where this one stopped", "run"),
    Entry("RUN_FAILED", "the run stopped before it finished",
          "read the run's log in the UI (Runs, the run, its failed step); the next run starts where this one "
          "stopped (from the high-water marks, with the changes still pending)", "run"),
    Entry("WMS_LOCKED", "a WMS lock was held longer than QBD_WMS_LOCK_TIMEOUT_SECONDS",
          "find the warehouse application's transaction that holds the lock (pg_stat_activity) and end it; the "
          "next run goes on where this one stopped", "run"),
)

CATALOGUE: dict[str, Entry] = {e.code: e for e in ENTRIES}
_BY_QUICKBOOKS: dict[str, Entry] = {code: e for e in ENTRIES for code in e.quickbooks}


def entry(code: str | None) -> Entry | None:
    return CATALOGUE.get(code or "")


def for_quickbooks(*codes: str | None) -> Entry | None:
    """The entry a QuickBooks or Conductor code means (the first of `codes` that means one)."""
    return next((_BY_QUICKBOOKS[c] for c in codes if c and c in _BY_QUICKBOOKS), None)


def message(code: str, detail: str | None = None) -> str:
    """`<title>: <detail>`: the line recorded with the failure."""
    title = CATALOGUE[code].title
    return f"{title}: {detail}" if detail else title


def code_of(message: str | None) -> str | None:
    """The code of a line written as `message` writes it (the run ledger keeps lines, not codes)."""
    text = message or ""
    return next((e.code for e in ENTRIES if text.startswith(e.title)), None)
