"""Dead letters back to the topic they came from, once the cause is fixed.

A record that could not be written (reason ``publish_failed``: a topic that refused it,
a broker that stayed away) dead-letters its input with the input's original bytes and
its original topic in headers. When the cause is fixed, ``wirestream redrive`` produces
those inputs again to their original topic with their original key and headers, so
they take the same path as before. Stages are idempotent by key and id (versions,
event ids), so a record redriven twice is absorbed downstream.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from wirestream.processors.records import HEADER_PREFIX, DeadLetterHeaders
from wirestream.streams.kafka.admin import bootstrap_servers, partitions_of
from wirestream.streams.kafka.security import client_options


@dataclass(frozen=True, slots=True)
class RedriveResult:
    scanned: int
    redriven: dict[str, int]  # original topic -> records produced to it
    skipped_truncated: int  # cut dead letters cannot be replayed as they were


async def redrive(broker_url: str, dlq: str, reasons: frozenset[str] = frozenset(
        {"publish_failed"}), dry_run: bool = False) -> RedriveResult:
    """Read the dead-letter topic up to its current end; produce the matching letters
    (by reason) to their original topics and wait for every acknowledgement."""
    bootstrap = bootstrap_servers(broker_url)
    consumer = AIOKafkaConsumer(**client_options(), bootstrap_servers=bootstrap, group_id=None,
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                max_partition_fetch_bytes=16 * 1024 * 1024,
                                fetch_max_bytes=64 * 1024 * 1024)
    producer = AIOKafkaProducer(**client_options(), bootstrap_servers=bootstrap, acks="all",
                                max_request_size=16 * 1024 * 1024)
    await consumer.start()
    await producer.start()
    scanned, skipped = 0, 0
    redriven: dict[str, int] = {}
    try:
        tps = [TopicPartition(dlq, p) for p in await partitions_of(bootstrap, dlq)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        futures = []
        remaining = {tp for tp in tps if ends[tp] > await consumer.position(tp)}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=500)
            for tp, records in batch.items():
                for rec in records:
                    if rec.offset >= ends[tp]:
                        break
                    scanned += 1
                    try:
                        about = DeadLetterHeaders.from_kafka(list(rec.headers or ()))
                    except ValueError:  # not one of ours: left where it is
                        continue
                    target = about.original_topic
                    if about.reason not in reasons or not target:
                        continue
                    if about.truncated is not None:
                        skipped += 1
                        continue
                    original = [(k, v) for k, v in rec.headers or ()
                                if not k.startswith(HEADER_PREFIX)]
                    redriven[target] = redriven.get(target, 0) + 1
                    if not dry_run:
                        futures.append(await producer.send(target, rec.value or b"",
                                                           key=rec.key, headers=original))
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        for future in futures:
            await future  # every redriven record acknowledged, or this raises
    finally:
        await producer.stop()
        await consumer.stop()
    return RedriveResult(scanned, redriven, skipped)
