"""Prometheus metrics of a worker (served at /metrics by the Faust web server).

Conventions: ``wirestream_`` prefix, base units (seconds, messages), counters end in
``_total``, histograms are in seconds, and every label takes values from a small
fixed set (stages, reasons, verdicts, languages, topics and partitions of the app).
"""

from __future__ import annotations

import platform
from collections.abc import Iterable
from importlib import metadata

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from wirestream.processors.article import RejectedInput
from wirestream.processors.versions import parse_time

# The ``*_created`` series double the series count and no dashboard or alert reads them.
disable_created_metrics()

# Buckets from 1 ms to 2 min: parsing is milliseconds, spaCy batches are seconds.
_SECONDS_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                    10.0, 30.0, 60.0, 120.0)
# Freshness is about the news cycle: seconds for a live wire, hours for a late feed.
_FRESHNESS_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0,
                      7200.0, 21600.0, 86400.0)

# The stage label's values. "publish" is the producer side: output records handed to
# the producer (in), acknowledged by the broker (out) or failed (errors).
STAGES = ("ingest", "versions", "near_duplicates", "enrich", "publish")
REJECTION_REASONS = (*RejectedInput.REASONS, "enrichment_failed", "internal_error",
                     "publish_failed")
VERDICTS = ("new", "update", "correction", "redelivery", "stale", "kill", "held", "released",
            "duplicate")

ARTICLES_RECEIVED = Counter(
    "wirestream_articles_received_total",
    "Raw messages consumed from the raw topic.",
)
ARTICLES_REJECTED = Counter(
    "wirestream_articles_rejected_total",
    "Messages sent to the dead-letter topic, by reason.",
    ["reason"],
)
ARTICLES_ENRICHED = Counter(
    "wirestream_articles_enriched_total",
    "Articles published on the enriched topic, by language.",
    ["language"],
)
ARTICLES_WITHOUT_MODEL = Counter(
    "wirestream_articles_without_model_total",
    "Articles published without entities, places or events because no pipeline ran, by "
    "language and reason: no_pipeline_configured (a language such as fi kept as declared "
    "or identified, with no models entry), no_pipeline_installed, language_unknown.",
    ["language", "reason"],
)
STAGE_ITEMS_IN = Counter(
    "wirestream_stage_items_in_total",
    "Items a stage took in: messages consumed, or for publish records handed to the producer.",
    ["stage"],
)
STAGE_ITEMS_OUT = Counter(
    "wirestream_stage_items_out_total",
    "Items a stage passed on: records sent downstream, or for publish acknowledged by the "
    "broker. In minus out minus errors is what a stage dropped on purpose (see verdicts).",
    ["stage"],
)
STAGE_ERRORS = Counter(
    "wirestream_stage_errors_total",
    "Items a stage failed on: dead-lettered, or for publish not acknowledged by the broker.",
    ["stage"],
)
PROCESSING_SECONDS = Histogram(
    "wirestream_processing_seconds",
    "Time spent per stage: ingest and versions per message, near_duplicates and enrich per "
    "batch, publish from send to broker acknowledgement per record.",
    ["stage"],
    buckets=_SECONDS_BUCKETS,
)
END_TO_END_SECONDS = Histogram(
    "wirestream_end_to_end_seconds",
    "From the raw message's timestamp to publication on the enriched topic.",
    buckets=_SECONDS_BUCKETS,
)
FRESHNESS_SECONDS = Histogram(
    "wirestream_freshness_seconds",
    "From the story version's time (as the provider stamped it) to publication on the "
    "enriched topic.",
    buckets=_FRESHNESS_BUCKETS,
)
LAST_PROCESSED = Gauge(
    "wirestream_last_processed_timestamp_seconds",
    "Unix time when the last article was published on the enriched topic.",
)
DEDUP_VERDICTS = Counter(
    "wirestream_dedup_verdicts_total",
    "Version and near-duplicate verdicts: new, update, correction, redelivery, stale, kill, "
    "held, released, duplicate.",
    ["verdict"],
)
MODEL_INFO = Gauge(
    "wirestream_model_info",
    "The spaCy pipeline chosen per language (1 = in use, value 0 = none installed).",
    ["language", "name", "version"],
)
NLP_PROCESSES = Gauge(
    "wirestream_nlp_processes_loaded",
    "spaCy processes that had loaded every pipeline when the worker became ready.",
)
# Incremented by the enrichment stage: entity labels (PER, ORG, LOC, MISC) and whether
# the entity was linked to a knowledge-base id ("true"/"false"); PLOVER event types.
ENTITIES = Counter(
    "wirestream_entities_total",
    "Entities found in published articles, by label and whether they were linked to an id.",
    ["label", "linked"],
)
EVENTS = Counter(
    "wirestream_events_total",
    "Events coded from published articles, by PLOVER event type.",
    ["type"],
)
EVENTS_RETRACTED = Counter(
    "wirestream_events_retracted_total",
    "Events withdrawn from the events topic: story_killed, or not_in_update (a later "
    "version of the story no longer reports them).",
    ["reason"],
)
CONSUMER_LAG = Gauge(
    "wirestream_consumer_lag_messages",
    "Messages not yet committed by the app's consumer group: end offset minus committed "
    "offset, per source topic and partition (every worker reports the whole group).",
    ["topic", "partition"],
)
OLDEST_UNPROCESSED_AGE = Gauge(
    "wirestream_consumer_oldest_unprocessed_age_seconds",
    "Age of the oldest message the group has not committed yet (0 when caught up), per "
    "source topic and partition.",
    ["topic", "partition"],
)
BROKER_UP = Gauge(
    "wirestream_broker_up",
    "1 when the worker's last round trip to the broker (the lag check) succeeded, else 0.",
)
INDEX_ARTICLES = Gauge(
    "wirestream_near_duplicate_index_articles",
    "Articles in this worker's near-duplicate index as of its last batch (0 on a worker "
    "that has not run the stage; aggregate with max, one worker runs it at a time).",
)
PARTITION_ASSIGNMENTS = Counter(
    "wirestream_partition_assignments_total",
    "Partition assignments this worker received: 1 after joining, +1 per rebalance.",
)
READY = Gauge(
    "wirestream_ready",
    "1 when the worker has joined its consumer group and loaded its pipelines (as /ready).",
)
RECORDS_WRITTEN = Counter(
    "wirestream_records_written_total",
    "Records the broker acknowledged, by topic: internal hops, outputs and dead letters.",
    ["topic"],
)
PUBLISH_ERRORS = Counter(
    "wirestream_publish_errors_total",
    "Write attempts the broker refused or did not acknowledge, by topic and error (each "
    "attempt counts; most are retried).",
    ["topic", "error"],
)
PUBLISH_FAILED = Counter(
    "wirestream_publish_failed_total",
    "Records that could not be written after every retry, by topic. Their input went to "
    "the dead-letter topic (reason publish_failed), or, when the dead-letter topic failed "
    "too, the worker stopped without committing it. Any increase needs a look.",
    ["topic"],
)
BUILD_INFO = Gauge(
    "wirestream_build_info",
    "Versions this worker runs (value is always 1).",
    ["version", "python", "spacy", "faust"],
)

# -- the feed poller (``wirestream feed``, its own process) --------------------------------
# Why a feed or a drop-folder file was not read. HTTP: deadline (abandoned at the total
# deadline), retry_after (not polled: the server's Retry-After has not passed), too_large,
# http_error, unreachable. Files: unchanged (read or skipped before, not changed since),
# symlink (never followed), not_regular_file, too_large (checked before reading), unreadable.
FEED_SKIP_REASONS = ("deadline", "retry_after", "too_large", "http_error", "unreachable",
                     "unchanged", "symlink", "not_regular_file", "unreadable")
FEED_SKIPPED = Counter(
    "wirestream_feed_skipped_total",
    "Feed requests and drop-folder files the feed poller did not read, by reason.",
    ["reason"],
)
for _reason in FEED_SKIP_REASONS:
    FEED_SKIPPED.labels(_reason)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def init(languages: Iterable[str] = (), topics: Iterable[str] = ()) -> None:
    """Create every known label value at 0, so rate() and increase() see the first event."""
    for topic in topics:
        RECORDS_WRITTEN.labels(topic)
        PUBLISH_FAILED.labels(topic)
    for stage in STAGES:
        STAGE_ITEMS_IN.labels(stage)
        STAGE_ITEMS_OUT.labels(stage)
        STAGE_ERRORS.labels(stage)
        PROCESSING_SECONDS.labels(stage)
    for reason in REJECTION_REASONS:
        ARTICLES_REJECTED.labels(reason)
    for verdict in VERDICTS:
        DEDUP_VERDICTS.labels(verdict)
    for reason in ("story_killed", "not_in_update"):
        EVENTS_RETRACTED.labels(reason)
    for language in languages:
        ARTICLES_ENRICHED.labels(language)
    # Package metadata, not ``import spacy``: the worker's main process never loads spaCy.
    BUILD_INFO.labels(_version("wirestream"), platform.python_version(), _version("spacy"),
                      _version("faust-streaming")).set(1)


def observe_freshness(version_created: str | None, published_at: float) -> None:
    """Record publish time minus the version's time; items without a version time are skipped."""
    when = parse_time(version_created)
    if when is not None:
        # A provider clock ahead of ours must not make a negative observation.
        FRESHNESS_SECONDS.observe(max(0.0, published_at - when.timestamp()))


def exposition() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
