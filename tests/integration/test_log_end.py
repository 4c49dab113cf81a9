"""Exact partition ends on the real broker, whatever its ListOffsets says about batches."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from wirestream.streams.kafka.admin import bootstrap_servers, ensure_topics
from wirestream.streams.kafka.log_end import exact_end_offsets

pytestmark = [pytest.mark.integration, pytest.mark.smoke]


async def _send_batched(bootstrap: str, topic: str, partition: int, count: int) -> None:
    """``count`` records sent together, so they share multi-record batches."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=50)
    await producer.start()
    try:
        futures = [await producer.send(topic, b"v%d" % i, key=b"k", partition=partition)
                   for i in range(count)]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def _count(bootstrap: str, tp: TopicPartition, expected: int) -> int:
    """Records actually in the partition (read until ``expected`` or a quiet second)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                                enable_auto_commit=False, fetch_max_wait_ms=100)
    await consumer.start()
    try:
        consumer.assign([tp])
        consumer.seek(tp, 0)
        seen = 0
        while seen < expected:
            batch = await consumer.getmany(tp, timeout_ms=1000)
            if not batch:
                break
            seen += len(batch[tp])
        return seen
    finally:
        await consumer.stop()


def test_exact_end_offsets_count_every_record_of_the_last_batch(broker):
    bootstrap = bootstrap_servers(broker.url)
    topic = f"log-end-{time.time_ns()}"
    tps = [TopicPartition(topic, n) for n in range(3)]

    async def scenario() -> tuple[dict[TopicPartition, int], list[int]]:
        await ensure_topics(bootstrap, {topic: 3})
        await _send_batched(bootstrap, topic, 0, 10)
        await _send_batched(bootstrap, topic, 0, 7)
        await _send_batched(bootstrap, topic, 1, 1)
        probe = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
        await probe.start()
        try:
            reported = await probe.end_offsets(tps)
        finally:
            await probe.stop()
        exact = await exact_end_offsets(bootstrap, reported)
        counts = [await _count(bootstrap, tp, 17) for tp in tps]
        return exact, counts

    exact, counts = asyncio.run(scenario())
    assert counts == [17, 1, 0]
    assert [exact[tp] for tp in tps] == counts
