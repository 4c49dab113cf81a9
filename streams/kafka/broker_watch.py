"""Noticing that the broker lost its data, so a worker's local state is not trusted blindly.

A worker's data dir holds state derived from one broker's history: table stores with the
changelog offsets they reflect, the near-duplicate index. When the broker comes back
without that history (the embedded broker keeps nothing across a restart; a Kafka
cluster rebuilt or its topics re-created), that state is wrong: re-sent stories would be
taken for redeliveries, and Faust stops with a ConsistencyError on every start.

Each broker history gets an incarnation marker: a random id, the first record of a small
compacted topic, written by the first worker that finds it missing. The data dir
remembers the marker its state came from. At start a different marker means the local
state is dropped (rebuilt from the broker's changelogs); while running, a missing or
different marker makes the worker exit at once with ``EXIT_BROKER_LOST`` (no clean stop,
so no offsets of the old history are committed to the new one) for its supervisor to
restart it. An unreachable broker is not evidence of anything: Faust keeps reconnecting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import time
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from wirestream.streams.kafka.admin import bootstrap_servers, ensure_topics
from wirestream.streams.kafka.kafka_io import OutMessage, produce
from wirestream.streams.kafka.security import client_options

log = logging.getLogger(__name__)

EXIT_BROKER_LOST = 75  # EX_TEMPFAIL: restart me
MARKER_FILE = "broker-incarnation"
MARKER_KEY = b"incarnation"
# What the data dir holds that came from the broker: Faust's tables (v1/...) and the
# near-duplicate index. Logs and the feed poller's state are left alone.
STATE_DIRS = ("v1", "near-duplicates")


class BrokerUnreachable(RuntimeError):
    """The broker did not answer; says nothing about its data."""


async def _marker_of(consumer: AIOKafkaConsumer, topic: str, timeout_s: float) -> str | None:
    """The marker through a started consumer; None when its topic or record is missing."""
    topics = await asyncio.wait_for(consumer.topics(), timeout_s)
    if topic not in topics:
        return None
    tp = TopicPartition(topic, 0)
    if consumer.assignment() != {tp}:
        consumer.assign([tp])
    end = (await asyncio.wait_for(consumer.end_offsets([tp]), timeout_s))[tp]
    if end == 0:
        return None
    consumer.seek(tp, 0)
    batch = await consumer.getmany(tp, timeout_ms=int(timeout_s * 1000), max_records=1)
    records = batch.get(tp, [])
    if not records:
        raise BrokerUnreachable(f"no answer reading {topic}")
    return (records[0].value or b"").decode("utf-8", "replace")


def _consumer(broker_url: str, timeout_s: float) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(**client_options(), bootstrap_servers=bootstrap_servers(broker_url),
                            group_id=None, enable_auto_commit=False,
                            request_timeout_ms=int(timeout_s * 1000))


async def read_marker(broker_url: str, topic: str, timeout_s: float = 10.0) -> str | None:
    """The broker's incarnation id; None when the marker topic or record is missing."""
    consumer = _consumer(broker_url, timeout_s)
    try:
        await asyncio.wait_for(consumer.start(), timeout_s)
        return await _marker_of(consumer, topic, timeout_s)
    except (TimeoutError, OSError, KafkaError) as exc:
        raise BrokerUnreachable(f"{type(exc).__name__}: {exc}") from exc
    finally:
        await consumer.stop()


async def claim_marker(broker_url: str, topic: str) -> str:
    """The broker's incarnation id, written first if it has none (the first writer wins)."""
    await ensure_topics(broker_url, {topic: 1},
                        configs={topic: {"cleanup.policy": "compact", "retention.ms": "-1"}})
    current = await read_marker(broker_url, topic)
    if current is None:
        await produce(broker_url, topic, [OutMessage(MARKER_KEY, uuid.uuid4().hex.encode())])
        current = await read_marker(broker_url, topic)
    if current is None:
        raise BrokerUnreachable(f"the marker written to {topic} cannot be read back")
    return current


def reconcile_local_state(data_dir: str, incarnation: str) -> bool:
    """Drop local state that came from another broker history; True when dropped."""
    root = Path(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    marker = root / MARKER_FILE
    known = marker.read_text().strip() if marker.exists() else None
    has_state = any((root / name).exists() for name in STATE_DIRS)
    dropped = False
    # No marker file: state from before markers existed, taken to be this broker's.
    if has_state and known is not None and known != incarnation:
        log.warning("the broker's history (%s) is not the one the local state in %s came "
                    "from (%s): dropping it, tables and the near-duplicate index are rebuilt "
                    "from the broker's changelogs", incarnation, root, known or "unknown")
        for name in STATE_DIRS:
            shutil.rmtree(root / name, ignore_errors=True)
        dropped = True
    marker.write_text(incarnation + "\n")
    return dropped


class BrokerWatch:
    """A timer body: exits the process when the broker's marker is gone or changed.

    One consumer, kept between checks (a new one every few seconds would reconnect and
    log its subscription each time)."""

    def __init__(self, broker_url: str, topic: str, incarnation: str,
                 timeout_s: float = 5.0, hold_s: float = 30.0) -> None:
        self.broker_url = broker_url
        self.topic = topic
        self.incarnation = incarnation
        self.timeout_s = timeout_s
        self._consumer: AIOKafkaConsumer | None = None
        self._lock = asyncio.Lock()
        # Checks that could not reach the broker, and how many of them a later check that
        # found the same history has answered: while they differ, fetched records may come
        # from a broker that replaced ours during the outage.
        self._unanswered = 0
        self._answered = 0
        # Records arriving while the marker cannot be read prove the broker answers
        # fetches: past ``hold_s`` of that, the watch is what fails, not the broker, and
        # holding them longer would stall the worker (commits stay guarded).
        self.hold_s = hold_s
        self._held_since: float | None = None
        self.clock = time.monotonic

    async def check(self) -> None:
        """The timer body."""
        await self.history_unchanged(strict=False)

    async def commit_allowed(self) -> bool:
        """Asked before every offset commit: a worker that reconnected to a replaced broker
        must not commit offsets of the old history into the new one (seen on Kafka 3.9:
        they made the re-sent input look processed). A check that cannot be made skips
        the commit; the next one carries the same offsets."""
        return await self.history_unchanged(strict=True)

    async def records_trusted(self) -> bool:
        """Asked before fetched records are processed. After an outage a worker's
        consumer reconnects on its own and may fetch re-sent input from a replaced broker
        before the timer's next check: those records must not meet the old local state.
        True when no check has failed since the last good one, or when a check now finds
        the same history; False while the broker does not answer."""
        if self._answered == self._unanswered:
            return True
        if await self.history_unchanged(strict=True):
            if self._held_since is not None:
                log.info("broker watch: the broker's history is unchanged; processing the "
                         "records held since the marker could not be read")
                self._held_since = None
            return True
        now = self.clock()
        if self._held_since is None:
            self._held_since = now
            log.warning("broker watch: the broker's marker cannot be read; fetched records "
                        "wait until it can (at most %.0f s)", self.hold_s)
        if now - self._held_since < self.hold_s:
            return False
        log.warning("broker watch: the marker has not been readable for %.0f s while records "
                    "arrive; processing them (offsets are still committed only after a "
                    "check finds the same history)", now - self._held_since)
        self._answered = self._unanswered
        self._held_since = None
        return True

    async def history_unchanged(self, strict: bool) -> bool:
        """True unless the broker lost the history the worker's state came from; then the
        process exits at once. When the broker does not answer: ``not strict``."""
        async with self._lock:  # the timer and a commit may ask at the same time
            try:
                if self._consumer is None:
                    consumer = _consumer(self.broker_url, self.timeout_s)
                    try:
                        await asyncio.wait_for(consumer.start(), self.timeout_s)
                    except BaseException:
                        await consumer.stop()
                        raise
                    self._consumer = consumer
                doubts = self._unanswered
                current = await _marker_of(self._consumer, self.topic, self.timeout_s)
            except (BrokerUnreachable, TimeoutError, OSError, KafkaError):
                self._unanswered += 1
                # Down or slow says nothing about its data. The next check reconnects: a
                # consumer from before an outage may never answer again.
                consumer, self._consumer = self._consumer, None
                if consumer is not None:
                    with contextlib.suppress(Exception):
                        await consumer.stop()
                return not strict
        if current == self.incarnation:
            self._answered = doubts
            return True
        log.critical("the broker at %s lost its data (incarnation marker %s, now %s): "
                     "exiting with code %d without committing, so that a restart rebuilds "
                     "state from what the broker has; run workers under a supervisor that "
                     "restarts them", self.broker_url, self.incarnation, current or "missing",
                     EXIT_BROKER_LOST)
        logging.shutdown()
        os._exit(EXIT_BROKER_LOST)
