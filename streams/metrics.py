"""Prometheus metrics of a worker (served at /metrics by the Faust web server)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

# Buckets from 1 ms to 2 min: parsing is milliseconds, spaCy batches are seconds.
_SECONDS_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                    10.0, 30.0, 60.0, 120.0)

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
    "Articles published without entities because no pipeline is installed for their language.",
    ["language"],
)
PROCESSING_SECONDS = Histogram(
    "wirestream_processing_seconds",
    "Time spent per stage: ingest per message, near_duplicates and enrich per batch.",
    ["stage"],
    buckets=_SECONDS_BUCKETS,
)
END_TO_END_SECONDS = Histogram(
    "wirestream_end_to_end_seconds",
    "From the raw message's timestamp to publication on the enriched topic.",
    buckets=_SECONDS_BUCKETS,
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


def exposition() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
