"""Nothing lost when a write fails: every input is enriched, dead-lettered or uncommitted.

The enriched topic is made to refuse every record (a tiny ``max.message.bytes``, which
Apache Kafka enforces and the embedded broker does not). Before the fix the worker
committed its inputs anyway and the articles vanished: Faust's ``send`` returns once a
record is queued, and nothing waited for the broker's answer before the offset was acked.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import MessageSizeTooLargeError

from tests.conftest import REPO_ROOT, TEST_BROKER
from tests.integration.helpers import collect, collect_keys, scrape, settings_from, wait_ready
from wirestream.processors.input_files import items_from_file
from wirestream.streams.kafka.admin import (
    alter_topic_config,
    bootstrap_servers,
    ensure_app_topics,
    partitions_of,
)
from wirestream.streams.kafka.delivery import EXIT_DELIVERY_FAILED
from wirestream.streams.kafka.kafka_io import OutMessage, consume, produce
from wirestream.streams.kafka.redrive import redrive
from wirestream.streams.tools.worker_process import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.smoke]

if TEST_BROKER == "tansu":
    pytest.skip("the embedded broker does not enforce max.message.bytes, so a write "
                "cannot be made to fail this way", allow_module_level=True)

TINY = {"max.message.bytes": "600"}  # every enriched record is larger
ROOMY = {"max.message.bytes": str(16 * 1024 * 1024)}
PROBE_KEY = b"probe"


async def set_limit(broker_url: str, topic: str, config: dict[str, str]) -> None:
    """Alter the topic's max.message.bytes and wait until the broker enforces it: a topic
    config reaches the partition leaders a moment after AlterConfigs answers (seen on
    Kafka 3.9: one record got through after the answer). A 2 KB probe record (key
    ``probe``) is refused once TINY holds and accepted once ROOMY does."""
    await alter_topic_config(broker_url, topic, config)
    want_refused = config is TINY
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers(broker_url), acks="all",
                                max_request_size=16 * 1024 * 1024)
    await producer.start()
    try:
        for _ in range(300):
            try:
                await producer.send_and_wait(topic, b"x" * 2048, key=PROBE_KEY, partition=0)
                refused = False
            except MessageSizeTooLargeError:
                refused = True
            if refused == want_refused:
                return
            await asyncio.sleep(0.2)  # poll interval while the config spreads
        raise AssertionError(f"{topic}: max.message.bytes {config} not in force")
    finally:
        await producer.stop()


def without_probes(messages: list) -> list:
    return [m for m in messages if m.key != PROBE_KEY]


def sample_messages() -> tuple[list[OutMessage], set[str]]:
    """The demo's sample articles (four formats, four languages), as feeds send them."""
    items = [item for path in sorted((REPO_ROOT / "samples").glob("*"))
             for item in items_from_file(path)]
    messages = [OutMessage(item.key.encode() if item.key else None, item.payload,
                           (("content-type", item.content_type.encode()),)) for item in items]
    return messages, {item.key for item in items if item.key}


async def uncommitted(broker_url: str, group: str, topic: str) -> int:
    """Records of ``topic`` the group has not committed (end offset minus committed)."""
    tps = [TopicPartition(topic, p) for p in await partitions_of(broker_url, topic)]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers(broker_url))
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group, partitions=tps)
    finally:
        await admin.close()
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers(broker_url))
    await consumer.start()
    try:
        ends = await consumer.end_offsets(tps)
    finally:
        await consumer.stop()
    return sum(ends[tp] - max(0, committed[tp].offset if tp in committed else 0)
               for tp in tps)


async def records_on(broker_url: str, topic: str) -> list:
    return [m async for m in consume(broker_url, [topic], idle_timeout_s=2.0)]


def refusing(broker, namespace_env: dict[str, str], refused: tuple[str, ...]
             ) -> tuple[dict[str, str], Any, dict[str, str]]:
    """Env (two quick write attempts), settings and topic names of a deployment whose
    ``refused`` topics (keys: enriched, dlq) take no record larger than 600 bytes."""
    env = {**namespace_env, "WIRESTREAM_PUBLISH_ATTEMPTS": "2",
           "WIRESTREAM_PUBLISH_BACKOFF_S": "0.1"}
    settings = settings_from(env, broker.url)
    names = settings.topic_names()
    asyncio.run(ensure_app_topics(settings, broker.url))
    for key in refused:
        asyncio.run(set_limit(broker.url, names[key], TINY))
    return env, settings, names


def test_refused_output_is_dead_lettered_then_redriven(broker, namespace_env, tmp_path):
    env, _, names = refusing(broker, namespace_env, ("enriched",))
    messages, ids = sample_messages()
    port = env["WIRESTREAM_METRICS_PORT"]

    worker = WorkerProcess(broker.url, tmp_path / "worker.log", env)
    try:
        wait_ready(port, worker)
        asyncio.run(produce(broker.url, names["raw"], messages))
        dead = asyncio.run(collect(broker.url, [names["dlq"]], len(ids), worker))
        samples = scrape(port)
        assert worker.alive(), worker.log_tail()
    finally:
        worker.stop()

    # Every article is accounted for: dead-lettered with the reason and the topic that
    # refused it, its original bytes (the enrich stage's input) kept.
    assert {m.key.decode() for m in dead} == ids
    for msg in dead:
        assert msg.header("wirestream.reason") == "publish_failed"
        assert msg.header("wirestream.stage") == "enrich"
        assert msg.header("wirestream.original_topic") == names["deduped"]
        assert names["enriched"] in (msg.header("wirestream.error_message") or "")
        assert json.loads(msg.value)["article"]["id"] == msg.key.decode()
    assert without_probes(asyncio.run(records_on(broker.url, names["enriched"]))) == []
    enriched_label = f'{{topic="{names["enriched"]}"}}'
    assert samples.get("wirestream_publish_failed_total" + enriched_label) == len(ids)
    assert samples.get("wirestream_publish_failed_total" + f'{{topic="{names["dlq"]}"}}') == 0
    assert samples.get("wirestream_publish_errors_total" + f'{{error="MessageSizeTooLargeError",'
                       f'topic="{names["enriched"]}"}}') == len(ids)
    assert samples.get("wirestream_records_written_total" + f'{{topic="{names["dlq"]}"}}') \
        == len(ids)
    assert samples['wirestream_articles_rejected_total{reason="publish_failed"}'] == len(ids)

    # The cause fixed, the dead letters go back to where they came from and come out.
    asyncio.run(set_limit(broker.url, names["enriched"], ROOMY))
    worker = WorkerProcess(broker.url, tmp_path / "worker-2.log", env)
    try:
        wait_ready(port, worker)
        result = asyncio.run(redrive(broker.url, names["dlq"]))
        assert result.redriven == {names["deduped"]: len(ids)}
        enriched = without_probes(asyncio.run(collect_keys(
            broker.url, [names["enriched"]], ids, worker)))
    finally:
        worker.stop()
    assert {m.key.decode() for m in enriched} == ids
    assert all(json.loads(m.value)["record_type"] == "article" for m in enriched)


def test_worker_stops_uncommitted_when_the_dead_letter_fails_too(broker, namespace_env,
                                                                  tmp_path: Path):
    env, settings, names = refusing(broker, namespace_env, ("enriched", "dlq"))
    messages, ids = sample_messages()
    port = env["WIRESTREAM_METRICS_PORT"]

    worker = WorkerProcess(broker.url, tmp_path / "worker.log", env)
    try:
        wait_ready(port, worker)
        asyncio.run(produce(broker.url, names["raw"], messages))
        code = worker.proc.wait(timeout=240)
    finally:
        worker.stop()
    log = worker.log_tail(400)
    assert code == EXIT_DELIVERY_FAILED, log
    assert "stopping the worker" in log and names["dlq"] in log
    # The input whose records could not be written was never committed.
    assert asyncio.run(uncommitted(broker.url, settings.group_id, names["deduped"])) >= 1

    # Topics fixed, a new worker picks the uncommitted inputs up again: nothing lost.
    for topic in (names["enriched"], names["dlq"]):
        asyncio.run(set_limit(broker.url, topic, ROOMY))
    worker = WorkerProcess(broker.url, tmp_path / "worker-2.log", env)
    try:
        wait_ready(port, worker)
        # At least once: an article whose record was written before the stop comes again.
        enriched = without_probes(asyncio.run(collect_keys(
            broker.url, [names["enriched"]], ids, worker)))
    finally:
        worker.stop()
    assert {m.key.decode() for m in enriched} == ids
