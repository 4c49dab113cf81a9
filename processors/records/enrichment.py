"""What the spaCy processes hand back for one article: its enrichment, or why it failed."""

from __future__ import annotations

from msgspec import Struct

from wirestream.processors.records.entities import Entity, LanguageDetection, ModelInfo, Place
from wirestream.processors.records.events import Event


class EnrichmentError(Struct, kw_only=True):
    """One article's enrichment raised: it is dead-lettered alone, the batch goes on."""

    stage: str  # language, ner, entities, events, pool
    error_class: str
    message: str


class Enrichment(Struct, kw_only=True):
    """Language, entities, places and events of one article, with what it cost."""

    model: ModelInfo
    language: str | None = None
    language_detection: LanguageDetection | None = None
    entities: list[Entity] = []
    places: list[Place] = []
    events: list[Event] = []
    nlp_seconds: float = 0.0
    link_seconds: float = 0.0
    event_seconds: float = 0.0
