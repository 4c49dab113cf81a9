"""Version rules per story id, with state in a RocksDB-backed Faust table.

The table is keyed like the canonical topic, so it partitions and scales with it
and comes back from its changelog after a restart. Held (embargoed) versions stay
in the table; a timer asks for their release by sending a control message to the
story's own partition, because Faust tables may only be written from their stream.
"""

from __future__ import annotations

import heapq
import logging
import time
from datetime import UTC, datetime

import faust

from wirestream.config.settings import Settings
from wirestream.processors.pipeline.versions import VersionStep, release_step, version_step
from wirestream.processors.records import ArticleEnvelope, ReleaseRequest
from wirestream.processors.records import decode as decode_record
from wirestream.processors.records import encode as encode_record
from wirestream.processors.versions import StoryState, parse_time
from wirestream.streams.kafka.admin import topic_configs
from wirestream.streams.kafka.dead_letter import DeadLetters
from wirestream.streams.kafka.delivery import Delivery, DeliveryFailed, RetryPolicy
from wirestream.streams.kafka.messages import utc_now
from wirestream.streams.ops import metrics
from wirestream.streams.ops.tracing import TRACING, Headers

log = logging.getLogger(__name__)

CONTROL_RELEASE = "release"


def _release_request(value: bytes | None) -> ReleaseRequest | None:
    """The timer's release request, or None for anything else (an article envelope).
    Tried first because it is cheap to refuse: an envelope has no ``control`` field."""
    try:
        request = decode_record(value or b"", ReleaseRequest)
    except ValueError:
        return None
    return request if request.control == CONTROL_RELEASE else None


class VersionsStage:
    def __init__(self, app: faust.App, settings: Settings, source: faust.TopicT,
                 out: faust.TopicT, dead: DeadLetters,
                 policy: RetryPolicy | None = None) -> None:
        self.app = app
        self.policy = policy or RetryPolicy()
        self.settings = settings
        self.source = source
        self.out = out
        self.dead = dead
        # Keys and values as bytes (the app's raw codec); JSON inside, see _get/_put.
        self.table = app.Table("story-versions", default=None,
                               partitions=settings.topics.partitions,
                               key_type=bytes, value_type=bytes,
                               # A held version keeps its whole article in the table.
                               extra_topic_configs=topic_configs(settings),
                               help="Per story id: versions seen, held versions.")
        self._due: list[tuple[float, str]] = []  # (release time, story id) heap
        self._rescan = True  # after start and every rebalance: rebuild the heap from the table

    def _get(self, key: str) -> StoryState | None:
        raw = self.table.get(key.encode())
        return decode_record(raw, StoryState) if raw else None

    def _put(self, key: str, state: StoryState) -> None:
        self.table[key.encode()] = encode_record(state)

    def partitions_changed(self) -> None:
        self._rescan = True

    async def run(self, stream: faust.StreamT) -> None:
        async for event in stream.events():
            message = event.message
            started = time.perf_counter()
            delivery = Delivery(self.dead.topic, message, "versions", self.policy)
            try:
                request = _release_request(message.value)
                if request is not None:
                    await self._release(request.id, delivery)
                    continue  # our own timer's message, not an item: not counted in
                envelope = decode_record(message.value, ArticleEnvelope)
            except Exception as exc:
                metrics.STAGE_ITEMS_IN.labels("versions").inc()
                await self.dead.send(delivery, exc)
                await delivery.confirm()
                continue
            metrics.STAGE_ITEMS_IN.labels("versions").inc()
            await self._decide(envelope, delivery, message.headers)
            metrics.PROCESSING_SECONDS.labels("versions").observe(time.perf_counter() - started)

    async def _decide(self, envelope: ArticleEnvelope, delivery: Delivery,
                      headers: Headers | None = None) -> None:
        key = envelope.article.id
        step = version_step(envelope, self._get(key), datetime.now(UTC))
        with TRACING.span("versions", parent=headers,
                          story=(key, envelope.article.version),
                          attributes={"verdict": step.verdict}) as span:
            await self._send(step, delivery, TRACING.headers(span))
        # The story's state changes only once what it decided is written: a version whose
        # output failed (and went to the dead-letter topic) is not "seen", so a redelivery
        # of it is not dropped as one; and a crash before this point replays the input
        # against the old state instead of dropping it as a redelivery.
        if not await delivery.confirm():
            return
        metrics.DEDUP_VERDICTS.labels(step.verdict).inc()
        if step.state is not None:
            self._put(key, step.state)
        if step.release_at:
            self._schedule(key, step.release_at)

    async def _send(self, step: VersionStep, delivery: Delivery,
                    headers: list[tuple[str, bytes]] | None = None) -> None:
        for send in step.sends:
            await delivery.send(self.out, send.key, encode_record(send.record), headers=headers)
            metrics.STAGE_ITEMS_OUT.labels("versions").inc()

    async def _release(self, key: str, delivery: Delivery) -> None:
        step = release_step(self._get(key), datetime.now(UTC), received_at=utc_now(),
                            source_topic=self.source.get_topic_name())
        if step is None:  # already released, superseded or not due: nothing to do
            log.debug("release of %s: nothing held or not due", key)
            return
        await self._send(step, delivery)
        if await delivery.confirm():
            if step.state is not None:
                self._put(key, step.state)
            metrics.DEDUP_VERDICTS.labels(step.verdict).inc()

    def _schedule(self, key: str, release_at: str) -> None:
        when = parse_time(release_at)
        if when is not None:
            heapq.heappush(self._due, (when.timestamp(), key))

    def _table_settled(self) -> bool:
        """True once partitions are assigned and the table is recovered from its changelog."""
        app = self.app
        return (not app.rebalancing and not app.in_recovery
                and app.tables.recovery.completed.is_set())  # type: ignore[attr-defined]

    async def tick(self) -> None:
        """Timer body: ask each due story's partition to release its held version."""
        if not self._table_settled():
            return  # a scan now would miss what recovery is still restoring
        if self._rescan:
            self._rescan = False
            self._due = []
            for raw_key, raw_state in self.table.items():
                state = decode_record(raw_state, StoryState) if raw_state else None
                if state and state.held and state.release_at:
                    self._schedule(raw_key.decode(), state.release_at)
            log.info("embargo timer: %d held version(s) waiting for release", len(self._due))
        now = datetime.now(UTC).timestamp()
        while self._due and self._due[0][0] <= now:
            due = heapq.heappop(self._due)
            delivery = Delivery(self.dead.topic, None, "versions", self.policy)
            await delivery.send(self.source, due[1].encode(), encode_record(
                ReleaseRequest(control=CONTROL_RELEASE, id=due[1])))
            try:
                await delivery.confirm()
            except DeliveryFailed:
                heapq.heappush(self._due, due)  # asked again at the next tick
                log.error("embargo release of %s could not be requested; will retry", due[1])
                return
