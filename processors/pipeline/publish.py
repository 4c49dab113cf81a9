"""Publish step: an enriched record and its events, or a retraction, or a dead letter."""

from __future__ import annotations

from wirestream.processors.pipeline.outputs import ENRICHED, EVENTS, EnrichmentFailed, Reject, Send
from wirestream.processors.records import (
    Enrichment,
    EnrichmentError,
    RoutedEnvelope,
    enriched_record,
    retraction_record,
)


def retraction_step(envelope: RoutedEnvelope, *, worker: str, at: str, tombstones: bool
                    ) -> list[Send]:
    """A kill: the retraction record, then (for compacted consumers) a tombstone."""
    key = envelope.article.id.encode()
    sends = [Send(ENRICHED, key, retraction_record(
        envelope.article, dedup=envelope.dedup, received_at=envelope.received_at,
        retracted_at=at, source=envelope.source, worker=worker))]
    if tombstones:
        sends.append(Send(ENRICHED, key, None))
    return sends


def publish_step(envelope: RoutedEnvelope, result: Enrichment | EnrichmentError, *,
                 worker: str, at: str) -> list[Send] | Reject:
    """The enriched record, then its events (key = event id, so a repeat after a crash
    replaces rather than adds; after the article, so a consumer joining events to
    articles finds it)."""
    if isinstance(result, EnrichmentError):
        return Reject(EnrichmentFailed(f"{result.stage}: {result.error_class}: "
                                       f"{result.message}"))
    record = enriched_record(envelope.article, result, dedup=envelope.dedup,
                             received_at=envelope.received_at, enriched_at=at,
                             source=envelope.source, worker=worker)
    sends = [Send(ENRICHED, envelope.article.id.encode(), record)]
    sends.extend(Send(EVENTS, event.event_id.encode(), event) for event in record.events)
    return sends
