"""Exact log-end offsets on brokers whose ListOffsets(latest) can fall short.

The embedded Tansu broker answers ListOffsets(latest) with the last batch's base offset
+ 1, so a partition written in multi-record batches looks shorter than it is. Reading
up to that end would stop before the last records of the last batch: Faust's table
recovery and the near-duplicate index's catch-up would lose them. A fetch from that
base offset returns the whole last batch together with the partition's high watermark,
which is exact. On Apache Kafka the two agree and the fetch changes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from wirestream.streams.kafka.security import client_options

log = logging.getLogger(__name__)


async def exact_end_offsets(bootstrap: str | list[str], reported: Mapping[TopicPartition, int],
                            timeout_s: float = 10.0) -> dict[TopicPartition, int]:
    """``reported`` (ListOffsets answers) raised to each partition's fetched high watermark.

    Partitions whose fetch does not answer within ``timeout_s`` (or a broker error) keep
    the reported value, with a warning: the caller then reads what ListOffsets promised.
    """
    ends = dict(reported)
    to_check = [tp for tp, end in reported.items() if end > 0]
    if not to_check:
        return ends
    consumer = AIOKafkaConsumer(**client_options(), bootstrap_servers=bootstrap, group_id=None,
                                enable_auto_commit=False, fetch_max_wait_ms=100,
                                max_partition_fetch_bytes=1024 * 1024)
    started_ms = int(time.time() * 1000)
    try:
        await consumer.start()
        consumer.assign(to_check)
        for tp in to_check:
            consumer.seek(tp, reported[tp] - 1)  # the last batch's base offset
        deadline = time.monotonic() + timeout_s
        pending = set(to_check)
        while pending and time.monotonic() < deadline:
            await consumer.getmany(*pending, timeout_ms=100)
            for tp in list(pending):
                # Only a fetch answered after the seek carries the current high watermark.
                if (consumer.last_poll_timestamp(tp) or 0) >= started_ms:
                    ends[tp] = max(ends[tp], consumer.highwater(tp) or 0)
                    pending.discard(tp)
        if pending:
            log.warning("log end: no fetch answer for %s within %.0f s; using ListOffsets",
                        sorted(map(str, pending)), timeout_s)
    except KafkaError as exc:
        log.warning("log end: fetch failed (%s); using ListOffsets", exc)
    finally:
        await consumer.stop()
    return ends
