"""Whole-system throughput against the machine's limit: bare NLP vs the stream on a broker.

    python bench/throughput.py [--n 1000] [--processes 0] [--paced-seconds 60]

One run, same articles (Reuters English and 10kGNAD German, mixed 3:1), same pipelines,
same batch size and the same number of processes:

(a) bare: ``processors.enrich.enrich_batch`` (language id, spaCy, entity linking and
    everything else the worker does per article) in a spawn process pool, as fast as it
    goes, with no broker. This is the physical limit of the NLP work on this machine.
(b) system: the articles replayed through a real worker on the embedded broker (produce
    to raw as fast as possible, consume enriched), throughput from the first produce to
    the last enriched record.
(c) latency: a paced producer at ``--rate-fraction`` (0.5) of the rate measured in (b)
    for ``--paced-seconds``; p50/p95/p99 from produce to the enriched record's timestamp.

Peak RSS (VmHWM) of the worker and each of its child processes is read from /proc at
the end; during (c) the worker tree's RSS is sampled every 5 s to show whether it stays
flat. Prints a table, then one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiokafka import AIOKafkaProducer

from bench.corpora import gnad_articles, mixed_articles, require_shared
from config.settings import Settings
from processors.enrich import EnrichConfig, configure, enrich_batch
from streams.admin import bootstrap_servers, ensure_app_topics
from streams.broker import EmbeddedBroker, free_port
from streams.kafka_io import OutMessage, consume_with_ticks, produce
from streams.worker_process import WorkerProcess


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def words(articles: list[dict[str, Any]]) -> int:
    return sum(len(str(a["body"]).split()) for a in articles)


# -- (a) bare ----------------------------------------------------------------------------

def bare_rate(settings: Settings, articles: list[dict[str, Any]], processes: int,
              batch_size: int) -> float:
    config = EnrichConfig(models=settings.models, languages=tuple(settings.languages),
                          news_names=settings.news_names)
    with concurrent.futures.ProcessPoolExecutor(
            max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
            initializer=configure, initargs=(config,)) as pool:
        # Warm-up: every process loads its pipelines before the clock starts.
        warm = list(gnad_articles(1)) + articles[:1]
        list(pool.map(enrich_batch, [warm] * (processes * 2)))
        batches = [articles[i:i + batch_size] for i in range(0, len(articles), batch_size)]
        started = time.perf_counter()
        for result in pool.map(enrich_batch, batches):
            assert all("error" not in r for r in result), result
        return len(articles) / (time.perf_counter() - started)


# -- (b) and (c) system ------------------------------------------------------------------

def process_tree(pid: int) -> list[int]:
    out = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    out.extend(process_tree(int(child)))
    except OSError:
        pass
    return out


def status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


async def wait_for_keys(url: str, topic: str, keys: set[bytes], worker: WorkerProcess,
                        deadline_s: float) -> dict[bytes, int]:
    """key -> enriched record timestamp (ms) for every expected key."""
    seen: dict[bytes, int] = {}
    async for msg in consume_with_ticks(url, [topic], deadline_s=deadline_s):
        if msg is not None and msg.key in keys and msg.key not in seen:
            seen[msg.key] = msg.timestamp_ms
            if len(seen) == len(keys):
                return seen
        if not worker.alive():
            raise SystemExit(f"worker died:\n{worker.log_tail()}")
    raise SystemExit(f"only {len(seen)} of {len(keys)} records within {deadline_s}s")


def warm_up(broker_url: str, topics: dict[str, str], worker: WorkerProcess,
            key: bytes = b"bench:warmup") -> None:
    """One tiny article through the whole pipeline: pipelines loaded, group joined."""
    warm = {"id": key.decode(), "headline": "Warm-up", "body": "Warm-up article."}
    asyncio.run(produce(broker_url, topics["raw"], [OutMessage(key, json.dumps(warm).encode())]))
    asyncio.run(wait_for_keys(broker_url, topics["enriched"], {key}, worker, 600))


async def paced(url: str, topics: dict[str, str], articles: list[dict[str, Any]],
                rate: float, worker: WorkerProcess, rss: list[tuple[float, int]]
                ) -> list[float]:
    keys = {str(a["id"]).encode() for a in articles}
    sent_ms: dict[bytes, float] = {}

    async def producer_task() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers(url), linger_ms=0)
        await producer.start()
        try:
            interval = 1.0 / rate
            start = time.monotonic()
            for i, article in enumerate(articles):
                # Sleep to the schedule, not a fixed pause: keeps the rate exact.
                await asyncio.sleep(max(0.0, start + i * interval - time.monotonic()))
                key = str(article["id"]).encode()
                sent_ms[key] = time.time() * 1000
                await producer.send(topics["raw"], json.dumps(article).encode(), key=key)
                if i % max(1, int(rate * 5)) == 0:
                    rss.append((time.monotonic() - start,
                                sum(status_kb(p, "VmRSS") for p in process_tree(worker.pid))))
            await producer.flush()
        finally:
            await producer.stop()

    consumer = asyncio.create_task(
        wait_for_keys(url, topics["enriched"], keys, worker, len(articles) / rate + 600))
    await producer_task()
    seen = await consumer
    return [(ts - sent_ms[key]) / 1000 for key, ts in seen.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="articles for (a) and (b)")
    parser.add_argument("--processes", type=int, default=0, help="spaCy processes (0 = CPUs)")
    parser.add_argument("--batch-size", type=int, default=0, help="0 = the setting")
    parser.add_argument("--rate-fraction", type=float, default=0.5)
    parser.add_argument("--paced-seconds", type=float, default=60.0)
    args = parser.parse_args()
    require_shared()
    workdir = Path(tempfile.mkdtemp(prefix="wirestream-throughput-"))
    env = {"WIRESTREAM_TOPICS__PREFIX": "bench.", "WIRESTREAM_APP_ID": "wirestream-bench",
           "WIRESTREAM_METRICS_PORT": str(free_port()), "WIRESTREAM_DATA_DIR": str(workdir),
           "WIRESTREAM_BROKER_PROFILE": "tansu",
           "WIRESTREAM_NLP_PROCESSES": str(args.processes)}
    if args.batch_size:
        env["WIRESTREAM_BATCH_SIZE"] = str(args.batch_size)
    os.environ.update(env)
    settings = Settings()
    processes = settings.effective_nlp_processes
    batch_size = settings.batch_size
    total = args.n + int(args.paced_seconds * 60) + 1  # enough distinct articles for (c)
    pool = mixed_articles(total)
    articles, spare = pool[:args.n], pool[args.n:]
    n_words = words(articles)

    print(f"(a) bare enrich_batch: {args.n} articles, {processes} processes, batch {batch_size}")
    bare = bare_rate(settings, articles, processes, batch_size)
    with EmbeddedBroker(log_path=workdir / "tansu.log") as broker:
        os.environ["WIRESTREAM_BROKER_URL"] = broker.bootstrap
        settings = Settings()
        topics = settings.topic_names()
        asyncio.run(ensure_app_topics(settings, broker.url))
        worker = WorkerProcess(broker.url, workdir / "worker.log", env)
        try:
            warm_up(broker.url, topics, worker)
            print(f"(b) system: {args.n} articles through the worker on the embedded broker")
            messages = [OutMessage(str(a["id"]).encode(), json.dumps(a).encode())
                        for a in articles]
            started_ms = time.time() * 1000
            asyncio.run(produce(broker.url, topics["raw"], messages))
            seen = asyncio.run(wait_for_keys(broker.url, topics["enriched"],
                                             {m.key for m in messages if m.key}, worker, 3600))
            system = len(seen) / ((max(seen.values()) - started_ms) / 1000)
            rate = system * args.rate_fraction
            count = max(10, int(rate * args.paced_seconds))
            print(f"(c) paced: {count} articles at {rate:.1f}/s")
            rss: list[tuple[float, int]] = []
            latencies = asyncio.run(paced(broker.url, topics, spare[:count], rate, worker,
                                          rss))
            tree = process_tree(worker.pid)
            peak = {("worker" if pid == worker.pid else f"child-{pid}"):
                    round(status_kb(pid, "VmHWM") / 1024) for pid in tree}
        finally:
            worker.stop()
    result = {
        "articles": args.n, "words": n_words, "cpus": os.cpu_count(),
        "nlp_processes": processes, "batch_size": batch_size,
        "bare_articles_per_s": round(bare, 1),
        "bare_words_per_s": round(bare * n_words / args.n),
        "system_articles_per_s": round(system, 1),
        "system_words_per_s": round(system * n_words / args.n),
        "ratio": round(system / bare, 3),
        "paced_rate_per_s": round(rate, 1), "paced_articles": len(latencies),
        "p50_s": round(percentile(latencies, 0.5), 3),
        "p95_s": round(percentile(latencies, 0.95), 3),
        "p99_s": round(percentile(latencies, 0.99), 3),
        "peak_rss_mb": peak,
        "rss_mb_during_paced": [[round(t), round(kb / 1024)] for t, kb in rss],
        "machine": platform.machine(),
    }
    print()
    print(f"{'':24}{'bare':>12}{'system':>12}")
    print(f"{'articles/s':24}{result['bare_articles_per_s']:>12}"
          f"{result['system_articles_per_s']:>12}")
    print(f"{'words/s':24}{result['bare_words_per_s']:>12}{result['system_words_per_s']:>12}")
    print(f"{'ratio system/bare':24}{result['ratio']:>24}")
    print(f"latency at {rate:.1f}/s ({args.rate_fraction:.0%} of max): p50 {result['p50_s']} s, "
          f"p95 {result['p95_s']} s, p99 {result['p99_s']} s over {len(latencies)} articles")
    print(f"peak RSS MB: {peak}")
    print(f"worker tree RSS MB during (c): {result['rss_mb_during_paced']}")
    print(f"cpus: {result['cpus']}, nlp processes: {processes}, batch size: {batch_size}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
