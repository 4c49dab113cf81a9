"""A worker dies or leaves under load: kill -9 mid-replay and a restart on the same data
dir (``crash``), the same input left alone for reference (``uninterrupted``), and two
workers in one group losing the one that runs the near-duplicate stage (``scaleout``)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import time
from pathlib import Path
from typing import Any

from tests.scenarios.collect import (
    Collector,
    first_verdicts,
    settle,
    summarize,
    until_complete,
)
from tests.scenarios.processes import (
    REPO_ROOT,
    await_ready,
    descendants,
    scrape,
    wait_gone,
)
from tests.scenarios.replay import (
    MIN_WORDS,
    Key,
    ReplayPlan,
    copy_id,
    distinct_articles,
    version_verdict,
)
from wirestream.config.settings import settings_with_env as settings_for
from wirestream.streams.brokers.tansu import free_port
from wirestream.streams.kafka.admin import ensure_app_topics
from wirestream.streams.kafka.kafka_io import OutMessage, produce
from wirestream.streams.tools.worker_process import WorkerProcess


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
            await await_ready(port, first)
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
            complete_at, result = await until_complete(out, plan, port, second, deadline_s)
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
            await await_ready(port, worker)
            started = time.monotonic()
            await produce(broker_url, names["raw"], plan.messages)
            complete_at, result = await until_complete(out, plan, port, worker, deadline_s)
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
                await await_ready(ports[name], workers[name])
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
                    await await_ready(ports[fresh], workers[fresh])
                    live.append(fresh)
            await settle(out, ports[live[0]], workers[live[0]])
            result = summarize(ReplayPlan([], expected), out.records, len(out.dead), sent)
    finally:
        for worker in workers.values():
            worker.stop()
    result.update({"scenario": "scaleout", "rounds": rounds})
    return result
