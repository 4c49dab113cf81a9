"""End-to-end throughput and latency on the embedded broker with one worker.

Replays N real articles (Reuters English + 10kGNAD German) to the raw topic as fast
as the producer goes, after one warm-up article, and reads the enriched topic.

    python bench/e2e_throughput.py --n 1000

Prints articles/s, words/s and p50/p95/p99 latency (raw message timestamp to the
enriched record's timestamp), then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpora import mixed_articles, require_shared
from config.settings import Settings
from streams.admin import ensure_app_topics
from streams.broker import EmbeddedBroker, free_port
from streams.kafka_io import OutMessage, consume_with_ticks, produce
from streams.worker_process import WorkerProcess


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def _wait_for(url: str, topic: str, keys: set[bytes], worker: WorkerProcess,
                    deadline_s: float) -> dict[bytes, tuple[int, float]]:
    """key -> (enriched record timestamp ms, words) for every expected key."""
    seen: dict[bytes, tuple[int, float]] = {}
    async for msg in consume_with_ticks(url, [topic], deadline_s=deadline_s):
        if msg is not None and msg.key in keys:
            record = json.loads(msg.value)
            seen[msg.key] = (msg.timestamp_ms, float(record.get("word_count", 0)))
            if len(seen) == len(keys):
                break
        if not worker.alive():
            raise SystemExit(f"worker died:\n{worker.log_tail()}")
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="articles to replay")
    parser.add_argument("--processes", type=int, default=0, help="spaCy processes (0 = CPUs)")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    require_shared()
    articles = mixed_articles(args.n)
    workdir = Path(tempfile.mkdtemp(prefix="wirestream-bench-"))
    env = {"WIRESTREAM_TOPICS__PREFIX": "bench.", "WIRESTREAM_APP_ID": "wirestream-bench",
           "WIRESTREAM_METRICS_PORT": str(free_port()), "WIRESTREAM_DATA_DIR": str(workdir),
           "WIRESTREAM_BROKER_PROFILE": "tansu", "WIRESTREAM_NLP_PROCESSES": str(args.processes),
           "WIRESTREAM_BATCH_SIZE": str(args.batch_size)}
    os.environ.update(env)
    with EmbeddedBroker(log_path=workdir / "tansu.log") as broker:
        os.environ["WIRESTREAM_BROKER_URL"] = broker.bootstrap
        settings = Settings()
        names = settings.topic_names()
        asyncio.run(ensure_app_topics(settings, broker.url))
        worker = WorkerProcess(broker.url, workdir / "worker.log", env)
        try:
            warm = {"id": "bench:warmup", "headline": "Warm-up", "body": "Warm-up article."}
            asyncio.run(produce(broker.url, names["raw"],
                                [OutMessage(b"bench:warmup", json.dumps(warm).encode())]))
            asyncio.run(_wait_for(broker.url, names["enriched"], {b"bench:warmup"}, worker,
                                  600))
            messages = [OutMessage(str(a["id"]).encode(), json.dumps(a).encode())
                        for a in articles]
            sent_ms: dict[bytes, float] = {}
            started = time.time()

            def on_sent(message: OutMessage) -> None:
                sent_ms[message.key or b""] = time.time() * 1000

            asyncio.run(produce(broker.url, names["raw"], messages, on_sent=on_sent))
            seen = asyncio.run(_wait_for(broker.url, names["enriched"],
                                         {m.key for m in messages if m.key}, worker, 3600))
            finished = max(ts for ts, _ in seen.values()) / 1000
        finally:
            worker.stop()
    elapsed = finished - started
    latencies = [(ts - sent_ms[key]) / 1000 for key, (ts, _) in seen.items()]
    words = sum(w for _, w in seen.values())
    result = {
        "articles": len(seen), "seconds": round(elapsed, 2),
        "articles_per_s": round(len(seen) / elapsed, 1),
        "words_per_s": round(words / elapsed), "p50_s": round(percentile(latencies, 0.5), 2),
        "p95_s": round(percentile(latencies, 0.95), 2),
        "p99_s": round(percentile(latencies, 0.99), 2),
        "mean_s": round(statistics.fmean(latencies), 2),
        "cpus": os.cpu_count(), "nlp_processes": settings.effective_nlp_processes,
        "batch_size": args.batch_size, "machine": platform.machine(),
        "note": "burst replay: latency includes queueing behind the burst",
    }
    print(f"{'articles':>12} {result['articles']}")
    for key in ("seconds", "articles_per_s", "words_per_s", "p50_s", "p95_s", "p99_s", "cpus",
                "nlp_processes"):
        print(f"{key:>14} {result[key]}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
