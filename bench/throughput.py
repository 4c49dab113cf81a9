"""Whole-system throughput against the machine's limit: bare NLP vs the stream on a broker.

    python bench/throughput.py [--n 1000] [--repeat 3] [--processes 0] [--paced-seconds 60]
                               [--broker tansu,kafka]

One run, same articles (Reuters English and 10kGNAD German, mixed 3:1), same pipelines,
same batch size and the same number of processes. (a) and (b) alternate ``--repeat``
times, each round on fresh articles (a replay of the same ones would be redeliveries).
Each round's ratio compares the same articles and the median round is reported: on a
shared machine a slow spell then hits both sides of a round rather than one. The idle
worker's CPU during (a) is reported, and where the CPU goes during (b) (worker, each
spaCy process, broker, this script).

(a) bare: ``wirestream.processors.enrich.enrich_batch`` (language id, spaCy, entity linking and
    everything else the worker does per article) in a spawn process pool, as fast as it
    goes, with no broker. This is the physical limit of the NLP work on this machine.
(b) system: the articles replayed through a real worker on a broker (produce to raw as
    fast as possible, consume enriched), throughput from the first produce to the last
    enriched record. ``--broker`` lists the brokers, measured one after the other in the
    same run on the same articles (tansu: the embedded broker; kafka: Apache Kafka 4.x,
    one node; kafka-3.9.x; kafka-cluster: three nodes, replication factor 3), each with
    its own rounds of (a) and (b), so each ratio compares like with like.
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
import contextlib
import json
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiokafka import AIOKafkaProducer

from tests.scenarios.corpora import gnad_articles, mixed_articles, require_shared
from wirestream.config.settings import Settings
from wirestream.processors.enrich import EnrichConfig, configure, enrich_batch
from wirestream.processors.formats import parse_raw
from wirestream.processors.records import EnrichmentError
from wirestream.streams.brokers.local import LocalBroker, is_tansu, local_broker, parse_kind
from wirestream.streams.brokers.tansu import free_port
from wirestream.streams.kafka.admin import bootstrap_servers, ensure_app_topics
from wirestream.streams.kafka.kafka_io import OutMessage, consume_with_ticks, produce
from wirestream.streams.pipeline.enrich_stage import init_nlp_process
from wirestream.streams.tools.worker_process import WorkerProcess


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
    context = multiprocessing.get_context("spawn")
    loaded = context.Queue()
    with concurrent.futures.ProcessPoolExecutor(
            max_workers=processes, mp_context=context,
            initializer=init_nlp_process, initargs=(configure, loaded, config)) as pool:
        # Warm-up: every process is started and has loaded its pipelines (the worker's
        # own start-up rule) and has run a German and an English article before the clock.
        # enrich_batch takes parsed articles, as the worker gives it after ingest.
        parsed = [parse_raw(json.dumps(a).encode()) for a in articles]
        warm = [parse_raw(json.dumps(a).encode()) for a in gnad_articles(1)] + parsed[:1]
        list(pool.map(enrich_batch, [warm] * (processes * 2)))
        for _ in range(processes):
            loaded.get(timeout=600)
        batches = [parsed[i:i + batch_size] for i in range(0, len(parsed), batch_size)]
        started = time.perf_counter()
        for result in pool.map(enrich_batch, batches):
            assert not [r for r in result if isinstance(r, EnrichmentError)], result
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(named: dict[str, int]) -> dict[str, float]:
    return {name: cpu_seconds(pid) for name, pid in named.items()}


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


def broker_env(kind: str) -> dict[str, str]:
    """Settings a worker needs for this kind of local broker."""
    return {"WIRESTREAM_BROKER_PROFILE": "tansu" if is_tansu(kind) else "kafka",
            "WIRESTREAM_TOPICS__REPLICATION_FACTOR": str(min(3, parse_kind(kind)[2]))}


@contextlib.contextmanager
def warm_worker(workdir: Path, env: dict[str, str], warm_key: bytes = b"bench:warmup",
                kind: str = "tansu"
                ) -> Iterator[tuple[LocalBroker, dict[str, str], WorkerProcess]]:
    """A broker of ``kind`` and one worker on it (settings from ``os.environ`` + ``env``),
    warmed up with one article; the worker is stopped on the way out."""
    workdir.mkdir(parents=True, exist_ok=True)
    with local_broker(kind, workdir) as broker:
        os.environ["WIRESTREAM_BROKER_URL"] = broker.bootstrap
        settings = Settings()
        topics = settings.topic_names()
        asyncio.run(ensure_app_topics(settings, broker.url))
        worker = WorkerProcess(broker.url, workdir / "worker.log", env)
        try:
            warm_up(broker.url, topics, worker, warm_key)
            yield broker, topics, worker
        finally:
            worker.stop()


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


def measure(kind: str, args: argparse.Namespace, env: dict[str, str], workdir: Path,
            rounds: list[list[dict[str, Any]]], spare: list[dict[str, Any]]
            ) -> dict[str, Any]:
    """Rounds of (a) and (b), then (c), with one worker on a broker of ``kind``."""
    env = {**env, **broker_env(kind), "WIRESTREAM_DATA_DIR": str(workdir / kind)}
    os.environ.update(env)
    settings = Settings()
    processes = settings.effective_nlp_processes
    batch_size = settings.batch_size
    round_words = [words(articles) for articles in rounds]
    bare_runs: list[float] = []
    system_runs: list[float] = []
    idle_worker_cpu: list[float] = []
    cpu_runs: list[dict[str, float]] = []
    wall_runs: list[float] = []
    with warm_worker(workdir / kind, env, kind=kind) as (broker, topics, worker):
        tree = {("worker" if pid == worker.pid else f"nlp-{pid}"): pid
                for pid in process_tree(worker.pid)}
        named = {**tree, "broker": broker.pid or 0, "bench client": os.getpid()}
        for r, articles in enumerate(rounds, 1):
            # (a) and (b) alternate on the same articles, so a slow spell of a shared
            # machine hits both sides of a round; the median round is reported.
            print(f"[{kind}] round {r}/{args.repeat}: (a) bare enrich_batch, {args.n} "
                  f"articles, {processes} processes, batch {batch_size}")
            idle_before = cpu_snapshot(tree)
            bare_runs.append(bare_rate(settings, articles, processes, batch_size))
            # The idle worker still polls the broker during (a): its share is reported.
            idle_worker_cpu.append(sum(cpu_snapshot(tree).values())
                                   - sum(idle_before.values()))
            print(f"[{kind}] round {r}/{args.repeat}: (b) system, {args.n} articles "
                  "through the worker")
            messages = [OutMessage(str(a["id"]).encode(), json.dumps(a).encode())
                        for a in articles]
            # Where the CPU goes during (b): every process of the worker tree, the
            # broker and this script (producer + consumer).
            cpu_before, wall_before = cpu_snapshot(named), time.perf_counter()
            started_ms = time.time() * 1000
            asyncio.run(produce(broker.url, topics["raw"], messages))
            seen = asyncio.run(wait_for_keys(broker.url, topics["enriched"],
                                             {m.key for m in messages if m.key}, worker,
                                             3600))
            system_runs.append(len(seen) / ((max(seen.values()) - started_ms) / 1000))
            wall = time.perf_counter() - wall_before
            used = {name: round(after - cpu_before[name], 1)
                    for name, after in cpu_snapshot(named).items()}
            cpu_runs.append(used)
            wall_runs.append(wall)
            print(f"  bare {bare_runs[-1]:.1f}/s, system {system_runs[-1]:.1f}/s")
        ratios = [b_ / a_ for a_, b_ in zip(bare_runs, system_runs, strict=True)]
        bare, system = statistics.median(bare_runs), statistics.median(system_runs)
        rate = system * args.rate_fraction
        count = max(10, int(rate * args.paced_seconds))
        print(f"[{kind}] (c) paced: {count} articles at {rate:.1f}/s")
        rss: list[tuple[float, int]] = []
        latencies = asyncio.run(paced(broker.url, topics, spare[:count], rate, worker,
                                      rss))
        peak = {("worker" if pid == worker.pid else f"child-{pid}"):
                round(status_kb(pid, "VmHWM") / 1024) for pid in process_tree(worker.pid)}
    return {
        "broker": kind, "articles": args.n, "words": round_words, "cpus": os.cpu_count(),
        "repeat": args.repeat, "nlp_processes": processes, "batch_size": batch_size,
        "bare_articles_per_s": round(bare, 1),
        "bare_words_per_s": round(statistics.median(
            rate_ * w / args.n for rate_, w in zip(bare_runs, round_words, strict=True))),
        "system_articles_per_s": round(system, 1),
        "system_words_per_s": round(statistics.median(
            rate_ * w / args.n for rate_, w in zip(system_runs, round_words, strict=True))),
        "ratio": round(statistics.median(ratios), 3),
        "round_ratios": [round(x, 3) for x in ratios],
        "bare_runs": [round(x, 1) for x in bare_runs],
        "system_runs": [round(x, 1) for x in system_runs],
        "idle_worker_cpu_s_during_bare": [round(x, 1) for x in idle_worker_cpu],
        "paced_rate_per_s": round(rate, 1), "paced_articles": len(latencies),
        "p50_s": round(percentile(latencies, 0.5), 3),
        "p95_s": round(percentile(latencies, 0.95), 3),
        "p99_s": round(percentile(latencies, 0.99), 3),
        "peak_rss_mb": peak,
        "cpu_s_during_system": cpu_runs, "system_wall_s": [round(w, 1) for w in wall_runs],
        "rss_mb_during_paced": [[round(t), round(kb / 1024)] for t, kb in rss],
        "machine": platform.machine(),
    }


def report(result: dict[str, Any], rate_fraction: float) -> None:
    kind = result["broker"]
    print()
    print(f"{kind:24}{'bare':>12}{'system':>12}")
    print(f"{'articles/s':24}{result['bare_articles_per_s']:>12}"
          f"{result['system_articles_per_s']:>12}")
    print(f"{'words/s':24}{result['bare_words_per_s']:>12}{result['system_words_per_s']:>12}")
    print(f"{'ratio system/bare':24}{result['ratio']:>24}")
    print(f"latency at {result['paced_rate_per_s']}/s ({rate_fraction:.0%} of max): p50 "
          f"{result['p50_s']} s, p95 {result['p95_s']} s, p99 {result['p99_s']} s over "
          f"{result['paced_articles']} articles")
    print(f"peak RSS MB: {result['peak_rss_mb']}")
    print(f"{'round':>6}{'bare/s':>10}{'system/s':>10}{'ratio':>8}  CPU s during (b)")
    for r, (a_, b_, used, wall) in enumerate(zip(
            result["bare_runs"], result["system_runs"], result["cpu_s_during_system"],
            result["system_wall_s"], strict=True), 1):
        print(f"{r:>6}{a_:>10.1f}{b_:>10.1f}{b_ / a_:>8.3f}  {wall:.1f} s wall x "
              f"{result['cpus']} CPUs: " + ", ".join(f"{k} {v}" for k, v in used.items())
              + f" (total {sum(used.values()):.1f})")
    print(f"ratio = median of the rounds; articles/s = medians; idle worker CPU s during "
          f"(a): {result['idle_worker_cpu_s_during_bare']}")
    print(f"worker tree RSS MB during (c): {result['rss_mb_during_paced']}")
    print(f"cpus: {result['cpus']}, nlp processes: {result['nlp_processes']}, "
          f"batch size: {result['batch_size']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="articles for (a) and (b)")
    parser.add_argument("--processes", type=int, default=0, help="spaCy processes (0 = CPUs)")
    parser.add_argument("--batch-size", type=int, default=0, help="0 = the setting")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of (a) then (b), each on fresh articles; best of each")
    parser.add_argument("--rate-fraction", type=float, default=0.5)
    parser.add_argument("--paced-seconds", type=float, default=60.0)
    parser.add_argument("--broker", default="tansu,kafka",
                        help="comma-separated: tansu, kafka, kafka-3.9.x, kafka-cluster")
    args = parser.parse_args()
    require_shared()
    kinds = [k.strip() for k in args.broker.split(",") if k.strip()]
    for kind in kinds:
        parse_kind(kind)  # an unknown name stops here, before any work
    workdir = Path(tempfile.mkdtemp(prefix="wirestream-throughput-"))
    env = {"WIRESTREAM_TOPICS__PREFIX": "bench.", "WIRESTREAM_APP_ID": "wirestream-bench",
           "WIRESTREAM_METRICS_PORT": str(free_port()),
           "WIRESTREAM_NLP_PROCESSES": str(args.processes)}
    if args.batch_size:
        env["WIRESTREAM_BATCH_SIZE"] = str(args.batch_size)
    total = args.n * args.repeat + int(args.paced_seconds * 60) + 1  # distinct articles
    pool = mixed_articles(total)
    # Every broker gets the same articles (each has its own topics and state).
    rounds = [pool[r * args.n:(r + 1) * args.n] for r in range(args.repeat)]
    spare = pool[args.n * args.repeat:]
    results = [measure(kind, args, env, workdir, rounds, spare) for kind in kinds]
    for result in results:
        report(result, args.rate_fraction)
    if len(results) == 1:
        print(json.dumps(results[0]))
    else:
        print(json.dumps({"brokers": {r["broker"]: r for r in results}}))


if __name__ == "__main__":
    main()
