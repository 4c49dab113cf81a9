"""Soak: one worker on the embedded broker, real articles at a steady rate for N minutes.

    nice -n 10 python bench/soak.py --minutes 30 --rate 4 --window 300 [--png soak.png]

Every minute it prints the resident memory of the worker and its spaCy processes, the
broker's, the near-duplicate index size, the articles enriched so far and the lag. The
near-duplicate window is short (``--window`` seconds, WIRESTREAM_DEDUP_WINDOW_S) so it
fills during the run; after it filled, memory and index size should be flat: the summary
gives their slope (per minute) and range over that part. 10 % of the articles are copies
of a recent one under a new id, 5 % new versions. Last line: JSON with the whole series.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiokafka import AIOKafkaProducer

from tests.scenarios.corpora import mixed_articles, require_shared
from tests.scenarios.processes import (
    REPO_ROOT,
    await_ready,
    deployment_env,
    descendants,
    metric_sum,
    rss_kib,
    scrape,
)
from wirestream.config.settings import settings_with_env as settings_for
from wirestream.streams.brokers.tansu import EmbeddedBroker
from wirestream.streams.kafka.admin import bootstrap_servers, ensure_app_topics
from wirestream.streams.tools.worker_process import WorkerProcess


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / var if var else 0.0


def stream_of_articles(n: int, seed: int) -> list[dict[str, Any]]:
    """n documents: mostly real articles, some copies of a recent one and new versions."""
    rng = random.Random(seed)
    base = mixed_articles(n)
    out: list[dict[str, Any]] = []
    recent: list[dict[str, Any]] = []
    for i, article in enumerate(base):
        roll = rng.random()
        if recent and roll < 0.10:
            source = rng.choice(recent)
            out.append({**source, "id": f"soak-copy{i}:{source['id']}",
                        "body": f"{source['body']} (Other Wire)"})
        elif recent and roll < 0.15:
            source = rng.choice(recent)
            source = {**source, "version": int(source.get("version") or 1) + 1,
                      "body": f"{source['body']} Updated at {i}."}
            out.append(source)
        else:
            out.append(article)
            recent = [*recent, article][-50:]
    return out


async def produce_steadily(url: str, topic: str, docs: list[dict[str, Any]], rate: float,
                           until: float, sent: list[int]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers(url), linger_ms=5,
                                max_request_size=16 * 1024 * 1024)
    await producer.start()
    try:
        started = time.monotonic()
        i = 0
        while time.monotonic() < until:
            doc = docs[i % len(docs)]
            if i >= len(docs):  # corpus exhausted: the same texts again, as new stories
                doc = {**doc, "id": f"{doc['id']}#{i // len(docs)}"}
            await producer.send_and_wait(topic, json.dumps(doc).encode(),
                                         key=str(doc["id"]).encode())
            i += 1
            sent[0] = i
            # Steady rate: sleep until this message's slot, not a fixed gap.
            await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))
    finally:
        await producer.stop()


def sample(t0: float, worker: WorkerProcess, broker: EmbeddedBroker, port: str,
           sent: int) -> dict[str, Any]:
    samples = scrape(port)
    children = descendants(worker.pid)
    lag = metric_sum(samples, "wirestream_consumer_lag_messages")
    return {
        "minute": round((time.monotonic() - t0) / 60, 2),
        "sent": sent,
        "enriched": int(metric_sum(samples, "wirestream_articles_enriched_total")),
        "index_articles": int(samples.get("wirestream_near_duplicate_index_articles", -1)),
        "worker_rss_mib": round(rss_kib([worker.pid]) / 1024, 1),
        "spacy_rss_mib": round(rss_kib(children) / 1024, 1),
        "tree_rss_mib": round(rss_kib([worker.pid, *children]) / 1024, 1),
        "broker_rss_mib": round(rss_kib([broker.pid] if broker.pid else []) / 1024, 1),
        "lag": int(lag),
        "duplicates": int(samples.get('wirestream_dedup_verdicts_total{verdict="duplicate"}',
                                      0)),
    }


async def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    docs = stream_of_articles(int(args.rate * args.minutes * 60) + 10, args.seed)
    with EmbeddedBroker(log_path=workdir / "tansu.log") as broker:
        env = deployment_env(workdir, "soak", WIRESTREAM_DEDUP_WINDOW_S=str(args.window),
                             WIRESTREAM_NLP_PROCESSES=str(args.processes),
                             WIRESTREAM_LAG_CHECK_S="5")
        settings = settings_for(env, broker.url)
        names = settings.topic_names()
        await ensure_app_topics(settings, broker.url)
        port = env["WIRESTREAM_METRICS_PORT"]
        worker = WorkerProcess(broker.url, workdir / "worker.log", env, cwd=REPO_ROOT)
        series: list[dict[str, Any]] = []
        try:
            await await_ready(port, worker)
            t0 = time.monotonic()
            until = t0 + args.minutes * 60
            sent = [0]
            producer = asyncio.create_task(
                produce_steadily(broker.url, names["raw"], docs, args.rate, until, sent))
            print(f"{'min':>6} {'sent':>6} {'enriched':>8} {'index':>6} {'tree MiB':>9} "
                  f"{'spaCy MiB':>9} {'broker MiB':>10} {'lag':>5}", flush=True)
            next_at = t0
            while not producer.done():
                if time.monotonic() >= next_at:
                    row = await asyncio.to_thread(sample, t0, worker, broker, port, sent[0])
                    series.append(row)
                    print(f"{row['minute']:>6} {row['sent']:>6} {row['enriched']:>8} "
                          f"{row['index_articles']:>6} {row['tree_rss_mib']:>9} "
                          f"{row['spacy_rss_mib']:>9} {row['broker_rss_mib']:>10} "
                          f"{row['lag']:>5}", flush=True)
                    next_at += args.sample_s
                if not worker.alive():
                    raise SystemExit(f"worker died:\n{worker.log_tail()}")
                await asyncio.sleep(0.5)  # loop tick
            await producer
            series.append(await asyncio.to_thread(sample, t0, worker, broker, port, sent[0]))
        finally:
            worker.stop()
    filled = [row for row in series if row["minute"] * 60 >= args.window + 60]
    summary: dict[str, Any] = {
        "minutes": args.minutes, "rate_per_s": args.rate, "window_s": args.window,
        "sent": series[-1]["sent"] if series else 0,
        "enriched": series[-1]["enriched"] if series else 0,
        "samples_after_window_filled": len(filled),
    }
    for key in ("tree_rss_mib", "spacy_rss_mib", "worker_rss_mib", "index_articles",
                "broker_rss_mib"):
        points = [(row["minute"], float(row[key])) for row in filled]
        values = [y for _, y in points]
        summary[f"{key}_slope_per_min"] = round(slope(points), 3)
        summary[f"{key}_range"] = [min(values), max(values)] if values else None
    summary["series"] = series
    return summary


def plot(summary: dict[str, Any], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    series = summary["series"]
    minutes = [row["minute"] for row in series]
    fig, left = plt.subplots(figsize=(8, 4))
    for key in ("tree_rss_mib", "spacy_rss_mib", "worker_rss_mib"):
        left.plot(minutes, [row[key] for row in series], label=key)
    left.set_xlabel("minutes")
    left.set_ylabel("MiB")
    right = left.twinx()
    right.plot(minutes, [row["index_articles"] for row in series], "k--", label="index")
    right.set_ylabel("articles in the near-duplicate index")
    left.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=4.0, help="articles per second")
    parser.add_argument("--window", type=float, default=300.0,
                        help="near-duplicate window in seconds (fills during the run)")
    parser.add_argument("--processes", type=int, default=1, help="spaCy processes")
    parser.add_argument("--sample-s", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--png", type=Path, default=None, help="plot (needs matplotlib)")
    args = parser.parse_args()
    require_shared()
    workdir = Path(tempfile.mkdtemp(prefix="wirestream-soak-"))
    print(f"workdir {workdir}", flush=True)
    summary = asyncio.run(run(args, workdir))
    for key, value in summary.items():
        if key != "series":
            print(f"{key:>34} {value}")
    if args.png is not None:
        print(f"{'plot':>34} {args.png if plot(summary, args.png) else 'matplotlib missing'}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
