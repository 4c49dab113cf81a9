"""The broker fails under a running worker: lost and replaced by an empty one
(``broker_loss``), the output topic refusing every write (``publish_failure``), partition
leaders killed and a rolling restart of a 3-node cluster (``leader_kill``)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from tests.scenarios.collect import (
    Collector,
    dead_letter_keys,
    first_verdicts,
    settle,
    summarize,
    until_complete,
)
from tests.scenarios.processes import (
    REPO_ROOT,
    await_ready,
    descendants,
    metric_sum,
    scrape,
    wait_gone,
)
from tests.scenarios.replay import Key, ReplayPlan
from wirestream.config.settings import settings_with_env as settings_for
from wirestream.streams.brokers.apache_kafka import KafkaCluster
from wirestream.streams.brokers.local import LocalBroker, is_tansu, parse_kind
from wirestream.streams.brokers.tansu import EmbeddedBroker
from wirestream.streams.kafka.admin import alter_topic_config, ensure_app_topics
from wirestream.streams.kafka.kafka_io import produce
from wirestream.streams.kafka.redrive import redrive
from wirestream.streams.tools.worker_process import WorkerProcess


def _fresh_broker(kind: str, port: int, workdir: Path, n: int) -> LocalBroker:
    """A new, empty broker of ``kind`` listening on ``port`` (one node)."""
    if is_tansu(kind):
        return EmbeddedBroker(port=port, log_path=workdir / f"tansu-{n}.log").start()
    version = parse_kind(kind)[1] or "4.x"
    return KafkaCluster(version, nodes=1, ports=[port],
                        work_dir=workdir / f"kafka-{n}").start()


def _not_back(deadline_s: float, missing: set[Key], exits: list[int], workdir: Path,
              worker: WorkerProcess) -> str:
    """Why broker_loss gave up, with what a flaky run needs to be told apart: which records
    are missing, how the workers exited, whether the first worker reset its offsets on the
    new broker (it then ran on its old state until its broker watch stopped it), and the
    current worker's log."""
    first_log = workdir / "loss-worker-1.log"
    resets = first_log.read_text(errors="replace").count("out of range") \
        if first_log.exists() else 0
    return (f"output not back within {deadline_s}s: {len(missing)} record(s) missing, e.g. "
            f"{sorted(missing)[:3]}; exit codes {exits}; the first worker reset "
            f"{resets} offset(s) as out of range before it exited; current worker's log:\n"
            f"{worker.log_tail()}")


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
            await await_ready(metrics_port, worker)
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
                    raise AssertionError(_not_back(deadline_s, want - out.seen(), exits,
                                                   workdir, worker))
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
            await await_ready(port, worker)
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
            await await_ready(port, worker)
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
            complete_at, result = await until_complete(out, plan, port, worker, deadline_s)
            samples = scrape(port)
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
