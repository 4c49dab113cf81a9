"""Enrichment: batches of articles through spaCy in worker processes, then published."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import multiprocessing
import os
import queue
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import faust

from wirestream.config.settings import Settings
from wirestream.processors.article import Article
from wirestream.processors.enrich import (
    EnrichConfig,
    configure,
    enrich_batch,
    installed_pipelines,
    split_by_words,
)
from wirestream.processors.language import language_label
from wirestream.processors.pipeline.outputs import EVENTS, Reject
from wirestream.processors.pipeline.publish import publish_step, retraction_step
from wirestream.processors.records import (
    EnrichedRecord,
    Enrichment,
    EnrichmentError,
    Entity,
    Event,
    ModelInfo,
    RoutedEnvelope,
    decode,
    encode,
)
from wirestream.streams.brokers.tansu import init_pool_child
from wirestream.streams.kafka.dead_letter import DeadLetters
from wirestream.streams.kafka.delivery import Delivery, DeliveryFailed, RetryPolicy
from wirestream.streams.kafka.messages import utc_now
from wirestream.streams.ops import metrics

# What the spaCy processes give back per article.
Result = Enrichment | EnrichmentError

# Batches in the pool at once: two keep every process busy while the stage publishes.
MAX_IN_FLIGHT = 2
# How long the worker waits for a spaCy process to load its pipelines at start.
LOAD_TIMEOUT_S = 600.0


def init_nlp_process(setup: Callable[[EnrichConfig], None], loaded: Any,
                     config: EnrichConfig) -> None:
    """Pool initializer: die with the worker, ``setup`` (load every pipeline), say so.

    ``setup`` is passed in (pickled by reference) rather than looked up here, so a test
    entry point that replaces ``configure`` in the worker reaches the pool processes."""
    init_pool_child(setup, config)
    loaded.put(os.getpid())


class EnrichStage:
    def __init__(self, settings: Settings, out: faust.TopicT, dead: DeadLetters,
                 worker_name: str, events: faust.TopicT | None = None,
                 policy: RetryPolicy | None = None,
                 on_delivery_failed: Callable[[DeliveryFailed], object] | None = None) -> None:
        self.settings = settings
        # Publishing runs in tasks beside the take loop: their fatal error must stop the
        # worker now, not when the loop next looks at them.
        self.on_delivery_failed = on_delivery_failed
        self.policy = policy or RetryPolicy()
        self.out = out
        self.events = events
        self.dead = dead
        self.worker_name = worker_name
        self.ready = False
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._loaded: Any = None  # pids of pool processes whose pipelines are loaded

    def _config(self) -> EnrichConfig:
        return EnrichConfig(models=self.settings.models,
                            languages=tuple(self.settings.languages),
                            news_names=self.settings.news_names,
                            events=self.settings.events)

    def _start_pool(self) -> concurrent.futures.ProcessPoolExecutor:
        # spawn, not fork: forking a process that runs an event loop and threads
        # copies their locks mid-use.
        context = multiprocessing.get_context("spawn")
        self._loaded = context.Queue()
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=self.settings.effective_nlp_processes,
            mp_context=context,
            # Each child asks the kernel to end it when the worker dies (even on kill -9):
            # spawn children would otherwise wait on their task queue forever.
            initializer=init_nlp_process,
            initargs=(configure, self._loaded, self._config()),
        )

    async def _in_pool(self, fn: Any, *args: Any) -> Any:
        if self._pool is None:
            self._pool = self._start_pool()
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)
        except concurrent.futures.process.BrokenProcessPool:
            # A worker process died (OOM, segfault): the next call starts a fresh pool.
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            raise

    async def _warm_up(self) -> None:
        # The pool spawns a process per task that finds none idle, so one task per
        # process starts them all; ready waits until each has loaded its pipelines
        # (otherwise the second process would load them under the first real load).
        processes = self.settings.effective_nlp_processes
        answers = await asyncio.gather(*(self._in_pool(installed_pipelines)
                                         for _ in range(processes)))
        metrics.NLP_PROCESSES.set(await asyncio.to_thread(self._wait_loaded, processes))
        for info in answers[0]:
            metrics.MODEL_INFO.labels(info["language"], info["name"] or "none",
                                      info["version"] or "none").set(1 if info["name"] else 0)
        self.ready = True

    def _wait_loaded(self, processes: int) -> int:
        pids: set[int] = set()
        try:
            while len(pids) < processes:
                pids.add(self._loaded.get(timeout=LOAD_TIMEOUT_S))
        except queue.Empty:
            # A pool that never starts a process fails the start instead of hanging it.
            raise TimeoutError(f"{len(pids)} of {processes} spaCy processes loaded within "
                               f"{LOAD_TIMEOUT_S:.0f} s") from None
        return len(pids)

    async def run(self, stream: faust.StreamT) -> None:
        try:
            await self._warm_up()
            in_flight: collections.deque[asyncio.Future[None]] = collections.deque()
            last: asyncio.Future[None] | None = None
            # noack_take is Stream's, not in the StreamT protocol Faust's stubs declare.
            async for events in stream.noack_take(  # type: ignore[attr-defined]
                    self.settings.batch_size, within=self.settings.batch_within_s):
                # Pipelined: batch N+1 goes to the pool while N is still in it, so no
                # process waits for the stage to publish and take. Records are still
                # published in consumed order, and offsets acked only after publishing.
                deliveries = [Delivery(self.dead.topic, event.message, "enrich", self.policy)
                              for event in events]
                computed = asyncio.ensure_future(self._compute(events, deliveries))
                last = asyncio.ensure_future(self._publish_in_order(
                    last, events, deliveries, computed, stream))
                in_flight.append(last)
                while in_flight and (in_flight[0].done() or len(in_flight) > MAX_IN_FLIGHT):
                    await in_flight.popleft()
            for task in in_flight:
                await task
        finally:
            self.ready = False
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    async def _compute(self, events: list[faust.EventT], deliveries: list[Delivery]
                       ) -> tuple[list[tuple[Any, RoutedEnvelope, Delivery]], list[Result]]:
        """Decode the batch (dead-lettering what is not ours) and enrich it in the pool."""
        metrics.STAGE_ITEMS_IN.labels("enrich").inc(len(events))
        envelopes: list[tuple[Any, RoutedEnvelope, Delivery]] = []
        for event, delivery in zip(events, deliveries, strict=True):
            try:
                envelope = decode(event.message.value or b"", RoutedEnvelope)
                envelopes.append((event.message, envelope, delivery))
            except Exception as exc:
                await self.dead.send(delivery, exc)
        started = time.perf_counter()
        articles = [envelope.article for _, envelope, _ in envelopes if not envelope.retract]
        try:
            results = await self._enrich_in_parallel(articles) if articles else []
        except concurrent.futures.process.BrokenProcessPool:
            results = await self._one_by_one(articles)
        if articles:
            metrics.PROCESSING_SECONDS.labels("enrich").observe(time.perf_counter() - started)
        return envelopes, results

    async def _publish_in_order(self, previous: asyncio.Future[None] | None,
                                events: list[faust.EventT], deliveries: list[Delivery],
                                computed: asyncio.Future[Any], stream: faust.StreamT) -> None:
        envelopes, results = await computed
        if previous is not None:
            await previous  # the batch before this one is out first
        pending = iter(results)
        for message, envelope, delivery in envelopes:  # in consumed order, retractions too
            if envelope.retract:
                await self._retract(message, envelope, delivery)
            else:
                await self._publish(message, envelope, next(pending), delivery)
        # An offset is acked only once the broker has every record derived from it.
        for event, delivery in zip(events, deliveries, strict=True):
            try:
                await delivery.confirm()
            except DeliveryFailed as exc:
                if self.on_delivery_failed is not None:
                    self.on_delivery_failed(exc)
                raise
            await stream.ack(event)

    async def _enrich_in_parallel(self, articles: list[Article]) -> list[Result]:
        """One chunk per process, so a batch keeps every core busy (one call would run the
        whole batch in a single process and leave the others idle)."""
        chunks = split_by_words(articles, self.settings.effective_nlp_processes)
        parts = await asyncio.gather(*(self._in_pool(enrich_batch, c) for c in chunks))
        return [result for part in parts for result in part]

    async def _one_by_one(self, articles: list[Article]) -> list[Result]:
        results: list[Result] = []
        for article in articles:
            try:
                results.extend(await self._in_pool(enrich_batch, [article]))
            except concurrent.futures.process.BrokenProcessPool as exc:
                results.append(EnrichmentError(
                    stage="enrich", error_class=type(exc).__name__,
                    message="worker process died on this article"))
        return results

    async def _retract(self, message: Any, envelope: RoutedEnvelope,
                       delivery: Delivery) -> None:
        for send in retraction_step(envelope, worker=self.worker_name, at=utc_now(),
                                    tombstones=self.settings.tombstones):
            await delivery.send(self.out, send.key,
                                None if send.record is None else encode(send.record))
        metrics.STAGE_ITEMS_OUT.labels("enrich").inc()

    async def _publish(self, message: Any, envelope: RoutedEnvelope, result: Result,
                       delivery: Delivery) -> None:
        sends = publish_step(envelope, result, worker=self.worker_name, at=utc_now())
        if isinstance(sends, Reject):
            await self.dead.send(delivery, sends.error)
            return
        for send in sends:
            topic = self.events if send.topic == EVENTS else self.out
            if topic is not None:  # no events topic: the record still lists them
                await delivery.send(topic, send.key, encode(send.record))
        record: EnrichedRecord = sends[0].record
        self._count(record.entities, record.events, record.language, record.model)
        now = time.time()
        metrics.LAST_PROCESSED.set(now)
        received = datetime.fromisoformat(envelope.received_at.replace("Z", "+00:00"))
        metrics.END_TO_END_SECONDS.observe(max(0.0, now - received.timestamp()))
        metrics.observe_freshness(envelope.article.version_created, now)
        metrics.STAGE_ITEMS_OUT.labels("enrich").inc()

    def _count(self, entities: list[Entity], events: list[Event], language: str | None,
               model: ModelInfo) -> None:
        for entity in entities:
            metrics.ENTITIES.labels(entity.label, str(entity.linked).lower()).inc()
        for event in events:
            metrics.EVENTS.labels(event.type).inc()
        # Declared codes are provider input: unknown ones share the label "other".
        label = language_label(language, self.settings.models)
        metrics.ARTICLES_ENRICHED.labels(label).inc()
        if not model.name:
            metrics.ARTICLES_WITHOUT_MODEL.labels(
                label, model.entities_skipped or "language_unknown").inc()
