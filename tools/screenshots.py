"""Screenshots of the Dagster UI for the README's operator section, taken in headless Chromium.

    make screenshots                      # installs the `screenshots` extra, then runs this
    .venv/bin/python tools/screenshots.py --help

On a fresh data folder it does what an operator's week would bring, through the product's own paths:

1. seeds the demo's company file (`python -m qbd_pipeline.emulator --customers N`, so a full pull takes a
   while), then `qbd-pipeline demo`: the full initial load of both demo company files and a push-back
   each, as `make demo` does, and registers the pictures' company (`qbd-pipeline companies add`: a
   row of the WMS `companies` table and a key of the instance's dynamic partitions `companies`, the
   partitions' `company` dimension);
2. makes two things go wrong: a customer's name longer than QuickBooks allows, edited in the WMS with
   plain SQL (QuickBooks refuses it, the change ends `failed`), and a customer record QuickBooks sends
   that breaks the API contract (`isActive: "sometimes"`, written into the stopped emulator's state
   file, as qbd_pipeline_tests/quickbooks/test_pull.py does in-process with `replace_raw`);
3. `qbd-pipeline dev` (the emulator and `dagster dev`) on that folder, then, in the UI: a pull of the
   company's today (Materialize all; partitions are company x day: the company, then the day's Latest),
   the asset checks it fails, a re-fetch of its first day slowed by the emulator's `latency` fault and
   terminated, a pull that fails while QuickBooks is offline (`qbd_offline` fault), `wms_failed_changes`
   from the launchpad, the Runs list and a materialization's `report`.

Everything happens in one company file, the demo's first (`end_usr_emulator`); every WMS query names it
(`company`), since the demo's second company file shares the WMS.

PNGs go to docs/images/ (1440x900). Every process it starts runs in a process group of its own and is
stopped with SIGINT, then SIGKILL (with whatever it started in turn). Linux only (it reads /proc).
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

from qbd_pipeline.demo import DEMO_END_USER, DEMO_SECRET_KEY
from qbd_pipeline.processes import answers, free_port
from qbd_pipeline.settings import COMPANY_TAG, PARTITION_COMPANY_TAG

ROOT = Path(__file__).resolve().parents[1]
# The demo's first company file (the emulator's default end user), where everything here happens.
SECRET_KEY, END_USER = DEMO_SECRET_KEY, DEMO_END_USER
LOCATION, REPOSITORY = "qbd_pipeline", "__repository__"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1440, "height": 900}
LONG_NAME = "Harborview Marine Supply and Logistics Warehouse"  # 48 characters; QuickBooks takes 41
DISMISS_REASON = "the name is longer than QuickBooks allows"
UNKNOWN_ITEM = "8000FFFF-1700000000"  # an item id QuickBooks does not have
# Settings of the caller's shell that would point the demo elsewhere than its own data folder.
FOREIGN_ENV = ("QBD_", "CONDUCTOR_", "DAGSTER_", "WMS_")


def say(message: str) -> None:
    print(f"[screenshots {datetime.now():%H:%M:%S}] {message}", flush=True)


def partition_key(company: str, day: str) -> str:
    """The pull's partition key, company x day (`qbd_pipeline.quickbooks.partitions.key` as a string)."""
    return f"{company}|{day}"


def partition_tags(company: str, day: str) -> dict[str, str]:
    """The tags of a run of one partition, as the UI's launch dialog sets them (the multi-partition key and one
    tag per dimension), and the company file's `qbd/end_user`, as the README's `dagster job launch` does."""
    return {"dagster/partition": partition_key(company, day), PARTITION_COMPANY_TAG: company,
            "dagster/partition/day": day, COMPANY_TAG: company}


# processes ------------------------------------------------------------------------------------------
def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def _descendants(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _group_of(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


class Processes:
    """Children in process groups of their own, each stopped with SIGINT, then SIGKILL.

    `qbd-pipeline dev` starts the emulator and `dagster dev` in sessions of their own; their groups are
    noted before the SIGINT, so a SIGKILL reaches them too should the parent not stop them in time.
    """

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd, self.running = env, cwd, []

    def start(self, name: str, args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
        with log.open("ab") as out:
            process = subprocess.Popen(args, cwd=self.cwd, env={**self.env, **(env or {})}, stdout=out,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.running.append((name, process))
        return process

    def run(self, name: str, args: list[str], log: Path, timeout: float, env: dict[str, str] | None = None) -> None:
        process = self.start(name, args, log, env)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop(process)
            raise RuntimeError(f"{name} did not finish in {timeout:.0f} s; see {log}") from None
        self.running = [(n, p) for n, p in self.running if p is not process]
        if code != 0:
            raise RuntimeError(f"{name} exited with {code}; see {log}")

    def stop(self, process: subprocess.Popen, timeout: float = 30.0) -> None:
        groups = {process.pid} | {g for g in map(_group_of, _descendants(process.pid)) if g}
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=timeout)
        for group in groups:  # whatever is left of it and of what it started
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        self.running = [(n, p) for n, p in self.running if p is not process]

    def stop_all(self) -> None:
        for name, process in reversed(list(self.running)):
            say(f"stopping {name} (process group {process.pid})")
            self.stop(process)


def wait_for(what: str, ready: Callable[[], object], timeout: float, every: float = 0.5,
              alive: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while True:
        value = ready()
        if value:
            return value
        if alive is not None and alive.poll() is not None:
            raise RuntimeError(f"gave up waiting for {what}: its process exited with {alive.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(every)


# the product's HTTP faces -------------------------------------------------------------------------
def _http(method: str, url: str, body: dict | None = None, headers: dict | None = None) -> dict:
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"content-type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


class Emulator:
    """The emulator's control API (README, "Control API")."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/_emulator/faults"
        self.api = f"http://127.0.0.1:{port}/v1"
        self.headers = {"Authorization": f"Bearer {SECRET_KEY}", "Conductor-End-User-Id": END_USER}

    def fault(self, **fault) -> None:
        _http("POST", self.url, fault, self.headers)

    def clear_faults(self) -> None:
        _http("DELETE", self.url, None, self.headers)


class Dagster:
    """The webserver's GraphQL API, for what the pictures do not show being clicked."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"

    def query(self, text: str, **variables) -> dict:
        answer = _http("POST", f"{self.base}/graphql", {"query": text, "variables": variables})
        if answer.get("errors"):
            raise RuntimeError(f"GraphQL: {answer['errors']}")
        return answer["data"]

    def loaded(self) -> bool:
        try:
            entries = self.query("{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus "
                                 "locationOrLoadError { __typename } } } } }")["workspaceOrError"]["locationEntries"]
        except OSError:
            return False
        return any(e["name"] == LOCATION and e["loadStatus"] == "LOADED"
                   and e["locationOrLoadError"]["__typename"] == "RepositoryLocation" for e in entries)

    def run_ids(self) -> list[str]:
        runs = self.query("{ runsOrError(limit: 50) { ... on Runs { results { runId } } } }")["runsOrError"]
        return [r["runId"] for r in runs["results"]]

    def tags(self, run_id: str) -> dict[str, str]:
        run = self.query("query($id: ID!) { runOrError(runId: $id) { ... on Run { tags { key value } } } }",
                         id=run_id)["runOrError"]
        return {t["key"]: t["value"] for t in run["tags"]}

    def status(self, run_id: str) -> str:
        return self.query("query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }",
                          id=run_id)["runOrError"]["status"]

    def launch(self, job: str, run_config: dict | None = None, tags: dict | None = None) -> str:
        params = {"selector": {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY, "jobName": job},
                  "runConfigData": run_config or {},
                  "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]}}
        answer = self.query("mutation($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename "
                            "... on LaunchRunSuccess { run { runId } } ... on PythonError { message } "
                            "... on RunConfigValidationInvalid { errors { message } } } }", p=params)["launchRun"]
        if answer["__typename"] != "LaunchRunSuccess":
            raise RuntimeError(f"launching {job}: {answer}")
        return answer["run"]["runId"]

    def failed_checks(self, run_id: str) -> list[str]:
        events = self.query("query($id: ID!) { logsForRun(runId: $id, limit: 5000) { ... on EventConnection { events {"
                            " ... on AssetCheckEvaluationEvent { evaluation { checkName success severity "
                            "assetKey { path } } } } } } }", id=run_id)["logsForRun"]["events"]
        return sorted(f"{'/'.join(e['evaluation']['assetKey']['path'])} {e['evaluation']['checkName']} "
                      f"({e['evaluation']['severity']})" for e in events
                      if e.get("evaluation") and not e["evaluation"]["success"])

    def new_run(self, before: list[str], timeout: float = 60) -> str:
        return wait_for("the run the UI launched", lambda: next(
            (r for r in self.run_ids() if r not in before), None), timeout)

    def wait(self, run_id: str, statuses: tuple[str, ...] = ("SUCCESS", "FAILURE", "CANCELED"),
             timeout: float = 300) -> str:
        return wait_for(f"run {run_id[:8]} to end", lambda: (s if (s := self.status(run_id)) in statuses else None),
                        timeout)


# the set-up --------------------------------------------------------------------------------------
def child_env(data: Path, dagster_port: int, emulator_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_ENV)}
    env.update(QBD_DATA_DIR=str(data), DAGSTER_PORT=str(dagster_port), QBD_EMULATOR_PORT=str(emulator_port),
               PYTHONUNBUFFERED="1")
    return env


def cli() -> list[str]:
    script = Path(sys.executable).with_name("qbd-pipeline")
    return [str(script)] if script.exists() else [sys.executable, "-m", "qbd_pipeline.cli"]


def seed_company(procs: Processes, data: Path, customers: int, log: Path) -> None:
    """A fresh state file for the emulator, with a company of `customers` customers (the rest in proportion)."""
    port = free_port()
    process = procs.start("emulator (seeding)", [
        sys.executable, "-m", "qbd_pipeline.emulator", "--port", str(port), "--state-file",
        str(data / "emulator.sqlite"), "--customers", str(customers), "--log-level", "warning"], log)
    wait_for("the emulator to seed its company", lambda: answers(port), 600, alive=process)
    procs.stop(process)


def break_a_record(data: Path) -> str:
    """A customer record QuickBooks sends that breaks the API contract, stamped now so the next pull reads it.

    The emulator is stopped: its state file is edited as `Company.replace_raw` would (a new revision, the
    company's clock, UTC -05:00 as the demo's emulator runs).
    """
    with contextlib.closing(sqlite3.connect(data / "emulator.sqlite", timeout=60)) as db, db:
        order = json.loads(db.execute("SELECT data FROM records WHERE end_user = ? AND path = 'sales-orders' "
                                      "ORDER BY seq LIMIT 1", (END_USER,)).fetchone()[0])
        customer_id = order["customer"]["id"]  # a customer with an order: the orders' check names it too
        record = json.loads(db.execute("SELECT data FROM records WHERE end_user = ? AND path = 'customers' AND id = ?",
                                       (END_USER, customer_id)).fetchone()[0])
        (revision,) = db.execute("SELECT value FROM counters WHERE end_user = ? AND name = 'revision'",
                                 (END_USER,)).fetchone()
        db.execute("UPDATE counters SET value = ? WHERE end_user = ? AND name = 'revision'",
                   (revision + 1, END_USER))
        now = datetime.now(timezone(timedelta(hours=-5))).replace(microsecond=0)
        record.update(isActive="sometimes", revisionNumber=str(1_700_000_000 + revision + 1),
                      updatedAt=now.isoformat())
        db.execute("UPDATE records SET data = ?, updated_utc = ? WHERE end_user = ? AND path = 'customers' AND id = ?",
                   (json.dumps(record), int(now.timestamp()), END_USER, customer_id))
    return customer_id


def wms(data: Path) -> sqlite3.Connection:
    return sqlite3.connect(data / "wms.sqlite", timeout=60)


def edit_a_name_quickbooks_refuses(data: Path) -> int:
    """The warehouse renames a customer with plain SQL; the capture trigger records the change."""
    with contextlib.closing(wms(data)) as db, db:
        (row_id,) = db.execute("SELECT id FROM customers WHERE company = ? AND is_active AND qbd_id IS NOT NULL "
                               "AND parent_qbd_id IS NULL AND name NOT LIKE 'Demo Walk-in%' ORDER BY id LIMIT 1 "
                               "OFFSET 7", (END_USER,)).fetchone()
        db.execute("UPDATE customers SET name = ? WHERE company = ? AND id = ?", (LONG_NAME, END_USER, row_id))
        (change_id,) = db.execute("SELECT max(id) FROM wms_changes WHERE company = ? AND entity = 'customers' "
                                  "AND row_id = ?", (END_USER, row_id)).fetchone()
    return change_id


def one(data: Path, sql: str, *params):
    with contextlib.closing(wms(data)) as db:
        return db.execute(sql, params).fetchone()


def rows(data: Path, sql: str, *params) -> list[tuple]:
    with contextlib.closing(wms(data)) as db:
        return db.execute(sql, params).fetchall()


def new_order_with_a_bad_line(data: Path) -> int:
    """The warehouse enters an order whose line names an item QuickBooks does not have."""
    with contextlib.closing(wms(data)) as db, db:
        (customer,) = db.execute("SELECT qbd_id FROM customers WHERE company = ? AND is_active AND qbd_id IS NOT NULL "
                                 "ORDER BY id LIMIT 1 OFFSET 3", (END_USER,)).fetchone()
        cursor = db.execute("INSERT INTO sales_orders (company, customer_qbd_id, transaction_date, memo) "
                            "VALUES (?, ?, ?, 'rush order, dock 4')",
                            (END_USER, customer, datetime.now(timezone.utc).strftime("%Y-%m-%d")))
        db.execute("INSERT INTO sales_order_lines (header_id, line_number, item_qbd_id, quantity, rate) "
                   "VALUES (?, 1, ?, 3, 12.5)", (cursor.lastrowid, UNKNOWN_ITEM))
    return cursor.lastrowid


def fix_the_order(data: Path, order: int) -> None:
    with contextlib.closing(wms(data)) as db, db:
        (item,) = db.execute("SELECT qbd_id FROM items WHERE company = ? AND item_type = 'inventory' AND is_active "
                             "ORDER BY id LIMIT 1", (END_USER,)).fetchone()
        db.execute("UPDATE sales_order_lines SET item_qbd_id = ? WHERE header_id = ?", (item, order))


def edit_a_phone_on_both_sides(data: Path, emulator: "Emulator") -> str:
    """A person changes a customer's phone in QuickBooks, and the warehouse another way (customers: QuickBooks wins)."""
    import conductor

    with contextlib.closing(wms(data)) as db:
        (customer,) = db.execute("SELECT qbd_id FROM customers WHERE company = ? AND is_active AND qbd_id IS NOT NULL "
                                 "ORDER BY id LIMIT 1 OFFSET 5", (END_USER,)).fetchone()
    client = conductor.Conductor(api_key=SECRET_KEY, base_url=emulator.api, max_retries=0)
    record = client.qbd.customers.retrieve(customer, conductor_end_user_id=END_USER)
    client.qbd.customers.update(customer, revision_number=record.revision_number, phone="555-0142",
                                conductor_end_user_id=END_USER)
    with contextlib.closing(wms(data)) as db, db:
        db.execute("UPDATE customers SET phone = '555-0199' WHERE company = ? AND qbd_id = ?", (END_USER, customer))
    return customer


def refresh_console(browser: "Browser", dagster: "Dagster") -> None:
    """operator/sync_status materialized now, from its page (the sensor would within a minute)."""
    browser.go("/assets/operator/sync_status")
    before = dagster.run_ids()
    browser.button("Materialize", exact=False).click()  # its name carries its icon's
    run = dagster.new_run(before)
    if dagster.wait(run) != "SUCCESS":
        raise RuntimeError(f"the refresh of operator/sync_status ({run}) did not succeed")
    browser.go("/assets/operator/sync_status", settle=4)


def console_errors(dagster: "Dagster") -> str:
    """The `errors` table of operator/sync_status's latest materialization."""
    latest = dagster.query("{ assetOrError(assetKey: {path: [\"operator\", \"sync_status\"]}) { ... on Asset { "
                           "assetMaterializations(limit: 1) { metadataEntries { label ... on MarkdownMetadataEntry "
                           "{ mdStr } } } } } }")["assetOrError"]["assetMaterializations"][0]
    return next(e["mdStr"] for e in latest["metadataEntries"] if e["label"] == "errors")


# the browser -------------------------------------------------------------------------------------
class Browser:
    page_timeout = 60_000

    def __init__(self, page, base: str, out: Path) -> None:
        self.page, self.base, self.out = page, base, out
        page.set_default_timeout(self.page_timeout)

    def go(self, path: str, settle: float = 3.0) -> None:
        self.page.goto(self.base + path)  # the UI polls all the time: no "network idle" to wait for
        time.sleep(settle)
        skip = self.page.get_by_role("button", name="Skip", exact=True)  # Dagster's newsletter dialog, once
        if skip.count():
            skip.click()
            time.sleep(0.5)

    def shot(self, name: str) -> Path:
        time.sleep(0.5)
        path = self.out / f"{name}.png"
        self.page.screenshot(path=str(path))
        say(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({path.stat().st_size // 1024} KB)")
        return path

    @contextlib.contextmanager
    def other_page(self) -> Iterator["Browser"]:
        context = self.page.context.browser.new_context(viewport=VIEWPORT)
        try:
            page = context.new_page()
            page.set_default_timeout(self.page_timeout)
            yield Browser(page, self.base, self.out)
        finally:
            context.close()

    def button(self, name: str, exact: bool = True):
        return self.page.get_by_role("button", name=name, exact=exact).first

    def wait_text(self, pattern: str, count: int = 1, timeout: float = 120) -> None:
        regex = re.compile(pattern)
        wait_for(f"{count} x {pattern!r} on the page",
                 lambda: len(regex.findall(self.page.inner_text("body"))) >= count, timeout)

    def open_materialize_dialog(self) -> None:
        self.go(f"/locations/{LOCATION}/asset-groups/quickbooks", settle=4)
        self.page.mouse.move(820, 520)  # the graph one zoom step out, so more of it shows around the dialog
        self.page.keyboard.down("Control")
        self.page.mouse.wheel(0, 100)
        self.page.keyboard.up("Control")
        time.sleep(1)
        self.page.get_by_text("Materialize all", exact=False).first.click()
        self.page.get_by_role("dialog").get_by_text("Partition selection").wait_for()
        time.sleep(1)

    def choose_partitions(self, company: str, day: str | None = None) -> None:
        """In the launch dialog, one company file (the `company` dimension's menu of the instance's dynamic
        partitions) and one day (typed; None: the `day` dimension's Latest, today's UTC day)."""
        dialog = self.page.get_by_role("dialog")
        dialog.get_by_text("Select a partition or create one").click()
        self.page.get_by_placeholder("Filter partitions").wait_for()
        self.page.get_by_role("menuitem").filter(has=self.page.get_by_text(company, exact=True)).first.click()
        time.sleep(0.5)
        dialog.get_by_text("Launch runs to materialize", exact=False).click()  # closes the menu, not the dialog
        self.page.get_by_placeholder("Filter partitions").wait_for(state="detached")
        if day is None:
            self.button("Latest").click()
        else:
            field = dialog.get_by_placeholder(re.compile(r"^ex: "))  # the day dimension's range field
            field.click()
            field.fill(day)
            field.press("Enter")
        time.sleep(1)
        dialog.get_by_text("1 partition", exact=True).wait_for()

    def show_metadata(self, label: str) -> None:
        """On an asset's page, open the Markdown of the latest materialization's metadata entry `label`."""
        row = self.page.locator("tr", has=self.page.get_by_text(label, exact=True))
        row.get_by_text("[Show Markdown]").first.click()
        self.page.get_by_role("dialog").wait_for()
        time.sleep(1)

    def scroll_to_top(self, text: str) -> None:
        """Scroll the run log (its own scroll box, not the page) so the row with `text` is its first."""
        self.page.get_by_text(text).first.evaluate("""e => {
            let box = e.parentElement;
            while (box && !(box.scrollHeight > box.clientHeight && /auto|scroll/.test(getComputedStyle(box).overflowY)))
                box = box.parentElement;
            const row = e.closest('[data-index]') || e;
            if (box) box.scrollTop += row.getBoundingClientRect().top - box.getBoundingClientRect().top;
        }""")
        time.sleep(0.5)


# the story ---------------------------------------------------------------------------------------
def take(browser: Browser, dagster: Dagster, emulator: Emulator, data: Path, first: str, today: str,
         refused_change: int, bad_customer: str) -> None:
    page = browser.page

    # (a) Start a sync: the company's today, what changed since its last pull.
    before = dagster.run_ids()
    browser.open_materialize_dialog()
    browser.choose_partitions(END_USER)
    browser.shot("01-start-a-sync")
    browser.button("Launch 1 run").click()
    latest_pull = dagster.new_run(before)
    say(f"pull of partition {partition_key(END_USER, today)}: run {latest_pull}")
    if dagster.wait(latest_pull) != "SUCCESS":
        raise RuntimeError(f"the pull of {partition_key(END_USER, today)} did not succeed")
    tags = dagster.tags(latest_pull)  # the dialog's: the key and one tag per dimension (no qbd/end_user)
    if (tags.get("dagster/partition"), tags.get(PARTITION_COMPANY_TAG)) != (partition_key(END_USER, today), END_USER):
        raise RuntimeError(f"the run the dialog launched is not of partition {partition_key(END_USER, today)}: {tags}")
    found = one(data, "SELECT error_code FROM sync_errors WHERE company = ? AND entity = 'customers' AND qbd_id = ? "
                      "AND resolved_at IS NULL", END_USER, bad_customer)
    if not found:
        raise RuntimeError(f"the pull recorded no sync error for customer {bad_customer}")
    failed = dagster.failed_checks(latest_pull)
    say(f"checks that failed: {', '.join(failed)}")
    if not {"qbd/customers no_sync_errors (ERROR)", "qbd/customers no_failed_pushes (ERROR)"} <= set(failed):
        raise RuntimeError("the pull's checks did not fail as the pictures need")

    # (d) Read errors: the failing check with its sample, and the run log's error line.
    browser.go("/assets/qbd/customers?view=checks")
    page.get_by_text("no_sync_errors", exact=True).first.click()
    page.get_by_text("[Show Markdown]").first.click()
    time.sleep(1)
    browser.shot("04-check-failed")
    page.keyboard.press("Escape")
    browser.go(f"/runs/{latest_pull}?logs=step%3Aqbd__customers")
    browser.wait_text("INVALID_RECORD")
    browser.scroll_to_top('Started execution of step "qbd__customers"')
    browser.shot("05-run-log-error")

    # (f) History: the materialization's metadata and its `report` (before later runs add events), in a
    # page of its own with the navigation hidden, so the table is whole.
    with browser.other_page() as other:
        other.go("/assets/qbd/customers?view=events")
        other.page.get_by_text("Hide navigation", exact=True).click()
        time.sleep(1)
        other.page.get_by_text("report", exact=True).first.evaluate("e => e.scrollIntoView({block: 'center'})")
        other.shot("10-report")

    # (b) Watch progress: the first partition again (everything before it too), slowed by the emulator.
    emulator.clear_faults()
    emulator.fault(kind="latency", path_contains="/customers", count=40, seconds=1.2)
    before = dagster.run_ids()
    browser.open_materialize_dialog()
    browser.choose_partitions(END_USER, first)
    browser.button("Launch 1 run").click()
    refetch = dagster.new_run(before)
    say(f"re-fetch of partition {partition_key(END_USER, first)} (slowed): run {refetch}")
    if dagster.wait(refetch, ("STARTED", "SUCCESS", "FAILURE", "CANCELED"), timeout=120) != "STARTED":
        raise RuntimeError(f"run {refetch} ended before it could be watched")
    browser.go(f"/runs/{refetch}")
    browser.wait_text(r"customers: (?:fetched|processed) [\d,]+ / [\d,]+ \(\d+%\)", count=5)
    live = one(data, "SELECT status, fetched, processed, total FROM sync_runs WHERE company = ? AND run_id = ? "
                     "AND entity = 'customers'", END_USER, refetch)
    say(f"sync_runs while fetching: status, fetched, processed, total = {live}")
    browser.shot("02-progress")

    # (c) Cancel: Terminate, and what the ledger says then.
    browser.button("Terminate", exact=False).click()  # its name carries its icon's
    page.get_by_role("dialog").get_by_text("Terminate runs").wait_for()
    browser.shot("03-terminate")
    browser.button("Terminate 1 run").click()
    if dagster.wait(refetch) != "CANCELED":
        raise RuntimeError(f"run {refetch} was not cancelled")
    emulator.clear_faults()
    ended = rows(data, "SELECT entity, status, fetched, processed, total, error FROM sync_runs WHERE company = ? "
                       "AND run_id = ?", END_USER, refetch)
    say(f"sync_runs of the cancelled run: {ended}")
    if not ended or any(row[1] != "cancelled" for row in ended):
        raise RuntimeError(f"the cancelled run's sync_runs rows did not end cancelled: {ended}")

    # (d) A fetch that failed: QuickBooks offline for the customers' window (two restarts, then it gives up).
    emulator.fault(kind="qbd_offline", path_contains="/customers", count=3)
    offline = dagster.launch("qbd_incremental_pull", {"ops": {"qbd__customers": {"config": {"max_restarts": 2}}}},
                             partition_tags(END_USER, today))
    say(f"pull of {partition_key(END_USER, today)} with QuickBooks offline: run {offline}")
    if dagster.wait(offline) != "FAILURE":
        raise RuntimeError(f"run {offline} did not fail")
    emulator.clear_faults()
    browser.go(f"/runs/{offline}?logs=step%3Aqbd__customers")
    browser.wait_text("QuickBooks did not serve the window")
    browser.shot("06-fetch-failed")

    # (e) The failed change: dismiss it from the launchpad of wms_failed_changes.
    browser.go(f"/locations/{LOCATION}/jobs/wms_failed_changes/playground")
    page.locator(".CodeMirror").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(
        "ops:\n  resolve_failed_changes:\n    config:\n      action: dismiss\n      by: ops-anna\n"
        f"      reason: {DISMISS_REASON}\n      entity: customers\n      change_ids: [{refused_change}]\n")
    page.get_by_text("No errors").wait_for()
    browser.shot("07-failed-changes-launchpad")
    before = dagster.run_ids()
    browser.button("Launch Run", exact=False).click()
    resolved = dagster.new_run(before)
    if dagster.wait(resolved) != "SUCCESS":
        raise RuntimeError(f"wms_failed_changes run {resolved} did not succeed")
    page.wait_for_url(re.compile(f"/runs/{resolved}"), timeout=30_000)
    browser.wait_text("got QuickBooks' version back")
    browser.scroll_to_top("failed change(s) dismissed by ops-anna")
    browser.shot("08-failed-changes-run")
    after = one(data, "SELECT status, last_error FROM wms_changes WHERE company = ? AND id = ?", END_USER,
                refused_change)
    say(f"the change after the dismiss: {after}")

    # (g) What is wrong now, without SQL: a new order with a line naming an item QuickBooks lacks (two captured
    # changes, one record) and a phone edited on both sides, pushed; operator/sync_status lists the order once.
    order = new_order_with_a_bad_line(data)
    phone_customer = edit_a_phone_on_both_sides(data, emulator)
    before = dagster.run_ids()
    push = dagster.launch("wms_push_back", tags={COMPANY_TAG: END_USER})
    if dagster.wait(push) != "SUCCESS":
        raise RuntimeError(f"push-back run {push} did not succeed")
    refresh_console(browser, dagster)
    listed = console_errors(dagster)
    mine = re.compile(rf"\|\s*sales_orders\s*\|.*\|\s*{order}\s*\|")
    if len([line for line in listed.splitlines() if mine.search(line)]) != 1:
        raise RuntimeError(f"operator/sync_status does not list order {order} exactly once:\n{listed}")
    browser.show_metadata("errors")
    browser.shot("11-sync-status-errors")
    page.keyboard.press("Escape")

    # (h) The conflict on the push-back run's page: its WARNING line with the field, both values and the winner.
    browser.go(f"/runs/{push}?logs=customers.phone")  # the line's own words (the outputs' tables say `conflicts`)
    browser.wait_text(f"conflict: customers.phone of {phone_customer}")
    browser.shot("12-conflict-on-the-run")

    # (i) The order's line corrected in the WMS and pushed: the error is gone, nobody dismissed it.
    fix_the_order(data, order)
    push = dagster.launch("wms_push_back", tags={COMPANY_TAG: END_USER})
    if dagster.wait(push) != "SUCCESS":
        raise RuntimeError(f"push-back run {push} did not succeed")
    refresh_console(browser, dagster)
    if re.search(rf"\|\s*{order}\s*\|", console_errors(dagster)):
        raise RuntimeError(f"order {order} is still listed after its fix was pushed")
    say(f"order {order}: fixed in the WMS and pushed; operator/sync_status no longer lists it")
    browser.show_metadata("errors")
    browser.shot("13-sync-status-after-the-fix")
    page.keyboard.press("Escape")

    # (f) History: the Runs list.
    browser.go("/runs")
    browser.shot("09-runs")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", help="where the PNGs go")
    parser.add_argument("--data-dir", type=Path,
                        help="a fresh (missing or empty) data folder; default: a temporary one, removed afterwards")
    parser.add_argument("--keep-data", action="store_true", help="keep the data folder (and the logs in it)")
    parser.add_argument("--dagster-port", type=int, default=3300)
    parser.add_argument("--emulator-port", type=int, default=8965)
    parser.add_argument("--customers", type=int, default=3000, help="size of the demo company (default 3000)")
    parser.add_argument("--chromium",
                        default=os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium",
                        help="the Chromium binary (default: chromium on PATH; Debian: apt-get install chromium)")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright  # the `screenshots` extra

    if not Path(args.chromium).exists():
        parser.error(f"no Chromium at {args.chromium} (Debian: apt-get install chromium; or pass --chromium)")
    for port in (args.dagster_port, args.emulator_port):
        if answers(port):
            parser.error(f"port {port} is taken (--dagster-port / --emulator-port choose others)")
    if args.data_dir:
        data = args.data_dir.resolve()
        if data.exists() and any(data.iterdir()):
            parser.error(f"{data} is not empty: the pictures need a fresh data folder")
        data.mkdir(parents=True, exist_ok=True)
    else:
        data = Path(tempfile.mkdtemp(prefix="qbd-screenshots-"))
    args.out.mkdir(parents=True, exist_ok=True)
    began, done = time.monotonic(), False
    procs = Processes(child_env(data, args.dagster_port, args.emulator_port), cwd=data)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)  # also when started in the background with SIGINT ignored
    try:
        say(f"data folder {data}; logs in {data / 'logs'}")
        (data / "logs").mkdir()
        say(f"seeding a company of {args.customers:,} customers")
        seed_company(procs, data, args.customers, data / "logs" / "seed.log")
        say("qbd-pipeline demo (full initial load, push-back)")
        procs.run("qbd-pipeline demo", [*cli(), "demo"], data / "logs" / "demo.log", timeout=900)
        say(f"qbd-pipeline companies add {END_USER} (the WMS companies table and the instance's partition)")
        procs.run("qbd-pipeline companies add", [*cli(), "companies", "add", END_USER], data / "logs" / "companies.log",
                  timeout=120, env={"DAGSTER_HOME": str(data / "dagster_home")})
        if one(data, "SELECT status FROM companies WHERE id = ?", END_USER) != ("active",):
            raise RuntimeError(f"company file {END_USER} is not an active row of the WMS companies table")
        first = (data / "pull_start.txt").read_text().strip()
        today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        bad_customer = break_a_record(data)
        refused_change = edit_a_name_quickbooks_refuses(data)
        say(f"customer {bad_customer} now breaks the API contract; wms_changes {refused_change} renames a "
            f"customer to {len(LONG_NAME)} characters")
        say(f"qbd-pipeline dev (UI on port {args.dagster_port}, emulator on {args.emulator_port})")
        dev = procs.start("qbd-pipeline dev", [*cli(), "dev"], data / "logs" / "dev.log")
        dagster, emulator = Dagster(args.dagster_port), Emulator(args.emulator_port)
        wait_for("the Dagster UI and its code location", dagster.loaded, 300, every=1, alive=dev)
        push = dagster.launch("wms_push_back", tags={COMPANY_TAG: END_USER})
        dagster.wait(push)
        status = one(data, "SELECT status, last_error FROM wms_changes WHERE company = ? AND id = ?", END_USER,
                     refused_change)
        say(f"wms_push_back {push}: the renamed customer's change is {status}")
        if status[0] != "failed":
            raise RuntimeError(f"expected QuickBooks to refuse the {len(LONG_NAME)}-character name: {status}")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            try:
                page = chromium.new_context(viewport=VIEWPORT).new_page()
                take(Browser(page, dagster.base, args.out), dagster, emulator, data, first, today, refused_change,
                     bad_customer)
            finally:
                chromium.close()
        say(f"sync_error_list of {END_USER}: " + str(rows(
            data, "SELECT direction, entity, qbd_id, code, message FROM sync_error_list WHERE company = ?", END_USER)))
        done = True
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        procs.stop_all()
        if args.keep_data or not done:
            say(f"kept {data}" + ("" if done else " (to see what went wrong: logs/, dagster_home/)"))
        else:
            shutil.rmtree(data, ignore_errors=True)
    say(f"done in {time.monotonic() - began:.0f} s: {len(list(args.out.glob('*.png')))} PNGs in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
