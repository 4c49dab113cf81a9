"""The Faust app: topics, the ingest and enrich agents, and the web views.

raw --[ingest: parse/validate]--> canonical --[enrich: batched, in worker processes]--> enriched
  \\______________________________ anything bad _______________________________________--> dlq
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import multiprocessing
import socket
import time
from datetime import UTC, datetime
from typing import Any

import faust
from faust.web import Request, Response, View
from processors.formats import parse_raw

from config.settings import Settings
from processors.article import Article, RejectedInput
from processors.enrich import EnrichConfig, configure, enrich_batch, installed_pipelines
from processors.records import enriched_record
from streams import metrics
from streams.dead_letter import dead_letter_headers, reason_of

log = logging.getLogger(__name__)

# Fast join on the embedded broker (measured, see ARCHITECTURE.md): Faust's
# defaults make a worker wait ~30 s; joins take about half the session timeout.
FAST_JOIN = {
    "broker_session_timeout": 4.0,
    "broker_heartbeat_interval": 1.0,
    "broker_rebalance_timeout": 4.0,
}


_MAX_RECORD_BYTES = 32 * 1024 * 1024
# Dead-lettered payloads above this are cut (header ``wirestream.truncated``)
# so a hostile giant message cannot wedge the producer.
_MAX_DEAD_LETTER_BYTES = 8 * 1024 * 1024


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _ms_to_iso(ms: int | float | None) -> str:
    if not ms:
        return utc_now()
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def _header(headers: Any, name: str) -> str | None:
    for key, value in _header_items(headers):
        if key.lower() == name:
            return value.decode("utf-8", "replace")
    return None


def _header_items(headers: Any) -> list[tuple[str, bytes]]:
    if not headers:
        return []
    items = headers.items() if isinstance(headers, dict) else headers
    return [(str(k), bytes(v or b"")) for k, v in items]


class WirestreamApp:
    """Builds the Faust app for one set of settings and holds its runtime state."""

    def __init__(self, settings: Settings, broker_url: str, fast_join: bool = False) -> None:
        self.settings = settings
        self.names = settings.topic_names()
        self.worker_name = f"{socket.gethostname()}:{settings.app_id}"
        self.ready = False
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        options: dict[str, Any] = dict(FAST_JOIN) if fast_join else {}
        self.app = faust.App(
            settings.app_id,
            broker=broker_url,
            datadir=settings.data_dir,
            topic_partitions=settings.topics.partitions,
            topic_replication_factor=settings.topics.replication_factor,
            consumer_auto_offset_reset="earliest",
            web_port=settings.metrics_port,
            web_bind=settings.metrics_host,
            web_host=settings.metrics_host,
            producer_linger_ms=5,
            # Oversized input must still reach the dead-letter topic intact.
            producer_max_request_size=_MAX_RECORD_BYTES,
            consumer_max_fetch_size=_MAX_RECORD_BYTES,
            key_serializer="raw",
            value_serializer="raw",
            **options,
        )
        if settings.consumer_group:
            self.app.conf.id = settings.consumer_group  # group id = app id in Faust
        raw = dict(key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")
        self.raw_topic = self.app.topic(self.names["raw"], **raw)
        self.canonical_topic = self.app.topic(self.names["canonical"], **raw)
        self.enriched_topic = self.app.topic(self.names["enriched"], **raw)
        self.dlq_topic = self.app.topic(self.names["dlq"], **raw)
        self._register()

    # -- wiring ---------------------------------------------------------------

    def _register(self) -> None:
        app = self.app
        app.agent(self.raw_topic, name="ingest")(self._ingest)
        app.agent(self.canonical_topic, name="enrich")(self._enrich)
        owner = self

        @app.page("/metrics")
        class MetricsView(View):
            async def get(self, request: Request) -> Response:
                body, content_type = metrics.exposition()
                return self.bytes(body, content_type=content_type.split(";")[0])

        @app.page("/health")
        class HealthView(View):
            async def get(self, request: Request) -> Response:
                return self.json({"status": "ok"})

        @app.page("/ready")
        class ReadyView(View):
            async def get(self, request: Request) -> Response:
                return self.json({"ready": owner.ready}, status=200 if owner.ready else 503)

    # -- ingest -----------------------------------------------------------------

    async def _ingest(self, stream: faust.StreamT) -> None:
        async for event in stream.events():
            message = event.message
            metrics.ARTICLES_RECEIVED.inc()
            started = time.perf_counter()
            payload = message.value if isinstance(message.value, bytes) else b""
            try:
                article = parse_raw(
                    payload,
                    content_type=_header(message.headers, "content-type"),
                    max_bytes=self.settings.max_message_bytes,
                    max_body_chars=self.settings.max_body_chars,
                )
            except Exception as exc:  # anything the parser raises: dead-letter, never crash
                await self._dead_letter(payload, message, exc, stage="ingest")
                continue
            finally:
                metrics.PROCESSING_SECONDS.labels("ingest").observe(time.perf_counter() - started)
            envelope = {
                "article": article.to_dict(),
                "received_at": _ms_to_iso(message.timestamp * 1000 if message.timestamp else None),
                "source": {"topic": message.topic, "partition": message.partition,
                           "offset": message.offset},
            }
            await self.canonical_topic.send(key=article.id.encode(),
                                            value=json.dumps(envelope).encode())

    async def _dead_letter(self, payload: bytes, message: Any, exc: BaseException,
                           stage: str) -> None:
        reason = reason_of(exc)
        if not isinstance(exc, RejectedInput):
            log.exception("unexpected error at %s; dead-lettering", stage, exc_info=exc)
        metrics.ARTICLES_REJECTED.labels(reason).inc()
        headers = dead_letter_headers(
            reason=reason, exc=exc, topic=message.topic, partition=message.partition,
            offset=message.offset, stage=stage,
            original_headers=_header_items(message.headers),
        )
        if len(payload) > _MAX_DEAD_LETTER_BYTES:
            headers.append(("wirestream.truncated", str(len(payload)).encode()))
            payload = payload[:_MAX_DEAD_LETTER_BYTES]
        await self.dlq_topic.send(key=message.key, value=payload, headers=headers)

    # -- enrich -----------------------------------------------------------------

    def _enrich_config(self) -> EnrichConfig:
        return EnrichConfig(models=self.settings.models,
                            languages=tuple(self.settings.languages),
                            news_names=self.settings.news_names)

    def _start_pool(self) -> concurrent.futures.ProcessPoolExecutor:
        # spawn, not fork: forking a process that runs an event loop and threads
        # copies their locks mid-use.
        return concurrent.futures.ProcessPoolExecutor(
            max_workers=self.settings.effective_nlp_processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=configure,
            initargs=(self._enrich_config(),),
        )

    async def _run_in_pool(self, fn: Any, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        if self._pool is None:
            self._pool = self._start_pool()
        try:
            return await loop.run_in_executor(self._pool, fn, *args)
        except concurrent.futures.process.BrokenProcessPool:
            # A worker process died (OOM, segfault): start a fresh pool and let
            # the caller decide what to retry.
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            raise

    async def _warm_up(self) -> None:
        for info in await self._run_in_pool(installed_pipelines):
            metrics.MODEL_INFO.labels(info["language"], info["name"] or "none",
                                      info["version"] or "none").set(1 if info["name"] else 0)
        self.ready = True

    async def _enrich(self, stream: faust.StreamT) -> None:
        try:
            await self._warm_up()
            async for events in stream.take_events(self.settings.batch_size,
                                                   within=self.settings.batch_within_s):
                await self._enrich_events(events)
        finally:
            self.ready = False
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    async def _enrich_events(self, events: list[faust.EventT]) -> None:
        envelopes: list[tuple[Any, dict[str, Any]]] = []
        for event in events:
            try:
                envelope = json.loads(event.message.value)
                Article.from_dict(envelope["article"])  # shape check of our own topic
                envelopes.append((event.message, envelope))
            except Exception as exc:
                await self._dead_letter(event.message.value, event.message, exc, stage="enrich")
        if not envelopes:
            return
        started = time.perf_counter()
        articles = [env["article"] for _, env in envelopes]
        try:
            results = await self._run_in_pool(enrich_batch, articles)
        except concurrent.futures.process.BrokenProcessPool:
            results = await self._enrich_one_by_one(articles)
        metrics.PROCESSING_SECONDS.labels("enrich").observe(time.perf_counter() - started)
        for (message, envelope), result in zip(envelopes, results, strict=True):
            await self._publish(message, envelope, result)

    async def _enrich_one_by_one(self, articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        for article in articles:
            try:
                results.extend(await self._run_in_pool(enrich_batch, [article]))
            except concurrent.futures.process.BrokenProcessPool as exc:
                results.append({"error": {"stage": "enrich", "class": type(exc).__name__,
                                          "message": "worker process died on this article"}})
        return results

    async def _publish(self, message: Any, envelope: dict[str, Any],
                       result: dict[str, Any]) -> None:
        if "error" in result:
            err = result["error"]
            exc = EnrichmentFailed(f"{err['stage']}: {err['class']}: {err['message']}")
            await self._dead_letter(message.value, message, exc, stage="enrich")
            return
        article = envelope["article"]
        record = enriched_record(
            article, result, received_at=envelope["received_at"], enriched_at=utc_now(),
            source=envelope["source"], worker=self.worker_name,
        )
        await self.enriched_topic.send(key=message.key,
                                       value=json.dumps(record, ensure_ascii=False).encode())
        language = record["language"] or "und"
        metrics.ARTICLES_ENRICHED.labels(language).inc()
        if not (record["model"] or {}).get("name"):
            metrics.ARTICLES_WITHOUT_MODEL.labels(language).inc()
        now = time.time()
        metrics.LAST_PROCESSED.set(now)
        received = datetime.fromisoformat(envelope["received_at"].replace("Z", "+00:00"))
        metrics.END_TO_END_SECONDS.observe(max(0.0, now - received.timestamp()))


class EnrichmentFailed(RuntimeError):
    """spaCy or another enrichment step raised on this article."""

    reason = "enrichment_failed"
