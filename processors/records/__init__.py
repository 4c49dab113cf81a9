"""Typed records between the stages and on the output topics (msgspec Structs).

One type per topic: ``ArticleEnvelope`` (canonical), ``RoutedEnvelope`` (versions and
near-duplicates topics), ``EnrichedRecord`` / ``RetractionRecord`` (enriched),
``Event`` / ``EventRetraction`` (events), ``DuplicateRecord`` (duplicates),
``DeadLetterHeaders`` (the dead-letter topic's headers); ``Enrichment`` comes back from the
spaCy processes.
"""

from wirestream.processors.records.codec import convert, decode, encode
from wirestream.processors.records.common import (
    SCHEMA_VERSION,
    Dedup,
    Processing,
    Source,
    dedup_block,
)
from wirestream.processors.records.dead_letters import HEADER_PREFIX, DeadLetterHeaders
from wirestream.processors.records.enrichment import Enrichment, EnrichmentError
from wirestream.processors.records.entities import (
    Entity,
    LanguageDetection,
    Mention,
    ModelInfo,
    Place,
)
from wirestream.processors.records.envelopes import ArticleEnvelope, ReleaseRequest, RoutedEnvelope
from wirestream.processors.records.events import Event, EventRetraction, EventsTopicRecord
from wirestream.processors.records.output import (
    DuplicateRecord,
    EnrichedRecord,
    EnrichedTopicRecord,
    RetractionRecord,
    duplicate_record,
    enriched_record,
    retraction_record,
)

__all__ = [
    "HEADER_PREFIX", "SCHEMA_VERSION", "ArticleEnvelope", "DeadLetterHeaders", "Dedup",
    "DuplicateRecord", "EnrichedRecord", "EnrichedTopicRecord", "Enrichment",
    "EnrichmentError", "Entity", "Event", "EventRetraction", "EventsTopicRecord",
    "LanguageDetection", "Mention", "ModelInfo",
    "Place", "Processing", "ReleaseRequest", "RetractionRecord", "RoutedEnvelope", "Source",
    "convert", "decode", "dedup_block", "duplicate_record", "encode", "enriched_record",
    "retraction_record",
]
