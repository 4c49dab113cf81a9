"""The records of the output topics, built from an article, its verdict and its enrichment.

The JSON Schemas in config/schemas/ are generated from these types
(``python -m wirestream.processors.records.schemas``); a test fails when they differ.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from wirestream.processors.article import (
    Article,
    Body,
    PubStatus,
    SourceFormat,
    StoryId,
    Version,
    ZoneAssumed,
)
from wirestream.processors.records.common import SCHEMA_VERSION, Dedup, Processing, Source
from wirestream.processors.records.enrichment import Enrichment
from wirestream.processors.records.entities import Entity, LanguageDetection, ModelInfo, Place
from wirestream.processors.records.events import Event

SchemaVersion = Literal[2]


class StoryRecord(Struct, kw_only=True, forbid_unknown_fields=True):
    """What every output record says of the story version it is about."""

    schema_version: SchemaVersion
    id: StoryId
    version: Version
    provider: str | None


class EnrichedRecord(StoryRecord, tag_field="record_type", tag="article"):
    """An enriched article version (topic wire.articles.enriched, key = story id)."""

    source_format: SourceFormat
    headline: str
    body: Body
    pub_status: PubStatus
    signals: list[str]
    version_created: str | None
    first_created: str | None
    embargoed_until: str | None
    byline: str | None
    dateline: str | None
    urgency: int | None
    ednotes: list[str]
    zone_assumed: ZoneAssumed
    dedup: Dedup
    language_declared: str | None
    language: Annotated[str | None, Meta(description=(
        "ISO 639-1 code used for NLP; null when no text to identify."))]
    language_detection: LanguageDetection | None
    word_count: Annotated[int, Meta(ge=0)]
    entities: list[Entity]
    places: list[Place]
    events: Annotated[list[Event], Meta(description=(
        "Events coded from this article; the same records go to the events topic "
        "(key = event_id)."))]
    model: ModelInfo
    processing: Processing


class RetractionRecord(StoryRecord, tag_field="record_type", tag="retraction"):
    """A kill: consumers drop what they hold for this story id (same key)."""

    headline: str
    ednotes: list[str]
    dedup: Dedup
    processing: Processing


class DuplicateRecord(StoryRecord, tag_field="record_type", tag="duplicate"):
    """A later article whose text is a near-copy of an earlier story (topic
    wire.articles.duplicates, key = the copy's id)."""

    source_format: SourceFormat
    headline: str
    version_created: str | None
    dedup: Dedup
    processing: Processing


# What the enriched topic carries (besides tombstones): consumers switch on record_type.
EnrichedTopicRecord = EnrichedRecord | RetractionRecord


def enriched_record(article: Article, enrichment: Enrichment, *, dedup: Dedup,
                    received_at: str, enriched_at: str, source: Source,
                    worker: str) -> EnrichedRecord:
    """The record published on the enriched topic (key = the story id)."""
    return EnrichedRecord(
        schema_version=SCHEMA_VERSION, id=article.id, version=article.version,
        provider=article.provider, source_format=article.source_format,
        headline=article.headline, body=article.body, pub_status=article.pub_status,
        signals=list(article.signals), version_created=article.version_created,
        first_created=article.first_created, embargoed_until=article.embargoed_until,
        byline=article.byline, dateline=article.dateline, urgency=article.urgency,
        ednotes=list(article.ednotes), zone_assumed=article.zone_assumed, dedup=dedup,
        language_declared=article.language, language=enrichment.language,
        language_detection=enrichment.language_detection, word_count=article.word_count,
        entities=enrichment.entities, places=enrichment.places, events=enrichment.events,
        model=enrichment.model,
        processing=Processing(received_at=received_at, enriched_at=enriched_at,
                              worker=worker, source=source))


def retraction_record(article: Article, *, dedup: Dedup, received_at: str,
                      retracted_at: str, source: Source, worker: str) -> RetractionRecord:
    """A kill: consumers drop what they hold for this story id (same key)."""
    return RetractionRecord(
        schema_version=SCHEMA_VERSION, id=article.id, version=article.version,
        provider=article.provider, headline=article.headline, ednotes=list(article.ednotes),
        dedup=dedup,
        processing=Processing(received_at=received_at, enriched_at=retracted_at,
                              worker=worker, source=source))


def duplicate_record(article: Article, *, dedup: Dedup, received_at: str, seen_at: str,
                     source: Source, worker: str) -> DuplicateRecord:
    """A copy of an earlier story (topic wire.articles.duplicates, key = the copy's id)."""
    return DuplicateRecord(
        schema_version=SCHEMA_VERSION, id=article.id, version=article.version,
        provider=article.provider, source_format=article.source_format,
        headline=article.headline, version_created=article.version_created, dedup=dedup,
        processing=Processing(received_at=received_at, enriched_at=seen_at, worker=worker,
                              source=source))
