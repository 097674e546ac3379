"""Benchmark: seed an emulated company of N customers and page through all of them with the SDK.

    .venv/bin/python benchmarks/emulator_scale.py 100000

Prints seconds to seed, peak RSS, requests, and page latency (p50/p95/max) for a full customer
listing at limit=150 through the real SDK over HTTP. Figures, not assertions: speed is measured here,
never by timed tests.
"""

import resource
import statistics
import sys
import time
from datetime import datetime, timezone

import conductor

from qbd_pipeline.emulator.generator import CompanySizes
from qbd_pipeline.emulator.server import EmulatorServer
from qbd_pipeline.emulator.state import EmulatorConfig


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(customers: int) -> None:
    config = EmulatorConfig(sizes=CompanySizes.scaled(customers),
                            history_end=datetime(2026, 6, 1, tzinfo=timezone.utc))
    began = time.perf_counter()
    server = EmulatorServer(config).start()
    seeded = time.perf_counter() - began
    rss_after_seed = peak_rss_mb()
    client = conductor.Conductor(api_key=config.secret_keys[0], base_url=server.base_url, max_retries=0)
    end_user = config.end_user_ids[0]
    page = client.qbd.customers.list(conductor_end_user_id=end_user, status="all", limit=150,
                                     exclude_alternate_shipping_addresses=True)
    latencies, fetched, began = [], 0, time.perf_counter()
    while True:
        fetched += len(page.data)
        if not page.has_next_page():
            break
        t = time.perf_counter()
        page = page.get_next_page()
        latencies.append(time.perf_counter() - t)
    listed = time.perf_counter() - began
    counts = {p: server.emulator.store.count(end_user, p) for p in ("customers", "sales-orders", "invoices")}
    server.stop()
    q = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
    print(f"customers={customers} records={counts} seed_s={seeded:.1f} rss_after_seed_mb={rss_after_seed:.0f}")
    print(f"listed={fetched} requests={len(latencies) + 1} list_s={listed:.1f} "
          f"page_ms p50={statistics.median(latencies) * 1000:.1f} p95={q[18] * 1000:.1f} "
          f"max={max(latencies) * 1000:.1f} peak_rss_mb={peak_rss_mb():.0f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
