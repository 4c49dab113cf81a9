"""Ingest: raw bytes in any supported format -> canonical Article envelope, or dead letter."""

from __future__ import annotations

import asyncio
import functools
import time
from typing import Any

import faust

from wirestream.config.settings import Settings
from wirestream.processors.pipeline.ingest import ParseLimits, ingest_step
from wirestream.processors.pipeline.outputs import Reject
from wirestream.processors.records import Source, encode
from wirestream.streams.kafka.dead_letter import DeadLetters
from wirestream.streams.kafka.delivery import Delivery, RetryPolicy
from wirestream.streams.kafka.messages import header, seconds_to_iso
from wirestream.streams.ops import metrics
from wirestream.streams.ops.tracing import TRACING

_INLINE_PARSE_BYTES = 64 * 1024


class IngestStage:
    def __init__(self, settings: Settings, out: faust.TopicT, dead: DeadLetters,
                 policy: RetryPolicy | None = None) -> None:
        self.settings = settings
        self.out = out
        self.dead = dead
        self.policy = policy or RetryPolicy()
        self.limits = ParseLimits(max_bytes=settings.max_message_bytes,
                                  max_body_chars=settings.max_body_chars,
                                  zones=settings.source_timezones)

    async def run(self, stream: faust.StreamT) -> None:
        # Faust acks an event when the loop asks for the next one: everything derived
        # from it is acknowledged by the broker before that (``Delivery.confirm``).
        async for event in stream.events():
            message = event.message
            delivery = Delivery(self.dead.topic, message, "ingest", self.policy)
            await self._one(message, delivery)
            await delivery.confirm()

    async def _one(self, message: Any, delivery: Delivery) -> None:
        metrics.ARTICLES_RECEIVED.inc()
        metrics.STAGE_ITEMS_IN.labels("ingest").inc()
        started = time.perf_counter()
        started_ns = time.time_ns()
        payload = message.value  # None for a tombstone: rejected, dead-lettered as null
        step = functools.partial(
            ingest_step, payload, content_type=header(message.headers, "content-type"),
            received_at=seconds_to_iso(message.timestamp),
            source=Source(topic=message.topic, partition=message.partition,
                          offset=message.offset),
            limits=self.limits)
        # Typical items parse in well under a millisecond; a big body (HTML clean-up of
        # up to max_message_bytes) goes to a thread so heartbeats and the other agents
        # keep running.
        outcome = (step() if len(payload or b"") < _INLINE_PARSE_BYTES
                   else await asyncio.get_running_loop().run_in_executor(None, step))
        metrics.PROCESSING_SECONDS.labels("ingest").observe(time.perf_counter() - started)
        for item in outcome:
            if isinstance(item, Reject):
                await self.dead.send(delivery, item.error, payload=item.payload)
                continue
            article = item.record.article
            with TRACING.span("ingest", story=(article.id, article.version),
                              start_ns=started_ns,
                              attributes={"source_format": article.source_format,
                                          "topic": message.topic,
                                          "partition": message.partition,
                                          "offset": message.offset}) as span:
                await delivery.send(self.out, item.key, encode(item.record),
                                    headers=TRACING.headers(span))
            metrics.STAGE_ITEMS_OUT.labels("ingest").inc()
