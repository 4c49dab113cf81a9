"""Reliability scenarios: a crashed worker, a worker leaving its group, a lost broker, a
topic that refuses writes, broker leaders killed under load. Real articles (Reuters +
10kGNAD) with redeliveries, updates and near-duplicate copies mixed in.

    python bench/reliability.py crash --n 2000 --reference   # kill -9 at a random point
    python bench/reliability.py scaleout --per-round 100      # SIGTERM, then kill -9
    python bench/reliability.py brokerloss --n 100 --outage 20
    python bench/reliability.py publish-failure --broker kafka --n 300
    python bench/reliability.py leader-kill --broker kafka-cluster --n 1000 --kills 3

``--broker``: tansu (the embedded broker, the default), kafka (Apache Kafka 4.x, one
node), kafka-3.9.x, kafka-cluster (three nodes, replication factor 3, min ISR 2).

Each prints its figures (input, output, dead-lettered, lost, repeated, recovery time),
then one JSON line. The integration tests (tests/integration/test_reliability_*.py) run
the same scenarios on fewer articles.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import signal
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiokafka.partitioner import murmur2

from config.settings import Settings
from config.settings import settings_with_env as settings_for
from processors.formats import parse_raw
from processors.near_duplicates import NearDuplicateIndex, fingerprint
from processors.versions import is_correction
from streams.admin import alter_topic_config, ensure_app_topics
from streams.apache_kafka import KafkaCluster
from streams.broker import EmbeddedBroker, free_port
from streams.kafka_io import InMessage, OutMessage, consume_with_ticks, produce
from streams.local_brokers import LocalBroker, is_tansu, local_broker, parse_kind
from streams.redrive import redrive
from streams.worker_process import WorkerProcess
from streams.worker_process import scrape as scrape_or_raise

REPO_ROOT = Path(__file__).resolve().parents[1]
MIN_WORDS = 80  # updates and copies stay above the 0.8 Jaccard threshold of their original
Key = tuple[str, int]  # (story id, version)


def scrape(port: str | int) -> dict[str, float]:
    """/metrics samples; {} while the worker does not answer (it may be restarting)."""
    return scrape_or_raise(port, timeout_s=5, missing_ok=True)


# --- input ---------------------------------------------------------------------------

@dataclass
class ReplayPlan:
    """Messages for the raw topic and what each (id, version) must come out as."""

    messages: list[OutMessage]
    expected: dict[Key, tuple[str, str | None]]  # -> (verdict, duplicate_of)
    kinds: Counter[str] = field(default_factory=Counter)

    @property
    def ids(self) -> set[str]:
        return {story for story, _ in self.expected}


def partition_of(key: bytes, partitions: int) -> int:
    """The producer's default partitioner (murmur2), as aiokafka and Java clients do it."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


def distinct_articles(articles: Iterable[dict[str, Any]], threshold: float = 0.8
                      ) -> list[dict[str, Any]]:
    """Drop the corpus's own near-duplicates: their verdicts would depend on which of two
    partitions the pipeline happens to read first, and the scenarios compare verdicts."""
    index = NearDuplicateIndex(threshold=threshold, window_s=None)
    kept = []
    for article in articles:
        text = f"{article['headline']}\n{article['body']}"
        if not index.observe(str(article["id"]), fingerprint(text), 0).is_duplicate:
            kept.append(article)
    return kept


def copy_id(original: str, partitions: int) -> str:
    """A new story id on the original's partition: raw, canonical and the versions stage
    keep per-partition order, so the copy reaches the one-partition near-duplicate stage
    after its original in every run, and "first seen" is the same in every run."""
    target = partition_of(original.encode(), partitions)
    for n in range(10_000):
        candidate = f"copy{n}:{original}"
        if partition_of(candidate.encode(), partitions) == target:
            return candidate
    raise AssertionError("no copy id found")  # pragma: no cover - 4 partitions: ~4 tries


def build_replay(articles: list[dict[str, Any]], n: int, seed: int, partitions: int,
                 shares: tuple[float, float, float] = (0.1, 0.1, 0.1)) -> ReplayPlan:
    """n messages: originals, then redeliveries, updates (version 2) and near-duplicate
    copies (new id, same text plus a credit line) of earlier originals, shuffled in at a
    random distance after their original."""
    rng = random.Random(seed)
    n_extra = [int(n * share) for share in shares]
    n_orig = n - sum(n_extra)
    pool = [a for a in distinct_articles(articles)]
    if len(pool) < n_orig:
        raise SystemExit(f"only {len(pool)} distinct articles for {n_orig} originals")
    originals = pool[:n_orig]
    long_ones = [a for a in originals if len(str(a["body"]).split()) >= MIN_WORDS]
    expected: dict[Key, tuple[str, str | None]] = {}
    kinds: Counter[str] = Counter()
    dependents: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def add(after: dict[str, Any], kind: str, doc: dict[str, Any]) -> None:
        dependents.setdefault(str(after["id"]), []).append((kind, doc))

    for article in rng.sample(originals, min(n_extra[0], len(originals))):
        add(article, "redelivery", dict(article))
    for article in rng.sample(long_ones, min(n_extra[1], len(long_ones))):
        add(article, "update", {**article, "version": 2,
                                "body": f"{article['body']} This story was updated."})
    for article in rng.choices(long_ones, k=n_extra[2]):
        copy = {**article, "id": copy_id(str(article["id"]), partitions),
                "provider": "Other Wire", "body": f"{article['body']} (Other Wire report)"}
        add(article, "copy", copy)

    sequence: list[tuple[str, dict[str, Any]]] = []
    waiting: list[tuple[int, str, dict[str, Any]]] = []  # (due step, kind, doc)
    for step, article in enumerate(originals):
        sequence.append(("original", article))
        for kind, doc in dependents.get(str(article["id"]), []):
            waiting.append((step + rng.randint(1, 60), kind, doc))
        waiting.sort(key=lambda item: item[0])
        while waiting and waiting[0][0] <= step:
            _, kind, doc = waiting.pop(0)
            sequence.append((kind, doc))
    sequence.extend((kind, doc) for _, kind, doc in waiting)

    messages = []
    for kind, doc in sequence:
        kinds[kind] += 1
        story, version = str(doc["id"]), int(doc.get("version") or 1)
        if kind in {"original", "update"}:
            expected[(story, version)] = (version_verdict(doc), None)
        elif kind == "copy":
            original = story.split(":", 1)[1]
            expected[(story, version)] = ("duplicate", original)
        messages.append(OutMessage(story.encode(), json.dumps(doc).encode()))
    return ReplayPlan(messages, expected, kinds)


def version_verdict(doc: dict[str, Any]) -> str:
    """What the versions stage calls a first or higher version of this document (Reuters
    has "CORRECTED - ..." stories: corrections from their first version on)."""
    article = parse_raw(json.dumps(doc).encode())
    if is_correction(article):
        return "correction"
    return "new" if article.version == 1 else "update"


def corpus(n: int) -> list[dict[str, Any]]:
    from bench.corpora import mixed_articles

    # Some slack for the corpus's own near-duplicates, which are dropped.
    return mixed_articles(int(n * 1.3) + 50)


# --- processes -------------------------------------------------------------------------

def deployment_env(workdir: Path, name: str, broker: str = "tansu",
                   **extra: str) -> dict[str, str]:
    nodes = parse_kind(broker)[2]
    return {
        "WIRESTREAM_TOPICS__PREFIX": f"{name}.", "WIRESTREAM_APP_ID": f"wirestream-{name}",
        "WIRESTREAM_METRICS_PORT": str(free_port()),
        "WIRESTREAM_DATA_DIR": str(workdir / f"{name}-data"),
        "WIRESTREAM_BROKER_PROFILE": "tansu" if is_tansu(broker) else "kafka",
        # The local Kafka allows the short sessions of fast joins (group.min.session...).
        "WIRESTREAM_FAST_JOIN": "true",
        "WIRESTREAM_TOPICS__REPLICATION_FACTOR": str(min(3, nodes)),
        "WIRESTREAM_NLP_PROCESSES": "1",
        "WIRESTREAM_BATCH_WITHIN_S": "0.2", "WIRESTREAM_LAG_CHECK_S": "1", **extra,
    }


def metric_sum(samples: dict[str, float], name: str) -> float:
    return sum(v for k, v in samples.items() if k == name or k.startswith(name + "{"))


def is_ready(port: str | int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=5) as resp:
            return resp.status == 200
    except OSError:
        return False


async def wait_ready(port: str | int, worker: WorkerProcess, deadline_s: float = 300) -> None:
    end = time.monotonic() + deadline_s
    while not await asyncio.to_thread(is_ready, port):
        if not worker.alive():
            raise AssertionError(f"worker exited ({worker.proc.returncode}):\n"
                                 f"{worker.log_tail()}")
        if time.monotonic() > end:
            raise AssertionError(f"worker not ready within {deadline_s}s:\n{worker.log_tail()}")
        await asyncio.sleep(0.2)  # poll interval


def descendants(pid: int) -> list[int]:
    """All processes below pid (the spaCy pool and multiprocessing's resource tracker)."""
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        try:
            kids = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        for kid in map(int, kids):
            found.append(kid)
            frontier.append(kid)
    return found


def running(pid: int) -> bool:
    """True unless gone or a zombie (exited, not yet reaped)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    state = next((line.split()[1] for line in status.splitlines()
                  if line.startswith("State:")), "X")
    return state not in {"Z", "X"}


def rss_kib(pids: Iterable[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


async def wait_gone(pids: list[int], deadline_s: float = 30) -> list[int]:
    """The pids still running after the deadline (orphans)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        alive = [pid for pid in pids if running(pid)]
        if not alive:
            return []
        await asyncio.sleep(0.2)  # poll interval
    return [pid for pid in pids if running(pid)]


# --- output ---------------------------------------------------------------------------

@dataclass
class Out:
    key: Key
    verdict: str
    duplicate_of: str | None
    record_type: str
    at: float  # monotonic time it was read


class Collector:
    """Reads output topics in the background into lists, for conditions to wait on."""

    def __init__(self, broker_url: str, enriched: str, dlq: str | None = None,
                 read_committed: bool = False) -> None:
        self.broker_url = broker_url
        self.read_committed = read_committed
        self.enriched = enriched
        self.dlq = dlq
        self.records: list[Out] = []
        self.dead: list[InMessage] = []
        self.idle_polls = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        topics = [self.enriched] + ([self.dlq] if self.dlq else [])
        # read_committed: with exactly-once, records of aborted transactions are not output.
        async for msg in consume_with_ticks(self.broker_url, topics,
                                            read_committed=self.read_committed):
            if msg is None:
                self.idle_polls += 1
                continue
            self.idle_polls = 0
            if msg.topic == self.enriched:
                record = json.loads(msg.value) if msg.value else {}
                dedup = record.get("dedup") or {}
                self.records.append(Out((str(record.get("id")), int(record.get("version") or 0)),
                                        str(dedup.get("verdict")), dedup.get("duplicate_of"),
                                        str(record.get("record_type")), time.monotonic()))
            else:
                self.dead.append(msg)

    async def __aenter__(self) -> Collector:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    def seen(self) -> set[Key]:
        return {r.key for r in self.records}

    async def until(self, condition: Callable[[], bool], deadline_s: float,
                    alive: Callable[[], bool] | None = None, what: str = "condition") -> None:
        end = time.monotonic() + deadline_s
        while not condition():
            if self._task is not None and self._task.done():
                self._task.result()
                raise AssertionError("output reader stopped")
            if alive is not None and not alive():
                raise AssertionError(f"worker exited while waiting for {what}")
            if time.monotonic() > end:
                raise AssertionError(f"{what}: not reached within {deadline_s}s")
            await asyncio.sleep(0.1)  # poll interval

    async def quiet(self, polls: int = 5, deadline_s: float = 60) -> None:
        """Until the topics gave nothing for a few polls in a row (200 ms each)."""
        self.idle_polls = 0
        await self.until(lambda: self.idle_polls >= polls, deadline_s, what="quiet output")


def first_verdicts(records: list[Out]) -> dict[Key, tuple[str, str | None]]:
    """The verdict of each (id, version)'s first article record."""
    first: dict[Key, tuple[str, str | None]] = {}
    for record in records:
        if record.record_type == "article":
            first.setdefault(record.key, (record.verdict, record.duplicate_of))
    return first


def summarize(plan: ReplayPlan, records: list[Out], dead: int,
              sent: int | None = None) -> dict[str, Any]:
    counts = Counter(r.key for r in records if r.record_type == "article")
    verdicts = first_verdicts(records)
    mismatched = {f"{k[0]}@{k[1]}": [verdicts.get(k), want]
                  for k, want in plan.expected.items() if k in verdicts and verdicts[k] != want}
    return {
        "input": len(plan.messages) if sent is None else sent, "input_kinds": dict(plan.kinds),
        "expected_records": len(plan.expected), "output": sum(counts.values()),
        "dead_lettered": dead,
        "lost": len(set(plan.expected) - set(counts)),
        "lost_ids": len(plan.ids - {k[0] for k in counts}),
        "repeated": sum(c - 1 for c in counts.values()),
        "unexpected": len(set(counts) - set(plan.expected)),
        "verdict_mismatches": len(mismatched), "mismatch_examples": dict(list(
            mismatched.items())[:5]),
    }


async def lag_is_zero(port: str | int) -> bool:
    samples = await asyncio.to_thread(scrape, port)
    lags = [v for k, v in samples.items() if k.startswith("wirestream_consumer_lag_messages{")]
    return bool(lags) and sum(lags) == 0


async def settle(collector: Collector, port: str | int, worker: WorkerProcess,
                 deadline_s: float = 180) -> None:
    """Until the group has no lag and the output topic is drained (repeats counted)."""
    end = time.monotonic() + deadline_s
    while not await lag_is_zero(port):
        if not worker.alive():
            raise AssertionError(f"worker exited:\n{worker.log_tail()}")
        if time.monotonic() > end:
            raise AssertionError("consumer lag did not reach 0")
        await asyncio.sleep(0.5)  # poll interval
    await collector.quiet()


# --- scenarios -------------------------------------------------------------------------

async def crash(broker_url: str, env: dict[str, str], workdir: Path, plan: ReplayPlan,
                kill_fraction: float, deadline_s: float = 900) -> dict[str, Any]:
    """One worker; kill -9 once ``kill_fraction`` of the expected records came out;
    restart on the same data dir; read until everything arrived and the lag is 0."""
    settings = settings_for(env, broker_url)
    names = settings.topic_names()
    await ensure_app_topics(settings, broker_url)
    port = env["WIRESTREAM_METRICS_PORT"]
    first = WorkerProcess(broker_url, workdir / "crash-worker-1.log", env, cwd=REPO_ROOT)
    second: WorkerProcess | None = None
    committed_only = settings.processing_guarantee == "exactly_once"
    try:
        async with Collector(broker_url, names["enriched"], names["dlq"],
                             read_committed=committed_only) as out:
            await wait_ready(port, first)
            started = time.monotonic()
            await produce(broker_url, names["raw"], plan.messages)
            kill_at = max(1, int(len(plan.expected) * kill_fraction))
            await out.until(lambda: len(out.records) >= kill_at, deadline_s, first.alive,
                            "output before the kill")
            before_kill = len(out.records)
            children = descendants(first.pid)
            os.kill(first.pid, signal.SIGKILL)
            killed_at = time.monotonic()
            await asyncio.to_thread(first.proc.wait)
            orphans = await wait_gone(children)
            second = WorkerProcess(broker_url, workdir / "crash-worker-2.log", env,
                                   cwd=REPO_ROOT)
            seen_before = len(out.records)
            await out.until(lambda: len(out.records) > seen_before, deadline_s, second.alive,
                            "first output after the restart")
            first_after = out.records[seen_before].at
            want = set(plan.expected)
            await out.until(lambda: want <= out.seen(), deadline_s, second.alive,
                            "every expected record")
            complete_at = max(r.at for r in out.records if r.key in want)
            await settle(out, port, second)
            result = summarize(plan, out.records, len(out.dead))
    finally:
        first.stop()
        if second is not None:
            second.stop()
    result.update({
        "scenario": "crash", "kill_fraction": kill_fraction,
        "processing_guarantee": settings.processing_guarantee,
        "output_before_kill": before_kill, "children_before_kill": len(children),
        "orphans_after_kill": len(orphans),
        "recovery_s": round(first_after - killed_at, 2),
        "kill_to_complete_s": round(complete_at - killed_at, 2),
        "total_s": round(complete_at - started, 2),
        "verdicts": first_verdicts(out.records),
    })
    return result


async def uninterrupted(broker_url: str, env: dict[str, str], workdir: Path,
                        plan: ReplayPlan, deadline_s: float = 900) -> dict[str, Any]:
    """The same input through one worker that is left alone (the reference run)."""
    settings = settings_for(env, broker_url)
    names = settings.topic_names()
    await ensure_app_topics(settings, broker_url)
    port = env["WIRESTREAM_METRICS_PORT"]
    worker = WorkerProcess(broker_url, workdir / "reference-worker.log", env, cwd=REPO_ROOT)
    try:
        async with Collector(broker_url, names["enriched"], names["dlq"]) as out:
            await wait_ready(port, worker)
            started = time.monotonic()
            await produce(broker_url, names["raw"], plan.messages)
            want = set(plan.expected)
            await out.until(lambda: want <= out.seen(), deadline_s, worker.alive,
                            "every expected record")
            complete_at = max(r.at for r in out.records if r.key in want)
            await settle(out, port, worker)
            result = summarize(plan, out.records, len(out.dead))
    finally:
        worker.stop()
    result.update({"scenario": "uninterrupted", "total_s": round(complete_at - started, 2),
                   "verdicts": first_verdicts(out.records)})
    return result


def near_duplicate_owner(ports: dict[str, str], baseline: dict[str, float]) -> str | None:
    """The worker whose near-duplicate stage took items in since ``baseline``."""
    for name, port in ports.items():
        took = scrape(port).get('wirestream_stage_items_in_total{stage="near_duplicates"}', 0)
        if took > baseline.get(name, 0):
            return name
    return None


async def scaleout(broker_url: str, env: dict[str, str], workdir: Path,
                   articles: list[dict[str, Any]], per_round: int, seed: int,
                   modes: tuple[str, ...] = ("term", "kill"), deadline_s: float = 600
                   ) -> dict[str, Any]:
    """Two workers in one group. Per round: originals go in; mid-stream the worker running
    the near-duplicate stage is stopped (SIGTERM, then kill -9); copies of the round's
    originals go in; the survivor must call them duplicates. A fresh worker (empty data
    dir) joins before the next round."""
    settings = settings_for(env, broker_url)
    names = settings.topic_names()
    partitions = settings.topics.partitions
    await ensure_app_topics(settings, broker_url)
    rng = random.Random(seed)
    pool = [a for a in distinct_articles(articles) if len(str(a["body"]).split()) >= MIN_WORDS]
    if len(pool) < per_round * len(modes):
        raise SystemExit(f"only {len(pool)} long distinct articles")
    workers: dict[str, WorkerProcess] = {}
    ports: dict[str, str] = {}
    counter = 0

    def start(tag: str = "") -> str:
        nonlocal counter
        counter += 1
        name = f"w{counter}{tag}"
        own = {**env, "WIRESTREAM_DATA_DIR": str(workdir / f"{name}-data"),
               "WIRESTREAM_METRICS_PORT": str(free_port())}
        ports[name] = own["WIRESTREAM_METRICS_PORT"]
        workers[name] = WorkerProcess(broker_url, workdir / f"{name}.log", own, cwd=REPO_ROOT)
        return name

    rounds: list[dict[str, Any]] = []
    expected: dict[Key, tuple[str, str | None]] = {}
    sent = 0
    try:
        async with Collector(broker_url, names["enriched"], names["dlq"]) as out:
            live = [start(), start()]
            for name in live:
                await wait_ready(ports[name], workers[name])
            for i, mode in enumerate(modes):
                originals = pool[i * per_round:(i + 1) * per_round]
                copies = [{**a, "id": copy_id(str(a["id"]), partitions),
                           "body": f"{a['body']} (Other Wire report)"} for a in originals]
                rng.shuffle(copies)
                for a in originals:
                    expected[(str(a["id"]), 1)] = (version_verdict(a), None)
                for c in copies:
                    expected[(str(c["id"]), 1)] = ("duplicate", str(c["id"]).split(":", 1)[1])
                baseline = {n: scrape(ports[n]).get(
                    'wirestream_stage_items_in_total{stage="near_duplicates"}', 0) for n in live}
                first_wave = [OutMessage(str(a["id"]).encode(), json.dumps(a).encode())
                              for a in originals]
                await produce(broker_url, names["raw"], first_wave)
                sent += len(first_wave)
                round_keys = {(str(a["id"]), 1) for a in originals}
                await out.until(lambda keys=round_keys: len(keys & out.seen()) >= len(keys) // 3,
                                deadline_s, what="mid-stream output")
                owner = await asyncio.to_thread(
                    near_duplicate_owner, {n: ports[n] for n in live}, baseline)
                assert owner is not None, "no worker ran the near-duplicate stage"
                survivor = next(n for n in live if n != owner)
                mid = len(round_keys & out.seen())
                stopped_at = time.monotonic()
                if mode == "term":
                    code = await asyncio.to_thread(workers[owner].stop, 60.0)
                else:
                    children = descendants(workers[owner].pid)
                    os.kill(workers[owner].pid, signal.SIGKILL)
                    code = await asyncio.to_thread(workers[owner].proc.wait)
                    workers[owner].stop()
                    if await wait_gone(children):
                        raise AssertionError("spaCy processes outlived kill -9 of their worker")
                live.remove(owner)
                seen_before = len(out.records)
                second_wave = [OutMessage(str(c["id"]).encode(), json.dumps(c).encode())
                               for c in copies]
                await produce(broker_url, names["raw"], second_wave)
                sent += len(second_wave)
                round_keys |= {(str(c["id"]), 1) for c in copies}
                await out.until(lambda keys=round_keys: keys <= out.seen(), deadline_s,
                                workers[survivor].alive, f"round {mode}: every record")
                takeover = out.records[seen_before].at - stopped_at \
                    if len(out.records) > seen_before else None
                complete = max(r.at for r in out.records if r.key in round_keys) - stopped_at
                verdicts = first_verdicts(out.records)
                recognised = sum(1 for c in copies
                                 if verdicts.get((str(c["id"]), 1)) == expected[(str(c["id"]), 1)])
                rounds.append({"mode": mode, "stopped": owner, "exit_code": code,
                               "survivor": survivor, "output_before_stop": mid,
                               "copies": len(copies), "copies_recognised": recognised,
                               "first_output_after_stop_s": round(takeover, 2)
                               if takeover is not None else None,
                               "stop_to_complete_s": round(complete, 2)})
                if i + 1 < len(modes):
                    fresh = start("-fresh")
                    await wait_ready(ports[fresh], workers[fresh])
                    live.append(fresh)
            await settle(out, ports[live[0]], workers[live[0]])
            result = summarize(ReplayPlan([], expected), out.records, len(out.dead), sent)
    finally:
        for worker in workers.values():
            worker.stop()
    result.update({"scenario": "scaleout", "rounds": rounds})
    return result


def _fresh_broker(kind: str, port: int, workdir: Path, n: int) -> LocalBroker:
    """A new, empty broker of ``kind`` listening on ``port`` (one node)."""
    if is_tansu(kind):
        return EmbeddedBroker(port=port, log_path=workdir / f"tansu-{n}.log").start()
    version = parse_kind(kind)[1] or "4.x"
    return KafkaCluster(version, nodes=1, ports=[port],
                        work_dir=workdir / f"kafka-{n}").start()


async def broker_loss(port: int, env: dict[str, str], workdir: Path, plan: ReplayPlan,
                      outage_s: float, deadline_s: float = 600,
                      broker_kind: str = "tansu") -> dict[str, Any]:
    """A worker on its own broker; the broker stops for ``outage_s`` and a new, empty one
    starts on the same port; topics are created and the input produced again. This
    function plays the supervisor: a worker that exits is started again."""
    broker = _fresh_broker(broker_kind, port, workdir, 1)
    url = broker.url
    settings = settings_for(env, url)
    names = settings.topic_names()
    metrics_port = env["WIRESTREAM_METRICS_PORT"]
    worker = WorkerProcess(url, workdir / "loss-worker-1.log", env, cwd=REPO_ROOT)
    exits: list[int] = []
    messages: list[str] = []
    try:
        await ensure_app_topics(settings, url)
        want = set(plan.expected)
        async with Collector(url, names["enriched"]) as out:
            await wait_ready(metrics_port, worker)
            await produce(url, names["raw"], plan.messages)
            await out.until(lambda: want <= out.seen(), deadline_s, worker.alive, "first run")
        broker.stop()
        stopped_at = time.monotonic()
        exited_during_outage = False
        while time.monotonic() - stopped_at < outage_s:  # the outage itself, not a wait
            exited_during_outage |= not worker.alive()
            await asyncio.sleep(0.5)
        broker = _fresh_broker(broker_kind, port, workdir, 2)
        restarted_at = time.monotonic()
        await ensure_app_topics(settings, url)
        await produce(url, names["raw"], plan.messages)
        restarts = 0
        async with Collector(url, names["enriched"]) as out:
            end = time.monotonic() + deadline_s
            while not want <= out.seen():
                if not worker.alive():
                    code = worker.stop()
                    exits.append(code)
                    messages.extend(line.strip()[:300] for line in
                                    worker.log_tail(400).splitlines()
                                    if "lost its data" in line or "cannot reach" in line)
                    restarts += 1
                    worker = WorkerProcess(url, workdir / f"loss-worker-{restarts + 1}.log",
                                           env, cwd=REPO_ROOT)
                if time.monotonic() > end:
                    raise AssertionError(f"output not back within {deadline_s}s")
                await asyncio.sleep(0.2)  # poll interval
            complete_at = max(r.at for r in out.records if r.key in want)
            await settle(out, metrics_port, worker)
            result = summarize(plan, out.records, 0)
        children = descendants(worker.pid)
        final_code = await asyncio.to_thread(worker.stop, 60.0)
        orphans = await wait_gone(children)
    finally:
        worker.stop()
        broker.stop()
    result.update({
        "scenario": "brokerloss", "broker": broker_kind, "outage_s": outage_s,
        "exited_during_outage": exited_during_outage, "exit_codes": exits,
        "restarts": restarts, "exit_messages": messages[:3],
        "recovery_s": round(complete_at - restarted_at, 2),
        "final_exit_code": final_code, "orphans_after_stop": len(orphans),
    })
    return result


def dead_letter_keys(dead: list[InMessage], reason: str = "publish_failed") -> set[Key]:
    """(story id, version) of the internal envelopes dead-lettered with ``reason``."""
    keys: set[Key] = set()
    for msg in dead:
        if msg.header("wirestream.reason") != reason:
            continue
        with contextlib.suppress(ValueError, KeyError, TypeError):
            article = json.loads(msg.value)["article"]
            keys.add((str(article["id"]), int(article.get("version") or 1)))
    return keys


TINY_TOPIC = {"max.message.bytes": "600"}  # smaller than any enriched record


async def publish_failure(broker_url: str, env: dict[str, str], workdir: Path,
                          plan: ReplayPlan, deadline_s: float = 900) -> dict[str, Any]:
    """The enriched topic refuses every record (a tiny max.message.bytes) while the replay
    goes through: every input must be dead-lettered (publish_failed) and committed, none
    silently dropped. Then the topic is fixed, the dead letters redriven, and everything
    must come out with its verdict."""
    settings = settings_for(env, broker_url)
    names = settings.topic_names()
    await ensure_app_topics(settings, broker_url)
    roomy = {"max.message.bytes": str(settings.topics.max_message_bytes)}
    await alter_topic_config(broker_url, names["enriched"], TINY_TOPIC)
    port = env["WIRESTREAM_METRICS_PORT"]
    worker = WorkerProcess(broker_url, workdir / "publish-failure-worker.log", env,
                           cwd=REPO_ROOT)
    want = set(plan.expected)
    try:
        async with Collector(broker_url, names["enriched"], names["dlq"]) as out:
            await wait_ready(port, worker)
            started = time.monotonic()
            await produce(broker_url, names["raw"], plan.messages)
            await out.until(lambda: want <= dead_letter_keys(out.dead) | out.seen(),
                            deadline_s, worker.alive, "every record written or dead-lettered")
            await settle(out, port, worker)  # every input committed
            refused_at = time.monotonic()
            during = {
                "dead_lettered": len(dead_letter_keys(out.dead)),
                "output": len(out.records),
                "lost": len(want - dead_letter_keys(out.dead) - out.seen()),
                "publish_failed_metric": metric_sum(
                    scrape(port), "wirestream_publish_failed_total"),
            }
            await alter_topic_config(broker_url, names["enriched"], roomy)
            redriven = await redrive(broker_url, names["dlq"])
            await out.until(lambda: want <= out.seen(), deadline_s, worker.alive,
                            "every record after the redrive")
            complete_at = max(r.at for r in out.records if r.key in want)
            await settle(out, port, worker)
            result = summarize(plan, out.records, len(dead_letter_keys(out.dead)))
    finally:
        worker.stop()
    result.update({
        "scenario": "publish-failure", "while_refused": during,
        "redriven": sum(redriven.redriven.values()),
        "refused_phase_s": round(refused_at - started, 2),
        "redrive_to_complete_s": round(complete_at - refused_at, 2),
        "verdicts": first_verdicts(out.records),
    })
    return result


async def leader_kill(cluster: KafkaCluster, env: dict[str, str], workdir: Path,
                      plan: ReplayPlan, kills: int, rolling: bool = True,
                      deadline_s: float = 1200) -> dict[str, Any]:
    """One worker on a 3-node cluster. While the replay is processed, kill -9 the leader
    of partition 0 of the raw, the enriched and the version table's changelog topic in
    turn (``kills`` times), each restarted once output moved on without it; then a
    rolling restart of all three nodes. Nothing may be lost; verdicts as planned.

    Nodes are started from this (the main) thread, not a worker thread: a JVM dies with
    the thread that started it (PR_SET_PDEATHSIG), and asyncio's executor threads end
    when the loop does: that took a restarted cluster down under the reference run."""
    url = cluster.bootstrap
    settings = settings_for(env, url)
    names = settings.topic_names()
    await ensure_app_topics(settings, url)
    changelog = f"{settings.group_id}-story-versions-changelog"
    targets = [names["raw"], names["enriched"], changelog]
    port = env["WIRESTREAM_METRICS_PORT"]
    worker = WorkerProcess(url, workdir / "leader-kill-worker.log", env, cwd=REPO_ROOT)
    want = set(plan.expected)
    events: list[dict[str, Any]] = []

    async def progress(fraction: float) -> None:
        goal = int(len(want) * fraction)
        await out.until(lambda: len(want & out.seen()) >= goal, deadline_s, worker.alive,
                        f"{fraction:.0%} of the output")

    try:
        async with Collector(url, names["enriched"], names["dlq"]) as out:
            await wait_ready(port, worker)
            started = time.monotonic()
            await produce(url, names["raw"], plan.messages)
            steps = kills + (1 if rolling else 0)
            # Faults from 10 % to 55 % of the output, so the last one is mid-stream too.
            at = [0.1 + 0.45 * i / max(1, steps - 1) for i in range(steps)]
            for k in range(kills):
                await progress(at[k])
                topic = targets[k % len(targets)]
                leader = (await asyncio.to_thread(cluster.leaders, topic)).get(0, -1)
                if leader < 1:
                    events.append({"kill": topic, "leader": None})
                    continue
                before = len(out.records)
                killed_at = time.monotonic()
                cluster.kill(leader)
                # Output goes on with the node down (replication 3, min ISR 2)...
                await out.until(lambda b=before: len(out.records) > b + 5
                                or want <= out.seen(), deadline_s, worker.alive,
                                f"output with node {leader} down")
                down_s = time.monotonic() - killed_at
                cluster.restart(leader)  # ...and it comes back
                events.append({"kill": topic, "leader": leader,
                               "output_before": before, "down_s": round(down_s, 2),
                               "back_s": round(time.monotonic() - killed_at, 2)})
            if rolling:
                await progress(at[-1])
                rolled_at = time.monotonic()
                for node in cluster.nodes:
                    cluster.restart(node.node_id)
                events.append({"rolling_restart_s": round(time.monotonic() - rolled_at, 2),
                               "output_before": len(out.records)})
            await out.until(lambda: want <= out.seen(), deadline_s, worker.alive,
                            "every expected record")
            complete_at = max(r.at for r in out.records if r.key in want)
            await settle(out, port, worker)
            samples = scrape(port)
            result = summarize(plan, out.records, len(out.dead))
    finally:
        worker.stop()
    result.update({
        "scenario": "leader-kill", "nodes": len(cluster.nodes), "faults": events,
        "publish_retries": metric_sum(samples, "wirestream_publish_errors_total"),
        "publish_failed": metric_sum(samples, "wirestream_publish_failed_total"),
        "total_s": round(complete_at - started, 2),
        "verdicts": first_verdicts(out.records),
    })
    return result


# --- command line ----------------------------------------------------------------------

def _print(result: dict[str, Any]) -> None:
    for key, value in result.items():
        if key not in {"verdicts", "mismatch_examples"}:
            print(f"{key:>26} {value}")
    print(json.dumps({k: v for k, v in result.items() if k != "verdicts"}))


def _with_reference(result: dict[str, Any], reference: dict[str, Any]) -> None:
    differ = {f"{k[0]}@{k[1]}": [v, reference["verdicts"].get(k)]
              for k, v in result["verdicts"].items() if reference["verdicts"].get(k) != v}
    result["reference"] = {k: v for k, v in reference.items() if k != "verdicts"}
    result["verdicts_differ_from_reference"] = len(differ)
    result["differ_examples"] = dict(list(differ.items())[:5])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="scenario", required=True)
    p_crash = sub.add_parser("crash", help="kill -9 a worker mid-replay and restart it")
    p_crash.add_argument("--n", type=int, default=2000)
    p_crash.add_argument("--reference", action="store_true",
                         help="also run the same input uninterrupted and compare verdicts")
    p_crash.add_argument("--exactly-once", action="store_true",
                         help="Faust's processing_guarantee=exactly_once (Apache Kafka)")
    p_scale = sub.add_parser("scaleout", help="two workers; stop the near-duplicate owner")
    p_scale.add_argument("--per-round", type=int, default=100)
    p_loss = sub.add_parser("brokerloss", help="replace the broker under a running worker")
    p_loss.add_argument("--n", type=int, default=100)
    p_loss.add_argument("--outage", type=float, default=20.0)
    p_fail = sub.add_parser("publish-failure",
                            help="the enriched topic refuses writes; then fixed and redriven")
    p_fail.add_argument("--n", type=int, default=300)
    p_kill = sub.add_parser("leader-kill",
                            help="kill -9 partition leaders and roll a 3-node cluster")
    p_kill.add_argument("--n", type=int, default=1000)
    p_kill.add_argument("--kills", type=int, default=3)
    p_kill.add_argument("--no-rolling", action="store_true")
    p_kill.add_argument("--reference", action="store_true",
                        help="also run the same input uninterrupted and compare verdicts")
    for p in (p_crash, p_scale, p_loss, p_fail, p_kill):
        p.add_argument("--seed", type=int, default=9)
        p.add_argument("--broker", default="kafka-cluster" if p is p_kill else "tansu",
                       help="tansu, kafka, kafka-3.9.x or kafka-cluster")
    args = parser.parse_args()

    from bench.corpora import require_shared

    require_shared()
    # The output readers reconnect on their own while brokers die and come back.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    workdir = Path(tempfile.mkdtemp(prefix="wirestream-reliability-"))
    print(f"{'workdir':>26} {workdir}")
    print(f"{'broker':>26} {args.broker}")
    partitions = Settings().topics.partitions
    kind = args.broker

    def env(name: str) -> dict[str, str]:
        return deployment_env(workdir, name, kind)

    if args.scenario == "brokerloss":
        if parse_kind(kind)[2] > 1:
            raise SystemExit("brokerloss replaces a one-node broker: --broker tansu or kafka")
        plan = build_replay(corpus(args.n), args.n, args.seed, partitions)
        result = asyncio.run(broker_loss(free_port(), env("loss"), workdir, plan,
                                         args.outage, broker_kind=kind))
        _print(result)
        return
    if args.scenario == "publish-failure" and is_tansu(kind):
        raise SystemExit("the embedded broker does not enforce max.message.bytes: use "
                         "--broker kafka or kafka-cluster")
    if args.scenario == "leader-kill" and parse_kind(kind)[2] < 3:
        raise SystemExit("leader-kill needs --broker kafka-cluster")
    with local_broker(kind, workdir) as broker:
        url = broker.url
        if args.scenario == "crash":
            plan = build_replay(corpus(args.n), args.n, args.seed, partitions)
            fraction = random.Random(args.seed).uniform(0.2, 0.8)
            crash_env = env("crash")
            if args.exactly_once:
                crash_env["WIRESTREAM_PROCESSING_GUARANTEE"] = "exactly_once"
            result = asyncio.run(crash(url, crash_env, workdir, plan, fraction))
            if args.reference:
                _print(result)  # the scenario's own figures, before the reference runs
                _with_reference(result, asyncio.run(uninterrupted(
                    url, env("reference"), workdir, plan)))
        elif args.scenario == "publish-failure":
            plan = build_replay(corpus(args.n), args.n, args.seed, partitions)
            result = asyncio.run(publish_failure(url, env("refused"), workdir, plan))
        elif args.scenario == "leader-kill":
            assert isinstance(broker, KafkaCluster)
            plan = build_replay(corpus(args.n), args.n, args.seed, partitions)
            result = asyncio.run(leader_kill(broker, env("faults"), workdir, plan,
                                             args.kills, rolling=not args.no_rolling))
            if args.reference:
                _print(result)  # the scenario's own figures, before the reference runs
                _with_reference(result, asyncio.run(uninterrupted(
                    url, env("reference"), workdir, plan)))
        else:
            articles = corpus(args.per_round * 4)
            result = asyncio.run(scaleout(url, env("scale"), workdir, articles,
                                          args.per_round, args.seed))
    result["broker"] = kind
    _print(result)


if __name__ == "__main__":
    main()
