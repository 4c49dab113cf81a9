"""Enrichment: batches of articles through spaCy in worker processes, then published."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import multiprocessing
import os
import queue
import time
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any

import faust
from faust.streams import _current_event

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
from wirestream.processors.pipeline.publish import PublishStep, publish_step, retraction_step
from wirestream.processors.records import (
    EnrichedRecord,
    Enrichment,
    EnrichmentError,
    Entity,
    Event,
    EventRetraction,
    ModelInfo,
    RoutedEnvelope,
    decode,
    encode,
)
from wirestream.streams.brokers.tansu import init_pool_child
from wirestream.streams.kafka.admin import topic_configs
from wirestream.streams.kafka.dead_letter import DeadLetters
from wirestream.streams.kafka.delivery import Delivery, DeliveryFailed, RetryPolicy
from wirestream.streams.kafka.messages import utc_now
from wirestream.streams.ops import metrics
from wirestream.streams.ops.tracing import TRACING

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
    def __init__(self, app: faust.App, settings: Settings, out: faust.TopicT,
                 dead: DeadLetters, worker_name: str, events: faust.TopicT | None = None,
                 policy: RetryPolicy | None = None,
                 on_delivery_failed: Callable[[DeliveryFailed], object] | None = None) -> None:
        self.settings = settings
        # Per story id: the event ids it has live on the events topic (JSON list), so a
        # kill or a version that drops an event can withdraw it, across restarts.
        self.live_events = app.Table("story-events", default=None,
                                     partitions=settings.topics.partitions,
                                     key_type=bytes, value_type=bytes,
                                     extra_topic_configs=topic_configs(settings),
                                     help="Per story id: its event ids live on wire.events.")
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
                       ) -> tuple[list[tuple[faust.EventT, RoutedEnvelope, Delivery]],
                                  list[Result], int]:
        """Decode the batch (dead-lettering what is not ours) and enrich it in the pool."""
        metrics.STAGE_ITEMS_IN.labels("enrich").inc(len(events))
        envelopes: list[tuple[faust.EventT, RoutedEnvelope, Delivery]] = []
        for event, delivery in zip(events, deliveries, strict=True):
            try:
                envelope = decode(event.message.value or b"", RoutedEnvelope)
                envelopes.append((event, envelope, delivery))
            except Exception as exc:
                await self.dead.send(delivery, exc)
        started = time.perf_counter()
        started_ns = time.time_ns()
        articles = [envelope.article for _, envelope, _ in envelopes if not envelope.retract]
        try:
            results = await self._enrich_in_parallel(articles) if articles else []
        except concurrent.futures.process.BrokenProcessPool:
            results = await self._one_by_one(articles)
        if articles:
            metrics.PROCESSING_SECONDS.labels("enrich").observe(time.perf_counter() - started)
        return envelopes, results, started_ns

    async def _publish_in_order(self, previous: asyncio.Future[None] | None,
                                events: list[faust.EventT], deliveries: list[Delivery],
                                computed: asyncio.Future[Any], stream: faust.StreamT) -> None:
        envelopes, results, started_ns = await computed
        if previous is not None:
            await previous  # the batch before this one is out first
        pending = iter(results)
        # The stories' live events as this batch leaves them (a story may come twice).
        live: dict[str, list[str]] = {}
        updates: dict[int, tuple[faust.EventT, str, list[str]]] = {}
        for event, envelope, delivery in envelopes:  # in consumed order, retractions too
            story_id = envelope.article.id
            before = live[story_id] if story_id in live else self._live(story_id)
            result = None if envelope.retract else next(pending)
            with TRACING.span("enrich", parent=event.message.headers,
                              story=(story_id, envelope.article.version), start_ns=started_ns,
                              attributes=_trace_attributes(result)), \
                    TRACING.span("publish", attributes={"retract": envelope.retract}) as span:
                headers = TRACING.headers(span)
                if result is None:
                    step: PublishStep | None = await self._retract(envelope, before, delivery,
                                                                   headers)
                else:
                    step = await self._publish(envelope, result, before, delivery, headers)
            if step is not None:
                live[story_id] = step.live_events
                updates[id(delivery)] = (event, story_id, step.live_events)
        # An offset is acked only once the broker has every record derived from it; the
        # story's live events are kept only once the records that made them so are.
        for event, delivery in zip(events, deliveries, strict=True):
            try:
                confirmed = await delivery.confirm()
            except DeliveryFailed as exc:
                if self.on_delivery_failed is not None:
                    self.on_delivery_failed(exc)
                raise
            if confirmed and id(delivery) in updates:
                self._keep_live(*updates[id(delivery)])
            await stream.ack(event)

    def _live(self, story_id: str) -> list[str]:
        raw = self.live_events.get(story_id.encode())
        return decode(raw, list[str]) if raw else []

    def _keep_live(self, event: faust.EventT, story_id: str, event_ids: list[str]) -> None:
        if event_ids == self._live(story_id):
            return  # unchanged: no changelog write
        # Faust writes a table's changelog to the partition of the event being processed;
        # publishing runs in a task beside the take loop, so that event is named here.
        token = _current_event.set(weakref.ref(event))
        try:
            key = story_id.encode()
            if event_ids:
                self.live_events[key] = encode(event_ids)
            elif key in self.live_events:
                del self.live_events[key]
        finally:
            _current_event.reset(token)

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

    async def _send(self, step: PublishStep, delivery: Delivery,
                    headers: list[tuple[str, bytes]] | None) -> None:
        for send in step.sends:
            if isinstance(send.record, EventRetraction):
                metrics.EVENTS_RETRACTED.labels(send.record.reason).inc()
            topic = self.events if send.topic == EVENTS else self.out
            if topic is not None:  # no events topic: the record still lists them
                await delivery.send(topic, send.key,
                                    None if send.record is None else encode(send.record),
                                    headers=headers)

    async def _retract(self, envelope: RoutedEnvelope, live: list[str], delivery: Delivery,
                       headers: list[tuple[str, bytes]] | None) -> PublishStep:
        step = retraction_step(envelope, live, worker=self.worker_name, at=utc_now(),
                               tombstones=self.settings.tombstones)
        await self._send(step, delivery, headers)
        metrics.STAGE_ITEMS_OUT.labels("enrich").inc()
        return step

    async def _publish(self, envelope: RoutedEnvelope, result: Result, live: list[str],
                       delivery: Delivery, headers: list[tuple[str, bytes]] | None
                       ) -> PublishStep | None:
        step = publish_step(envelope, result, live, worker=self.worker_name, at=utc_now(),
                            tombstones=self.settings.tombstones)
        if isinstance(step, Reject):
            await self.dead.send(delivery, step.error)
            return None
        await self._send(step, delivery, headers)
        record: EnrichedRecord = step.sends[0].record
        self._count(record.entities, record.events, record.language, record.model)
        now = time.time()
        metrics.LAST_PROCESSED.set(now)
        received = datetime.fromisoformat(envelope.received_at.replace("Z", "+00:00"))
        metrics.END_TO_END_SECONDS.observe(max(0.0, now - received.timestamp()))
        metrics.observe_freshness(envelope.article.version_created, now)
        metrics.STAGE_ITEMS_OUT.labels("enrich").inc()
        return step

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


def _trace_attributes(result: Result | None) -> dict[str, Any]:
    """What the enrich span tells about one article: NLP time and what it found."""
    if isinstance(result, Enrichment):
        return {"language": result.language, "nlp_seconds": result.nlp_seconds,
                "link_seconds": result.link_seconds, "event_seconds": result.event_seconds,
                "entities": len(result.entities), "events": len(result.events)}
    if isinstance(result, EnrichmentError):
        return {"error": f"{result.stage}: {result.error_class}"}
    return {}
