"""`make demo`: two seeded demo company files synced both ways with one local SQLite WMS.

Everything lives under the data folder ($QBD_DATA_DIR, default ./data): the WMS, the emulator's
company (so it survives restarts) and the Dagster instance, so `make dev` shows the same runs.
"""

import os
import shutil
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .settings import DATA_DIR_VAR, data_dir
from .spec.entities import ENTITIES

DEMO_SECRET_KEY = "sk_test_emulator"
DEMO_END_USER = "end_usr_emulator"
DEMO_BRANCH = "end_usr_emulator_branch"  # the demo's second company file (a second warehouse's books)


def demo_companies() -> list[str]:
    """The demo's company files: `CONDUCTOR_END_USER_ID`'s (the first) and the branch's."""
    first = os.environ["CONDUCTOR_END_USER_ID"]
    return [first] + ([DEMO_BRANCH] if first != DEMO_BRANCH else [])
ENTITY_ORDER = tuple(e.name for e in ENTITIES)


def register_demo_companies(engine) -> None:
    """Both demo company files in the WMS and as partitions of the instance, as `qbd-pipeline companies
    add` puts them."""
    import dagster as dg

    from .quickbooks.partitions import ensure_companies
    from .sync.companies import register

    with engine.begin() as connection:
        for company in demo_companies():
            register(connection, company)
    with dg.DagsterInstance.get() as instance:
        ensure_companies(instance, demo_companies())


def load_dotenv_file() -> None:
    """Read `./.env` as `dagster dev` would, without overriding what the shell already exports."""
    from dotenv import load_dotenv

    load_dotenv(Path.cwd() / ".env", override=False)


def prepare_environment(port: int) -> Path:
    """Point Conductor at the local emulator and Dagster at the data folder (unless already set).

    `.env` is read first, so `make demo` and `make dev` see the same settings; the Conductor URL is
    always the local emulator's.
    """
    load_dotenv_file()
    folder = data_dir()
    # Resolved once, here, and exported absolute: `dagster dev` and every process it starts run from
    # the data folder itself, where a relative `data` would name `data/data`.
    os.environ[DATA_DIR_VAR] = str(folder)
    home = folder / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    instance_yaml, shipped = home / "dagster.yaml", Path(__file__).resolve().parents[1] / "dagster.yaml"
    # The project's instance config, kept current: a data folder from an older version gets the new one.
    if not instance_yaml.exists() or instance_yaml.read_bytes() != shipped.read_bytes():
        shutil.copy(shipped, instance_yaml)
    os.environ.setdefault("DAGSTER_HOME", str(home))
    # The demo's daily partitions start two days back (kept in the data folder so `make dev` agrees);
    # the first partition also takes all older history, so the load is still complete.
    start_file = folder / "pull_start.txt"
    if not start_file.exists():
        start = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=2)
        start_file.write_text(start.strftime("%Y-%m-%d"))
    os.environ.setdefault("QBD_PULL_START", start_file.read_text().strip())
    os.environ.setdefault("CONDUCTOR_SECRET_KEY", DEMO_SECRET_KEY)
    os.environ.setdefault("CONDUCTOR_END_USER_ID", DEMO_END_USER)
    os.environ["CONDUCTOR_BASE_URL"] = f"http://127.0.0.1:{port}/v1"
    return folder


# The runs' consoles show only errors: the demo prints its own tables, and Dagster's events stay in the
# instance, where the UI shows them.
QUIET_PULL = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
QUIET_PUSH = {"console_log_level": "ERROR"}


def print_table(rows: list[dict]) -> None:
    """One row per entity; the total's seconds are the sum of the steps'."""
    header = f"{'entity':<24}{'fetched':>9}{'inserted':>10}{'updated':>9}{'unchanged':>11}{'failed':>8}{'seconds':>9}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['entity']:<24}{row['fetched']:>9}{row['inserted']:>10}{row['updated']:>9}"
              f"{row['unchanged']:>11}{row['failed']:>8}{row['seconds']:>9.2f}")
    print(f"{'total':<24}{sum(r['fetched'] for r in rows):>9}{sum(r['inserted'] for r in rows):>10}"
          f"{sum(r['updated'] for r in rows):>9}{sum(r['unchanged'] for r in rows):>11}"
          f"{sum(r['failed'] for r in rows):>8}{sum(r['seconds'] for r in rows):>9.2f}")


def push_back_act(defs, engine, port: int) -> int:
    """Edit a few WMS rows (one also in QuickBooks), let the sensor start the push-back, show the outcome."""
    from decimal import Decimal

    import conductor
    import dagster as dg
    import httpx
    import sqlalchemy as sa


    began = datetime.now(timezone.utc)
    stamp = began.strftime("%H%M%S")
    end_user, key = os.environ["CONDUCTOR_END_USER_ID"], os.environ["CONDUCTOR_SECRET_KEY"]
    client = conductor.Conductor(api_key=key, base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
    headers = {"Authorization": f"Bearer {key}", "Conductor-End-User-Id": end_user}
    branch = demo_companies()[-1]
    with engine.connect() as connection:
        customer_id, phone, item_id, price, invoice_id = connection.execute(sa.text(
            "SELECT c.qbd_id, c.phone, i.qbd_id, i.sales_price, v.qbd_id FROM "
            "(SELECT qbd_id, phone FROM customers WHERE company = :c AND is_active ORDER BY id LIMIT 1) c, "
            "(SELECT qbd_id, sales_price FROM items WHERE company = :c AND item_type = 'inventory' AND is_active "
            "ORDER BY id LIMIT 1) i, "
            "(SELECT qbd_id FROM invoices WHERE company = :c ORDER BY id LIMIT 1) v"), {"c": end_user}).one()
        branch_customer, branch_phone = connection.execute(sa.text(
            "SELECT qbd_id, phone FROM customers WHERE company = :c AND is_active ORDER BY id LIMIT 1"),
            {"c": branch}).one()
    # New values derived from the current ones, so every run changes every row it touches.
    digits = int("".join(ch for ch in phone or "" if ch.isdigit())[-4:] or 0)
    new_phone = f"555-{(digits + 1) % 10000:04d}"
    branch_digits = int("".join(ch for ch in branch_phone or "" if ch.isdigit())[-4:] or 0)
    new_branch_phone = f"555-{(branch_digits + 1) % 10000:04d}"
    price = Decimal(str(price or 0))
    qbd_price, wms_price = price + Decimal("0.50"), price + Decimal("1.00")
    # A person in QuickBooks changes the item's price an hour ago ...
    httpx.post(f"http://127.0.0.1:{port}/_emulator/clock", headers=headers,
               json={"now": (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()})
    item = client.qbd.inventory_items.retrieve(item_id, conductor_end_user_id=end_user)
    client.qbd.inventory_items.update(item_id, revision_number=item.revision_number, sales_price=str(qbd_price),
                                      conductor_end_user_id=end_user)
    httpx.delete(f"http://127.0.0.1:{port}/_emulator/clock", headers=headers)
    # ... and the warehouse edits rows with plain SQL, as its application would.
    # Rows name their company file: with two, a new row says which one it is for.
    edits = [
        ("UPDATE customers SET phone = :v WHERE company = :c AND qbd_id = :q",
         {"v": new_phone, "q": customer_id, "c": end_user}),
        ("UPDATE items SET sales_price = :p WHERE company = :c AND qbd_id = :q",
         {"p": str(wms_price), "q": item_id, "c": end_user}),
        ("UPDATE invoices SET memo = :m WHERE company = :c AND qbd_id = :q",
         {"m": f"edited in the WMS at {stamp}", "q": invoice_id, "c": end_user}),
        ("INSERT INTO customers (company, name, full_name, is_active, email) "
         "VALUES (:c, :n, :n, true, 'demo@example.com')", {"n": f"Demo Walk-in {stamp}", "c": end_user}),
        ("INSERT INTO sales_orders (company, customer_name, transaction_date, memo) VALUES (:c, :n, :d, 'demo order')",
         {"n": f"Demo Walk-in {stamp}", "d": datetime.now(timezone.utc).date(), "c": end_user}),
        ("INSERT INTO sales_order_lines (header_id, line_number, item_qbd_id, quantity, rate) "
         "SELECT max(id), 1, :i, 2, :p FROM sales_orders", {"i": item_id, "p": str(wms_price)}),
        ("UPDATE customers SET phone = :v WHERE company = :c AND qbd_id = :q",
         {"v": new_branch_phone, "q": branch_customer, "c": branch}),
    ]
    with engine.begin() as connection:
        for statement, params in edits:
            connection.execute(sa.text(statement), params)
    print(f"push: edited with plain SQL, in {end_user}: a customer's phone ({new_phone}), an item's price "
          f"({wms_price}; {qbd_price} in QuickBooks an hour earlier), an invoice memo, and a new customer "
          f"'Demo Walk-in {stamp}' with an order; in {branch}: a customer's phone ({new_branch_phone})")
    status = 0
    with dg.DagsterInstance.get() as instance:
        sensor = defs.resolve_sensor_def("wms_change_sensor")
        with dg.build_sensor_context(instance=instance, resources={
                "wms": defs.resources["wms"], "conductor": defs.resources["conductor"]}) as context:
            tick = sensor.evaluate_tick(context)
        if not tick.run_requests:
            print(f"wms_change_sensor: {tick.skip_message}")
            return 1
        for request in tick.run_requests:  # one push-back run per company file
            print(f"wms_change_sensor: {request.tags['qbd/end_user']}: {request.tags['qbd/pending_changes']} pending "
                  "change(s) -> run wms_push_back")
            result = defs.resolve_job_def("wms_push_back").execute_in_process(
                instance=instance, tags=request.tags, raise_on_error=False, run_config=QUIET_PUSH)
            status |= _push_report(engine, result, began)
    return status


def _push_report(engine, result, began: datetime) -> int:
    import sqlalchemy as sa

    from .sync.conflicts import describe
    from .wms.schema import sync_conflicts, wms_changes

    company = result.dagster_run.tags.get("qbd/end_user")
    print()
    print(f"{'entity':<24}{'pushed':>8}{'created':>9}{'updated':>9}{'skipped':>9}{'failed':>8}{'conflicts':>11}")
    for node in ENTITY_ORDER:
        out = result.output_for_node(f"push_{node}") if result.success else None
        if out:
            print(f"{node:<24}{out['pushed']:>8}{out['created']:>9}{out['updated']:>9}{out['skipped']:>9}"
                  f"{out['failed']:>8}{out['conflicts']:>11}")
    with engine.connect() as connection:
        # Conflicts are decided once, by the pull or the push that meets them first.
        decided = connection.execute(sa.select(sync_conflicts).where(
            sync_conflicts.c.decided_at >= began, sync_conflicts.c.company == company)).all()
        skipped = connection.execute(sa.select(wms_changes.c.entity, wms_changes.c.last_error).where(
            wms_changes.c.run_id == result.run_id, wms_changes.c.status == "skipped")).all()
    print()
    for conflict in decided:
        print(describe(conflict._asdict()))  # as the run's log says it
    for entity, reason in skipped:
        print(f"skipped: {entity}: {reason}")
    print(f"push-back run {result.run_id} ({company}) {'succeeded' if result.success else 'FAILED'}")
    print()
    return 0 if result.success else 1


def pull_act(defs, engine, company: str) -> int:
    """The first run loads everything (the partitions to today, in one run); later runs pull today's
    partition, which fetches what changed since the last run (from the high-water marks)."""
    import dagster as dg
    import sqlalchemy as sa

    from .quickbooks.partitions import days, ensure_companies, key
    from .settings import COMPANY_TAG
    from .wms.schema import sync_state

    with engine.connect() as connection:
        marked = connection.execute(sa.select(sa.func.count()).select_from(sync_state).where(
            sync_state.c.company == company, sync_state.c.fetched_through.is_not(None))).scalar_one()
    first, last = days.get_first_partition_key(), days.get_last_partition_key()
    initial = marked < len(ENTITY_ORDER)
    tags = {COMPANY_TAG: company}
    if initial:
        count = len(days.get_partition_keys())
        print(f"pull: a full initial load of company file {company}, days {first} .. {last} ({count}) in one run ...")
        tags.update({"dagster/asset_partition_range_start": str(key(company, first)),
                     "dagster/asset_partition_range_end": str(key(company, last))})
    else:
        print(f"pull: what changed in company file {company} since the last run (day {last}, from the high-water "
              "marks) ...")
    began = time.monotonic()
    with dg.DagsterInstance.get() as instance:
        ensure_companies(instance, [company])
        result = defs.resolve_job_def("qbd_incremental_pull").execute_in_process(
            instance=instance, raise_on_error=False, tags=tags, run_config=QUIET_PULL,
            partition_key=None if initial else key(company, last))
    wall = time.monotonic() - began
    rows = {}
    for event in result.get_asset_materialization_events():
        entity = event.materialization.asset_key.path[-1]
        md = {k: v.value for k, v in event.materialization.metadata.items()}
        rows[entity] = {"entity": f"qbd/{entity}", **{k: md[k] for k in (
            "fetched", "inserted", "updated", "unchanged", "failed")}, "seconds": md["seconds"]}
    print()
    print_table([rows[e] for e in ENTITY_ORDER if e in rows])
    print()
    failed = [f"{e.asset_key.to_user_string()} {e.check_name}: {e.description}"
              for e in result.get_asset_check_evaluations() if not e.passed]
    for line in failed:
        print(f"check failed: {line}")
    steps = sum(r["seconds"] for r in rows.values())
    if not result.success:
        print(f"pull run {result.run_id} FAILED; open the UI with `make dev` to see why", file=sys.stderr)
        return 1
    print(f"pull run {result.run_id} succeeded: {steps:.2f} s in the pull steps, {wall:.2f} s in all "
          f"(Dagster's own bookkeeping the rest); {len(result.get_asset_check_evaluations())} checks, "
          f"{len(failed)} failed")
    return 0


def main() -> int:
    from .processes import emulator_process, free_port

    port = free_port()
    folder = prepare_environment(port)
    print(f"data folder: {folder} (the WMS, the demo company and the Dagster instance; `make clean-data` "
          "starts over)")
    with emulator_process(folder / "emulator.sqlite", port, end_users=demo_companies()):
        from .definitions import defs
        from .wms.migrate import current_revision, upgrade
        from .wms.resources import engine_from_env

        engine = engine_from_env()
        upgrade(engine)
        register_demo_companies(engine)
        print(f"WMS: {engine.url.render_as_string(hide_password=True)} (schema {current_revision(engine)}), "
              f"company files {', '.join(demo_companies())}")
        status = 0
        for company in demo_companies():
            status = status or pull_act(defs, engine, company)
        if status == 0:
            print()
            status = push_back_act(defs, engine, port)
    print(f"the runs are in {os.environ['DAGSTER_HOME']}; open the Dagster UI on the same instance, WMS and "
          "emulator with:  make dev")
    return status


if __name__ == "__main__":
    sys.exit(main())
