"""The Faust app: topics, stages, web views.

raw --ingest--> canonical --versions (table)--> versioned (1 partition)
    --near-duplicates--> deduped --enrich (worker processes)--> enriched
kills -> retraction records on enriched; copies -> duplicates; anything bad -> dlq
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn

import faust
from faust.web import Request, Response, View
from faust.web.base import BlueprintManager

from wirestream.config.settings import Settings
from wirestream.streams.kafka.dead_letter import DeadLetters
from wirestream.streams.kafka.delivery import EXIT_DELIVERY_FAILED, DeliveryFailed, RetryPolicy
from wirestream.streams.kafka.faust_transport import (
    faust_broker_url,
    set_exact_changelog_ends,
    set_fetch_wait,
    set_idempotent_producer,
)
from wirestream.streams.kafka.security import faust_credentials
from wirestream.streams.ops import metrics
from wirestream.streams.ops.consumer_lag import ConsumerLagMonitor
from wirestream.streams.ops.publish_sensor import PublishSensor
from wirestream.streams.pipeline.enrich_stage import EnrichStage
from wirestream.streams.pipeline.ingest_stage import IngestStage
from wirestream.streams.pipeline.near_duplicate_stage import NearDuplicateStage
from wirestream.streams.pipeline.versions_stage import VersionsStage

log = logging.getLogger(__name__)

# Fast join on the embedded broker (measured, see ARCHITECTURE.md): Faust's
# defaults make a worker wait ~30 s; joins take about half the session timeout.
FAST_JOIN = {
    "broker_session_timeout": 4.0,
    "broker_heartbeat_interval": 1.0,
    "broker_rebalance_timeout": 4.0,
}
MAX_RECORD_BYTES = 32 * 1024 * 1024  # oversized input must still reach the dead-letter topic
# The only paths the worker's web server serves. Faust's own pages are off: /table/...
# shows table contents (the versions table holds embargoed bodies before their release),
# /router/... the cluster's layout, / and /stats, /graph, /assignment the worker's insides.
WEB_PATHS = ("/metrics", "/health", "/ready")
# Faust's per-page switches (faust/types/settings/settings.py), all off. Faust lets its own
# environment variables (APP_WEB_TABLES_ENABLED, WEB_BIND, ...) override what the app
# passes, so the app also gives Faust an empty environment and no built-in blueprints.
FAUST_PAGES_OFF = {
    "web_router_enabled": False,
    "web_tables_enabled": False,
    "web_stats_enabled": False,
    "web_graph_enabled": False,
    "web_metrics_enabled": False,
}
# Topics the app's consumer group reads (lag is measured on these), and the topics whose
# article records leave the pipeline (the "publish" stage; event records are counted by
# wirestream_events_total instead, so publish stays one record per article).
SOURCE_TOPIC_KEYS = ("raw", "canonical", "versioned", "deduped")
OUTPUT_TOPIC_KEYS = ("enriched", "duplicates")


class WirestreamApp:
    """Builds the Faust app for one set of settings and wires the stages together."""

    def __init__(self, settings: Settings, broker_url: str) -> None:
        self.settings = settings
        self.names = settings.topic_names()
        self.worker_name = f"{socket.gethostname()}:{settings.app_id}"
        options: dict[str, Any] = dict(FAST_JOIN) if settings.effective_fast_join else {}
        self.app = faust.App(
            settings.group_id,
            broker=faust_broker_url(broker_url),
            store="rocksdb://",
            datadir=settings.data_dir,
            topic_partitions=settings.topics.partitions,
            topic_replication_factor=settings.topics.replication_factor,
            consumer_auto_offset_reset="earliest",
            web_port=settings.metrics_port,
            web_bind=settings.metrics_host,
            web_host=settings.metrics_host,
            **FAUST_PAGES_OFF,  # type: ignore[arg-type]  # all bools, see FAUST_PAGES_OFF
            env={},  # configured by WIRESTREAM_* settings only, never by Faust's variables
            producer_linger_ms=5,
            producer_compression_type=None if settings.compression == "none"
            else settings.compression,
            producer_max_request_size=MAX_RECORD_BYTES,
            consumer_max_fetch_size=MAX_RECORD_BYTES,
            key_serializer="raw",
            value_serializer="raw",
            processing_guarantee=settings.processing_guarantee,
            broker_credentials=faust_credentials(settings.security),
            **options,
        )
        set_fetch_wait(self.app, settings.fetch_max_wait_ms)
        set_idempotent_producer(self.app, settings.idempotent_producer)
        # Tansu answers ListOffsets(latest) with the last batch's base offset + 1, so
        # Faust's table recovery would stop short of a changelog written in batches.
        set_exact_changelog_ends(self.app, settings.tansu)
        topics = {key: self.app.topic(name, key_type=bytes, value_type=bytes,
                                      key_serializer="raw", value_serializer="raw",
                                      partitions=settings.topic_partitions()[name])
                  for key, name in self.names.items()}
        self.topics = topics
        dead = DeadLetters(topics["dlq"])
        policy = RetryPolicy(attempts=settings.publish_attempts,
                             backoff_s=settings.publish_backoff_s)
        self.ingest = IngestStage(settings, topics["canonical"], dead, policy)
        self.versions = VersionsStage(self.app, settings, topics["canonical"],
                                      topics["versioned"], dead, policy)
        # The near-duplicate index's changelog (compacted, one partition, like the
        # versioned topic): the index follows that partition from worker to worker.
        self.index_changelog = self.app.topic(
            settings.index_changelog_topic(), key_type=bytes, value_type=bytes,
            key_serializer="raw", value_serializer="raw", partitions=1, compacting=True)
        self.near_duplicates = NearDuplicateStage(settings, topics["deduped"],
                                                  topics["duplicates"], dead, self.worker_name,
                                                  changelog=self.index_changelog,
                                                  broker_url=broker_url, policy=policy)
        self.enrich = EnrichStage(self.app, settings, topics["enriched"], dead,
                                  self.worker_name, events=topics["events"], policy=policy,
                                  on_delivery_failed=self.stop_uncommitted)
        self.joined = False  # set by the first partition assignment of this process
        metrics.init([*settings.languages, "und"],
                     topics=[*self.names.values(), settings.index_changelog_topic()])
        self.app.sensors.add(PublishSensor(self.names[key] for key in OUTPUT_TOPIC_KEYS))
        self.lag_monitor = ConsumerLagMonitor(
            broker_url, settings.group_id, [self.names[key] for key in SOURCE_TOPIC_KEYS],
            interval_s=settings.lag_check_s)
        self._register()

    def readiness(self) -> dict[str, bool]:
        """What /ready reports: joined the group (not mid-rebalance) and pipelines loaded."""
        joined = self.joined and not self.app.rebalancing
        checks = {"joined_group": joined, "models_loaded": self.enrich.ready}
        return {"ready": all(checks.values()), **checks}

    @property
    def ready(self) -> bool:
        return self.readiness()["ready"]

    def stop_uncommitted(self, exc: DeliveryFailed) -> NoReturn:
        """A stage could write neither its output nor the input's dead letter: the process
        ends at once with that input unacked, so its offset is never committed. Not
        Faust's graceful stop: that waits for every consumed event to be acked first, and
        this one never will be (measured: it hung until killed)."""
        log.critical("stopping the worker: %s", exc)
        logging.shutdown()
        os._exit(EXIT_DELIVERY_FAILED)

    def _stopping_on_delivery_failure(self, run: Callable[[faust.StreamT], Awaitable[None]]
                                      ) -> Callable[[faust.StreamT], Awaitable[None]]:
        # Faust's supervisor would otherwise restart the agent, which goes on past the input.
        async def stage(stream: faust.StreamT) -> None:
            try:
                await run(stream)
            except DeliveryFailed as exc:
                self.stop_uncommitted(exc)

        return stage

    def _register(self) -> None:
        app = self.app
        guard = self._stopping_on_delivery_failure
        app.agent(self.topics["raw"], name="ingest")(guard(self.ingest.run))
        app.agent(self.topics["canonical"], name="versions")(guard(self.versions.run))
        app.agent(self.topics["versioned"],
                  name="near-duplicates")(guard(self.near_duplicates.run))
        app.agent(self.topics["deduped"], name="enrich")(guard(self.enrich.run))
        app.timer(self.settings.embargo_check_s, name="embargo-release")(self.versions.tick)

        # Started after table recovery, stopped with the app.
        app.service(self.lag_monitor)  # type: ignore[arg-type]
        metrics.READY.set_function(lambda: 1.0 if self.ready else 0.0)

        @app.on_partitions_assigned.connect  # type: ignore[arg-type]  # async receivers work
        async def _assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
            # Also for an empty assignment: a member with no partitions has joined.
            self.joined = True
            metrics.PARTITION_ASSIGNMENTS.inc()
            self.versions.partitions_changed()
            self.near_duplicates.partitions_changed()

        self._register_web()

    def _register_web(self) -> None:
        """The web server: WEB_PATHS and nothing else; any other path is a 404."""
        app, owner = self.app, self
        # Faust's built-in blueprints (router, tables, index, stats, graph) are never applied.
        app.web.blueprints = BlueprintManager()

        @app.page("/metrics")
        class MetricsView(View):
            async def get(self, request: Request) -> Response:
                body, content_type = metrics.exposition()
                return self.bytes(body, content_type=content_type.split(";")[0])

        @app.page("/health")
        class HealthView(View):
            # Liveness: the event loop answers and the app has not crashed.
            async def get(self, request: Request) -> Response:
                if owner.app.crashed:
                    return self.json({"status": "crashed"}, status=503)
                return self.json({"status": "ok"})

        @app.page("/ready")
        class ReadyView(View):
            async def get(self, request: Request) -> Response:
                state = owner.readiness()
                return self.json(state, status=200 if state["ready"] else 503)

        # Fail closed: the server does not start if anything else got routed.
        # The aiohttp application of Faust's aiohttp driver (not in the Web protocol).
        app.web.web_app.on_startup.append(  # type: ignore[attr-defined]
            _serve_own_pages_only)


def served_paths(web_app: Any) -> list[str]:
    """Every path the web server routes (the aiohttp application of ``app.web``)."""
    return sorted({route.resource.canonical for route in web_app.router.routes()
                   if route.resource is not None})


async def _serve_own_pages_only(web_app: Any) -> None:
    paths = served_paths(web_app)
    extra = sorted(set(paths) - set(WEB_PATHS))
    if extra:
        raise RuntimeError(f"the web server would serve {extra}; only {list(WEB_PATHS)}")
    log.info("web server paths: %s", " ".join(paths))
