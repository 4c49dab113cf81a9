"""Plain aiokafka producing and consuming, for the CLI, the demo, tests and benchmarks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from wirestream.streams.kafka.admin import bootstrap_servers
from wirestream.streams.kafka.security import client_options


@dataclass(frozen=True, slots=True)
class OutMessage:
    key: bytes | None
    value: bytes | None  # None: a tombstone
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True, slots=True)
class InMessage:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]
    timestamp_ms: int

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value.decode("utf-8", "replace")
        return None


async def produce(broker_url: str, topic: str, messages: Iterable[OutMessage],
                  on_sent: Callable[[OutMessage], None] | None = None,
                  max_request_size: int = 16 * 1024 * 1024) -> int:
    producer = AIOKafkaProducer(**client_options(), bootstrap_servers=bootstrap_servers(broker_url),
                                linger_ms=5, max_request_size=max_request_size)
    await producer.start()
    count = 0
    try:
        pending = []
        for message in messages:
            pending.append(await producer.send(topic, message.value, key=message.key,
                                               headers=list(message.headers)))
            count += 1
            if on_sent is not None:
                on_sent(message)
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return count


async def consume(broker_url: str, topics: list[str], *, from_beginning: bool = True,
                  idle_timeout_s: float | None = None,
                  deadline_s: float | None = None) -> AsyncIterator[InMessage]:
    """Read topics without a consumer group; stops after ``idle_timeout_s`` with no message."""
    async for message in consume_with_ticks(broker_url, topics, from_beginning=from_beginning,
                                            idle_timeout_s=idle_timeout_s,
                                            deadline_s=deadline_s):
        if message is not None:
            yield message


async def consume_with_ticks(broker_url: str, topics: list[str], *, from_beginning: bool = True,
                             idle_timeout_s: float | None = None,
                             deadline_s: float | None = None,
                             read_committed: bool = False,
                             ) -> AsyncIterator[InMessage | None]:
    """Like ``consume``, but yields None after each empty poll so callers can check things.
    ``read_committed``: skip records of aborted transactions (exactly-once producers)."""
    consumer = AIOKafkaConsumer(
        *topics, **client_options(), bootstrap_servers=bootstrap_servers(broker_url), group_id=None,
        isolation_level="read_committed" if read_committed else "read_uncommitted",
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=False, fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=16 * 1024 * 1024,
    )
    await consumer.start()
    end = time.monotonic() + deadline_s if deadline_s else None
    try:
        last = time.monotonic()
        while True:
            batch = await consumer.getmany(timeout_ms=200)
            now = time.monotonic()
            if end is not None and now > end:
                return
            if not batch:
                if idle_timeout_s is not None and now - last > idle_timeout_s:
                    return
                yield None
                continue
            last = now
            for records in batch.values():
                for rec in records:
                    yield InMessage(rec.topic, rec.partition, rec.offset, rec.key,
                                    rec.value or b"", tuple(rec.headers or ()), rec.timestamp)
    finally:
        await consumer.stop()
