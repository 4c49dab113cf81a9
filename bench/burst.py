"""Back-pressure: a burst of N real articles at once, memory and group membership over time.

    python bench/burst.py [--n 10000] [--sample-s 5]

Produces N articles (Reuters English and 10kGNAD German, mixed) to the raw topic of one
worker on the embedded broker as fast as the producer goes, then waits for all of them
on the enriched topic. Every ``--sample-s`` seconds it records the worker tree's RSS,
the articles enriched so far, the consumer lag the worker reports and
``wirestream_partition_assignments_total``: if heartbeats starved during the burst the
group would rebalance and that counter would grow. Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.throughput import process_tree, status_kb, wait_for_keys, warm_worker
from tests.scenarios.corpora import mixed_articles, require_shared
from wirestream.streams.brokers.tansu import free_port
from wirestream.streams.kafka.kafka_io import OutMessage, produce
from wirestream.streams.tools.worker_process import scrape


def summed(samples: dict[str, float], prefix: str) -> float:
    return sum(v for k, v in samples.items() if k.startswith(prefix))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--sample-s", type=float, default=5.0)
    args = parser.parse_args()
    require_shared()
    workdir = Path(tempfile.mkdtemp(prefix="wirestream-burst-"))
    port = str(free_port())
    env = {"WIRESTREAM_TOPICS__PREFIX": "burst.", "WIRESTREAM_APP_ID": "wirestream-burst",
           "WIRESTREAM_METRICS_PORT": port, "WIRESTREAM_DATA_DIR": str(workdir),
           "WIRESTREAM_BROKER_PROFILE": "tansu", "WIRESTREAM_LAG_CHECK_S": "2"}
    os.environ.update(env)
    articles = mixed_articles(args.n)
    rows: list[dict[str, float]] = []
    with warm_worker(workdir, env, b"burst:warmup") as (broker, topics, worker):
        done = threading.Event()
        started = time.monotonic()

        def sample() -> None:
            # Polls on a schedule until the burst is through (a measurement, not a wait).
            while not done.wait(args.sample_s):
                try:
                    metrics = scrape(port)
                except OSError:
                    continue
                rows.append({
                    "t_s": round(time.monotonic() - started, 1),
                    "rss_mb": round(sum(status_kb(p, "VmRSS")
                                        for p in process_tree(worker.pid)) / 1024),
                    "enriched": summed(metrics, "wirestream_articles_enriched_total"),
                    "lag": summed(metrics, "wirestream_consumer_lag_messages"),
                    "assignments": metrics.get("wirestream_partition_assignments_total",
                                               0.0),
                })

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        messages = [OutMessage(str(a["id"]).encode(), json.dumps(a).encode())
                    for a in articles]
        asyncio.run(produce(broker.url, topics["raw"], messages))
        produced_s = time.monotonic() - started
        asyncio.run(wait_for_keys(broker.url, topics["enriched"],
                                  {m.key for m in messages if m.key}, worker, 7200))
        elapsed = time.monotonic() - started
        done.set()
        sampler.join()
        final = scrape(port)
        peak = {("worker" if pid == worker.pid else f"child-{pid}"):
                round(status_kb(pid, "VmHWM") / 1024) for pid in process_tree(worker.pid)}
    print(f"{'t_s':>8}{'rss_mb':>8}{'enriched':>10}{'lag':>8}{'assign':>8}")
    for row in rows:
        print(f"{row['t_s']:>8}{row['rss_mb']:>8}{row['enriched']:>10.0f}{row['lag']:>8.0f}"
              f"{row['assignments']:>8.0f}")
    assignments = [r["assignments"] for r in rows if r["assignments"]]
    result = {
        "articles": args.n, "produce_s": round(produced_s, 1), "seconds": round(elapsed, 1),
        "articles_per_s": round(args.n / elapsed, 1),
        "rss_mb_first": rows[0]["rss_mb"] if rows else None,
        "rss_mb_max": max((r["rss_mb"] for r in rows), default=None),
        "rss_mb_last": rows[-1]["rss_mb"] if rows else None,
        "peak_rss_mb": peak, "max_lag": max((r["lag"] for r in rows), default=None),
        "rebalances_during_burst": (max(assignments) - min(assignments)) if assignments else None,
        "partition_assignments_total": final.get("wirestream_partition_assignments_total"),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
