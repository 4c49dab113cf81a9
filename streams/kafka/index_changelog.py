"""The near-duplicate stage's index entries (near-duplicate and correction indexes), kept
in a local RocksDB and a compacted changelog topic.

The near-duplicate stage reads a one-partition topic, so exactly one worker of the group
runs it and the partition moves between workers on a rebalance. The local store alone
would leave the new owner with an empty index. Every write to the local store is also
queued here and sent to a changelog topic (key = store key, value = entry bytes, null =
deleted: evictions and kills become tombstones), so a worker that (re)gains the partition
first replays what it is missing, like a Faust table's recovery. A Faust Table is not
used because its writes must happen inside the iteration of one event, and this stage
works on batches (``take_events``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator, MutableMapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from wirestream.streams.kafka.admin import bootstrap_servers
from wirestream.streams.kafka.log_end import exact_end_offsets
from wirestream.streams.kafka.security import client_options

log = logging.getLogger(__name__)

# Outside the index's "k:", "a:" and "c:" key spaces: the changelog offset the store reflects.
APPLIED_KEY = b"m:changelog-offset"


class ChangelogStore(MutableMapping[bytes, bytes]):
    """A MutableMapping over the local store that remembers each change for the changelog."""

    def __init__(self, local: MutableMapping[bytes, bytes]) -> None:
        self.local = local
        self.pending: list[tuple[bytes, bytes | None]] = []

    def __getitem__(self, key: bytes) -> bytes:
        value = self.local.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key: bytes, default: bytes | None = None) -> bytes | None:  # type: ignore[override]
        value = self.local.get(key)
        return default if value is None else value

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.local[key] = value
        self.pending.append((key, value))

    def __delitem__(self, key: bytes) -> None:
        del self.local[key]
        self.pending.append((key, None))

    def __iter__(self) -> Iterator[bytes]:
        return (bytes(k) for k in self.local.keys() if bytes(k) != APPLIED_KEY)  # noqa: SIM118

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def take_pending(self) -> list[tuple[bytes, bytes | None]]:
        pending, self.pending = self.pending, []
        return pending

    @property
    def applied_offset(self) -> int:
        """The last changelog offset reflected in the local store; -1 for none."""
        raw = self.local.get(APPLIED_KEY)
        return int(raw) if raw is not None else -1

    def mark_applied(self, offset: int) -> None:
        self.local[APPLIED_KEY] = str(offset).encode()

    def apply(self, key: bytes, value: bytes | None) -> None:
        """A record replayed from the changelog: local only, not queued again."""
        if value is None:
            if self.local.get(key) is not None:
                del self.local[key]
        else:
            self.local[key] = value

    def clear_local(self) -> int:
        keys = [bytes(k) for k in self.local.keys()]  # noqa: SIM118 - Rdict
        for key in keys:
            del self.local[key]
        return len(keys)


async def catch_up(store: ChangelogStore, broker_url: str, topic: str,
                   stall_timeout_s: float = 60.0) -> int:
    """Bring the local store up to the changelog's end; returns the records replayed.

    From the offset after the one the store last reflected; from the start when the
    store is empty, or when the broker has fewer records than the store reflects (a
    broker that lost its data, e.g. the in-memory embedded one after a restart: the
    local entries then belong to a history the broker no longer has, and are dropped).
    """
    tp = TopicPartition(topic, 0)
    consumer = AIOKafkaConsumer(
        **client_options(), bootstrap_servers=bootstrap_servers(broker_url), group_id=None,
        enable_auto_commit=False, auto_offset_reset="earliest",
        max_partition_fetch_bytes=16 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024)
    await consumer.start()
    try:
        consumer.assign([tp])
        # ListOffsets may fall short on the embedded broker: corrected by a fetch.
        end = (await exact_end_offsets(bootstrap_servers(broker_url),
                                       await consumer.end_offsets([tp])))[tp]
        begin = (await consumer.beginning_offsets([tp]))[tp]
        start = store.applied_offset + 1
        if start == 0 and end == begin:
            # An empty changelog and a store that never had one (written by a version
            # before the changelog): publish its entries so a move keeps them.
            store.pending.extend((k, store.local[k]) for k in store)
            return 0
        if start > end or start < begin or (start == 0 and any(True for _ in store)):
            dropped = store.clear_local()
            log.warning("near-duplicate index: the local store (up to changelog offset %d) "
                        "does not match %s [%d, %d): dropped %d local key(s), replaying all",
                        start - 1, topic, begin, end, dropped)
            start = begin
        if start >= end:
            return 0
        consumer.seek(tp, start)
        replayed = 0
        last = start - 1
        progress_at = time.monotonic()
        while last + 1 < end:
            batch = await consumer.getmany(tp, timeout_ms=500)
            records = batch.get(tp, [])
            if records:
                # RocksDB writes for a whole fetch: in a thread, not on the event loop.
                await asyncio.get_running_loop().run_in_executor(
                    None, _apply_all, store, records)
                last = records[-1].offset
                replayed += len(records)
                progress_at = time.monotonic()
            if time.monotonic() - progress_at > stall_timeout_s:
                raise RuntimeError(f"changelog {topic} stalled at offset {last} of {end}")
            if not batch and await consumer.position(tp) >= end:
                break  # compaction left a gap at the end
        store.mark_applied(max(last, end - 1))
        return replayed
    finally:
        await consumer.stop()


def _apply_all(store: ChangelogStore, records: list[Any]) -> None:
    for record in records:
        if record.key is not None:
            store.apply(bytes(record.key), record.value)
