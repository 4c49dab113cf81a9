"""The Faust app: topics, stages, web views.

raw --ingest--> canonical --versions (table)--> versioned (1 partition)
    --near-duplicates--> deduped --enrich (worker processes)--> enriched
kills -> retraction records on enriched; copies -> duplicates; anything bad -> dlq
"""

from __future__ import annotations

import socket
from typing import Any

import faust
from faust.web import Request, Response, View

from config.settings import Settings
from streams import metrics
from streams.dead_letter import DeadLetters
from streams.enrich_stage import EnrichStage
from streams.ingest_stage import IngestStage
from streams.near_duplicate_stage import NearDuplicateStage
from streams.versions_stage import VersionsStage

# Fast join on the embedded broker (measured, see ARCHITECTURE.md): Faust's
# defaults make a worker wait ~30 s; joins take about half the session timeout.
FAST_JOIN = {
    "broker_session_timeout": 4.0,
    "broker_heartbeat_interval": 1.0,
    "broker_rebalance_timeout": 4.0,
}
MAX_RECORD_BYTES = 32 * 1024 * 1024  # oversized input must still reach the dead-letter topic


class WirestreamApp:
    """Builds the Faust app for one set of settings and wires the stages together."""

    def __init__(self, settings: Settings, broker_url: str) -> None:
        self.settings = settings
        self.names = settings.topic_names()
        self.worker_name = f"{socket.gethostname()}:{settings.app_id}"
        options: dict[str, Any] = dict(FAST_JOIN) if settings.effective_fast_join else {}
        if settings.tansu:
            # Tansu answers ListOffsets(latest) with the last batch's base offset + 1,
            # so Faust's table recovery would stop short of the end of a changelog
            # written in multi-record batches. One record per batch keeps it exact.
            options["producer_max_batch_size"] = 1
        self.app = faust.App(
            settings.group_id,
            broker=broker_url,
            store="rocksdb://",
            datadir=settings.data_dir,
            topic_partitions=settings.topics.partitions,
            topic_replication_factor=settings.topics.replication_factor,
            consumer_auto_offset_reset="earliest",
            web_port=settings.metrics_port,
            web_bind=settings.metrics_host,
            web_host=settings.metrics_host,
            producer_linger_ms=5,
            producer_max_request_size=MAX_RECORD_BYTES,
            consumer_max_fetch_size=MAX_RECORD_BYTES,
            key_serializer="raw",
            value_serializer="raw",
            **options,
        )
        topics = {key: self.app.topic(name, key_type=bytes, value_type=bytes,
                                      key_serializer="raw", value_serializer="raw",
                                      partitions=settings.topic_partitions()[name])
                  for key, name in self.names.items()}
        self.topics = topics
        dead = DeadLetters(topics["dlq"])
        self.ingest = IngestStage(settings, topics["canonical"], dead)
        self.versions = VersionsStage(self.app, settings, topics["canonical"],
                                      topics["versioned"], dead)
        self.near_duplicates = NearDuplicateStage(settings, topics["deduped"],
                                                  topics["duplicates"], dead, self.worker_name)
        self.enrich = EnrichStage(settings, topics["enriched"], dead, self.worker_name)
        self._register()

    @property
    def ready(self) -> bool:
        return self.enrich.ready

    def _register(self) -> None:
        app = self.app
        app.agent(self.topics["raw"], name="ingest")(self.ingest.run)
        app.agent(self.topics["canonical"], name="versions")(self.versions.run)
        app.agent(self.topics["versioned"], name="near-duplicates")(self.near_duplicates.run)
        app.agent(self.topics["deduped"], name="enrich")(self.enrich.run)
        app.timer(self.settings.embargo_check_s, name="embargo-release")(self.versions.tick)

        @app.on_partitions_assigned.connect
        async def _assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
            self.versions.partitions_changed()

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
