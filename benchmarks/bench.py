"""`make bench`: the customers pull against its floors and a naive baseline, the hourly incremental
partition and the push-back, per company size and WMS dialect, in one table.

    .venv/bin/python benchmarks/bench.py [--sizes 10000 100000] [--million] [--dialects sqlite postgres]
                                         [--repeat 3] [--latency] [--write]

The emulator runs in a process of its own, seeded once per size (a full load does not change
QuickBooks' data, so every dialect's loads read the same company); each Dagster load runs in a fresh
process (`bench_worker.py`), so its peak RSS is its own. The incremental and push-back measurements
come after every read and load of a size. docs/benchmarks.md (`--write`) says what each row measures
and how to read the ratios. Figures, not tests: `make test` only checks that this command runs.
"""

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's qbd_pipeline, whatever the virtualenv points at

import bench_measure as m  # noqa: E402
from bench_report import Row, machine, text_table, write_doc  # noqa: E402

LATENCY = (40.0, 0.5)  # ms per request, ms per record: see docs/benchmarks.md


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def worker(mode: str, spec: dict) -> dict:
    """One `bench_worker.py` call in a fresh process; its line of JSON."""
    done = subprocess.run([sys.executable, str(HERE / "bench_worker.py"), mode, json.dumps(spec)], cwd=m.ROOT,
                          env=m.child_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"bench_worker.py {mode} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict]) -> dict:
    """The median run (by seconds; of an even number, the faster middle one), with the highest peak
    RSS of all."""
    out = {**sorted(runs, key=lambda r: r["seconds"])[(len(runs) - 1) // 2], "runs": len(runs)}
    if "peak_rss_mb" in runs[0]:
        out["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    return out


def reads_and_loads(server: m.Emulator, size: int, args, work: Path, keep: dict | None, label: str = "") -> dict:
    """Floor, SDK read (not with latency) and each dialect's full load, `--repeat` times, interleaved so
    that a busy moment of the machine weighs on all of them alike. `keep` receives each dialect's last
    loaded WMS."""
    floors, sdks, loads = [], [], {d: [] for d in args.dialects}
    for run in range(args.repeat):
        floors.append(m.floor_read(server))
        if not label:
            sdks.append(m.sdk_read(server))
        say(f"{label}{size:,}: run {run + 1}/{args.repeat}: floor {floors[-1]['seconds']:.2f} s"
            + (f", SDK read {sdks[-1]['seconds']:.2f} s" if sdks else ""))
        for dialect in args.dialects:
            wms = m.new_wms(dialect, work)
            try:
                loads[dialect].append(worker("load", {"base_url": server.base_url, "wms_url": wms.url}))
            except BaseException:
                m.drop_wms(wms)
                raise
            say(f"{label}{size:,}: run {run + 1}/{args.repeat}: full load {dialect} "
                f"{loads[dialect][-1]['seconds']:.2f} s, peak RSS {loads[dialect][-1]['peak_rss_mb']:.0f} MB")
            if keep is None:
                m.drop_wms(wms)
            else:  # the last load of each dialect stays, for the incremental run and the pushes
                if dialect in keep:
                    m.drop_wms(keep[dialect])
                keep[dialect] = wms
    return {"floor": median_of(floors), "sdk": median_of(sdks) if sdks else None,
            "load": {d: median_of(v) for d, v in loads.items()}}


def measure_size(size: int, args, work: Path, log: Path) -> dict:
    state = work / f"emulator_{size}.sqlite"
    kept: dict[str, m.Wms] = {}
    out: dict = {}
    try:
        say(f"{size:,}: seeding the emulator ...")
        began = time.perf_counter()
        with m.emulator(size, state, log=log) as server:
            out["seed"] = time.perf_counter() - began
            out.update(reads_and_loads(server, size, args, work, kept))
            out["naive"] = {}
            for dialect in args.dialects:
                out["naive"][dialect] = m.naive_load(server, dialect, work, min(args.naive_records, size))
                say(f"{size:,}: naive per-row {dialect}: {out['naive'][dialect]['ms_per_record']:.2f} ms/record")
        if args.latency and size == args.latency_size:  # the same company, answering at QuickBooks' pace
            with m.emulator(size, state, latency=LATENCY, log=log) as server:
                out["latency"] = reads_and_loads(server, size, args, work, None, "latency ")
        with m.emulator(size, state, log=log) as server:
            changed = m.change_customers(server, args.changes)
            say(f"{size:,}: {len(changed)} customers edited in QuickBooks")
            out["followups"] = worker("followups", {
                "base_url": server.base_url, "changes": args.changes,
                "wms": [{"dialect": d, "url": kept[d].url, "offset": i * args.changes, "label": f"{d[:2]} {size}"}
                        for i, d in enumerate(args.dialects)]})
            for dialect, f in out["followups"].items():
                say(f"{size:,}: {dialect}: incremental {f['incremental']['seconds']:.2f} s, push updates "
                    f"{f['push_updates']['requests_per_change']} req/change, creates "
                    f"{f['push_creates']['requests_per_change']} req/change")
    finally:
        for wms in kept.values():
            m.drop_wms(wms)
        state.unlink(missing_ok=True)
    return out


def verdict(value: float, op: str, bound: float, where: str | None = None, unit: str = "") -> dict:
    """The target and whether `value` meets it; `where` (e.g. "at 100k") says where a target applies
    when it does not apply to this row (then no verdict)."""
    target = f"{op} {bound:g}{unit}"
    if where:
        return {"target": f"{target} {where}", "verdict": "-"}
    met = value <= bound if op == "<=" else value >= bound
    return {"target": target, "verdict": "met" if met else "UNMET"}


def rate(records: int, seconds: float) -> str:
    return f"{records / seconds:,.0f} rec/s" if seconds else "-"


def load_rows(size: int, dialect: str, load: dict, floor: dict, sdk: dict | None, prefix: str = "") -> list[Row]:
    rows = [Row(f"{prefix}full load", size, dialect, f"{load['seconds']:.2f} s",
                f"{load['fetched']:,} fetched, {load['api_requests']} requests, step {load['step_seconds']:.2f} s, "
                f"{load['partitions']} partitions, {rate(load['fetched'], load['seconds'])}")]
    full_floor = load["seconds"] / floor["seconds"]
    if prefix:
        rows.append(Row(f"{prefix}full/floor", size, dialect, f"{full_floor:.2f}x",
                        **verdict(full_floor, "<=", 1.05)))
        return rows
    rows.append(Row("full/floor", size, dialect, f"{full_floor:.2f}x",
                    **verdict(full_floor, "<=", 1.5, None if size == 100_000 else "at 100k")))
    full_sdk = load["seconds"] / sdk["seconds"]
    rows.append(Row("full/SDK", size, dialect, f"{full_sdk:.2f}x", **verdict(full_sdk, "<=", 1.0)))
    rows.append(Row("full load peak RSS", size, dialect, f"{load['peak_rss_mb']:.0f} MB",
                    f"{load['rss_before_mb']:.0f} MB before the run (imports)",
                    **verdict(load["peak_rss_mb"], "<=", 400, None if size == 1_000_000 else "at 1M", " MB")))
    return rows


def size_rows(size: int, out: dict, dialects: list[str]) -> list[Row]:
    floor, sdk = out["floor"], out["sdk"]
    rows = [Row("emulator seed", size, "", f"{out['seed']:.1f} s", "seeded once, read by every dialect"),
            Row("floor", size, "", f"{floor['seconds']:.2f} s", f"{floor['records']:,} records, {floor['requests']} "
                f"requests, {rate(floor['records'], floor['seconds'])}"),
            Row("SDK read", size, "", f"{sdk['seconds']:.2f} s", rate(sdk["records"], sdk["seconds"]))]
    for dialect in dialects:
        load, naive = out["load"][dialect], out["naive"][dialect]
        rows += load_rows(size, dialect, load, floor, sdk)
        extrapolated = naive["ms_per_record"] * size / 1000
        rows.append(Row("naive per-row", size, dialect, f"{naive['ms_per_record']:.2f} ms/record",
                        f"{naive['records']:,} records; extrapolated {extrapolated:,.1f} s for {size:,}"))
        ratio = extrapolated / load["seconds"]
        rows.append(Row("naive/full", size, dialect, f"{ratio:.1f}x",
                        **verdict(ratio, ">=", 30, None if dialect == "postgres" else "on postgres")))
        f = out["followups"][dialect]
        inc = f["incremental"]
        rows.append(Row("incremental", size, dialect, f"{inc['seconds']:.2f} s",
                        f"{inc['fetched']} fetched, {inc['api_requests']} requests, step {inc['step_seconds']:.2f} s, "
                        f"{inc['checks']} checks, partition {inc['partition']}"))
        for kind in ("updates", "creates"):
            push = f[f"push_{kind}"]
            rows.append(Row(f"push {kind}", size, dialect, f"{push['requests_per_change']:.3f} req/change",
                            f"{1000 * push['seconds_per_change']:.0f} ms/change, {push['changes']} changes, "
                            f"{push['api_requests']} requests, {push['created'] + push['updated']} pushed, "
                            f"{push['failed']} failed", **verdict(push["requests_per_change"], "<=", 1.05)))
    return rows


def scaling_rows(results: dict, dialects: list[str]) -> list[Row]:
    """The largest size against 10,000: the incremental run and the load's peak RSS."""
    largest = max(results)
    if 10_000 not in results or largest == 10_000:
        return []
    rows = []
    for dialect in dialects:
        small, big = results[10_000], results[largest]
        inc = (big["followups"][dialect]["incremental"]["seconds"]
               / small["followups"][dialect]["incremental"]["seconds"])
        rows.append(Row("incremental largest/10k", largest, dialect, f"{inc:.2f}x", **verdict(inc, "<=", 1.2)))
        rss_big, rss_small = big["load"][dialect]["peak_rss_mb"], small["load"][dialect]["peak_rss_mb"]
        rows.append(Row("peak RSS largest/10k", largest, dialect, f"{rss_big / rss_small:.2f}x",
                        f"{rss_big:.0f} MB vs {rss_small:.0f} MB",
                        **verdict(rss_big / rss_small, "<=", 1.1, None if largest == 1_000_000 else "at 1M")))
    return rows


def latency_rows(size: int, latency: dict, dialects: list[str]) -> list[Row]:
    floor = latency["floor"]
    rows = [Row("latency floor", size, "", f"{floor['seconds']:.2f} s",
                f"{LATENCY[0]:g} ms/request + {LATENCY[1]:g} ms/record; {floor['requests']} requests, "
                f"{rate(floor['records'], floor['seconds'])}")]
    for dialect in dialects:
        rows += load_rows(size, dialect, latency["load"][dialect], floor, None, "latency ")
    return rows


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000], help="customers per company")
    parser.add_argument("--million", action="store_true", help="add 1,000,000 customers to the sizes")
    parser.add_argument("--dialects", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the floor, SDK read and full load (median)")
    parser.add_argument("--changes", type=int, default=100, choices=range(1, 151), metavar="1..150",
                        help="QuickBooks edits before the incremental run; WMS updates and creates per push run")
    parser.add_argument("--naive-records", type=int, default=2000, help="records the naive per-row load writes")
    parser.add_argument("--latency", action="store_true", help="floor and full load again with QuickBooks' latency")
    parser.add_argument("--latency-size", type=int, default=10_000, help="customers for the latency rows")
    parser.add_argument("--write", action="store_true", help="write the table and the machine to docs/benchmarks.md")
    args = parser.parse_args(argv)
    args.sizes = sorted(set(args.sizes) | ({1_000_000} if args.million else set()))
    if min(args.sizes) < args.changes * (len(args.dialects) + 1):
        parser.error(f"--sizes must be at least {args.changes * (len(args.dialects) + 1)} for {args.changes} changes")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    postgres = m.postgres_version() if "postgres" in args.dialects else None
    if "postgres" in args.dialects and postgres is None:
        say(f"PostgreSQL does not answer at {m.POSTGRES} (QBD_TEST_POSTGRES_URL); run with --dialects sqlite")
        return 2
    info = machine(postgres)
    work = m.temporary_folder()
    log = work / "emulator.log"
    m.warm_sdk()
    results: dict[int, dict] = {}
    try:
        for size in args.sizes:
            results[size] = measure_size(size, args, work, log)
        latency = results.get(args.latency_size, {}).get("latency")
        if args.latency and latency is None:  # a size of its own
            state = work / "emulator_latency.sqlite"
            say(f"latency {args.latency_size:,}: seeding the emulator ...")
            with m.emulator(args.latency_size, state, latency=LATENCY, log=log) as server:
                latency = reads_and_loads(server, args.latency_size, args, work, None, "latency ")
    except BaseException:
        if log.exists():
            say(f"emulator log:\n{log.read_text()[-3000:]}")
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = [r for size in args.sizes for r in size_rows(size, results[size], args.dialects)]
    rows += scaling_rows(results, args.dialects)
    if latency is not None:
        rows += latency_rows(args.latency_size, latency, args.dialects)
    print(text_table(rows))
    if args.write:
        command = shlex.join(["python", "benchmarks/bench.py", *(sys.argv[1:] if argv is None else argv)])
        say(f"wrote {write_doc(rows, command, info)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
