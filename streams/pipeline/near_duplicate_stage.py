"""Near-duplicates across story ids: one ordered stage over a single-partition topic.

Fingerprints (shingling, MinHash) are computed in a thread for a whole batch, off
the event loop; the index lookup itself is cheap and runs in order. The index's
entries, and those of the correction index (headline words of recent articles), are in
a local RocksDB and, change by change, in a compacted changelog topic
(``streams/kafka/index_changelog.py``), so both follow the partition to whichever worker of
the group runs the stage, and come back after a restart.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from pathlib import Path
from typing import Any

import faust

from wirestream.config.settings import Settings
from wirestream.processors.article import Article
from wirestream.processors.near_duplicates import Fingerprint, article_text, fingerprint, open_store
from wirestream.processors.pipeline.near_duplicates import near_duplicate_step
from wirestream.processors.pipeline.outputs import DUPLICATES
from wirestream.processors.records import RoutedEnvelope, decode, encode
from wirestream.processors.story_matcher import StoryMatcher
from wirestream.streams.kafka.dead_letter import DeadLetters
from wirestream.streams.kafka.delivery import Delivery, RetryPolicy
from wirestream.streams.kafka.index_changelog import ChangelogStore, catch_up
from wirestream.streams.kafka.messages import utc_now
from wirestream.streams.ops import metrics
from wirestream.streams.ops.tracing import TRACING

log = logging.getLogger(__name__)

def _fingerprints(articles: list[Article]) -> list[Fingerprint]:
    """Shingle fingerprints of a batch (CPU work: run in a thread, off the loop)."""
    return [fingerprint(article_text(a)) for a in articles]


class NearDuplicateStage:
    def __init__(self, settings: Settings, out: faust.TopicT, duplicates: faust.TopicT,
                 dead: DeadLetters, worker_name: str, changelog: faust.TopicT | None = None,
                 broker_url: str | None = None, policy: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.policy = policy or RetryPolicy()
        self.out = out
        self.duplicates = duplicates
        self.dead = dead
        self.worker_name = worker_name
        # The index entries live in RocksDB under the data dir (and in the changelog);
        # only the LSH tables and the correction linker (whose entries are in the store
        # too) are in memory, rebuilt from the store before the first batch after each
        # partition assignment.
        self.changelog = changelog
        self.broker_url = broker_url
        store_dir = Path(settings.data_dir) / "near-duplicates"
        store_dir.mkdir(parents=True, exist_ok=True)
        self._store = ChangelogStore(open_store(str(store_dir / "index")))
        self.matcher = StoryMatcher(threshold=settings.dedup_threshold,
                                    window_s=settings.dedup_window_s,
                                    max_items=settings.dedup_max_items,
                                    correction_window_s=settings.dedup_window_s,
                                    store=self._store)
        self._restore_needed = True

    def partitions_changed(self) -> None:
        """Called on every assignment: the partition may have been away and back, and
        another worker may have added entries meanwhile."""
        self._restore_needed = True

    async def _restore(self) -> None:
        replayed = 0
        if self.changelog is not None and self.broker_url is not None:
            replayed = await catch_up(self._store, self.broker_url,
                                      self.changelog.get_topic_name())
            await self._flush_changelog()  # a store from before the changelog: publish it
        count = await asyncio.get_running_loop().run_in_executor(
            None, self.matcher.rebuild)
        metrics.INDEX_ARTICLES.set(count)
        log.info("near-duplicate index: %d article(s), correction index: %d, after "
                 "replaying %d changelog record(s)", count, len(self.matcher.corrections),
                 replayed)
        self._restore_needed = False

    async def _flush_changelog(self) -> None:
        """Send the batch's index changes and wait for the broker: the batch's offsets are
        committed only after this, so an acknowledged input always has its index entry.
        Raises ``DeliveryFailed`` (the worker stops) when they cannot be written."""
        pending = self._store.take_pending()
        if self.changelog is None or not pending:
            return
        delivery = Delivery(self.dead.topic, None, "near_duplicates", self.policy)
        for key, value in pending:
            await delivery.send(self.changelog, key, value)
        await delivery.confirm()
        self._store.mark_applied(max(meta.offset for meta in delivery.written))

    async def run(self, stream: faust.StreamT) -> None:
        # noack: events are acked only after every record derived from them is written.
        # noack_take is Stream's, not in the StreamT protocol Faust's stubs declare.
        async for events in stream.noack_take(  # type: ignore[attr-defined]
                self.settings.batch_size, within=self.settings.batch_within_s):
            if self._restore_needed:
                await self._restore()
            metrics.STAGE_ITEMS_IN.labels("near_duplicates").inc(len(events))
            deliveries = [Delivery(self.dead.topic, event.message, "near_duplicates",
                                   self.policy) for event in events]
            batch: list[tuple[Any, RoutedEnvelope, Delivery]] = []
            for event, delivery in zip(events, deliveries, strict=True):
                try:
                    batch.append((event.message,
                                  decode(event.message.value or b"", RoutedEnvelope), delivery))
                except Exception as exc:
                    await self.dead.send(delivery, exc)
            started = time.perf_counter()
            if batch:
                articles = [envelope.article for _, envelope, _ in batch]
                prints = await asyncio.get_running_loop().run_in_executor(
                    None, functools.partial(_fingerprints, articles))
                for (message, envelope, delivery), fp in zip(batch, prints, strict=True):
                    await self._one(message, envelope, fp, delivery)
                await self._flush_changelog()
            for event, delivery in zip(events, deliveries, strict=True):
                await delivery.confirm()
                await stream.ack(event)
            if batch:
                metrics.INDEX_ARTICLES.set(len(self.matcher.index))
                metrics.PROCESSING_SECONDS.labels("near_duplicates").observe(
                    time.perf_counter() - started)

    async def _one(self, message: Any, envelope: RoutedEnvelope, fp: Fingerprint,
                   delivery: Delivery) -> None:
        sends = near_duplicate_step(
            envelope, fp, self.matcher, duplicates_to_enriched=self.settings.duplicates_to_enriched,
            worker=self.worker_name, seen_at=utc_now())
        duplicate = any(send.topic == DUPLICATES for send in sends)
        with TRACING.span("near_duplicates", parent=message.headers,
                          story=(envelope.article.id, envelope.article.version),
                          attributes={"duplicate": duplicate}) as span:
            headers = TRACING.headers(span)
            for send in sends:
                if send.topic == DUPLICATES:
                    metrics.DEDUP_VERDICTS.labels("duplicate").inc()
                    await delivery.send(self.duplicates, send.key, encode(send.record),
                                        headers=headers)
                else:
                    await delivery.send(self.out, send.key, encode(send.record),
                                        headers=headers)
                    metrics.STAGE_ITEMS_OUT.labels("near_duplicates").inc()
