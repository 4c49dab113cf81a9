"""Consumer lag of the app's group, measured on a timer by clients of our own.

Why separate clients and not Faust's consumer: the group-wide view is what on-call
needs (partitions of a dead or stuck worker included), and the numbers must keep
coming when the Faust consumer itself is stalled. Each check is a handful of
requests on the event loop, never in the message path.

Per source partition: committed offset (OffsetFetch for the group), end offset and the
timestamp of the first uncommitted message. The end offset is the larger of ListOffsets
and the high watermark of a fetch from the committed position, because the embedded
Tansu broker answers ListOffsets(latest) with the last batch's base offset + 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from mode import Service

from wirestream.streams.kafka.admin import bootstrap_servers
from wirestream.streams.kafka.security import client_options
from wirestream.streams.ops import metrics

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 10.0


@dataclass(frozen=True, slots=True)
class PartitionLag:
    committed: int  # next offset the group will read (log start when nothing committed)
    end: int
    lag: int
    oldest_age_s: float | None  # None: lagging but the message could not be fetched in time


class ConsumerLagMonitor(Service):
    """Exports ``wirestream_consumer_lag_messages`` and the oldest-unprocessed age."""

    def __init__(self, broker_url: str, group_id: str, topics: Sequence[str],
                 interval_s: float = DEFAULT_INTERVAL_S, fetch_timeout_s: float = 2.0,
                 request_timeout_s: float = 10.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bootstrap = bootstrap_servers(broker_url)
        self.group_id = group_id
        self.topics = tuple(topics)
        self.interval_s = interval_s
        self.fetch_timeout_s = fetch_timeout_s
        self.request_timeout_s = request_timeout_s
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._exported: set[tuple[str, str]] = set()

    @Service.task
    async def _check_periodically(self) -> None:
        while not self.should_stop:
            await self.check()
            await self.sleep(self.interval_s)

    async def on_stop(self) -> None:
        await self.close()

    async def close(self) -> None:
        admin, self._admin = self._admin, None
        consumer, self._consumer = self._consumer, None
        for client in (admin, consumer):
            if client is None:
                continue
            try:
                await (client.close() if isinstance(client, AIOKafkaAdminClient)
                       else client.stop())
            except Exception:  # closing a broken connection must not stop the worker
                log.debug("closing a lag-check client failed", exc_info=True)

    async def check(self) -> dict[TopicPartition, PartitionLag] | None:
        """One measurement, exported as metrics; None (and broker down) when it failed."""
        try:
            result = await asyncio.wait_for(self._measure(), timeout=self.request_timeout_s)
        except Exception as exc:
            metrics.BROKER_UP.set(0)
            log.warning("consumer lag check failed: %s: %s", type(exc).__name__, exc)
            await self.close()  # reconnect from scratch next time
            return None
        metrics.BROKER_UP.set(1)
        self._export(result)
        return result

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None:
            admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=self.bootstrap,
                                        request_timeout_ms=int(self.request_timeout_s * 1000))
            await admin.start()
            self._admin = admin
        if self._consumer is None:
            # No group: this consumer must never join or commit for the app's group.
            consumer = AIOKafkaConsumer(
                **client_options(), bootstrap_servers=self.bootstrap, group_id=None,
                enable_auto_commit=False,
                fetch_max_wait_ms=100, max_partition_fetch_bytes=1024 * 1024,
                fetch_max_bytes=4 * 1024 * 1024,
                request_timeout_ms=int(self.request_timeout_s * 1000))
            await consumer.start()
            self._consumer = consumer
        return self._admin, self._consumer

    async def _measure(self) -> dict[TopicPartition, PartitionLag]:
        admin, consumer = await self._clients()
        # Fresh metadata for our topics each time, so new partitions are seen (a consumer
        # without a subscription keeps no metadata for them on Apache Kafka).
        described = await admin.describe_topics(list(self.topics))
        tps = [TopicPartition(t["topic"], p["partition"]) for t in described
               if t.get("error_code", 0) == 0 and t["topic"] in self.topics
               for p in sorted(t.get("partitions") or (), key=lambda p: p["partition"])]
        if not tps:
            return {}
        committed = await admin.list_consumer_group_offsets(self.group_id, partitions=tps)
        starts = await consumer.beginning_offsets(tps)
        ends = await consumer.end_offsets(tps)
        positions: dict[TopicPartition, int] = {}
        for tp in tps:
            done = committed.get(tp)
            # Nothing committed yet: the group starts at the log start (auto offset reset
            # "earliest"), so everything from there on is unprocessed.
            positions[tp] = done.offset if done is not None and done.offset >= 0 else starts[tp]
        firsts, highwaters = await self._peek(consumer, positions)
        now = time.time()
        result: dict[TopicPartition, PartitionLag] = {}
        for tp, position in positions.items():
            end = max(ends[tp], highwaters.get(tp, 0))
            lag = max(0, end - position)
            age: float | None = 0.0
            if lag:
                stamp = firsts.get(tp)
                age = max(0.0, now - stamp / 1000) if stamp is not None and stamp > 0 else None
            result[tp] = PartitionLag(position, end, lag, age)
        return result

    async def _peek(self, consumer: AIOKafkaConsumer, positions: dict[TopicPartition, int]
                    ) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int]]:
        """Timestamp of the record at each position, and each partition's fresh high watermark.

        A failed or slow fetch leaves partitions out; the caller falls back to ListOffsets.
        """
        firsts: dict[TopicPartition, int] = {}
        highwaters: dict[TopicPartition, int] = {}
        tps = list(positions)
        try:
            if set(consumer.assignment()) != set(tps):
                consumer.assign(tps)
            consumer.resume(*tps)
            for tp, offset in positions.items():
                consumer.seek(tp, offset)
            started_ms = int(time.time() * 1000)
            deadline = time.monotonic() + self.fetch_timeout_s
            while True:
                batch = await consumer.getmany(timeout_ms=100)
                for tp, records in batch.items():
                    if records and tp not in firsts:
                        firsts[tp] = records[0].timestamp
                # A fetch answered after the seek carries the current high watermark.
                fresh = [tp for tp in tps
                         if (consumer.last_poll_timestamp(tp) or 0) >= started_ms]
                for tp in fresh:
                    highwaters[tp] = consumer.highwater(tp) or 0
                done = len(fresh) == len(tps) and all(
                    tp in firsts or highwaters[tp] <= positions[tp] for tp in tps)
                if done or time.monotonic() > deadline:
                    break
        except Exception as exc:
            log.debug("lag check: fetch from committed positions failed: %s", exc)
        finally:
            # Paused partitions are not prefetched between checks.
            if consumer.assignment():
                consumer.pause(*consumer.assignment())
        return firsts, highwaters

    def _export(self, result: dict[TopicPartition, PartitionLag]) -> None:
        seen: set[tuple[str, str]] = set()
        for tp, part in result.items():
            labels = (tp.topic, str(tp.partition))
            seen.add(labels)
            metrics.CONSUMER_LAG.labels(*labels).set(part.lag)
            if part.oldest_age_s is not None:
                metrics.OLDEST_UNPROCESSED_AGE.labels(*labels).set(part.oldest_age_s)
        for labels in self._exported - seen:  # partitions that went away
            for gauge in (metrics.CONSUMER_LAG, metrics.OLDEST_UNPROCESSED_AGE):
                with contextlib.suppress(KeyError):
                    gauge.remove(*labels)
        self._exported = seen
